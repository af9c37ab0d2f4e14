"""The storage contract and the key rules every backend enforces.

Keys are relative POSIX paths (``book/0001.tif``). A key with an empty, ``.``
or ``..`` segment, a leading slash, a backslash or a control character is
refused before any backend sees it, so no object name can steer a write
outside the destination.
"""

from __future__ import annotations

import hashlib
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass


class StorageError(Exception):
    """A storage operation failed (after retries, where they apply)."""


class ObjectMissingError(StorageError):
    """The object does not exist (any more)."""


class UnsafeKeyError(StorageError):
    """A key that could escape its root or confuse a file system."""


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """A listed object: its key relative to the storage root, and its size in bytes."""

    key: str
    size: int


def check_key(key: str) -> str:
    """Return the key if it is a safe relative path, else raise :class:`UnsafeKeyError`."""
    if not key or key.startswith("/") or "\\" in key:
        raise UnsafeKeyError(f"unsafe key {key!r}: empty, absolute or with a backslash")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in key):
        raise UnsafeKeyError(f"unsafe key {key!r}: control or format characters")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise UnsafeKeyError(f"unsafe key {key!r}: empty, '.' or '..' path segment")
    return key


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


class Storage(ABC):
    """A folder-like place holding objects under string keys."""

    url: str

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order."""

    @abstractmethod
    def read(self, key: str) -> bytes:
        """The whole object; :class:`ObjectMissingError` when it is gone."""

    @abstractmethod
    def write(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None:
        """Store the object whole or not at all, replacing any older one."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether the object exists."""

    def sha256(self, key: str) -> str:
        """Hex sha256 of the object's content."""
        return sha256_hex(self.read(key))
