"""Evaluating on someone else's labelled passages: checked input, the evaluate tables, the baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from spectrum.cli import cli
from spectrum.errors import InputError, SpectrumError
from spectrum.gold import load_gold, read_gold

ROWS = [
    {"id": "g1", "text": "Payroll for all our academies is run centrally by the trust finance team.",
     "spectrum": "standardised", "domain": "finance"},
    {"id": "g2", "text": "Each school decides its own homework policy.", "spectrum": "autonomous",
     "approach": "none", "challenges": []},
    {"id": "g3", "text": "Our values are kindness and courage.", "spectrum": "none", "domain": "other",
     "challenges": []},
]


def lines(rows: list[object]) -> list[bytes]:
    return [json.dumps(r).encode() + b"\n" for r in rows]


def test_gold_rows_keep_whatever_labels_they_carry() -> None:
    rows = read_gold([*lines(ROWS), b"\n"], "gold.jsonl")
    assert [r["id"] for r in rows] == ["g1", "g2", "g3"]
    assert "approach" not in rows[0] and rows[1]["approach"] == "none"


@pytest.mark.parametrize(("bad", "message"), [
    (b"{not json\n", "line 2: invalid JSON"),
    (json.dumps({"text": "x", "spectrum": "centralised"}).encode(), "line 2: unknown spectrum label 'centralised'"),
    (json.dumps({"spectrum": "none"}).encode(), "line 2: missing or empty text key"),
    (json.dumps({"text": "x", "challenges": ["ceo"]}).encode(), "line 2: challenges must be a list"),
    (b"\xff\xfe text", "line 2: not UTF-8"),
])
def test_a_bad_gold_line_stops_the_evaluation_with_its_line_number(bad: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        read_gold([lines(ROWS[:1])[0], bad], "gold.jsonl")
    assert str(info.value).startswith("gold.jsonl: ")


def test_a_gold_file_without_rows_or_labels_is_refused() -> None:
    with pytest.raises(InputError, match="no labelled rows"):
        read_gold([b"\n", b"  \n"], "empty.jsonl")
    with pytest.raises(InputError, match="no row carries a label"):
        read_gold(lines([{"text": "Just text."}]), "plain.jsonl")


def test_an_empty_or_oversized_gold_file_is_refused_before_reading(tmp_path: Path) -> None:
    empty, big = tmp_path / "empty.jsonl", tmp_path / "big.jsonl"
    empty.write_bytes(b"")
    big.write_bytes(b"".join(lines(ROWS)) * 50)
    with pytest.raises(SpectrumError, match=r"empty\.jsonl: empty file"):
        load_gold(empty)
    with pytest.raises(SpectrumError, match=r"big\.jsonl: file is .* MB, over the .* MB limit"):
        load_gold(big, limit=1000)
    assert len(load_gold(big)) == 150


@given(st.lists(st.sampled_from(["standardised", "aligned", "autonomous", "none"]), min_size=1, max_size=5))
def test_any_valid_spectrum_labels_are_read_back_in_order(labels: list[str]) -> None:
    rows = read_gold(lines([{"text": f"passage {i}", "spectrum": lab} for i, lab in enumerate(labels)]), "g")
    assert [r["spectrum"] for r in rows] == labels


def test_evaluate_gold_prints_engine_rules_and_majority_for_the_labelled_axes(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"".join(lines(ROWS)))
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["n"] == 3 and set(out["axes"]) == {"spectrum", "approach", "domain"}
    spectrum = out["axes"]["spectrum"]
    assert set(spectrum) >= {"engine", "rules_only", "majority"} and "model_without_rules" not in spectrum
    assert sum(spectrum["engine"]["per_label"][lab]["support"] for lab in spectrum["engine"]["labels"]) == 3
    assert out["axes"]["domain"]["engine"]["per_label"]["finance"]["support"] == 1
    # macro-F1 averages over the labels the file uses, not over every label of the vocabulary
    assert spectrum["engine"]["labels"] == ["standardised", "autonomous", "none"]
    assert set(out["axes"]["domain"]["majority"]["labels"]) == {"finance", "other"}
    assert out["axes"]["approach"]["majority"]["accuracy"] == 1.0  # one row, labelled none, the corpus majority
    assert set(out["challenges"]) and all(c["engine"]["support"] == 0 for c in out["challenges"].values())
    table = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold)])
    assert table.exit_code == 0 and "Evaluation on the gold file gold.jsonl (3 segments)" in table.output
    assert "| rules only |" in table.output and "| model without rules |" not in table.output


def test_evaluate_gold_fails_with_one_line_naming_the_file(tmp_path: Path) -> None:
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"text": "x", "domain": "catering"}\n')
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold)])
    assert result.exit_code != 0
    assert "bad.jsonl: line 1: unknown domain label 'catering'" in result.output
