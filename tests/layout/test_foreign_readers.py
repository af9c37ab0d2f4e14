"""Reading the XML other tools write: Tesseract and kraken ALTO, older and nested PAGE."""

from __future__ import annotations

from pathlib import Path

from layout.checks import page_problems
from layout.xmlio import read_document

TESSERACT_ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v3# http://www.loc.gov/alto/v3/alto-3-0.xsd">
 <Description><MeasurementUnit>pixel</MeasurementUnit>
  <sourceImageInformation><fileName>page.png</fileName></sourceImageInformation>
  <OCRProcessing ID="OCR_0"><ocrProcessingStep><processingSoftware>
   <softwareName>tesseract 5.3.0</softwareName></processingSoftware></ocrProcessingStep>
  </OCRProcessing></Description>
 <Layout><Page WIDTH="2480" HEIGHT="3508" PHYSICAL_IMG_NR="0" ID="page_0">
  <PrintSpace HPOS="0" VPOS="0" WIDTH="2480" HEIGHT="3508">
   <ComposedBlock ID="cblock_0" HPOS="236" VPOS="236" WIDTH="1990" HEIGHT="200">
    <TextBlock ID="block_0" HPOS="236" VPOS="236" WIDTH="1990" HEIGHT="200">
     <TextLine ID="line_0" HPOS="236" VPOS="236" WIDTH="600" HEIGHT="81">
      <String ID="string_0" HPOS="236" VPOS="236" WIDTH="198" HEIGHT="81" WC="0.96" CONTENT="Der"/>
      <SP WIDTH="25" VPOS="236" HPOS="434"/>
      <String ID="string_1" HPOS="459" VPOS="236" WIDTH="377" HEIGHT="81" WC="0.91" CONTENT="Wald"/>
     </TextLine>
     <TextLine ID="line_1" HPOS="236" VPOS="336" WIDTH="600" HEIGHT="81">
      <String ID="s2" HPOS="236" VPOS="336" WIDTH="500" HEIGHT="81" WC="0.88" CONTENT="rauſch"/>
      <HYP CONTENT="-"/>
     </TextLine>
    </TextBlock>
   </ComposedBlock>
  </PrintSpace></Page></Layout></alto>""".encode()

KRAKEN_ALTO = b"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
 <Description><MeasurementUnit>pixel</MeasurementUnit>
  <sourceImageInformation><fileName>ms.jpg</fileName></sourceImageInformation></Description>
 <Tags><OtherTag ID="TYPE_1" LABEL="default" TYPE="baselines" DESCRIPTION="line type"/></Tags>
 <Layout><Page WIDTH="1000" HEIGHT="800" PHYSICAL_IMG_NR="0" ID="page_0">
  <PrintSpace HPOS="0" VPOS="0" WIDTH="1000" HEIGHT="800">
   <TextBlock ID="block_1" HPOS="10" VPOS="10" WIDTH="500" HEIGHT="100">
    <Shape><Polygon POINTS="10 10 510 10 510 110 10 110"/></Shape>
    <TextLine ID="line_1" HPOS="20" VPOS="20" WIDTH="400" HEIGHT="50"
              BASELINE="20 60 420 62" TAGREFS="TYPE_1" BASEDIRECTION="rtl">
     <Shape><Polygon POINTS="20 20 420 22 420 70 20 68"/></Shape>
     <String ID="s1" HPOS="20" VPOS="20" WIDTH="400" HEIGHT="50" CONTENT="Item" WC="0.8">
      <Glyph ID="c1" HPOS="20" VPOS="20" WIDTH="100" HEIGHT="50" GC="0.7" CONTENT="I"/>
     </String>
    </TextLine>
   </TextBlock>
  </PrintSpace></Page></Layout></alto>"""

NESTED_PAGE_2013 = b"""<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
 <Metadata><Creator>Transkribus</Creator><Created>2020-01-01T00:00:00</Created>
  <LastChange>2020-01-02T00:00:00</LastChange></Metadata>
 <Page imageFilename="t.jpg" imageWidth="100" imageHeight="100">
  <ReadingOrder><OrderedGroup id="ro">
   <RegionRefIndexed index="1" regionRef="r_b"/>
   <UnorderedGroupIndexed index="0" id="ug"><RegionRef regionRef="r_c"/></UnorderedGroupIndexed>
  </OrderedGroup></ReadingOrder>
  <TextRegion id="r_a" custom="readingOrder {index:2;}"><Coords points="0,0 10,0 10,10 0,10"/>
   <TextLine id="l_a"><Coords points="0,0 10,0 10,10"/>
    <Word id="w1"><Coords points="0,0 5,0 5,5"/><TextEquiv><Unicode>a</Unicode></TextEquiv></Word>
    <Word id="w2"><Coords points="5,0 9,0 9,5"/><TextEquiv><Unicode>b</Unicode></TextEquiv></Word>
   </TextLine></TextRegion>
  <TextRegion id="r_b"><Coords points="0,20 10,20 10,30"/></TextRegion>
  <TextRegion id="r_c"><Coords points="0,40 10,40 10,50"/></TextRegion>
 </Page></PcGts>"""


def test_tesseract_alto_v3() -> None:
    page = read_document(TESSERACT_ALTO)
    assert (page.width, page.height, page.image_filename) == (2480, 3508, "page.png")
    assert [line.text for line in page.lines()] == ["Der Wald", "rauſch-"]
    first = next(page.lines())
    assert [w.confidence for w in first.words] == [0.96, 0.91]
    assert first.polygon  # boxes stand in for missing shapes
    assert page.metadata.steps[0].software is not None
    assert page.metadata.steps[0].software.name == "tesseract 5.3.0"


def test_kraken_alto_and_its_direction_mistake_is_caught() -> None:
    page = read_document(KRAKEN_ALTO)
    line = next(page.lines())
    assert line.baseline == ((20.0, 60.0), (420.0, 62.0))
    assert line.type == "default"
    assert line.words[0].glyphs[0].confidence == 0.7
    # kraken marks Latin lines rtl; the semantic check reports it.
    assert any("text reads ltr but the line is marked rtl" in p for p in page_problems(page))


def test_old_page_with_nested_reading_order_and_word_only_text() -> None:
    page = read_document(NESTED_PAGE_2013)
    assert [r.id for r in page.ordered_regions()] == ["r_c", "r_b", "r_a"]
    assert page.regions[0].lines[0].text == "a b"  # no line TextEquiv: words joined
    assert page.metadata.creator == "Transkribus"


def test_real_tesseract_output_converts_to_valid_alto_4() -> None:
    """tests/layout/data holds Tesseract 5.3.0's own ALTO for a line image we rendered."""
    from layout.xmlio import parse_xml, serialize
    from layout.xmlio.schemas import schema_errors

    source = Path(__file__).parent / "data" / "tesseract-5.3.0.alto.xml"
    page = read_document(source)
    texts = [line.text for line in page.lines()]
    assert texts == [
        'Tom & Jerry <said> "hello"',
        "The quick brown fox jum-",
        "ps over the lazy dog.",
    ]
    assert all(0 < w.confidence <= 1 for line in page.lines() for w in line.words)  # type: ignore[operator]
    for fmt in ("page", "alto"):
        data = serialize(page, fmt)  # type: ignore[arg-type]
        assert schema_errors(parse_xml(data)) == []
        assert [line.text for line in read_document(data).lines()] == texts
