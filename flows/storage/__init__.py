"""Storage: one small interface over local folders and S3-compatible object stores."""

from flows.storage.base import ObjectInfo, Storage, StorageError, UnsafeKeyError
from flows.storage.location import open_storage

__all__ = ["ObjectInfo", "Storage", "StorageError", "UnsafeKeyError", "open_storage"]
