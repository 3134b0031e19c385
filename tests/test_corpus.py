"""The corpus keeps its schema, minimum counts and leakage rule (the report script prints the figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spectrum.corpus.load import check_corpus, load_segments, load_splits, make_splits
from spectrum.errors import CorpusError


def test_corpus_meets_schema_minimums_and_leakage_rule() -> None:
    segments = load_segments()
    check = check_corpus(segments, load_splits())
    assert check.problems == []
    assert check.leaks == []
    assert set(check.split_sizes) == {"train", "dev", "test"}


def test_corpus_near_duplicates_never_straddle_splits(tmp_path: Path) -> None:
    base = {"register": "policy", "domain": "finance", "spectrum": "standardised", "approach": "none",
            "context": "current", "challenges": [], "batch": "t"}
    texts = ["Payroll is run centrally for every academy in the trust.",
             "Payroll is run centrally for every academy in the trust!"] + [f"Unrelated sentence number {i} here." for i in range(40)]
    seg_dir = tmp_path / "segments"
    seg_dir.mkdir()
    (seg_dir / "a.jsonl").write_text("\n".join(json.dumps({**base, "id": f"x{i}", "text": t}) for i, t in enumerate(texts)))
    segments = load_segments(tmp_path)
    splits = make_splits(segments)
    assert splits["x0"] == splits["x1"]


def test_corpus_bad_row_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "a.jsonl").write_text('{"id": "a", "text": "x"}\n')
    with pytest.raises(CorpusError, match=r"a.jsonl:1"):
        load_segments(tmp_path)
