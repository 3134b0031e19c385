"""Plain text and Markdown: paragraphs, with Markdown headings as sections.

Paragraphs split on blank lines, and within a block where its lines show one ends
(``lines.paragraph_ends``).
"""

from __future__ import annotations

import re
from pathlib import Path

from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.lines import paragraph_ends

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


def read_text(path: Path, text: str, markdown: bool) -> DocumentBuilder:
    """Split text into paragraphs; list items stay separate paragraphs so each is a segment."""
    builder = DocumentBuilder(path, ".md" if markdown else ".txt")
    for block in _blocks(text):
        para: list[str] = []
        ends = paragraph_ends([line.strip() for line in block])
        if markdown:  # a Setext heading's title stays open for the underline below it
            ends = [end and not (i + 1 < len(block) and _SETEXT.match(block[i + 1])) for i, end in enumerate(ends)]

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
            if ends[i]:
                flush()
        flush()
    return builder
