"""Unique, schema-valid element IDs for the writers.

Both formats type IDs as ``xsd:ID`` (an NCName, unique in the file). Existing
IDs are kept when they qualify; others are replaced, and the mapping is kept so
that reading-order references follow the change.
"""

from __future__ import annotations

import re

_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


class IdAllocator:
    """Hands out unique NCName IDs, keeping the caller's IDs where possible."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._renamed: dict[str, str] = {}
        self._counter = 0

    def take(self, wanted: str | None, prefix: str) -> str:
        """Return ``wanted`` if it is a fresh NCName, else a new ID starting with ``prefix``."""
        if wanted is not None and _NCNAME.match(wanted) and wanted not in self._used:
            self._used.add(wanted)
            return wanted
        new = self.fresh(prefix)
        if wanted is not None and wanted not in self._used and wanted not in self._renamed:
            self._renamed[wanted] = new
        return new

    def fresh(self, prefix: str) -> str:
        """A new ID never handed out before."""
        while True:
            self._counter += 1
            candidate = f"{prefix}{self._counter}"
            if candidate not in self._used:
                self._used.add(candidate)
                return candidate

    def resolve(self, original: str) -> str:
        """The ID that an original ID was written as."""
        return self._renamed.get(original, original)
