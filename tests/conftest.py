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


TINY_ALPHABET = "ab "


def tiny_texts(count: int, seed: int) -> list[str]:
    """Random lines of two or three words over a and b (no line repeated)."""
    import random

    rng = random.Random(seed)
    return [" ".join("".join(rng.choice("ab") for _ in range(rng.randint(2, 4)))
                     for _ in range(rng.randint(2, 3))) for _ in range(count)]  # fmt: skip


def tiny_training_lines() -> list[object]:
    """Binarized lines cut by our own segmenter and line extractor, as the pipeline cuts them."""
    from layout.images.binarize import binarize
    from layout.line_images import extract_line
    from layout.segment_classic import segment
    from recognition.data import LineSample
    from tests.factories import page_of_lines

    samples: list[object] = []
    for n in range(8):
        texts = tiny_texts(8, seed=n)
        binary = binarize(page_of_lines(texts, size=26 + n % 4 * 2), 300)
        lines = list(segment(binary).lines())
        assert len(lines) == len(texts)
        samples += [LineSample(extract_line(binary, line, paper=255)[0], text)
                    for line, text in zip(lines, texts, strict=True)]  # fmt: skip
    return samples


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny recogniser for a, b and space, trained here in seconds on pipeline-cut lines."""
    from recognition.codec import Codec
    from recognition.model import ModelConfig
    from recognition.training import TrainSettings, train

    samples = tiny_training_lines()
    codec = Codec(list(TINY_ALPHABET))
    config = ModelConfig(classes=codec.classes, channels=(8, 16, 32, 32, 32), hidden=48,
                         layers=1, dropout=0.0)  # fmt: skip
    out = tmp_path_factory.mktemp("tiny-model")
    settings = TrainSettings(epochs=100, batch_size=8, learning_rate=3e-3, patience=100,
                             max_steps=400, threads=1, line_images="binary")  # fmt: skip
    train(samples, samples, codec, out, settings, config=config)  # type: ignore[arg-type]
    return out / "model.safetensors"


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server and database for every flow test of the session."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
