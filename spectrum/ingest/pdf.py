"""PDFs through pypdf's text layer, one page at a time, keeping page numbers for citations.

Real policy and report PDFs repeat a running header and footer on every page ("Curriculum Policy
| Version 3 | Page 4 of 12") and break sentences across pages, with that furniture in between.
Left in, the furniture becomes a segment on every page and each broken sentence becomes two
half-sentences that neither the rules nor the model can read. So lines that repeat at the top
or bottom of most pages are dropped, and a paragraph that ends a page mid-sentence is joined
to the lower-case paragraph that opens the next one.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from spectrum.errors import IngestError
from spectrum.ingest.builder import PAGE_BREAK, DocumentBuilder
from spectrum.ingest.lines import is_contents_line, paragraph_ends, without_bullet

_PAGE_FURNITURE = re.compile(r"^\s*(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?\s*$", re.I)
_DIGITS = re.compile(r"\d+")
_BROKEN_WORD = re.compile(r"[a-z]-$")
#: Lines this close to the top or bottom of a page may be running headers or footers.
EDGE_LINES = 2
#: A line is furniture when it sits at the edge of at least this share of pages (and 2 pages).
FURNITURE_SHARE = 0.5
_SENTENCE_END = (".", "?", "!", ":", ";", "\u201d", '"', ")")

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _paragraphs(page_text: str) -> list[str]:
    """Rejoin lines the PDF broke mid-sentence, ending paragraphs where the page shows they end.

    A blank line ends one, and so does a line that the page's line lengths show ends one
    (``lines.paragraph_ends``): a short last line of a sentence, or a heading.
    """
    paras: list[str] = []
    blocks: list[list[str]] = [[]]
    for line in page_text.split("\n"):
        stripped = line.strip()
        if not stripped or _PAGE_FURNITURE.match(stripped) or is_contents_line(stripped):
            blocks.append([])
        else:
            blocks[-1].append(stripped)
    for block in filter(None, blocks):
        current: list[str] = []
        for stripped, end in zip(block, paragraph_ends(block, unwrapped_width=None), strict=True):
            if current and _BROKEN_WORD.search(current[-1]) and stripped[:1].islower():
                current[-1] += stripped  # "trust-" + "wide": a word the line break split at its hyphen
            else:
                current.append(stripped)
            if end:
                paras.append(without_bullet(" ".join(current)))
                current = []
    return paras


def _edge_key(line: str) -> str:
    """A header or footer line with its numbers blanked, so "Page 3 of 9" matches "Page 4 of 9"."""
    return " ".join(_DIGITS.sub("#", line).split()).casefold()


def _edges(lines: list[str]) -> set[int]:
    """Indexes of the first and last ``EDGE_LINES`` non-blank lines of a page."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def drop_running_lines(pages: list[str]) -> list[str]:
    """Pages without the header and footer lines that repeat at the edge of most pages."""
    if len(pages) < 2:
        return pages
    split = [p.split("\n") for p in pages]
    counts: dict[str, int] = {}
    for lines in split:
        for key in {_edge_key(lines[i]) for i in _edges(lines)}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, FURNITURE_SHARE * len(pages))
    running = {k for k, n in counts.items() if n >= need and k}
    if not running:
        return pages
    out = []
    for lines in split:
        edges = _edges(lines)
        out.append("\n".join(ln for i, ln in enumerate(lines) if i not in edges or _edge_key(ln) not in running))
    return out


def join_across_pages(pages: list[list[str]]) -> list[list[str]]:
    """Each page's paragraphs, with a sentence broken by a page break joined on the page it starts."""
    out: list[list[str]] = []
    last: list[str] | None = None  # the page holding the latest paragraph
    for paras in pages:
        paras = list(paras)
        if last and paras and not last[-1].rstrip().endswith(_SENTENCE_END) and paras[0][:1].islower():
            last[-1] = f"{last[-1]} {paras.pop(0)}"
        out.append(paras)
        if paras:
            last = paras
    return out


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
        # a symbol font can yield the private-use character that marks pages in the layout
        texts = drop_running_lines([(page.extract_text() or "").replace(PAGE_BREAK, " ") for page in reader.pages])
        builder.layout = "".join(f"{PAGE_BREAK}\n{t}\n" for t in texts)
        for number, paras in enumerate(join_across_pages([_paragraphs(t) for t in texts]), 1):
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
