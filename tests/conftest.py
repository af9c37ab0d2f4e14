"""Shared fixtures: the real ground truth beside the checkout, when present."""

from __future__ import annotations

from pathlib import Path

import pytest

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
