"""decide: the documented order of model, threshold and rule contradiction, with context explained."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spectrum.decide import decide, detected_challenges, rule_label

LABELS = ("standardised", "aligned", "autonomous", "none")


def votes(**kw: float) -> dict[str, float]:
    return {k: kw.get(k, 0.0) for k in LABELS}


def probs(**kw: float) -> dict[str, float]:
    return {k: kw.get(k, 0.0) for k in LABELS}


def test_decide_context_cues_are_explained_but_do_not_override_a_confident_model() -> None:
    d = decide("spectrum", probs(standardised=0.9, none=0.1), votes(none=2.0), 0.4)
    assert d.label == "standardised" and not d.abstained
    assert any(line.startswith("context:") for line in d.explanation)


def test_decide_model_label_when_confident() -> None:
    d = decide("spectrum", probs(aligned=0.8, none=0.2), votes(aligned=1.3), 0.4)
    assert d.label == "aligned" and not d.abstained


def test_decide_abstains_below_threshold() -> None:
    d = decide("spectrum", probs(aligned=0.35, autonomous=0.33, none=0.32), votes(), 0.4)
    assert d.label == "none" and d.abstained


def test_decide_abstains_when_strong_rules_contradict_unsure_model() -> None:
    d = decide("spectrum", probs(standardised=0.55, autonomous=0.1, none=0.35), votes(autonomous=2.5), 0.4)
    assert d.label == "none" and "rules say autonomous" in d.explanation[-1]


def test_decide_a_position_no_rule_backs_needs_a_surer_model() -> None:
    unsure = probs(autonomous=0.55, none=0.45)
    d = decide("spectrum", unsure, votes(), 0.45)
    assert d.label == "none" and d.abstained and "no rule backs autonomous" in d.explanation[-1]
    assert decide("spectrum", unsure, votes(autonomous=1.0), 0.45).label == "autonomous"
    assert decide("spectrum", probs(autonomous=0.65, none=0.35), votes(), 0.45).label == "autonomous"
    # a vote for another position backs nothing here, and is too weak against the model to rescue
    assert decide("spectrum", unsure, votes(standardised=1.0), 0.45).label == "none"
    # a context cue (a vote for none) neither backs a position nor takes a current vote's backing away
    assert decide("spectrum", unsure, votes(autonomous=1.0, none=1.0), 0.45).label == "autonomous"
    assert decide("spectrum", unsure, votes(none=1.0), 0.45).label == "none"


def test_decide_the_floor_is_for_spectrum_and_not_for_a_model_that_never_saw_rules() -> None:
    assert decide("spectrum", probs(autonomous=0.55, none=0.45), votes(), 0.45, backed=False).label == "autonomous"
    route = {"roll-out": 0.55, "co-design": 0.0, "organic": 0.0, "none": 0.45}
    assert decide("approach", route, dict.fromkeys(route, 0.0), 0.5).label == "roll-out"


def test_decide_a_current_rule_vote_rescues_a_position_the_model_read_as_none() -> None:
    d = decide("spectrum", probs(standardised=0.3, aligned=0.05, none=0.65), votes(standardised=1.2), 0.4)
    assert d.label == "standardised" and d.confidence == 0.3 and d.explanation[-1].startswith("rescued:")


def test_decide_no_rescue_for_a_weak_vote_a_position_the_model_rules_out_or_a_context_cue() -> None:
    assert decide("spectrum", probs(standardised=0.3, none=0.7), votes(standardised=0.8), 0.4).label == "none"
    assert decide("spectrum", probs(standardised=0.1, none=0.9), votes(standardised=2.0), 0.4).label == "none"
    assert decide("spectrum", probs(standardised=0.3, none=0.7), votes(standardised=1.2, none=1.0), 0.4).label == "none"
    assert decide("domain", {"finance": 0.3, "other": 0.7}, {"finance": 2.0}, 0.4, abstain_label=None).label == "other"


def test_decide_approach_rules_rescue_a_route_the_model_gives_no_weight_but_not_past_or_weak_ones() -> None:
    route = {"roll-out": 0.002, "co-design": 0.003, "organic": 0.001, "none": 0.994}
    d = decide("approach", route, {"co-design": 1.5}, 0.65)
    assert d.label == "co-design" and d.explanation[-1].startswith("rescued:")
    assert decide("approach", route, {"co-design": 0.8}, 0.65).label == "none"
    assert decide("approach", route, {"co-design": 1.5, "none": 1.0}, 0.65).label == "none"
    # spectrum keeps the model's veto
    assert decide("spectrum", probs(standardised=0.003, none=0.997), votes(standardised=1.5), 0.5).label == "none"


def test_decide_domain_never_abstains() -> None:
    d = decide("domain", {"finance": 0.2, "hr": 0.1, "other": 0.7}, {"finance": 1.0}, 0.9, abstain_label=None)
    assert d.label == "other" and not d.abstained


def test_decide_rules_only_without_model() -> None:
    d = decide("spectrum", None, votes(standardised=1.2, autonomous=2.0), 0.4)
    assert d.label == "autonomous"
    assert rule_label(votes()) == "none"


@given(st.lists(st.floats(0, 1), min_size=4, max_size=4), st.lists(st.floats(0, 5), min_size=4, max_size=4),
       st.floats(0, 1))
def test_decide_always_returns_a_known_label(p: list[float], v: list[float], t: float) -> None:
    total = sum(p) or 1.0
    d = decide("spectrum", dict(zip(LABELS, [x / total for x in p], strict=True)), dict(zip(LABELS, v, strict=True)), t)
    assert d.label in LABELS and d.explanation


def test_challenges_are_flagged_by_a_rule_cue_or_a_detector_at_its_threshold() -> None:
    rules = {"expertise_locked_in": 0.0, "reinventing_the_wheel": 1.5, "weak_systems_succession": 0.0}
    detectors = {"expertise_locked_in": 0.81, "reinventing_the_wheel": 0.02, "weak_systems_succession": 0.49}
    thresholds = {"expertise_locked_in": 0.8, "weak_systems_succession": 0.5}
    assert detected_challenges(rules, detectors, thresholds) == ["expertise_locked_in", "reinventing_the_wheel"]
    assert detected_challenges(rules, None, thresholds) == ["reinventing_the_wheel"]  # a model without detectors


def test_engine_output_is_valid_for_its_own_models() -> None:
    """Every output object is exactly what validating its JSON again gives, strict types included:
    plain floats and ints, never numpy scalars, which would serialise differently."""
    from spectrum.corpus.load import load_segments
    from spectrum.engine import Engine
    from spectrum.models import Classification

    engine = Engine.load()
    texts = [s.text for s in load_segments()[::20]]
    out = engine.classify_texts(texts)
    assert any(c.evidence for c in out) and any(c.challenge_scores for c in out)
    for c in out:
        again = Classification.model_validate(c.model_dump())
        assert again == c
        assert Classification.model_validate_json(c.model_dump_json(), strict=True) == c
        assert all(type(v) is float for d in (c.spectrum, c.approach, c.domain) for v in d.scores.values())
        assert all(type(v) is float for v in c.challenge_scores.values())
        assert all(type(h.weight) is float and type(h.start) is int for h in c.evidence)


FRAGMENTS = ["Training", "5. Training", "Curriculum", "Behaviour policy", "3.2 Central services", "Coaching."]


def test_headings_and_fragments_take_no_position_or_route(engine) -> None:  # type: ignore[no-untyped-def]
    """Fewer than three words cannot say who decides what; the domain is still read, for neighbours."""
    for c in engine.classify_texts(FRAGMENTS):
        assert (c.spectrum.label, c.approach.label) == ("none", "none"), c.segment.text
        assert c.domain.label != ""
    # the model alone would have given one of them a route at full strength: the gate is what holds
    rows = engine.classify_texts(["Training"])
    assert rows[0].approach.scores["roll-out"] > 0.9
    assert any("too short to state a position" in line for line in rows[0].approach.explanation)


def test_a_full_statement_keeps_its_position(engine) -> None:  # type: ignore[no-untyped-def]
    [c] = engine.classify_texts(["All academies use the trust's single payroll system, run by the central team."])
    assert c.spectrum.label == "standardised"


def test_a_two_word_clause_the_rules_recognise_keeps_its_position(engine) -> None:  # type: ignore[no-untyped-def]
    [c] = engine.classify_texts(["Heads decide."])
    assert c.spectrum.label == "autonomous"
