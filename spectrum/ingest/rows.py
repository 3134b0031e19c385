"""Pre-segmented input for ``spectrum classify``: JSONL rows of {"id", "text"} or one text per line.

A row may also name the document it comes from (``document``, or ``document_id``): consecutive rows
of one document are then read as neighbouring passages (``spectrum.neighbours``).

A bad row (not UTF-8, invalid JSON, no ``text``) is reported through ``warn`` and skipped, so one
broken line does not cost the others; with ``strict`` it stops the run instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from spectrum.errors import InputError

#: Rows of one document classified together at most (``spectrum classify`` holds a batch in memory).
MAX_DOCUMENT_ROWS = 50_000
#: Keys a row may name its document by, first found wins.
DOCUMENT_KEYS = ("document", "document_id")


class Row(NamedTuple):
    """One passage to classify."""

    id: str
    text: str
    document: str | None = None


def row_document(row: dict[str, Any]) -> str | None:
    """The document a row says it comes from, as text; ``None`` when it names none."""
    for key in DOCUMENT_KEYS:
        value = row.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def read_rows(lines: Iterable[bytes], name: str, jsonl: bool, strict: bool = False,
              warn: Callable[[str], None] = lambda message: None) -> Iterator[Row]:
    """Yield rows in input order; ids default to the line number."""

    def bad(message: str) -> None:
        if strict:
            raise InputError(message, name)
        warn(f"{name}: {message}")

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
        yield Row(str(row.get("id", n)), text, row_document(row))
