"""Right-to-left pages end to end: logical order in and out, direction marked in PAGE and ALTO.

One Arabic and one Hebrew page, each set in a face its model never saw in
training (the PyPI releases of Amiri and Frank Ruhl Libre)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from flows.run.flow import exit_code, ocr_run
from flows.run.settings import RunSettings
from layout.synthetic import PageStyle, render_page
from layout.xmlio import parse_xml, read_document
from layout.xmlio.schemas import schema_errors
from recognition.metrics import char_errors
from recognition.models import shipped_model
from tests.factories import arabic_font, hebrew_font

pytestmark = pytest.mark.slow

ARABIC = [
    "في المدينة القديمة مكتبة كبيرة فيها كتب كثيرة عن تاريخ البلاد والناس والعلماء",
    "كان الطقس جميلا في ذلك اليوم وخرج الأطفال إلى الحديقة مع أهلهم بعد الظهر",
]
HEBREW = [
    "בעיר העתיקה יש ספרייה גדולה ובה ספרים רבים על תולדות הארץ והאנשים והחכמים",
    "מזג האוויר היה יפה באותו יום והילדים יצאו אל הגן עם הוריהם אחרי הצהריים",
]
SCRIPTS = {
    "arabic": ("arabic-small", arabic_font, ARABIC),
    "hebrew": ("hebrew-small", hebrew_font, HEBREW),
}
ALTO = "{http://www.loc.gov/standards/alto/ns-v4#}"


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_page_is_read_right_to_left(tmp_path: Path, script: str) -> None:
    model, font, paragraphs = SCRIPTS[script]
    style = PageStyle(width=1000, height=900, direction="rtl", skew=0.4)
    grey, truth = render_page(paragraphs, font(), style)
    scans = tmp_path / "in"
    scans.mkdir()
    Image.fromarray(grey).save(scans / "folio.png", dpi=(300, 300))
    settings = RunSettings(model=shipped_model(model), direction="rtl")
    assert exit_code(ocr_run(str(scans), str(tmp_path / "out"), settings)) == 0

    page_xml = (tmp_path / "out" / "folio.page.xml").read_bytes()
    alto_xml = (tmp_path / "out" / "folio.alto.xml").read_bytes()
    for data in (page_xml, alto_xml):
        assert schema_errors(parse_xml(data)) == []
    read = read_document(page_xml)
    assert read.direction == "rtl"
    assert len(list(read.lines())) == len(list(truth.lines()))
    # Read in logical order (in display order nearly every character would be wrong);
    # the face differs from those the model was trained on, hence the margin.
    assert char_errors(read.text(), truth.text()).rate <= 0.15, read.text()

    alto = etree.fromstring(alto_xml)
    lines = alto.findall(f".//{ALTO}TextLine")
    assert lines and all(line.get("BASEDIRECTION") == "rtl" for line in lines)
    first = [float(s.get("HPOS")) for s in lines[0].findall(f"{ALTO}String")]
    assert first == sorted(first, reverse=True)  # logical order: the first word is rightmost
