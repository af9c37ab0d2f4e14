"""Text normalisation policies for comparing transcriptions.

``raw`` only applies Unicode NFC, so that precomposed and decomposed forms of
one letter compare equal. ``historical`` additionally folds the differences
that diplomatic transcription guidelines (OCR-D level 2, CATMuS) keep and
most users of a search index do not care about:

- compatibility forms (NFKC): ligatures ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ become their letters;
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

_TABLE = str.maketrans(
    {
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


def normalize(text: str, policy: Normalization = "raw") -> str:
    """Normalise text by the named policy (see the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    if policy == "raw":
        return text
    text = _SUPERSCRIPT_E.sub(lambda m: m.group(1) + "\u0308", text)
    text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return unicodedata.normalize("NFC", "\n".join(lines))
