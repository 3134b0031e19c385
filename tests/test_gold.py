"""Evaluating on someone else's labelled passages: checked input, the evaluate tables, the baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

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


def test_two_coders_are_compared_with_each_other_and_with_the_engine(tmp_path: Path) -> None:
    """The coders' agreement is the ceiling to read the engine against, on the same rows."""
    second = [dict(r) for r in ROWS]
    second[2]["spectrum"] = "autonomous"  # the coders differ on one of three rows
    a, b = tmp_path / "coder-a.jsonl", tmp_path / "coder-b.jsonl"
    a.write_bytes(b"".join(lines(ROWS)))
    b.write_bytes(b"".join(lines(second)))
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(a), "--gold", str(b), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [f["title"] for f in out["files"]] == ["the gold file coder-a.jsonl", "the gold file coder-b.jsonl"]
    (pair,) = out["agreement"]
    spectrum = pair["axes"]["spectrum"]
    assert pair["shared"] == 3 and spectrum["n"] == 3
    assert spectrum["kappa"] == pytest.approx(cohen_kappa_score(
        [r["spectrum"] for r in ROWS], [r["spectrum"] for r in second]))
    assert spectrum["kappa"] < 1.0 and pair["axes"]["approach"]["n"] == 1
    engine = [p["spectrum"] for p in out["files"][0]["predicted"]]
    assert spectrum["engine_kappa_b"] == pytest.approx(cohen_kappa_score([r["spectrum"] for r in second], engine))
    agreed = [(x["spectrum"], e) for x, y, e in zip(ROWS, second, engine, strict=True) if x["spectrum"] == y["spectrum"]]
    assert spectrum["agreed"] == {
        "positions": sum(g != "none" for g, _ in agreed),
        "engine_position": sum(g != "none" and e != "none" for g, e in agreed),
        "engine_same": sum(g != "none" and e == g for g, e in agreed),
        "none": sum(g == "none" for g, _ in agreed),
        "engine_reads_position": sum(g == "none" and e != "none" for g, e in agreed)}
    # the coders agree on g1 (standardised) and g2 (autonomous) and differ on g3
    assert (spectrum["agreed"]["positions"], spectrum["agreed"]["none"]) == (2, 0)
    assert "agreed" not in pair["axes"]["domain"]  # domain has no "none" to count positions against
    table = CliRunner().invoke(cli, ["evaluate", "--gold", str(a), "--gold", str(b)])
    assert "## Agreement between gold files" in table.output and "| spectrum | 3 |" in table.output
    assert "| agreed positions | engine gives a position |" in table.output


def test_comparing_coders_needs_ids_and_the_same_text_under_an_id(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_bytes(b"".join(lines(ROWS)))
    b.write_bytes(b"".join(lines([{k: v for k, v in r.items() if k != "id"} for r in ROWS])))
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(a), "--gold", str(b)])
    assert result.exit_code != 0 and "b.jsonl: row 1 has no id" in result.output
    b.write_bytes(b"".join(lines([{**ROWS[0], "text": "Something else."}, *ROWS[1:]])))
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(a), "--gold", str(b)])
    assert result.exit_code != 0 and "id g1 has a different text" in result.output


def test_evaluate_gold_reads_an_answer_with_the_interviewer_s_question(tmp_path: Path) -> None:
    turns = [("Interviewer", "Tell me how the school budget is set each year.", "finance"),
             ("Head", "We draft it with the business manager and the local committee signs it off.", "finance"),
             ("Interviewer", "And child protection, the safeguarding procedures, is that the same in every school?",
              "safeguarding"),
             ("Head", "Yes, we all follow the one procedure now, it came from the centre.", "safeguarding")]

    def predicted_domains(with_roles: bool) -> list[str]:
        gold = tmp_path / f"gold-{with_roles}.jsonl"
        gold.write_bytes(b"".join(lines([{"id": str(i), "text": t, "domain": d, "document": "interview",
                                          **({"role": who} if with_roles else {})}
                                         for i, (who, t, d) in enumerate(turns)])))
        result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold), "--json"])
        assert result.exit_code == 0, result.output
        return [p["domain"] for p in json.loads(result.output)["predicted"]]

    assert predicted_domains(False)[3] != "safeguarding"
    assert predicted_domains(True)[3] == "safeguarding"


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One writing batch of the shipped corpus with its splits: enough to train a baseline quickly."""
    from spectrum.corpus.load import default_corpus_dir, load_splits

    root = tmp_path_factory.mktemp("corpus")
    (root / "segments").mkdir()
    ids: set[str] = set()
    for batch in ("b01",):
        text = (default_corpus_dir() / "segments" / f"{batch}.jsonl").read_text(encoding="utf-8")
        (root / "segments" / f"{batch}.jsonl").write_text(text, encoding="utf-8")
        ids |= {json.loads(line)["id"] for line in text.splitlines() if line.strip()}
    (root / "splits.json").write_text(json.dumps({k: v for k, v in load_splits().items() if k in ids}),
                                      encoding="utf-8")
    return root


def test_the_model_baseline_is_trained_on_request_and_scored_beside_the_engine(
        tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spectrum.training
    from spectrum.model import Hyper

    # strong regularisation converges in a second; the shipped model's settings take twenty here
    shipped = spectrum.training.hyper_from_card
    monkeypatch.setattr(spectrum.training, "hyper_from_card",
                        lambda model, axis: Hyper(shipped(model, axis).kind, 0.05, 1.0, use_rules=False))
    # its domain is read with the same neighbours as the engine's, so the difference is the rules'
    blended: list[list[str | None]] = []
    blend = spectrum.training.blend_domains
    monkeypatch.setattr(spectrum.training, "blend_domains",
                        lambda probs, documents, *rest: blended.append(list(documents)) or blend(probs, documents, *rest))
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b"".join(lines([{**r, "document": "page-1"} if i < 2 else r for i, r in enumerate(ROWS)])))
    args = ["evaluate", "--gold", str(gold), "--model-baseline", "--corpus", str(small_corpus)]
    result = CliRunner().invoke(cli, [*args, "--json"])  # trains three pipelines: the slow part
    assert result.exit_code == 0, result.output
    assert "training the model without rule features on the corpus" in result.stderr
    out = json.loads(result.stdout)
    for axis in ("spectrum", "approach", "domain"):
        base = out["axes"][axis]["model_without_rules"]
        labelled = sum(1 for r in ROWS if axis in r)
        assert sum(base["per_label"][lab]["support"] for lab in base["labels"]) == labelled
        assert 0.0 <= out["axes"][axis]["model_without_rules_threshold"] <= 1.0
    assert blended == [["page-1", "page-1", None]]
    gap = out["axes"]["spectrum"]["engine_minus_model_without_rules"]
    assert gap["low"] <= gap["difference"] <= gap["high"]
    from spectrum.report.accuracy import format_evaluation

    table = format_evaluation(out)  # what the command prints without --json
    assert "| model without rules |" in table and "Engine minus model without rules, macro-F1:" in table


def test_the_model_baseline_needs_a_gold_file() -> None:
    result = CliRunner().invoke(cli, ["evaluate", "--model-baseline"])
    assert result.exit_code != 0 and "--model-baseline applies to --gold files" in result.output
