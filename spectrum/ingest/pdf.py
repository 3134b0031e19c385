"""PDFs through pypdf's text layer, one page at a time, keeping page numbers for citations."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder

_PAGE_FURNITURE = re.compile(r"^\s*(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?\s*$", re.I)

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _paragraphs(page_text: str) -> list[str]:
    """Rejoin lines the PDF broke mid-sentence; a blank line or a short line ends a paragraph."""
    paras: list[str] = []
    current: list[str] = []
    for line in page_text.split("\n"):
        stripped = line.strip()
        if not stripped or _PAGE_FURNITURE.match(stripped):
            if current:
                paras.append(" ".join(current))
                current = []
            continue
        current.append(stripped)
        if stripped.endswith((".", "?", "!", ":")) and len(stripped) < 60:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return paras


def read_pdf(path: Path) -> tuple[DocumentBuilder, str | None]:
    """Read each page's text; encrypted and image-only PDFs are errors the user can act on."""
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # pypdf raises crypto-library errors for unsupported ciphers
                raise IngestError("encrypted PDF; remove the password first", path) from exc
            if not ok:
                raise IngestError("encrypted PDF; remove the password first", path)
        builder = DocumentBuilder(path, ".pdf")
        title = None
        try:
            meta = reader.metadata
            title = str(meta.title) if meta and meta.title else None
        except (PyPdfError, ValueError, TypeError, KeyError):
            title = None
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            paras = _paragraphs(text)
            if paras:
                builder.page(number)
            for para in paras:
                builder.paragraph(para)
    except IngestError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            IndexError, AssertionError, RecursionError, ZeroDivisionError) as exc:
        raise IngestError(f"corrupt or truncated PDF ({type(exc).__name__}: {str(exc)[:80]})", path) from exc
    if builder.empty:
        raise IngestError("scanned, no text layer; OCR it first", path)
    return builder, title
