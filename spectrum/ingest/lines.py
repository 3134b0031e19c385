"""Where paragraphs end in text that arrives as lines: plain text files and the text layer of PDFs.

Text saved from a web page or a word processor often has one paragraph per line and no blank
lines; text extracted from a PDF is wrapped at the page's width, with no blank lines either.
Joining every line, as for wrapped text, glues headings and whole sections into one paragraph
("3. Finance All budgets are set ... 4. HR and payroll ..."), so a quote carries the heading and
the next heading's practice, and a document's parts cannot be told apart. Breaking at every line
cuts wrapped sentences in half. The block's own line lengths tell the two apart: lines longer
than any wrapping width are not wrapped; in wrapped text a paragraph ends on a line well short of
the width that ends a sentence, a heading is a short line without closing punctuation that
opens with a capital or a section number and is followed by a capital, and a list item (a line
opening with a bullet) starts a paragraph of its own, as the codebook labels list items on their
own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Lines longer than this are not wrapped: each is a paragraph of its own.
UNWRAPPED_WIDTH = 150
#: The width a block is judged against at least: a block of two short lines ("Purpose", then one
#: sentence) has no wrapping width of its own to measure a heading by.
MIN_WIDTH = 60
#: A line ending a sentence ends its paragraph when shorter than this share of the block's width...
SHORT_LAST_LINE = 0.7
#: ...and a line without closing punctuation is a heading when shorter than this share.
HEADING_WIDTH = 0.5
_ENDS_SENTENCE = (".", "?", "!", ":", "\u201d", '"')
_RUNS_ON = (",", ";", "-", "–", "&")
#: "3.", "3.2", "A.", "iv)" before a heading's words.
_NUMBERING = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Z][.)]|[ivxIVX]{1,5}[.)])\s+")


#: A list item's marker: bullets as PDFs and word processors print them, "a)", "(ii)", "3)".
_BULLET = re.compile(r"^(?:[•●▪■◦‣∙·○◆➢✓\uf0b7\uf0a7\uf076]\s*|[*–-]\s+|\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s+)")
#: A contents line: dot leaders (or a tab) and a page number.
_CONTENTS = re.compile(r"(?:(?:\.\s?){4,}|…+|\t)\s*\d{1,4}\s*$")


def is_bullet(line: str) -> bool:
    """Whether a line opens a list item."""
    return bool(_BULLET.match(line)) and len(_BULLET.sub("", line, count=1)) > 0


def without_bullet(line: str) -> str:
    """A list item's words, its marker taken off."""
    return _BULLET.sub("", line, count=1) if is_bullet(line) else line


def is_contents_line(line: str) -> bool:
    """A table-of-contents entry ("2. How schools decide .......... 4"), which says nothing of practice."""
    return bool(_CONTENTS.search(line))


def _opens_with_capital(line: str) -> bool:
    return _NUMBERING.sub("", line, count=1)[:1].isupper()


def _heading_like(line: str, following: str | None, width: int) -> bool:
    """A short line without closing punctuation that opens like a title, before a capital or the end."""
    return (_opens_with_capital(line) and len(line) < HEADING_WIDTH * width and not line.endswith(_ENDS_SENTENCE)
            and not line.endswith(_RUNS_ON) and (following is None or _opens_with_capital(following)))


def paragraph_ends(lines: Sequence[str], unwrapped_width: int | None = UNWRAPPED_WIDTH) -> list[bool]:
    """For each line (already stripped, none blank), whether a paragraph ends after it; the last always does.

    ``unwrapped_width`` is None where lines are always wrapped (a PDF's, at its page's width,
    which on a landscape page with a small font can pass any fixed threshold).
    """
    if not lines:
        return []
    width = max(MIN_WIDTH, *(len(line) for line in lines))
    ends: list[bool] = []
    item = False  # whether the paragraph this line belongs to is a list item
    for i, line in enumerate(lines):
        item = is_bullet(line) or (item and not ends[-1])
        following = lines[i + 1] if i + 1 < len(lines) else None
        if following is None or (unwrapped_width is not None and width > unwrapped_width) or is_bullet(following):
            ends.append(True)
        elif line.endswith(_ENDS_SENTENCE):
            after = lines[i + 2] if i + 2 < len(lines) else None
            ends.append(len(line) < SHORT_LAST_LINE * width or _heading_like(following, after, width))
        elif item:  # a list item ends on a short line before a capital, punctuated or not
            ends.append(len(line) < SHORT_LAST_LINE * width and _opens_with_capital(following))
        else:
            ends.append(_heading_like(line, following, width))
    return ends
