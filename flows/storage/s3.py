"""Storage in an S3 bucket (AWS S3, MinIO, SeaweedFS, Ceph) through boto3.

Endpoint, region and credentials come from boto3's usual chain: environment
(``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID`` …), shared config and profile
(``AWS_PROFILE``), instance roles. Nothing here stores or prints them.

Transient failures (connection refused or reset, timeouts, throttling, 5xx)
are retried with exponential backoff and jitter, on top of botocore's own
retries, so that an object store restarting mid-run is survived.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from flows.storage.base import ObjectInfo, ObjectMissingError, Storage, StorageError, check_key

T = TypeVar("T")

_TRANSIENT_CODES = frozenset(
    {"500", "502", "503", "504", "InternalError", "ServiceUnavailable", "SlowDown",
     "RequestTimeout", "Throttling", "ThrottlingException", "RequestTimeTooSkewed"}
)  # fmt: skip
_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})


def _transient(err: Exception) -> bool:
    if isinstance(err, ConnectionError | HTTPClientError):
        return True
    if isinstance(err, ClientError):
        return str(err.response.get("Error", {}).get("Code")) in _TRANSIENT_CODES
    return False


def _missing(err: Exception) -> bool:
    return isinstance(err, ClientError) and (
        str(err.response.get("Error", {}).get("Code")) in _MISSING_CODES
    )


def _default_client() -> Any:
    """A client from boto3's usual chain of endpoint, region and credentials."""
    return boto3.client(
        "s3",
        config=Config(
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60
        ),
    )


class S3Storage(Storage):
    """Objects under ``s3://bucket/prefix``; keys are relative to the prefix."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any | None = None,
        attempts: int = 8,
        base_delay: float = 0.5,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = f"s3://{bucket}/{self.prefix}"
        self.attempts = attempts
        self.base_delay = base_delay
        self._own_client = client is None
        self.client = client or _default_client()

    def __repr__(self) -> str:
        return f"S3Storage({self.url!r})"

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its boto3 client (sent to Dask workers): they make their own."""
        state = dict(self.__dict__)
        if self._own_client:
            state["client"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.client is None:
            self.client = _default_client()

    def _retry(self, action: str, call: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except (BotoCoreError, ClientError) as err:
                if _missing(err):
                    raise ObjectMissingError(f"{action}: no such object in {self.url}") from err
                if not _transient(err) or attempt == self.attempts:
                    raise StorageError(f"{action} failed on {self.url}: {err}") from err
                delay = self.base_delay * 2 ** (attempt - 1)
                time.sleep(min(delay, 30.0) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects under the storage prefix plus ``prefix``, in key order (S3 lists sorted)."""
        token: str | None = None
        while True:
            args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix + prefix}
            if token:
                args["ContinuationToken"] = token
            page: dict[str, Any] = self._retry("list", partial(self.client.list_objects_v2, **args))
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if key and not key.endswith("/"):
                    yield ObjectInfo(key, int(item.get("Size", 0)))
            if not page.get("IsTruncated"):
                return
            token = page.get("NextContinuationToken")

    def read(self, key: str) -> bytes:
        """The whole object, streamed; retried as a whole on a broken connection."""
        full = self._key(key)

        def fetch() -> bytes:
            body = self.client.get_object(Bucket=self.bucket, Key=full)["Body"]
            try:
                return bytes(body.read())
            finally:
                body.close()

        return self._retry(f"read {key}", fetch)

    def write(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None:
        """One PUT: S3 makes it visible whole or not at all."""
        full = self._key(key)
        self._retry(
            f"write {key}",
            lambda: self.client.put_object(
                Bucket=self.bucket, Key=full, Body=data, Metadata=metadata or {}
            ),
        )

    def exists(self, key: str) -> bool:
        """Whether a HEAD finds the object."""
        full = self._key(key)
        try:
            self._retry(
                f"head {key}", lambda: self.client.head_object(Bucket=self.bucket, Key=full)
            )
        except ObjectMissingError:
            return False
        return True

    def metadata(self, key: str) -> dict[str, str]:
        """The object's user metadata."""
        full = self._key(key)
        head = self._retry(
            f"head {key}", lambda: self.client.head_object(Bucket=self.bucket, Key=full)
        )
        return dict(head.get("Metadata", {}))
