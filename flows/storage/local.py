"""Storage in a local folder: keys are relative paths below the root."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from flows.files import write_atomic
from flows.storage.base import ObjectInfo, ObjectMissingError, Storage, UnsafeKeyError, check_key


class LocalStorage(Storage):
    """A folder; writes go through a temporary file and an atomic rename.

    Object metadata has no place in a plain folder and is not kept.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.url = str(self.root)

    def path(self, key: str) -> Path:
        """The file for a key; refuses keys, or symbolic links, that lead outside the root."""
        target = (self.root / check_key(key)).resolve()
        if target != self.root and self.root not in target.parents:
            raise UnsafeKeyError(f"key {key!r} resolves outside {self.root}")
        return target

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Files below the root whose relative path starts with ``prefix``, sorted."""
        if not self.root.is_dir():
            return
        found: list[ObjectInfo] = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.startswith(".") or name.endswith(".part"):
                    continue
                full = Path(folder) / name
                key = full.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(ObjectInfo(key, full.stat().st_size))
        yield from sorted(found, key=lambda info: info.key)

    def read(self, key: str) -> bytes:
        """The file's bytes."""
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as err:
            raise ObjectMissingError(f"{key} is gone from {self.root}") from err

    def write(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None:
        """Write atomically (see :func:`flows.files.write_atomic`)."""
        write_atomic(self.path(key), data)

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self.path(key).is_file()
