"""Text normalisation policies for comparing transcriptions.

``raw`` changes only the encoding, never the letters: Unicode NFC, so that
precomposed and decomposed forms of one letter compare equal, and ligature code
points spelt out — Unicode's presentation forms (ﬁ, ﬆ, ĳ) and the MUFI and
eMOP private-use ligatures common in OCR-D ground truth (U+F502 ``ch``,
U+EADA ``ſt`` …), with MUFI's private-use umlauts written as the base letter
plus combining small e. ``historical`` additionally folds the differences
that diplomatic transcription guidelines (OCR-D level 2, CATMuS) keep and
most users of a search index do not care about:

- compatibility forms (NFKC), such as superscript letters and full-width forms;
- em dash ``—`` → en dash ``–``;
- long s ``ſ`` → ``s``, r rotunda ``ꝛ`` → ``r``;
- a, o, u with combining small e (U+0364) → ä, ö, ü;
- hyphens ``⸗ ¬ ‐`` and soft hyphen → ``-``;
- typographic quotes ``‘ ’ ‚ ‛`` → ``'`` and ``“ ” „ ‟ « »`` → ``"``;
- runs of spaces and tabs → one space, trimmed at both ends of each line.

Letter case, abbreviation marks and u/v, i/j spellings are kept.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Normalization = Literal["raw", "historical"]

PRIVATE_USE: dict[str, str] = {
    "\uf502": "ch",
    "\ueec4": "ck",
    "\uf4f9": "ll",
    "\ueec5": "ct",
    "\ueedc": "tz",
    "\ueba2": "ſi",
    "\ueba6": "ſſ",
    "\ueba7": "ſſi",
    "\ueada": "ſt",
    "\ueba5": "ſp",
    "\uf532": "as",
    "\uf533": "is",
    "\uf534": "us",
    "\uf535": "Qu",
    "\ue8bf": "q&",
    "\ue42c": "a\u0364",
    "\ue644": "o\u0364",
    "\ue72b": "u\u0364",
}
"""MUFI 4.0 and eMOP private-use ligatures and letters, spelt out in standard Unicode.

OCR-D ground truth writes ``ſt`` as U+EADA and ``ch`` as U+F502; a search index
(and any font without those code points) sees nothing useful in them. The codec
reads ground truth through this table and a model's output passes through it
(:func:`spell_private_use`), so what a run writes is standard Unicode."""

# Presentation-form ligatures (Unicode's own) and the private-use ones, spelt out.
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "ſt",
        "\ufb06": "st",
        "\u0133": "ij",
        "\u0132": "IJ",
        **PRIVATE_USE,
    }
)
_PRIVATE_USE = str.maketrans(PRIVATE_USE)
_TABLE = str.maketrans(
    {
        "—": "–",
        "ſ": "s",
        "ꝛ": "r",
        "⸗": "-",
        "¬": "-",
        "‐": "-",
        "\u00ad": "-",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
    }
)
_SUPERSCRIPT_E = re.compile("([aouAOU])\u0364")
_SPACES = re.compile(r"[ \t]+")


def spell_private_use(text: str) -> str:
    """The text with the private-use code points of :data:`PRIVATE_USE` spelt out (NFC)."""
    return unicodedata.normalize("NFC", text.translate(_PRIVATE_USE))


def normalize(text: str, policy: Normalization = "raw") -> str:
    """Normalise text by the named policy (see the module docstring)."""
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    if policy == "raw":
        return text
    text = _SUPERSCRIPT_E.sub(lambda m: m.group(1) + "\u0308", text)
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", "\n".join(lines))
