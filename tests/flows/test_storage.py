"""Storage: local folders and a real S3 server behave alike; no key escapes its root."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from flows.storage import Storage, UnsafeKeyError, open_storage
from flows.storage.base import ObjectMissingError, check_key, sha256_hex
from flows.storage.s3 import S3Storage
from tests.seaweed import SeaweedServer

UNSAFE = ["../escape.xml", "a/../../b", "/etc/passwd", "a//b", "./a", "a\\b", "a\x00b",
          "a\u202eb", "", "a/"]  # fmt: skip


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return open_storage(str(tmp_path / "root"))
    server: SeaweedServer = request.getfixturevalue("seaweed")
    bucket: str = request.getfixturevalue("bucket")
    return open_storage(f"s3://{bucket}/run/one", client=server.client())


def test_write_read_list_exists_and_checksum(storage: Storage) -> None:
    storage.write("book/0002.tif", b"two")
    storage.write("book/0001.tif", b"one")
    storage.write("book/sub/ſchrift ä.tif", b"three")
    storage.write("other.txt", b"x")
    assert [(o.key, o.size) for o in storage.list("book/")] == [
        ("book/0001.tif", 3), ("book/0002.tif", 3), ("book/sub/ſchrift ä.tif", 5),
    ]  # fmt: skip
    assert storage.read("book/0001.tif") == b"one"
    assert storage.exists("other.txt") and not storage.exists("missing.txt")
    assert storage.sha256("book/0002.tif") == sha256_hex(b"two")
    storage.write("other.txt", b"replaced")
    assert storage.read("other.txt") == b"replaced"
    with pytest.raises(ObjectMissingError):
        storage.read("missing.txt")


@pytest.mark.parametrize("key", UNSAFE)
def test_unsafe_keys_are_refused_everywhere(storage: Storage, key: str) -> None:
    with pytest.raises(UnsafeKeyError):
        storage.write(key, b"x")
    with pytest.raises(UnsafeKeyError):
        storage.read(key)


def test_local_symlink_cannot_lead_outside(tmp_path: Path) -> None:
    root = tmp_path / "dst"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "link")
    with pytest.raises(UnsafeKeyError):
        open_storage(str(root)).write("link/evil.xml", b"x")
    assert not list(outside.iterdir())


def test_check_key_accepts_ordinary_unicode() -> None:
    assert (
        check_key("Stadtarchiv/Taufbuch 1701/ſeite_01.tif")
        == "Stadtarchiv/Taufbuch 1701/ſeite_01.tif"
    )


def test_s3_metadata_and_listing_many(seaweed: SeaweedServer, bucket: str) -> None:
    store = S3Storage(bucket, "p", client=seaweed.client())
    store.write("x.page.xml", b"<x/>", {"source-key": "x.tif", "source-sha256": "ab" * 32})
    assert store.metadata("x.page.xml")["source-sha256"] == "ab" * 32
    for n in range(1005):  # more than one page of ListObjectsV2
        store.write(f"many/{n:05d}", b"")
    assert len(list(store.list("many/"))) == 1005


@pytest.mark.slow
def test_s3_survives_a_server_restart(tmp_path: Path) -> None:
    """Requests during an outage are retried until the server is back."""
    server = SeaweedServer(tmp_path / "weed")
    server.start()
    try:
        client = server.client()
        client.create_bucket(Bucket="restart")
        store = S3Storage("restart", client=client, attempts=12, base_delay=0.3)
        store.write("before", b"1")
        server.stop()
        restarted = threading.Timer(1.5, server.start)
        restarted.start()
        store.write("during", b"2")  # server down when this starts
        restarted.join()
        assert store.read("before") == b"1" and store.read("during") == b"2"
    finally:
        server.stop()
