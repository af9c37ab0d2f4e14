"""Beyond one process: the run on Prefect's Dask task runner over a local Dask cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import run_flow
from flows.run.manifest import MANIFEST_KEY
from flows.run.settings import RunSettings
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from tests.conftest import tiny_texts
from tests.factories import page_of_lines

pytestmark = pytest.mark.slow
PAGES = 4


def pipelines_loaded() -> int:
    """How many page pipelines (loaded models) this process holds; run on each Dask worker."""
    from flows import pipeline

    return len(pipeline._PIPELINES)


@pytest.mark.usefixtures("prefect_harness")
def test_run_on_a_local_dask_cluster(tiny_model: Path, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster
    from prefect_dask import DaskTaskRunner

    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    for n in range(PAGES):
        Image.fromarray(page_of_lines(tiny_texts(3, seed=40 + n))).save(src / f"p{n}.png")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        runner = DaskTaskRunner(address=cluster.scheduler_address)
        summary = run_flow(str(src), str(dst), RunSettings(model=tiny_model), runner)
        loaded = client.run(pipelines_loaded)
    assert summary["done"] == PAGES and summary["failed"] == 0
    assert sum(loaded.values()) >= 1, "no Dask worker processed a page"
    manifest = json.loads((dst / MANIFEST_KEY).read_text())
    assert sorted(p["input_key"] for p in manifest["pages"]) == [f"p{n}.png" for n in range(PAGES)]
    for n in range(PAGES):
        data = (dst / f"p{n}.alto.xml").read_bytes()
        assert schema_errors(parse_xml(data)) == []
        assert len(read_document(data).text().splitlines()) == 3
