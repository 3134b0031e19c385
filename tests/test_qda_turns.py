"""Transcript turns travel through a QDA project as a source variable, by role, never by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import as_human, write_interview
from hypothesis import given
from hypothesis import strategies as st

from spectrum.engine import Engine
from spectrum.errors import InputError
from spectrum.models import Turn
from spectrum.qda.agreement import agreement
from spectrum.qda.align import source_document
from spectrum.qda.coding import classify_project
from spectrum.qda.project_export import write_qdpx
from spectrum.qda.project_import import read_qdpx
from spectrum.qda.records import QdaSource
from spectrum.qda.turns import TURNS_VARIABLE, format_turns, parse_turns
from spectrum.vocab import SPEAKER_ROLES


@st.composite
def turn_lists(draw: st.DrawFn) -> tuple[list[Turn], int]:
    cuts = sorted(draw(st.lists(st.integers(0, 5000), max_size=12)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    roles = draw(st.lists(st.sampled_from(SPEAKER_ROLES), min_size=len(pairs), max_size=len(pairs)))
    turns = [Turn(speaker=r, role=r, start=a, end=b) for (a, b), r in zip(pairs, roles, strict=True)]  # type: ignore[arg-type]
    return turns, max(cuts, default=0) + draw(st.integers(0, 50))


@given(turn_lists())
def test_turns_read_back_as_written(case: tuple[list[Turn], int]) -> None:
    turns, length = case
    back = parse_turns(format_turns(turns), length, "s")
    assert [(t.start, t.end, t.role) for t in back] == [(t.start, t.end, t.role) for t in turns]


def test_the_variable_names_roles_and_never_speakers() -> None:
    turns = [Turn(speaker="Sarah Whitlock", role="interviewer", start=0, end=10),
             Turn(speaker="Jo Bell", role="ceo", start=12, end=40)]
    value = format_turns(turns)
    assert value == "0-10 interviewer; 12-40 ceo"
    assert [t.speaker for t in parse_turns(value, 40, "s")] == ["interviewer", "ceo"]


@pytest.mark.parametrize(("value", "says"), [
    ("0-10 interviewer; twelve-40 ceo", "turn 2 of variable 'turns' is not 'start-end role'"),
    ("0-10 chair", "turn 1 has unknown role 'chair'"),
    ("0-10 interviewer; 5-20 ceo", "turn 2 (5-20) starts before turn 1 ends"),
    ("0-99 ceo", "turn 1 (0-99) lies outside the text (40 characters)"),
    ("20-10 ceo", "turn 1 (20-10) lies outside the text"),
])
def test_a_wrong_turn_is_an_error_naming_the_source(value: str, says: str) -> None:
    with pytest.raises(InputError, match=r"source 'interview\.txt'") as err:
        parse_turns(value, 40, "interview.txt")
    assert says in str(err.value)


def test_a_source_without_the_variable_has_no_turns_and_one_with_it_has_them() -> None:
    text = "What do you do about behaviour?\n\nWe use the trust's policy."
    plain = QdaSource(name="i.txt", text=text, attributes={"kind": "interview"})
    assert source_document(plain).turns == []
    with_turns = plain.model_copy(update={"attributes": {"kind": "interview", TURNS_VARIABLE: "0-31 interviewer; 33-59 headteacher"}})
    assert [t.role for t in source_document(with_turns).turns] == ["interviewer", "headteacher"]


def test_an_exported_transcript_keeps_its_turns_and_reclassifies_as_the_engine_did(
        engine: Engine, tmp_path: Path) -> None:
    from spectrum.ingest import iter_documents
    from spectrum.models import Document

    path = write_interview(tmp_path / "interview-head.txt")
    documents = [d for d in iter_documents([path]) if isinstance(d, Document)]
    project = classify_project(engine, documents, "t")
    assert TURNS_VARIABLE in project.sources[0].attributes
    write_qdpx(project, tmp_path / "t.qdpx")
    back = read_qdpx(tmp_path / "t.qdpx")
    assert back.sources[0].attributes[TURNS_VARIABLE] == project.sources[0].attributes[TURNS_VARIABLE]
    human = as_human(back)
    [coder] = agreement(human, lambda: engine).coders
    assert coder.disagreements == []
    # Without the turns the answer is read without its question, and the engine disagrees with itself.
    bare = human.model_copy(update={"sources": [s.model_copy(update={"attributes": {
        k: v for k, v in s.attributes.items() if k != TURNS_VARIABLE}}) for s in human.sources]})
    assert agreement(bare, lambda: engine).coders[0].disagreements != []
