"""Word documents through python-docx, after a zip-bomb check.

python-docx inflates every part it opens; a 0.75 MB file declaring hundreds of MB takes seconds
and most of a gigabyte, so declared sizes and compression ratios are checked first.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.transcript import table_turns

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000


def check_zip(path: Path, what: str) -> None:
    """Refuse archives that are not zips or whose declared contents would inflate too far."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"corrupt or truncated {what} (not a valid zip archive)", path) from exc
    if len(infos) > MAX_MEMBERS:
        raise IngestError(f"{what} has {len(infos)} parts; refusing (possible zip bomb)", path)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise IngestError(
            f"{what} declares {total / 1e6:.0f} MB uncompressed, over {MAX_UNCOMPRESSED / 1e6:.0f} MB (zip bomb?)",
            path,
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            raise IngestError(f"{what} part {info.filename} compresses {info.file_size // info.compress_size}:1 (zip bomb?)", path)


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
    try:
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
    except IngestError:
        raise
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, AttributeError, TypeError) as exc:
        raise IngestError(f"corrupt DOCX ({type(exc).__name__}: {str(exc)[:80]})", path) from exc
    except Exception as exc:  # lxml raises XMLSyntaxError for damaged parts
        if type(exc).__name__ in {"XMLSyntaxError", "BadZipFile"}:
            raise IngestError(f"corrupt DOCX ({str(exc)[:80]})", path) from exc
        raise
    if builder.empty:
        raise IngestError("DOCX has no text", path)
    return builder, title
