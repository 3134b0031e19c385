"""Whether a passage is a title: a heading, a caption or a document's name, not a statement.

Titles name a topic ("Trust Training and CPD Policy", "How the Trust and its Academies Work
Together") and take no position, yet their words are the words of positions: "trust", "policy",
"aligned", "autonomy". The codebook labels a heading alone ``none`` (section 6.15: it takes the
domain it introduces), and the people who label real trust text agree: of the 133 title-shaped
passages on which both annotators of the development sets 3-10 agree, 132 are ``none``, and in
the corpus 86 of 89. A document's markup marks some titles, but rows, PDFs and pasted text do
not, so the shape is read from the words: short, no closing punctuation, and most content words
capitalised. A first capital alone is not enough: "Single bank account" is a list item that
states a position.
"""

from __future__ import annotations

import re

#: Longest title in words; longer capitalised runs are names in a sentence, not titles.
MAX_TITLE_WORDS = 8
#: Share of content words that must open with a capital.
CAPITALISED_SHARE = 0.6
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CLOSES = tuple(".!?;:\"'”’)…")
#: Words a title leaves in lower case ("Policy for the Management of Allegations").
MINOR_WORDS = frozenset(["a", "an", "the", "and", "or", "but", "nor", "of", "for", "to", "in", "on", "at", "by", "with", "from", "into", "as", "is", "are", "its", "our", "their"])


def is_title(text: str) -> bool:
    """A short, capitalised line with no closing punctuation."""
    text = text.strip()
    if not text or text.endswith(_CLOSES):
        return False
    words = _WORD.findall(text)
    if not words or len(words) > MAX_TITLE_WORDS:
        return False
    content = [w for w in words if w.lower() not in MINOR_WORDS]
    if not content:
        return False
    return sum(w[0].isupper() for w in content) >= CAPITALISED_SHARE * len(content)
