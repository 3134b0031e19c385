"""Validate corpus batch files and print their label counts: ``python -m spectrum.corpus FILE...``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from spectrum.corpus.schema import CorpusSegment


def main(argv: list[str]) -> int:
    """Validate each file, report every bad line, and print counts per label."""
    bad = 0
    rows: list[CorpusSegment] = []
    seen: set[str] = set()
    for name in argv:
        for n, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                seg = CorpusSegment.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as exc:
                bad += 1
                print(f"{name}:{n}: {str(exc).splitlines()[0]} | {str(exc)[:300]!r}")
                continue
            if seg.id in seen:
                bad += 1
                print(f"{name}:{n}: duplicate id {seg.id}")
            seen.add(seg.id)
            rows.append(seg)
    print(f"{len(rows)} valid rows, {bad} bad")
    for field in ("spectrum", "approach", "context", "register_", "domain"):
        print(field, dict(Counter(getattr(r, field) for r in rows).most_common()))
    print("challenges", dict(Counter(c for r in rows for c in r.challenges).most_common()))
    print("domain x spectrum", dict(Counter(f"{r.domain}/{r.spectrum}" for r in rows)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
