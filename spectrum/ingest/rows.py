"""Pre-segmented input for ``spectrum classify``: JSONL rows of {"id", "text"} or one text per line.

A bad row (not UTF-8, invalid JSON, no ``text``) is reported through ``warn`` and skipped, so one
broken line does not cost the others; with ``strict`` it stops the run instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

from spectrum.errors import InputError


def read_rows(lines: Iterable[bytes], name: str, jsonl: bool, strict: bool = False,
              warn: Callable[[str], None] = lambda message: None) -> Iterator[tuple[str, str]]:
    """Yield (id, text) in input order; ids default to the line number."""

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
            yield str(n), line.rstrip("\r\n")
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
        yield str(row.get("id", n)), text
