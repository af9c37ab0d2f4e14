"""Hostile and broken XML is refused with a clear error, never expanded or fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.xmlio import XMLFormatError, read_document

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout>
<Page ID="p" WIDTH="10" HEIGHT="10" PHYSICAL_IMG_NR="1"><PrintSpace>
<TextBlock ID="b"><TextLine ID="l"><String CONTENT="&lol9;"/></TextLine></TextBlock>
</PrintSpace></Page></Layout></alto>"""


def external_entity(target: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE PcGts [<!ENTITY xxe SYSTEM "{target}">]>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
<Page imageFilename="a.png" imageWidth="10" imageHeight="10">
<TextRegion id="r"><Coords points="0,0 5,0 5,5"/><TextLine id="l">
<Coords points="0,0 5,0 5,5"/><TextEquiv><Unicode>&xxe;</Unicode></TextEquiv>
</TextLine></TextRegion></Page></PcGts>""".encode()


def test_entity_expansion_bomb_is_refused() -> None:
    with pytest.raises(XMLFormatError, match="entities"):
        read_document(BILLION_LAUGHS)


def test_external_file_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    with pytest.raises(XMLFormatError) as err:
        read_document(external_entity(secret.as_uri()))
    assert "TOP SECRET" not in str(err.value)


def test_network_entity_is_refused() -> None:
    with pytest.raises(XMLFormatError):
        read_document(external_entity("http://127.0.0.1:9/evil.dtd"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<alto><Layout>", "malformed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "malformed"),
        (b"<html><body/></html>", "neither PAGE-XML nor ALTO"),
        (b'<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"/>', "without Layout"),
    ],
)
def test_broken_input_gets_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(XMLFormatError, match=reason):
        read_document(data)
