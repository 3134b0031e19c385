"""Pre-segmented input for ``spectrum classify``: JSONL rows, a CSV or TSV table, or lines.

JSONL rows are {"id", "text"}; a table needs a ``text`` column; a plain file has one text per line.

A row may also name the document it comes from (``document``, or ``document_id``): consecutive rows
of one document are then read as neighbouring passages (``spectrum.neighbours``).

A bad row (not UTF-8, invalid JSON, no ``text``) is reported through ``warn`` and skipped, so one
broken line does not cost the others; with ``strict`` it stops the run instead.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from spectrum.errors import InputError
from spectrum.ingest.kinds import infer_role

#: Rows of one document classified together at most (``spectrum classify`` holds a batch in memory).
MAX_DOCUMENT_ROWS = 50_000
#: Keys a row may name its document by, first found wins.
DOCUMENT_KEYS = ("document", "document_id")
#: Keys a row may name who said it by (a role or a speaker label), first found wins.
SPEAKER_KEYS = ("role", "speaker")


class Row(NamedTuple):
    """One passage to classify."""

    id: str
    text: str
    document: str | None = None
    #: said by the interviewer (``role`` or ``speaker`` names one): its topic is lent to the answer
    asked: bool = False


def row_document(row: dict[str, Any]) -> str | None:
    """The document a row says it comes from, as text; ``None`` when it names none."""
    for key in DOCUMENT_KEYS:
        value = row.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def is_interviewer(label: object) -> bool:
    """Whether a row's ``role`` or ``speaker`` value names the interviewer ("Interviewer", "I", "Q")."""
    return isinstance(label, str) and infer_role(label) == "interviewer"


def row_asked(row: dict[str, Any]) -> bool:
    """Whether a JSONL row says the interviewer said it."""
    return next((is_interviewer(row[k]) for k in SPEAKER_KEYS if k in row), False)


def _bad_rows(name: str, strict: bool, warn: Callable[[str], None]) -> Callable[[str], None]:
    """How a bad row is reported: it stops the run under ``strict``, else it is warned of and skipped."""
    def bad(message: str) -> None:
        if strict:
            raise InputError(message, name)
        warn(f"{name}: {message}")

    return bad


def read_rows(lines: Iterable[bytes], name: str, jsonl: bool, strict: bool = False,
              warn: Callable[[str], None] = lambda message: None) -> Iterator[Row]:
    """Yield rows in input order; ids default to the line number."""
    bad = _bad_rows(name, strict, warn)
    for n, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            bad(f"line {n}: not UTF-8")
            continue
        if not line.strip():
            continue
        if not (jsonl and line.lstrip().startswith("{")):
            yield Row(str(n), line.rstrip("\r\n"))
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            bad(f"line {n}: invalid JSON ({exc.msg})")
            continue
        text = row.get("text") if isinstance(row, dict) else None
        if not isinstance(text, str):
            bad(f"line {n}: missing or bad text key")
            continue
        yield Row(str(row.get("id", n)), text, row_document(row), row_asked(row))


def read_table_rows(lines: Iterable[bytes], name: str, delimiter: str = ",", strict: bool = False,
                    warn: Callable[[str], None] = lambda message: None) -> Iterator[Row]:
    """Yield the rows of a CSV or TSV table, streamed, in order; ``id`` defaults to the row number.

    The header must name a ``text`` column (matched without regard to case); ``id``,
    ``document`` (or ``document_id``) and ``role`` (or ``speaker``) are used when present. A spreadsheet's byte-order mark is
    ignored. A row that is not UTF-8 is skipped with a warning, as in JSONL.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    bad = _bad_rows(name, strict, warn)

    def text_lines() -> Iterator[str]:
        for n, raw in enumerate(lines, 1):
            try:
                yield decoder.decode(raw)
            except UnicodeDecodeError:
                decoder.reset()
                if n == 1:  # without its header the table cannot be read at all
                    raise InputError("line 1: not UTF-8 (the header; a binary file?)", name) from None
                bad(f"line {n}: not UTF-8")

    reader = csv.reader(text_lines(), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"unreadable table header ({exc})", name) from exc
    columns = {h.strip().casefold(): i for i, h in enumerate(header)}
    if "text" not in columns:
        raise InputError(f"the table has no 'text' column (columns: {', '.join(h.strip() for h in header) or 'none'})",
                         name)
    at = columns["text"]
    id_at = columns.get("id")
    doc_at = next((columns[k] for k in DOCUMENT_KEYS if k in columns), None)
    who_at = next((columns[k] for k in SPEAKER_KEYS if k in columns), None)
    n = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            bad(f"row {n + 1}: {exc}")
            continue
        n += 1
        if not any(c.strip() for c in cells):
            continue
        if at >= len(cells) or not cells[at].strip():
            bad(f"row {n}: no text")
            continue
        row_id = cells[id_at].strip() if id_at is not None and id_at < len(cells) and cells[id_at].strip() else str(n)
        document = cells[doc_at].strip() if doc_at is not None and doc_at < len(cells) else ""
        asked = who_at is not None and who_at < len(cells) and is_interviewer(cells[who_at])
        yield Row(row_id, cells[at], document or None, asked)
