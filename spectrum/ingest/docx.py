"""Word documents through python-docx, after a zip-bomb check (``office.check_zip``)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.office import check_zip, office_errors
from spectrum.ingest.transcript import table_turns


def _heading_level(paragraph: Paragraph) -> int | None:
    try:
        name = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return None
    if name == "Title":
        return 1
    if name.startswith("Heading"):
        digits = name.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    return None


#: A bold lead-in of at most this many words may be a speaker's name ("**Interviewer** How is ...").
BOLD_LABEL_WORDS = 4


def _layout_line(paragraph: Paragraph) -> str:
    """A paragraph as a line of the layout, a bold lead-in set off with a colon as a speaker label.

    Transcripts typed in Word often put the speaker in bold with no colon; the layout is only used
    to tell whether the document is a transcript and to re-read it as one, so a policy's bold
    lead-ins changed the same way cannot turn it into an interview on their own (see
    ``transcript.looks_like_transcript``).
    """
    text = paragraph.text
    try:
        runs = paragraph.runs
    except (KeyError, ValueError, AttributeError):
        return text
    lead = ""
    for run in runs:
        if not run.bold:
            break
        lead += run.text
    label = lead.strip()
    rest = text[len(lead):].strip() if text.startswith(lead) else ""
    if (not label or not rest or label.endswith(":") or rest.startswith(":") or len(label) > 60
            or len(label.split()) > BOLD_LABEL_WORDS or label[-1] in ".?!,;"):
        return text
    return f"{label}: {rest}"


def read_docx(path: Path) -> tuple[DocumentBuilder, str | None]:
    """Paragraphs in body order, headings as sections, each table row as one paragraph."""
    check_zip(path, "DOCX")
    with office_errors(path, "DOCX"):
        document = docx.Document(str(path))
        builder = DocumentBuilder(path, ".docx")
        layout: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                layout.append(_layout_line(block))
                level = _heading_level(block)
                if level is not None:
                    builder.heading(block.text, level)
                else:
                    builder.paragraph(block.text)
            elif isinstance(block, Table):
                rows: list[list[str]] = []
                for row in block.rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        text = cell.text.strip()
                        if text and (not cells or cells[-1] != text):  # merged cells repeat
                            cells.append(text)
                    if cells:
                        builder.paragraph(" | ".join(cells))
                        rows.append(cells)
                # an interview kept as a table of turns is re-read as turns, like one in paragraphs
                layout.extend(table_turns(rows) or [])
        builder.layout = "\n\n".join(layout)
        title = document.core_properties.title or None
    if builder.empty:
        raise IngestError("DOCX has no text", path)
    return builder, title
