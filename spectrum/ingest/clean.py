"""Text normalisation applied to every document before anything else sees it.

Offsets in segments, quotes and QDA exports all refer to the cleaned text, so cleaning happens
exactly once, here. Long runs of punctuation are shortened because spaCy's tokenizer is quadratic
on them (4,000 ``=`` characters take seconds), which would let one odd document stall a batch.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT_RUN = re.compile(r"[^\w\s]{8,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_LONG_TOKEN = re.compile(r"\S{300,}")
#: Typeset PDFs (annual reports, printed strategies) give "ﬁnance" and "ﬂexible" as one ligature
#: character, which no rule or word feature would then match; soft hyphens are invisible breaks.
_TYPESETTING = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                              "\ufb05": "st", "\ufb06": "st", "\u00ad": None})


def clean_text(text: str) -> str:
    """Return ``text`` safe to tokenise: NFC, ligatures spelt out, no controls or soft hyphens, short punctuation runs."""
    text = unicodedata.normalize("NFC", text).translate(_TYPESETTING)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = _PUNCT_RUN.sub(lambda m: m.group(0)[:3], text)
    text = _LONG_TOKEN.sub(lambda m: m.group(0)[:100], text)
    return text


def clean_inline(text: str) -> str:
    """Clean and fold a paragraph onto one line of single spaces."""
    return _SPACES.sub(" ", clean_text(text).replace("\n", " ")).strip()
