"""Rules: shipped rules pass their own examples; bad rule files fail loudly; context changes votes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectrum.errors import RuleError
from spectrum.nlp import make_nlp
from spectrum.rules import compile_rules, load_rules
from spectrum.rules.check import check_examples
from spectrum.rules.votes import effective_label, votes


@pytest.fixture(scope="module")
def compiled():  # type: ignore[no-untyped-def]
    return compile_rules(make_nlp())


def explain(compiled, text: str):  # type: ignore[no-untyped-def]
    return compiled.apply_one(compiled.nlp(text)[:])


def test_rules_shipped_examples_all_pass(compiled) -> None:  # type: ignore[no-untyped-def]
    ran, failures = check_examples(compiled)
    assert ran > 200
    assert [str(f) for f in failures] == []


def test_rules_every_rule_has_examples(compiled) -> None:  # type: ignore[no-untyped-def]
    for loaded in compiled.book.rules.values():
        assert loaded.rule.examples.match and loaded.rule.examples.no_match


RULE = """axis: spectrum
rules:
  - id: my.rule
    family: test
    label: standardised
    description: a test rule for loading
    phrases: [all academies]
    examples: {match: ["All academies do it."], no_match: ["Heads decide."]}
"""


CUES = """cues:
  - id: cue.own
    description: a choice left to the school
    phrases: [its own]
    unless: [cue.trustside]
    examples: {match: ["each school sets its own"], no_match: ["the trust runs its own payroll"]}
  - id: cue.trustside
    description: the trust as the owner
    phrases: [trust runs its own]
    examples: {match: ["the trust runs its own payroll"], no_match: ["each school sets its own"]}
"""


def write(tmp_path: Path, text: str, name: str = "x.yml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("axis: spectrum\nrules: [\n", "malformed YAML"),
        (RULE.replace("phrases: [all academies]", "patterns: [[{LEMM: academy}]]"), "invalid token pattern"),
        (RULE.replace("label: standardised", "label: mandated"), "unknown label 'mandated'"),
        (RULE.replace("phrases: [all academies]", "phrases: []"), "empty pattern"),
        (RULE.replace("phrases: [all academies]", "patterns: [[]]"), "empty pattern"),
        (RULE.replace("phrases: [all academies]", "regex: ['(unclosed']"), "regex does not compile"),
        (RULE.replace("phrases: [all academies]", "regex: ['(a+)+$']"), "catastrophically"),
        (RULE.replace("phrases: [all academies]", "phrases: [x]\n    requires: [cue.none]"), "requires unknown cue"),
        (RULE.replace("phrases: [all academies]", "phrases: [x]\n    unless: [cue.none]"), "unless unknown cue"),
        (RULE.replace("phrases: [all academies]", "phrases: [x]\n    within: 3"), "within limits the distance"),
        (RULE + CUES.replace("unless: [cue.trustside]", "unless: [cue.none]"), "unless unknown cue"),
        (RULE + CUES.replace("phrases: [trust runs its own]", "phrases: [trust runs its own]\n    unless: [cue.own]"),
         "has an unless of its own"),
        (RULE.replace("    family: test\n", "    family: test\n    colour: red\n"), "colour"),
        (RULE.replace("axis: spectrum", "axis: colour"), "axis"),
    ],
)
def test_rules_bad_rule_files_give_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    folder = write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        compile_rules(make_nlp(), [folder])
    assert message in str(err.value)
    assert str(folder / "x.yml") in str(err.value)


def test_rules_error_names_the_rule_id(tmp_path: Path) -> None:
    folder = write(tmp_path, RULE.replace("label: standardised", "label: standardised\n    weight: 99"))
    with pytest.raises(RuleError, match=r"x.yml › my.rule › weight"):
        load_rules([folder])


def test_rules_duplicate_id_in_one_folder(tmp_path: Path) -> None:
    write(tmp_path, RULE, "a.yml")
    write(tmp_path, RULE, "b.yml")
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules([tmp_path])


def test_rules_user_folder_overrides_by_id(tmp_path: Path) -> None:
    override = RULE.replace("my.rule", "spectrum.binding.explicit").replace("phrases: [all academies]", "phrases: [zebra crossing]")
    override = override.replace('match: ["All academies do it."]', 'match: ["Use the zebra crossing."]')
    compiled = compile_rules(make_nlp(), [write(tmp_path, override)])
    assert compiled.book.rules["spectrum.binding.explicit"].rule.phrases == ["zebra crossing"]
    found = explain(compiled, "Training is mandatory. Use the zebra crossing.")
    assert [h.text for h in found.hits if h.rule_id == "spectrum.binding.explicit"] == ["zebra crossing"]


def test_rules_cli_check_fails_on_bad_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from spectrum.cli import cli

    result = CliRunner().invoke(cli, ["rules", "check", str(write(tmp_path, "axis: spectrum\nrules: [\n"))])
    assert result.exit_code == 1
    assert "malformed YAML" in result.output


# ---- context: each sentence written for this test, with the votes it must produce ----

CONTEXT_CASES = [
    # (text, axis, label that must NOT get a vote, label that MUST get a vote or None, context effect expected)
    ("We plan to standardise assessment across all academies next year.", "spectrum", "standardised", "none", "planned"),
    ("From September 2027 every school will use the trust MIS.", "spectrum", "standardised", "none", "planned"),
    ("As the trust grows there will be more central services.", "spectrum", "standardised", "none", "planned"),
    ("We intend to move payroll to a shared service.", "spectrum", "standardised", "none", "planned"),
    ("The board proposed a single pay policy for all staff.", "spectrum", "standardised", "none", "planned"),
    ("We are exploring a common assessment calendar.", "spectrum", "standardised", "none", "planned"),
    ("In the future the phonics scheme will be compulsory.", "spectrum", "standardised", "none", "planned"),
    ("Going forward all academies must follow the new calendar.", "spectrum", "standardised", "none", "planned"),
    ("We no longer mandate the reading scheme.", "spectrum", "standardised", "none", "past"),
    ("Previously every academy had its own MIS.", "spectrum", "autonomous", "none", "past"),
    ("We used to let each school decide its own homework policy.", "spectrum", "autonomous", "none", "past"),
    ("Historically the trust set all the assessment windows.", "spectrum", "standardised", "none", "past"),
    ("Before we joined, the school wrote its own policies.", "spectrum", "autonomous", "none", "past"),
    ("Heads used to choose their own tracker.", "spectrum", "autonomous", "none", "past"),
    ("When we started, payroll was not run centrally.", "spectrum", "standardised", None, "past"),
    ("Until 2021 there were no exceptions to the uniform rule.", "spectrum", "standardised", "none", "past"),
    ("Use of the tracker is not mandatory.", "spectrum", "standardised", None, "negated"),
    ("We don't have one behaviour policy.", "spectrum", "standardised", None, "negated"),
    ("Attendance at the network is never compulsory.", "spectrum", "standardised", None, "negated"),
    ("There isn't a single MIS yet.", "spectrum", "standardised", None, "negated"),
    ("Nobody is required to use the template.", "spectrum", "standardised", None, "negated"),
    ("The plan was not rolled out.", "approach", "roll-out", None, "negated"),
    ("If we were to mandate the scheme, heads would resist.", "spectrum", "standardised", "none", "hypothetical"),
    ("In an ideal world every school would use one tracker.", "spectrum", "standardised", "none", "hypothetical"),
    ("Imagine all academies following the same timetable.", "spectrum", "standardised", "none", "hypothetical"),
    ("Were we to centralise HR, the costs would fall.", "spectrum", "standardised", "none", "hypothetical"),
    ("If the trust ever insisted on one scheme, we would push back.", "spectrum", "standardised", None, "hypothetical"),
    ("We would have to agree with heads before any change.", "spectrum", "aligned", "none", "hypothetical"),
    ("Another trust we visited mandates everything for all academies.", "spectrum", "standardised", "none", "other_trust"),
    ("In my previous trust every school had to use the same scheme.", "spectrum", "standardised", "none", "other_trust"),
    ("Some trusts centralise finance completely.", "spectrum", "standardised", "none", "other_trust"),
    ("A neighbouring trust lets each school decide its curriculum.", "spectrum", "autonomous", "none", "other_trust"),
    ("Other MATs we know have a single MIS.", "spectrum", "standardised", "none", "other_trust"),
    ("The trust down the road rolled out a handbook to every school.", "approach", "roll-out", "none", "other_trust"),
    ("We plan to roll out the model to every school.", "approach", None, "roll-out", "planned"),
    ("On paper every school follows the assessment calendar.", "spectrum", None, "standardised", "intent"),
    ("The policy states that all academies will use one MIS.", "spectrum", None, "standardised", "intent"),
    ("In theory all academies follow the policy.", "spectrum", None, "standardised", "intent"),
    ("In practice heads do their own thing.", "spectrum", None, "autonomous", "practice"),
    ("What actually happens is that each school decides.", "spectrum", None, "autonomous", "practice"),
    ("In reality each academy writes its own marking policy.", "spectrum", None, "autonomous", "practice"),
    ("Previously each school chose, but now all academies must use the trust scheme.", "spectrum", None, "standardised", "past"),
]


@pytest.mark.parametrize(("text", "axis", "absent", "present", "effect"), CONTEXT_CASES)
def test_rules_context_changes_votes(compiled, text: str, axis: str, absent: str | None,  # type: ignore[no-untyped-def]
                                     present: str | None, effect: str) -> None:
    found = explain(compiled, text)
    v = votes(found.hits)[axis]
    assert effect in found.context, (text, found.context)
    if absent:
        assert v[absent] == 0, (text, v, found.hits)
    if present:
        assert v[present] > 0, (text, v, found.hits)


def test_rules_context_cue_inside_trigger_is_not_negated(compiled) -> None:  # type: ignore[no-untyped-def]
    found = explain(compiled, "There are no exceptions to the behaviour policy.")
    hit = next(h for h in found.hits if h.rule_id == "spectrum.binding.explicit")
    assert "negated" not in hit.modifiers and effective_label(hit) == "standardised"


def test_rules_terminator_ends_scope(compiled) -> None:  # type: ignore[no-untyped-def]
    found = explain(compiled, "We plan to review it, but heads decide the curriculum.")
    hit = next(h for h in found.hits if h.rule_id == "spectrum.local.decides")
    assert hit.modifiers == []


SENTENCE_CASES = [
    "No. Each school decides its own curriculum.",
    "We plan to review it. Heads decide the curriculum!",
    "It is not optional? Every academy uses the same MIS.",
    "Heads decide the curriculum",
    "Schools do not write their own curriculum.",
]


@pytest.mark.parametrize("text", SENTENCE_CASES)
def test_rules_a_segment_parsed_without_sentences_is_split_when_a_scope_needs_it(  # type: ignore[no-untyped-def]
        compiled, text: str) -> None:
    from spectrum.segment import parse_texts

    span = next(parse_texts([text], compiled.nlp))
    assert not span.doc.has_annotation("SENT_START")  # pre-segmented text skips the sentencizer
    assert compiled.apply_one(span) == explain(compiled, text)


# ---- negation scope: what a negation governs, and what it leaves alone ----

NEGATION_CASES = [
    # (text, (axis, label) pairs that must get no vote, pairs that must get a vote)
    ("Schools do not write their own curriculum.", [("spectrum", "autonomous")], []),
    ("No school is required to use the trust scheme.", [("spectrum", "standardised")], []),
    ("It is not the case that each school decides its own curriculum.", [("spectrum", "autonomous")], []),
    ("Heads are not free to choose their own tracker.", [("spectrum", "autonomous")], []),
    ("Not every academy uses the same MIS.", [("spectrum", "standardised")], []),
    ("There is no handbook for the review process.", [("approach", "roll-out")], []),
    ("We don't let heads set their own pay scales.", [("spectrum", "autonomous")], [("spectrum", "standardised")]),
    # the scope ends at a clause break: a comma, "because", or "and" before a new subject
    ("We never wrote the policy together, and all academies must follow the same calendar.",
     [("approach", "co-design")], [("spectrum", "standardised")]),
    ("There isn't a single trust-wide behaviour policy, because heads write their own.",
     [("spectrum", "standardised")], [("spectrum", "autonomous")]),
    ("The curriculum is not shared with the other schools and each school keeps its own.",
     [], [("spectrum", "autonomous")]),
    # ... and at the end of the sentence: a FAQ "No." does not negate the answer after it
    ("No. Each school decides its own curriculum.", [], [("spectrum", "autonomous")]),
    # a negation that is part of the cue is the cue's meaning, not a negation of it
    ("The trust does not require a common scheme; heads decide.", [("spectrum", "standardised")],
     [("spectrum", "autonomous")]),
    # the longer trigger wins: "no longer" is past, which votes none rather than nothing
    ("We no longer let each school choose its own scheme.", [("spectrum", "autonomous")], [("spectrum", "none")]),
]


@pytest.mark.parametrize(("text", "absent", "present"), NEGATION_CASES)
def test_rules_negation_scope(compiled, text: str, absent: list[tuple[str, str]],  # type: ignore[no-untyped-def]
                              present: list[tuple[str, str]]) -> None:
    v = votes(explain(compiled, text).hits)
    for axis, label in absent:
        assert v[axis][label] == 0, (text, axis, label, v[axis])
    for axis, label in present:
        assert v[axis][label] > 0, (text, axis, label, v[axis])


@pytest.mark.parametrize("text", [
    "Without exception, all academies use the trust MIS.",
    "No doubt every school will follow the new calendar.",
])
def test_rules_pseudo_negation_denies_nothing(compiled, text: str) -> None:  # type: ignore[no-untyped-def]
    found = explain(compiled, text)
    assert "negated" not in found.context
    assert votes(found.hits)["spectrum"]["standardised"] > 0


def test_rules_negated_scope_cue_does_not_satisfy_requires(compiled) -> None:  # type: ignore[no-untyped-def]
    found = explain(compiled, "Not every school must use it.")
    assert "cue.scope.trust_wide" not in found.cues
    assert not any(h.rule_id == "spectrum.binding.modal_in_trust_scope" for h in found.hits)


def test_rules_within_keeps_the_modal_next_to_its_scope(compiled) -> None:  # type: ignore[no-untyped-def]
    near = explain(compiled, "All academies will publish the curriculum.")
    far = explain(compiled, "The report that the board will discuss at its meeting next week covers every school.")
    assert any(h.rule_id == "spectrum.binding.modal_in_trust_scope" for h in near.hits)
    assert not any(h.rule_id == "spectrum.binding.modal_in_trust_scope" for h in far.hits)


def test_rules_trust_frame_turns_local_choice_into_aligned(compiled) -> None:  # type: ignore[no-untyped-def]
    framed = votes(explain(compiled, "Each academy writes its own policy around the five trust principles.").hits)
    bare = votes(explain(compiled, "Each academy writes its own behaviour policy.").hits)
    assert framed["spectrum"]["autonomous"] == 0 and framed["spectrum"]["aligned"] > 0
    assert bare["spectrum"]["autonomous"] > 0 and bare["spectrum"]["aligned"] == 0


def test_rules_a_cue_is_cancelled_only_where_its_unless_cue_overlaps_it(tmp_path: Path) -> None:
    body = RULE.replace("    phrases: [all academies]\n", "    phrases: [all academies]\n    unless: [cue.own]\n")
    compiled = compile_rules(make_nlp(), [write(tmp_path, body + CUES)])
    assert not check_examples(compiled)[1]
    texts = ["All academies use the tracker the trust runs its own way.",
             "All academies: each head sets its own targets.",
             "The trust runs its own payroll for all academies, and each head sets its own budget."]
    fired = [any(h.rule_id == "my.rule" for h in explain(compiled, t).hits) for t in texts]
    # the trust's "its own" is cancelled; a head's "its own", even beside the trust's, still blocks
    assert fired == [True, False, False]


def test_rules_the_trusts_own_provision_and_a_schools_character_leave_no_choice_to_schools(  # type: ignore[no-untyped-def]
        compiled) -> None:
    def standardised(text: str) -> bool:
        return votes(explain(compiled, text).hits)["spectrum"]["standardised"] > 0

    assert standardised("All academies will follow the trust's safeguarding procedure, and the trust keeps its own record of every concern.")
    assert not standardised("Each academy will run its own payroll service.")
    assert not standardised("Every academy will keep its distinctive character and name.")
    assert "cue.local_latitude" not in explain(compiled, "Every school keeps its own name.").cues
    assert "cue.local_latitude" in explain(compiled, "Every school keeps its own uniform.").cues


def test_rules_a_year_marks_a_plan_only_beside_a_future_verb(compiled) -> None:  # type: ignore[no-untyped-def]
    assert "planned" in explain(compiled, "In 2026-27 all academies will adopt one list of categories.").context
    assert "planned" not in explain(compiled, "In 2023 all academies adopted one list of categories.").context


def test_rules_a_question_asserts_no_practice(compiled) -> None:  # type: ignore[no-untyped-def]
    found = explain(compiled, "Will every school have to use the new MIS? Each school decides.")
    v = votes(found.hits)["spectrum"]
    assert v["standardised"] == 0
    assert v["autonomous"] > 0  # the answer after the question is not part of it


# ---- property tests: rule compilation ----

WORDS = st.text(alphabet=st.characters(whitelist_categories=("Ll",)), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phrases=st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4),
       text=st.text(max_size=300))
def test_rules_valid_generated_rules_compile_and_never_crash(tmp_path: Path, phrases: list[str], text: str) -> None:
    body = RULE.replace("phrases: [all academies]", "phrases: [" + ", ".join(f'"{p}"' for p in phrases) + "]")
    compiled = compile_rules(make_nlp(), [write(tmp_path, body)])
    found = explain(compiled, text or "x")
    assert all(0 <= h.start <= h.end for h in found.hits)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.one_of(
    st.text(max_size=80),
    st.dictionaries(st.sampled_from(["LEMM", "LOWER", "OP", "IN", "TEXT", "ZZ"]), st.text(max_size=5), max_size=3),
))
def test_rules_invalid_generated_rules_raise_rule_error(tmp_path: Path, junk: object) -> None:
    body = RULE.replace("phrases: [all academies]", f"patterns: [[{junk!r}]]" if isinstance(junk, dict) else "phrases: []")
    body = body.replace("'", '"') if isinstance(junk, dict) else body + f"\n# {junk!r}\n".replace("\n#", "\n#")
    folder = write(tmp_path, body)
    try:
        compile_rules(make_nlp(), [folder])
    except RuleError:
        return
    # a dict that happens to be a valid token pattern must then work on text
    assert isinstance(junk, dict)


SENTENCE_TEXT = st.lists(st.one_of(WORDS, st.sampled_from([".", "!", "?", "...", ",", ";", ")", "(", "\"", "'", "-",
                                                            "Mr.", "e.g.", "3.4", "\n", "…", "?!"])),
                         max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=SENTENCE_TEXT)
def test_rules_sentence_starts_of_an_unsplit_segment_are_the_sentencizers(compiled, text: str) -> None:  # type: ignore[no-untyped-def]
    """Sentence starts read from arrays for pre-segmented text are where spaCy's sentencizer puts them."""
    from spectrum.rules.matcher import _DocRows
    from spectrum.segment import parse_texts

    span = next(parse_texts([text], compiled.nlp))
    rows = _DocRows(span.doc, compiled._sentencize, compiled._stops)
    assert compiled._sentencize is not None
    expected = [t.i for t in compiled._sentencize(span.doc.copy()) if t.is_sent_start and t.i > 0]
    assert rows.sent_starts == expected


# ---- coverage report: per-rule precision against annotated labels ----

COVERAGE_ROWS = [
    # (id, split, text, spectrum gold)
    ("c-1", "dev", "Each school decides its own homework policy.", "autonomous"),
    ("c-2", "dev", "Each school decides when the reports go home.", "standardised"),
    ("c-3", "dev", "Schools do not write their own curriculum.", "standardised"),
    ("c-4", "dev", "We used to let each school decide the homework policy.", "none"),
    ("c-5", "dev", "Trustees approved the accounts.", "none"),
    ("t-1", "test", "Each school decides its own uniform.", "autonomous"),
    ("t-2", "test", "All academies must use the trust MIS.", "standardised"),
    ("t-3", "test", "Trustees met in March.", "none"),
]


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    import json

    (tmp_path / "segments").mkdir()
    rows = [{"id": i, "text": t, "register": "policy", "domain": "other", "spectrum": g, "approach": "none",
             "context": "current", "challenges": [], "batch": "b00"} for i, _, t, g in COVERAGE_ROWS]
    (tmp_path / "segments" / "b00.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (tmp_path / "splits.json").write_text(json.dumps({i: sp for i, sp, _, _ in COVERAGE_ROWS}), encoding="utf-8")
    return tmp_path


def test_coverage_counts_votes_negations_and_context_apart(tiny_corpus: Path) -> None:
    from spectrum.rules.coverage import measure

    rep = measure("dev", tiny_corpus, min_hits=1)
    stat = {s.rule_id: s for s in rep.rules}
    decides = stat["spectrum.local.decides"]
    # c-1 votes autonomous and is right; c-2 votes autonomous and is wrong; c-4 is past, sent to none
    assert (decides.hits, decides.voting, decides.correct) == (3, 2, 1)
    assert (decides.to_none, decides.to_none_right) == (1, 1)
    assert decides.precision == 0.5
    own = stat["spectrum.local.own"]
    # c-3 is negated: it casts no vote, and the gold label is indeed not autonomous
    assert (own.negated, own.negated_right) == (1, 1)
    assert "spectrum.local.decides" in rep.low_precision
    assert rep.no_hit["spectrum"] == pytest.approx(1 / 5)  # only c-5 has no spectrum hit


def test_coverage_low_precision_needs_min_hits(tiny_corpus: Path) -> None:
    from spectrum.rules.coverage import measure

    assert "spectrum.local.decides" not in measure("dev", tiny_corpus, min_hits=3).low_precision


def test_coverage_scores_rules_alone_on_the_test_split(tiny_corpus: Path) -> None:
    from spectrum.rules.coverage import measure

    rep = measure("dev", tiny_corpus)
    assert rep.rules_only_split == "test" and rep.rules_only_n == 3
    spectrum = rep.rules_only["spectrum"]
    assert spectrum["autonomous"].precision == 1.0 and spectrum["autonomous"].recall == 1.0
    assert spectrum["standardised"].recall == 1.0
    assert spectrum["none"].support == 1


def test_coverage_cli_prints_the_report_and_rejects_bad_input(tiny_corpus: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from spectrum.cli import cli

    ok = CliRunner().invoke(cli, ["rules", "coverage", "--corpus", str(tiny_corpus), "--min-hits", "1"])
    assert ok.exit_code == 0, ok.output
    assert "Rules with precision under 0.6 and at least 1 votes" in ok.output
    assert "spectrum.local.decides" in ok.output
    missing = CliRunner().invoke(cli, ["rules", "coverage", "--corpus", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1
    assert "no segment files" in missing.output


# ---- compilation for speed must not change what matches ----

def test_rules_enumerated_patterns_match_exactly_what_token_patterns_match(compiled) -> None:  # type: ignore[no-untyped-def]
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = compiled.nlp
    book = compiled.book
    items = [*(lr.rule for lr in book.rules.values()), *(c for c, _ in book.cues.values()),
             *(m for m, _ in book.modifiers.values())]
    reference = Matcher(nlp.vocab)
    lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    for item in items:
        if item.patterns:
            reference.add(item.id, item.patterns)
        if item.lemmas:
            lemma.add(item.id, list(nlp.pipe(item.lemmas)))
        if item.phrases:
            lower.add(item.id, [nlp.make_doc(p) for p in item.phrases])
    texts = sorted({t for i in items for t in (*i.examples.match, *i.examples.no_match)})
    strings = nlp.vocab.strings
    for doc in nlp.pipe(texts):
        expected = {(strings[k], s, e) for m in (reference, lemma, lower) for k, s, e in m(doc)}
        got = {(r.key, r.start, r.end) for r in compiled._raw(doc)}
        assert got == expected, doc.text


def test_rules_token_pattern_without_a_literal_first_word_still_matches(tmp_path: Path) -> None:
    body = RULE.replace("phrases: [all academies]", "patterns: [[{IS_DIGIT: true}, {LOWER: pupils}]]")
    body = body.replace('match: ["All academies do it."]', 'match: ["The trust has 300 pupils."]')
    compiled = compile_rules(make_nlp(), [write(tmp_path, body)])
    found = explain(compiled, "The trust has 300 pupils.")
    assert [h.text for h in found.hits if h.rule_id == "my.rule"] == ["300 pupils"]


def test_rules_without_the_lemma_table_lemma_patterns_stay_token_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    import spectrum.rules.expand as expand

    monkeypatch.setattr(expand, "_raw_lemma_table", lambda: None)
    slow = compile_rules(make_nlp())
    text = "Each school decides its own curriculum, and the heads wrote the units together."
    monkeypatch.undo()
    fast = compile_rules(make_nlp())
    assert [h.rule_id for h in explain(slow, text).hits] == [h.rule_id for h in explain(fast, text).hits]
    assert any(h.rule_id == "spectrum.local.decides" for h in explain(slow, text).hits)


def test_rules_a_token_compared_with_an_empty_string_is_a_rule_error(tmp_path: Path) -> None:
    folder = write(tmp_path, RULE.replace("phrases: [all academies]", 'patterns: [[{"LOWER": ""}]]'))
    with pytest.raises(RuleError, match="empty string"):
        compile_rules(make_nlp(), [folder])


def _token_pattern_matches(compiled, doc, gated: bool) -> set[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    from spectrum.rules.matcher import REQUIRED

    strings = compiled.nlp.vocab.strings
    found: dict[str, list[int]] = {}
    for matcher in (compiled.lower, compiled.lemma):
        if len(matcher):
            for m_id, s, _ in matcher(doc):
                if strings[m_id].startswith(REQUIRED):
                    found.setdefault(strings[m_id], []).append(s)
    matchers = compiled._gated(found) if gated else [m for _, m in compiled.token_patterns]
    return {(strings[m_id], s, e) for m in matchers for m_id, s, e in m(doc)}


def _required_vocabulary() -> list[str]:
    from spectrum.rules.matcher import REQUIRED

    compiled = compile_rules(make_nlp())
    words = {k.split(":", 1)[1] for k in compiled.nlp.vocab.strings if k.startswith(REQUIRED)}
    return [*sorted(words), "Sarah", "Mr", "Dr", "the", "school", "and", "we", "£", "5,000", "3.5", "everything",
            "goes", "through", "went", "is", "all", "'s", ",", ".", "Fiona", "Jackie"]


REQUIRED_VOCABULARY = _required_vocabulary()


def _token_for(spec: dict[str, object], fill: str) -> str:
    for attr in ("LOWER", "ORTH", "TEXT", "LEMMA"):
        value = spec.get(attr)
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            return str(value["IN"][0])
    return fill


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rules_token_pattern_gate_skips_only_docs_where_nothing_could_match(compiled, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    """Gating token patterns by where their required words are never loses a match.

    Docs are built from a token pattern's own words, with words inserted between them (so the
    pattern matches, or its words sit just too far apart), among words other gates look for.
    """
    n = data.draw(st.integers(0, len(compiled.token_patterns) - 1))
    [pattern] = next(iter(compiled.token_patterns[n][1]._patterns.values()))
    words: list[str] = []
    for spec in pattern:
        words += data.draw(st.lists(st.sampled_from(REQUIRED_VOCABULARY), max_size=2))
        words.append(_token_for(spec, data.draw(st.sampled_from(["Sarah", "the", "really", "5"]))))
    words = data.draw(st.lists(st.sampled_from(REQUIRED_VOCABULARY), max_size=20)) + words
    doc = compiled.nlp(" ".join(words))
    assert _token_pattern_matches(compiled, doc, gated=True) == _token_pattern_matches(compiled, doc, gated=False)


def test_rules_pattern_reach_counts_the_longest_match() -> None:
    from spectrum.rules.expand import max_tokens

    assert max_tokens([{"LOWER": "a"}, {"OP": "?"}, {"LOWER": "b", "OP": "{1,3}"}]) == 5
    assert max_tokens([{"LOWER": "a"}, {"LOWER": "b", "OP": "{2}"}, {"LOWER": "c", "OP": "!"}]) == 4
    assert max_tokens([{"LOWER": "a"}, {"OP": "*"}]) is None
    assert max_tokens([{"LOWER": "a"}, {"LOWER": "b", "OP": "+"}]) is None
    assert max_tokens([{"LOWER": "a"}, {"LOWER": "b", "OP": "{2,}"}]) is None
