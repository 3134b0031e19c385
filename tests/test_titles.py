"""Titles name a topic and take no position; statements, however short or capitalised, are read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spectrum.engine import Engine
from spectrum.titles import MAX_TITLE_WORDS, MINOR_WORDS, is_title


@pytest.mark.parametrize("text", [
    "Trust Training and CPD Policy",
    "How the Trust and its Academies Work Together",
    "Aligned Autonomy for Secondary Curriculum",
    "3.2 Central Services",
    "Our Board of Trustees",
])
def test_headings_and_document_names_are_titles(text: str) -> None:
    assert is_title(text)


@pytest.mark.parametrize("text", [
    "Single bank account",  # a list item in sentence case states a position
    "Heads decide.",
    "All Schools Follow The Same Curriculum In Every Year Group Across The Trust",  # too long for a title
    "Does the Trust Set the Curriculum?",
    "",
    "2024",
])
def test_sentences_questions_long_lines_and_bare_numbers_are_not_titles(text: str) -> None:
    assert not is_title(text)


@given(st.text(max_size=200))
def test_any_text_ending_in_a_full_stop_is_not_a_title(text: str) -> None:
    assert not is_title(text.rstrip() + ".")


@given(st.lists(st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True), min_size=MAX_TITLE_WORDS + 1, max_size=20))
def test_more_than_the_longest_title_s_words_is_never_a_title(words: list[str]) -> None:
    assert not is_title(" ".join(words))


@given(st.lists(st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True), min_size=1, max_size=MAX_TITLE_WORDS))
def test_a_few_capitalised_words_without_punctuation_are_a_title(words: list[str]) -> None:
    # a line of only minor words ("An", "Of The") names nothing, so it is no title
    assert is_title(" ".join(words)) == any(w.lower() not in MINOR_WORDS for w in words)


def test_the_engine_reads_no_position_into_a_title_unless_the_rules_find_a_clause(engine: Engine) -> None:
    titles = ["Trust Training and CPD Policy", "Shared Curriculum Principles", "Common Assessment Framework",
              "Trust Curriculum Framework"]
    *read, stated = engine.classify_texts([*titles, "All Schools Follow The Same Curriculum"])
    assert all(c.spectrum.label == "none" and c.approach.label == "none" for c in read)
    # where the model alone reads a title as a position it would keep, the engine says it abstained, and why
    confident = [c for c in read if c.spectrum.explanation[0].startswith("model: ")
                 and not c.spectrum.explanation[0].startswith("model: none")
                 and not any(e.startswith("abstained: p=") for e in c.spectrum.explanation)]
    assert confident, "no title the model reads as a position: the title step goes unchecked"
    for c in confident:
        assert c.spectrum.abstained and c.spectrum.explanation[-1].startswith("abstained: a title")
    assert stated.spectrum.label == "standardised"
