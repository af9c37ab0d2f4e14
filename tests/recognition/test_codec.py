"""The codec on its own: graphemes, blank, unknown symbols, charset changes."""

from __future__ import annotations

import pytest

from recognition.codec import BLANK, REPLACEMENT, Codec, graphemes, remap_rows


def test_graphemes_keep_combining_marks_with_their_letter() -> None:
    assert graphemes("Thu\u0364r ſ ꝛ ⸗") == ["T", "h", "u\u0364", "r", " ", "ſ", " ", "ꝛ", " ", "⸗"]
    assert graphemes("Cafe\u0301") == ["C", "a", "f", "é"]  # NFC first


def test_encode_decode_round_trip_and_blank() -> None:
    codec = Codec.from_texts(["uͤber ſein", "Hauſ⸗"])
    labels = codec.encode("ſein Hauſ⸗")
    assert BLANK not in labels
    assert codec.decode(labels) == "ſein Hauſ⸗"
    assert codec.classes == len(codec.symbols) + 1
    assert codec.decode([BLANK, *labels, BLANK]) == "ſein Hauſ⸗"


def test_unknown_graphemes_drop_or_replace() -> None:
    drop = Codec.from_texts(["abc"])
    assert drop.decode(drop.encode("abxc")) == "abc"
    replace = Codec.from_texts(["abc"], unknown="replace")
    assert replace.decode(replace.encode("abxc")) == f"ab{REPLACEMENT}c"
    assert drop.unknown_graphemes("abxyc") == {"x", "y"}


def test_json_round_trip_and_validation() -> None:
    codec = Codec.from_texts(["ſchoͤn"], unknown="replace")
    again = Codec.from_json(codec.to_json())
    assert again.symbols == codec.symbols and again.unknown == "replace"
    with pytest.raises(ValueError, match="unique"):
        Codec(["a", "a"])


def test_remap_rows_follows_shared_symbols() -> None:
    old = Codec(["a", "b", "c"])
    new = Codec(["c", "x", "a"])
    assert remap_rows(old, new) == [0, 3, None, 1]
