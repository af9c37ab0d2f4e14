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


def test_private_use_ligatures_are_read_as_the_letters_they_join() -> None:
    # OCR-D ground truth writes ſt as MUFI U+EADA and ch as U+F502: a new codec never
    # learns them, and the same word spelt either way gets the same labels
    codec = Codec.from_texts(["Ge\ueadaern nach", "ſchoͤn"])
    assert not [s for s in codec.symbols if "\ue000" <= s <= "\uf8ff"]
    assert codec.encode("Ge\ueadaern na\uf502") == codec.encode("Geſtern nach")
    assert codec.unknown_graphemes("\ueec4") == {"k"}  # ck: c is known, k is not
    # a codec that learned them (a model trained before the rule) writes the letters,
    # and keeps reading ground truth as its symbols, so fine-tuning need not unlearn them
    learned = Codec(["G", "e", "\ueada", "\ue72b", "ſ", "t", "\uf502"])
    assert learned.texts == ["G", "e", "ſt", "u\u0364", "ſ", "t", "ch"]
    assert learned.decode([1, 2, 3, 0, 4]) == "Geſtuͤ"
    assert learned.encode("Ge\ueada\ueada") == [1, 2, 3, 3]
    assert learned.encode("Geſt") == [1, 2, 5, 6]  # the letters written out stay letters
    assert learned.unknown_graphemes("\ueec4\uf502") == {"c", "k"}  # ck is spelt; ch is held


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
