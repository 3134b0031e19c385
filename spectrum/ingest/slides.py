"""PowerPoint decks through python-pptx, after the same zip-bomb check as Word files.

Trusts present strategies, school improvement models and board updates as slide decks. Each
slide's number stands for a page, so quotes cite the slide, and its title is the section.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.shapes.group import GroupShape

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.office import check_zip, office_errors


def _shapes(shapes: Any) -> Iterator[Any]:
    """Every shape on a slide, the shapes inside groups included, in the slide's order."""
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _texts(shape: Any) -> Iterator[str]:
    """A shape's paragraphs, or its table's rows as ``a | b`` lines (as Word tables are read)."""
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                yield " | ".join(cells)
    elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            text = "".join(run.text for run in paragraph.runs).strip() or paragraph.text.strip()
            if text:
                yield text


def read_pptx(path: Path) -> tuple[DocumentBuilder, str | None]:
    """Slides in order, each slide's number as its page and its title as its section."""
    check_zip(path, "PPTX")
    with office_errors(path, "PPTX"):
        deck = Presentation(str(path))
        builder = DocumentBuilder(path, ".pptx")
        for number, slide in enumerate(deck.slides, 1):
            title_shape = slide.shapes.title
            title = title_shape.text_frame.text.strip() if title_shape is not None and title_shape.has_text_frame else ""
            title_id = title_shape.shape_id if title_shape is not None else None
            body = [t for shape in _shapes(slide.shapes) if shape.shape_id != title_id for t in _texts(shape)]
            if not title and not body:
                continue
            builder.page(number)
            if title:
                builder.heading(" ".join(title.split()), 1)
            for text in body:
                builder.paragraph(text)
        deck_title = deck.core_properties.title or None
    if builder.empty:
        raise IngestError("PPTX has no text on any slide", path)
    return builder, deck_title
