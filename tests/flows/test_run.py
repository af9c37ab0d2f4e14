"""archive-ocr run against a real S3 server: good pages read, bad ones reported, nothing lost."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from flows.run.flow import exit_code, ocr_run
from flows.run.manifest import MANIFEST_KEY, REPORT_KEY
from flows.run.settings import RunSettings
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from tests.conftest import tiny_texts
from tests.factories import page_of_lines, png_claiming
from tests.seaweed import SeaweedServer, when_work_starts

pytestmark = pytest.mark.slow


def encoded(texts: list[str], fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(page_of_lines(texts, size=28)).save(buffer, format=fmt, dpi=(300, 300))
    return buffer.getvalue()


def corpus() -> dict[str, bytes]:
    good_tiff = encoded(tiny_texts(3, seed=7), "TIFF")
    return {
        "book/p001.png": encoded(tiny_texts(3, seed=5), "PNG"),
        "book/p002.tif": good_tiff,
        "bad/empty.tif": b"",
        "bad/truncated.tif": good_tiff[: len(good_tiff) // 3],
        "bad/notes.tif": b"Baptisms 1701, see the register\n",
        "bad/bomb.png": png_claiming(100_000, 100_000),
        "bad/scan.png": b"%PDF-1.7\n1 0 obj << >> endobj\n",
        "zz/vanishing.png": encoded(tiny_texts(2, seed=9), "PNG"),
    }


@pytest.mark.usefixtures("prefect_harness")
def test_run_over_s3_accounts_for_every_page(
    seaweed: SeaweedServer, bucket: str, tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = seaweed.client()
    for key, data in corpus().items():
        client.put_object(Bucket=bucket, Key=f"in/{key}", Body=data)
    before = {
        o["Key"]: o["ETag"] for o in client.list_objects_v2(Bucket=bucket, Prefix="in/")["Contents"]
    }
    for name, value in seaweed.environment().items():
        monkeypatch.setenv(name, value)
    watcher = when_work_starts(  # an input vanishes after the run has listed SRC
        client, bucket, lambda: client.delete_object(Bucket=bucket, Key="in/zz/vanishing.png")
    )
    settings = RunSettings(model=tiny_model, max_failure_ratio=1.0)
    summary = ocr_run(f"s3://{bucket}/in", f"s3://{bucket}/out", settings)
    watcher.join(timeout=5)
    assert exit_code(summary) == 3  # pages failed, within the policy

    manifest = json.loads(
        client.get_object(Bucket=bucket, Key=f"out/{MANIFEST_KEY}")["Body"].read()
    )
    pages = {(p["input_key"], p["page"]): p for p in manifest["pages"]}
    reasons = {k[0]: p["reason"] for k, p in pages.items() if p["status"] == "failed"}
    assert set(reasons) == {"bad/empty.tif", "bad/truncated.tif", "bad/notes.tif", "bad/bomb.png",
                            "bad/scan.png", "zz/vanishing.png"}  # fmt: skip
    assert reasons["bad/empty.tif"].startswith("empty")
    assert reasons["bad/truncated.tif"].startswith("truncated")
    assert reasons["bad/notes.tif"].startswith("not-an-image")
    assert reasons["bad/bomb.png"].startswith("too-large")
    assert reasons["bad/scan.png"].startswith("unsupported")
    assert reasons["zz/vanishing.png"].startswith("vanished")
    assert manifest["summary"]["done"] == 2 and manifest["summary"]["failed"] == 6

    for base in ("book/p001", "book/p002"):
        for suffix in (".page.xml", ".alto.xml"):
            obj = client.get_object(Bucket=bucket, Key=f"out/{base}{suffix}")
            data = obj["Body"].read()
            assert schema_errors(parse_xml(data)) == []
            assert obj["Metadata"]["source-key"].startswith("book/")
            assert len(read_document(data).text().splitlines()) == 3
    after = {
        o["Key"]: o["ETag"] for o in client.list_objects_v2(Bucket=bucket, Prefix="in/")["Contents"]
    }
    assert after == {k: v for k, v in before.items() if k != "in/zz/vanishing.png"}
    report = client.get_object(Bucket=bucket, Key=f"out/{REPORT_KEY}")["Body"].read().decode()
    assert "bad/truncated.tif" in report

    ocr_run(f"s3://{bucket}/in", f"s3://{bucket}/out", settings)  # a rerun skips what is done
    rerun = json.loads(client.get_object(Bucket=bucket, Key=f"out/{MANIFEST_KEY}")["Body"].read())
    assert rerun["summary"]["skipped"] == 2 and rerun["summary"]["done"] == 0
