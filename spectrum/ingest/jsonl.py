"""JSON Lines: one document per row with at least ``id`` and ``text``; other keys become metadata.

A bad row must not cost the good ones, so rows are validated one by one and the bad line numbers
are reported together after the good rows have been yielded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.text import read_text
from spectrum.models import Document
from spectrum.vocab import DOCUMENT_KINDS


def read_jsonl(path: Path, lines: Iterator[str]) -> Iterator[Document]:
    """Yield a Document per good row; raise one IngestError listing bad rows at the end."""
    bad: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"line {n}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            bad.append(f"line {n}: expected an object with a non-empty 'text'")
            continue
        doc_id = str(row.get("id", f"{path.stem}-{n}"))
        kind = row.get("kind", "other")
        if kind not in DOCUMENT_KINDS:
            bad.append(f"line {n}: unknown kind {kind!r}")
            continue
        builder: DocumentBuilder = read_text(Path(f"{path}#{doc_id}"), row["text"], markdown=False)
        if builder.empty:
            bad.append(f"line {n}: text is blank after cleaning")
            continue
        builder.format = ".jsonl"
        meta = {k: str(v) for k, v in row.items() if k not in {"id", "text", "kind", "title"} and v is not None}
        yield builder.build(kind, title=str(row.get("title") or doc_id), doc_id=doc_id, metadata=meta)
    if bad:
        more = f" (+{len(bad) - 3} more)" if len(bad) > 3 else ""
        raise IngestError(f"{len(bad)} bad row(s): {'; '.join(bad[:3])}{more}", path)
