"""Shared fixtures: the real ground truth beside the checkout, when present."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.seaweed import SeaweedServer

SHARED_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pages"


@pytest.fixture(scope="session")
def shared_pages() -> Path:
    """The folder of real ground-truth pages (../shared/data/pages)."""
    if not SHARED_PAGES.is_dir():
        pytest.skip("../shared/data/pages is not present")
    return SHARED_PAGES


@pytest.fixture(scope="session")
def sample_pages(shared_pages: Path) -> list[Path]:
    """Three real pages from each ground-truth set (PAGE and ALTO, print and hand)."""
    sample: list[Path] = []
    for subset in sorted(p for p in shared_pages.iterdir() if p.is_dir()):
        sample.extend(sorted(subset.glob("*.xml"))[:3])
    return sample


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """One real S3 server (SeaweedFS) for the whole session."""
    server = SeaweedServer(tmp_path_factory.mktemp("seaweed"))
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def bucket(seaweed: SeaweedServer, request: pytest.FixtureRequest) -> str:
    """A fresh, empty bucket named after the test."""
    name = "t-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    seaweed.client().create_bucket(Bucket=name)
    return name
