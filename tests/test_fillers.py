"""Hesitations in spoken text: read without them, quoted and pointed to as said."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spectrum.fillers import as_read, back, may_hold_fillers, without_fillers

WORDS = ["we", "decide", "together", "the", "trust", "sets", "it", "curriculum", "our", "own", "25", "mm", "arm",
         "hummus", "error", "umbrella", "Erm,", "um", "er...", "Uh", "hmm,", "mm-hmm", "Ah,", "it's...", "it's"]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
def test_every_character_read_is_a_character_said(words: list[str]) -> None:
    text = " ".join(words)
    found = without_fillers(text)
    if found is None:
        return
    assert may_hold_fillers(text)  # the engine's cheap pre-check never lets a hesitation through
    cleaned, offsets = found
    assert len(cleaned) == len(offsets)
    assert all(cleaned[i] == text[offsets[i]] for i in range(len(cleaned)))
    assert offsets == sorted(set(offsets))
    hesitations = {"erm", "um", "er", "uh", "hmm", "mm-hmm", "ah"}
    assert not hesitations & {w.strip(",.").casefold() for w in cleaned.split()}


def test_ordinary_written_text_is_left_alone() -> None:
    for text in ["The pipe is 25 mm wide.", "Nobody runs it, it just grew.", "Umbrella schemes and arm's-length bodies.",
                 "Errors are corrected by the central team."]:
        assert without_fillers(text) is None and as_read(text) == text


def test_hesitations_and_false_starts_go_and_spans_map_back() -> None:
    said = "So we, erm, decide together what we we teach."
    cleaned, offsets = without_fillers(said) or ("", [])
    assert cleaned == "So we decide together what we teach."
    i = cleaned.index("decide together")
    start, end = back(offsets, len(said), i, i + len("decide together"))
    assert said[start:end] == "decide together"


def test_a_passage_with_hesitations_is_classified_as_without_them_and_quoted_as_said() -> None:
    from spectrum.engine import Engine

    engine = Engine.load()
    plain = "Every school uses the trust's assessment calendar and the same three assessment windows."
    said = "Erm, every school uses the, um, trust's assessment calendar and the the same three assessment windows."
    a, b = engine.classify_texts([plain, said])
    assert (b.spectrum.label, b.approach.label, b.domain.label) == (a.spectrum.label, a.approach.label, a.domain.label)
    assert b.spectrum.scores == a.spectrum.scores
    assert b.segment.text == said
    assert b.evidence and all(said[h.start:h.end] == h.text for h in b.evidence)


def test_the_pre_check_sees_false_starts_on_words_with_apostrophes() -> None:
    for said in ["but it's it's not happening", "people say I'm I'm the glue", "that's... that's the heads' job"]:
        assert without_fillers(said) is not None and may_hold_fillers(said)
