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
