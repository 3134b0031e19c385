"""Domain read with neighbouring passages: only unsure passages, only within one document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INTERVIEW_TURNS, write_interview
from hypothesis import given
from hypothesis import strategies as st

from spectrum.neighbours import CONFIDENT, QUESTION_WEIGHT, blend_domains, document_runs, questions_answered

GOVERNANCE_PAGE = [
    "The board of trustees sets the trust's strategic direction and holds the chief executive to account.",
    "Members appoint trustees and receive the annual accounts.",
    "Each local governing body reports to the board through its chair.",
    "That is where things stand for now.",
    "The scheme of delegation is reviewed by trustees every year.",
    "Clerking for every governing body is provided by the trust's governance professional.",
]
UNSURE = 3  # the passage with no topic of its own


@given(st.lists(st.one_of(st.none(), st.sampled_from("abc")), max_size=30))
def test_runs_cover_every_passage_once_in_order_and_never_join_documents(ids: list[str | None]) -> None:
    runs = document_runs(ids)
    assert [i for r in runs for i in r] == list(range(len(ids)))
    for r in runs:
        assert len({ids[i] for i in r}) == 1
        assert ids[r.start] is not None or len(r) == 1
    for a, b in zip(runs, runs[1:], strict=False):
        assert ids[a.start] is None or ids[a.start] != ids[b.start]


# Distributions, as the model gives: an all-zero dict is not one (its blend cannot keep a sum of 0).
probabilities = st.dictionaries(st.sampled_from(["governance", "finance", "other"]), st.floats(0.001, 1), min_size=3).map(
    lambda d: {k: v / sum(d.values()) for k, v in d.items()})


@given(st.lists(st.tuples(probabilities, st.one_of(st.none(), st.sampled_from("ab"))), max_size=20))
def test_blending_leaves_sure_and_lone_passages_alone_and_keeps_a_distribution(rows: list) -> None:  # type: ignore[type-arg]
    probs = [p for p, _ in rows]
    ids = [d for _, d in rows]
    out = blend_domains(probs, ids, 4)
    lone = {r.start for r in document_runs(ids) if len(r) == 1}
    for i, (before, after) in enumerate(zip(probs, out, strict=True)):
        assert set(after) == set(before)
        if i in lone or (before and max(before.values()) >= CONFIDENT):
            assert after == before
        assert sum(after.values()) == pytest.approx(sum(before.values()), abs=1e-3)


def test_blending_needs_one_document_id_per_passage() -> None:
    with pytest.raises(ValueError, match="one document id per passage"):
        blend_domains([{"other": 1.0}], [], 4)


def test_an_unsure_passage_takes_the_domain_of_the_page_around_it(engine) -> None:  # type: ignore[no-untyped-def]
    alone = engine.classify_texts(GOVERNANCE_PAGE)
    together = engine.classify_texts(GOVERNANCE_PAGE, None, ["governance page"] * len(GOVERNANCE_PAGE))
    assert alone[UNSURE].domain.label != "governance"
    assert together[UNSURE].domain.label == "governance"
    assert any(line.startswith("neighbours:") for line in together[UNSURE].domain.explanation)
    sure = [i for i, c in enumerate(alone) if c.domain.confidence >= CONFIDENT]
    assert sure and all(together[i].domain == alone[i].domain for i in sure)
    for a, b in zip(alone, together, strict=True):  # positions and routes are read sentence by sentence
        assert (a.spectrum, a.approach) == (b.spectrum, b.approach)


def test_passages_of_different_documents_are_not_neighbours(engine) -> None:  # type: ignore[no-untyped-def]
    documents = [f"doc {i}" for i in range(len(GOVERNANCE_PAGE))]
    apart = engine.classify_texts(GOVERNANCE_PAGE, None, documents)
    alone = engine.classify_texts(GOVERNANCE_PAGE)
    assert [c.domain for c in apart] == [c.domain for c in alone]


def test_cli_classify_keeps_a_documents_rows_in_one_batch(tmp_path: Path) -> None:
    from spectrum.cli import cli

    src = tmp_path / "rows.jsonl"
    src.write_text("".join(json.dumps({"id": f"g{i}", "text": t, "document": "governance page"}) + "\n"
                           for i, t in enumerate(GOVERNANCE_PAGE)), encoding="utf-8")
    outputs = []
    for size in ("2", "2000"):
        result = CliRunner().invoke(cli, ["classify", str(src), "--batch-size", size])
        assert result.exit_code == 0, result.output
        outputs.append([json.loads(line) for line in result.output.splitlines()])
    assert outputs[0] == outputs[1]
    assert outputs[0][UNSURE]["domain"] == "governance"


# --- An answer is about what was asked -----------------------------------------------------------

SAFEGUARDING = {"safeguarding": 0.9, "other": 0.05, "finance": 0.05}
VAGUE = {"safeguarding": 0.1, "other": 0.5, "finance": 0.4}
TOPICLESS = {"safeguarding": 0.05, "other": 0.9, "finance": 0.05}
UNSURE_ANSWER = {"safeguarding": 0.2, "other": 0.45, "finance": 0.35}
FINANCE = {"safeguarding": 0.05, "other": 0.15, "finance": 0.8}


def test_answers_run_from_one_question_to_the_next() -> None:
    asked = [False, True, True, False, False, True, False]
    assert questions_answered(asked, range(len(asked))) == {3: range(1, 3), 4: range(1, 3), 6: range(5, 6)}


def test_an_unsure_answer_leans_to_the_topic_of_a_clear_question() -> None:
    probs = [SAFEGUARDING, UNSURE_ANSWER, FINANCE]
    with_question = blend_domains(probs, ["t"] * 3, 4, [True, False, False])
    without = blend_domains(probs, ["t"] * 3, 4)
    assert with_question[1]["safeguarding"] == pytest.approx(
        (1 - QUESTION_WEIGHT) * without[1]["safeguarding"] + QUESTION_WEIGHT * SAFEGUARDING["safeguarding"], abs=1e-4)
    assert max(with_question[1], key=with_question[1].__getitem__) == "safeguarding"
    assert with_question[2] == without[2] == FINANCE  # a sure passage keeps its own reading


@pytest.mark.parametrize("question", [VAGUE, TOPICLESS], ids=["unsure of its topic", "read as no topic"])
def test_a_question_without_a_clear_topic_lends_nothing(question: dict[str, float]) -> None:
    probs = [question, UNSURE_ANSWER, UNSURE_ANSWER]
    assert blend_domains(probs, ["t"] * 3, 4, [True, False, False]) == blend_domains(probs, ["t"] * 3, 4)


def test_what_is_said_before_the_first_question_and_in_other_documents_answers_nothing() -> None:
    probs = [UNSURE_ANSWER, SAFEGUARDING, UNSURE_ANSWER, UNSURE_ANSWER]
    out = blend_domains(probs, ["a", "b", "b", "c"], 4, [False, True, False, False])
    plain = blend_domains(probs, ["a", "b", "b", "c"], 4)
    assert out[0] == plain[0] and out[3] == plain[3]
    assert out[2] != plain[2]


@given(st.lists(st.tuples(probabilities, st.sampled_from("ab")), max_size=20))
def test_with_no_interviewer_the_blend_is_the_neighbours_alone(rows: list) -> None:  # type: ignore[type-arg]
    probs = [p for p, _ in rows]
    ids = [d for _, d in rows]
    assert blend_domains(probs, ids, 4, [False] * len(rows)) == blend_domains(probs, ids, 4)


def test_interviewer_flags_need_one_per_passage() -> None:
    with pytest.raises(ValueError, match="one interviewer flag per passage"):
        blend_domains([{"other": 1.0}], ["t"], 4, [])


def test_in_a_transcript_a_reply_that_names_nothing_takes_the_question_s_topic(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from spectrum.ingest import iter_documents
    from spectrum.models import Document

    reply = INTERVIEW_TURNS[-1][1]
    path = write_interview(tmp_path / "interview-head.txt")
    [doc] = [d for d in iter_documents([path]) if isinstance(d, Document)]
    [(_, classified)] = list(engine.classify_documents([doc]))
    answer = next(c for c in classified if c.segment.text == reply)
    assert not answer.segment.is_interviewer
    alone = engine.classify_texts([reply])[0]
    assert alone.domain.label != "safeguarding"
    assert answer.domain.label == "safeguarding"


@pytest.mark.parametrize("key", ["role", "speaker"])
def test_classify_rows_naming_the_interviewer_lend_the_question_s_topic(tmp_path: Path, key: str) -> None:
    from spectrum.cli import cli

    def run(with_roles: bool) -> list[dict]:  # type: ignore[type-arg]
        src = tmp_path / f"rows-{with_roles}.jsonl"
        src.write_text("".join(json.dumps({"id": f"t{i}", "text": t, "document": "interview",
                                           **({key: who} if with_roles else {})}) + "\n"
                               for i, (who, t) in enumerate(INTERVIEW_TURNS)), encoding="utf-8")
        result = CliRunner().invoke(cli, ["classify", str(src)])
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.output.splitlines()]

    assert run(False)[3]["domain"] != "safeguarding"
    assert run(True)[3]["domain"] == "safeguarding"


def test_a_table_s_speaker_column_marks_the_interviewer(tmp_path: Path) -> None:
    from spectrum.ingest.rows import read_table_rows

    src = tmp_path / "turns.csv"
    src.write_text("speaker,text,document\n" + "".join(f'{who},"{t}",interview\n' for who, t in INTERVIEW_TURNS),
                   encoding="utf-8")
    rows = list(read_table_rows(src.read_bytes().splitlines(keepends=True), "turns.csv"))
    assert [r.asked for r in rows] == [True, False, True, False]


@pytest.mark.parametrize(("label", "asked"), [("Interviewer", True), ("I", True), ("Q", True), ("Researcher", True),
                                              ("Head", False), ("R", False), ("Jo Bell (CEO)", False), (3, False)])
def test_which_row_labels_name_the_interviewer(label: object, asked: bool) -> None:
    from spectrum.ingest.rows import row_asked

    assert row_asked({"text": "x", "role": label}) is asked
