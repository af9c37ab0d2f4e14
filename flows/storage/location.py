"""Open a storage from a location string: a local folder or ``s3://bucket/prefix``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.storage.base import Storage, StorageError
from flows.storage.local import LocalStorage


def open_storage(location: str, client: Any | None = None) -> Storage:
    """The storage for ``location``; ``client`` overrides the boto3 client for S3."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[len("s3://") :].partition("/")
        if not bucket:
            raise StorageError(f"no bucket in {location!r}; expected s3://bucket/prefix")
        # boto3 only where S3 is used: the commands that never touch it start without it
        from flows.storage.s3 import S3Storage  # noqa: PLC0415

        return S3Storage(bucket, prefix, client=client)
    if "://" in location:
        raise StorageError(f"unsupported location {location!r}: use a folder or s3://")
    return LocalStorage(Path(location))
