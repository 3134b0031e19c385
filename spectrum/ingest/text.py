"""Plain text and Markdown: paragraphs split on blank lines, Markdown headings as sections.

Text saved from a web page or a word processor often has one paragraph per line and no blank
lines; text extracted from a PDF is wrapped at a fixed width. Joining every line of a block, as
for wrapped text, would glue headings and whole sections into one paragraph. So a block whose
lines run longer than any wrapping width keeps each line as a paragraph, and in wrapped text a
short line that ends a sentence, or a short unpunctuated line before a capital (a heading), ends
its paragraph.
"""

from __future__ import annotations

import re
from pathlib import Path

from spectrum.ingest.builder import DocumentBuilder

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d+[.)]|[a-z][.)])\s+")


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


#: Lines longer than this are not wrapped: each is a paragraph of its own.
UNWRAPPED_WIDTH = 150
_ENDS_SENTENCE = (".", "?", "!", ":", "\u201d", '"')


def _heading_like(line: str, following: str | None, width: int) -> bool:
    """A short capitalised line without closing punctuation, before a capital or the end of the block."""
    stripped = line.strip()
    return (stripped[:1].isupper() and len(stripped) < 0.5 * width and not stripped.endswith(_ENDS_SENTENCE)
            and not stripped.endswith((",", ";", "-")) and (following is None or following.strip()[:1].isupper()))


def _ends_paragraph(block: list[str], i: int, width: int) -> bool:
    """Whether line ``i`` of a block ends its paragraph, judged from its length against the block's."""
    if i + 1 >= len(block):
        return False
    if width > UNWRAPPED_WIDTH:
        return True
    stripped = block[i].strip()
    after = block[i + 2] if i + 2 < len(block) else None
    if stripped.endswith(_ENDS_SENTENCE):
        return len(stripped) < 0.7 * width or _heading_like(block[i + 1], after, width)
    return _heading_like(block[i], block[i + 1], width)


def read_text(path: Path, text: str, markdown: bool) -> DocumentBuilder:
    """Split text into paragraphs; list items stay separate paragraphs so each is a segment."""
    builder = DocumentBuilder(path, ".md" if markdown else ".txt")
    for block in _blocks(text):
        para: list[str] = []
        width = max(len(line.strip()) for line in block)

        def flush(para: list[str] = para) -> None:
            if para:
                builder.paragraph(" ".join(para))
                para.clear()

        for i, line in enumerate(block):
            heading = _MD_HEADING.match(line) if markdown else None
            if heading:
                flush()
                builder.heading(heading.group(2).strip("*_ "), len(heading.group(1)))
                continue
            if markdown and _SETEXT.match(line) and para and i > 0:
                title = para.pop()
                flush()
                builder.heading(title, 1 if line.strip().startswith("=") else 2)
                continue
            if _LIST_ITEM.match(line):
                flush()
                para.append(_LIST_ITEM.sub("", line, count=1))
                flush()
                continue
            para.append(line.strip())
            if _ends_paragraph(block, i, width):
                flush()
        flush()
    return builder
