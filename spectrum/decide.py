"""Combine model probabilities, rule votes and context into one label per axis, with reasons.

The order is fixed and documented so every label can be explained:
1. the model's most probable label;
2. abstain (``none``) when that probability is under the threshold tuned on dev;
3. abstain when a strong rule vote contradicts a model that is itself unsure;
3a. on the axes in ``UNBACKED_SCORES``, abstain when no rule votes for the model's position and the
   model is under that axis's floor (an unbacked position needs a surer model);
4. where the label so far is ``none``, a current rule vote of at least ``RESCUE_VOTE`` for a
   position the model gives at least ``RESCUE_SCORE`` (per axis, ``RESCUE_SCORES``) takes that
   position (a rescue).
Domain never abstains (``other`` is a domain), but its confidence is reported; where passages
come from one document, an unsure passage's domain probabilities are first blended with its
neighbours' (``spectrum.neighbours``), and the explanation says so when that changed the label.

Context (every cue past, hypothetical, other-trust or planned) is reported in the explanation but
does not override the model. It used to: measured leave-one-batch-out, that veto changed 21
spectrum decisions and 14 of the changes were wrong, because a passage can carry a hypothetical
cue and still describe current practice ("if a school wants to opt out, it cannot"); the model,
which sees the same cues as features, weighs them better than a blanket rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from spectrum.models import AxisDecision

#: Places probabilities are rounded to before deciding, so a label follows from the scores reported.
SCORE_DECIMALS = 4
STRONG_RULE_VOTE = 2.0
UNSURE = 0.6
CONTRADICTED = 0.15
#: The rescue (step 4). The model learned the corpus writers' phrasing; on 234 sentences of real
#: trust web pages, policies and reports labelled blind by an annotator following the codebook, it
#: read most stated positions as ``none`` (standardised recall 0.35) and scored no better than the
#: rules alone (spectrum macro-F1 0.490 against 0.492), while the rules, written as general
#: phrasing, kept their precision. A rule that votes for a position in a current statement, which
#: the model does not rule out, is the more robust evidence there. Chosen on dev among the
#: settings that do not lower dev macro-F1 (1.0 and 0.2 against 0.8 and 0.1-0.3, 1.5 and 2.0): dev
#: spectrum 0.816 -> 0.817, approach 0.879 -> 0.881; on the real sentences spectrum 0.490 ->
#: 0.505 (kappa 0.350 -> 0.389), approach 0.508 -> 0.556, and 0.627 once the thresholds were
#: tuned on dev with the rescue in place (docs/real_text.md).
RESCUE_VOTE = 1.0
RESCUE_SCORE = 0.2
#: Per-axis exceptions to ``RESCUE_SCORE``. The approach model, trained without rule features,
#: gives almost nothing to a development route its n-grams have not seen ("developed
#: collaboratively" p=0.003), and on three sets of real trust text kept for development (834 units,
#: two annotators each) rules alone beat the engine on approach (macro-F1 against annotator A
#: 0.58-0.69, the engine 0.44-0.58). Letting any current approach vote of ``RESCUE_VOTE`` replace
#: the model's ``none`` gave 0.63-0.72 there and moved corpus dev by -0.002; on the held-out set
#: 6 approach went from 0.42 to 0.45-0.47 (docs/real_text.md). Spectrum keeps the model's veto.
RESCUE_SCORES: dict[str, float] = {"approach": 0.0}
#: Step 3a: the least probability a position needs where no current rule vote backs it. On real
#: trust text the model's own spectrum positions, read without any rule, were mostly wrong: on the
#: development set 12 (363 units of trust documents, two annotators) 16 of its 22 positions read
#: into agreed-``none`` units scored 0.45-0.57 with no rule behind them, while the positions it
#: found scored higher or had a rule. Floors tried on set 12, spectrum kappa against annotators
#: A / B: none 0.214 / 0.233, 0.55 0.234 / 0.250, 0.6 0.254 / 0.274, 0.65 0.237 / 0.250; on set 13
#: (letters, blogs, speeches and trust pages; its errors not read for this) 0.304 / 0.312,
#: 0.363 / 0.369, 0.355 / 0.362, 0.386 / 0.392. Corpus dev pays for it (macro-F1 0.817 -> 0.798 at
#: 0.6): the corpus writers' phrasing is what the model learned, so there its unbacked guesses are
#: right more often. Approach is left out: a floor of 0.7 there moved set 12 by one unit and set
#: 13 by four, too few routes to choose a setting on.
UNBACKED_SCORES: dict[str, float] = {"spectrum": UNSURE}


def rule_label(votes: Mapping[str, float], default: str = "none") -> str:
    """The label rules alone would give: the heaviest vote, ``default`` when nothing voted."""
    best = max(votes.items(), key=lambda kv: (kv[1], kv[0] == default), default=(default, 0.0))
    return best[0] if best[1] > 0 else default


def rule_scores(votes: Mapping[str, float], default: str = "none") -> dict[str, float]:
    """Votes turned into a distribution, for rules-only operation."""
    total = sum(votes.values())
    if total <= 0:
        return {k: (1.0 if k == default else 0.0) for k in votes}
    return {k: v / total for k, v in votes.items()}


def decide(
    axis: str,
    probs: Mapping[str, float] | None,
    votes: Mapping[str, float],
    threshold: float,
    abstain_label: str | None = "none",
    backed: bool = True,
) -> AxisDecision:
    """One axis's label with its explanation.

    ``backed=False`` leaves out step 3a, for a model that never saw the rules (the model-only
    baseline), where every position would otherwise count as unbacked.
    """
    decision = _decide(axis, probs, votes, threshold, abstain_label, backed)
    if probs is None or abstain_label is None or decision.label != abstain_label or votes.get(abstain_label, 0) > 0:
        return decision
    positive = {k: v for k, v in votes.items() if v > 0 and k != abstain_label}
    best = rule_label(positive, abstain_label) if positive else None
    if best is None or positive[best] < RESCUE_VOTE or decision.scores.get(best, 0.0) < RESCUE_SCORES.get(axis, RESCUE_SCORE):
        return decision
    why = [*decision.explanation,
           f"rescued: rules say {best} ({positive[best]:.1f}) in a current statement, model p={decision.scores[best]:.2f}"]
    return AxisDecision(label=best, scores=decision.scores, confidence=decision.scores[best], explanation=why)


def _decide(
    axis: str,
    probs: Mapping[str, float] | None,
    votes: Mapping[str, float],
    threshold: float,
    abstain_label: str | None,
    backed: bool = True,
) -> AxisDecision:
    """Steps 1-3a of the module's order."""
    default = abstain_label or "other"
    why: list[str] = []
    positive = {k: v for k, v in votes.items() if v > 0 and k != "none"}
    if probs is None:
        scores = rule_scores(votes, default)
        label = rule_label(votes, default)
        why.append(f"rules only: {label} (votes {_fmt(positive) or 'none'})")
        return AxisDecision(label=label, scores=scores, confidence=scores.get(label, 0.0), explanation=why)
    scores = dict(probs)  # callers round to ``SCORE_DECIMALS`` first, a whole batch at a time
    top = max(scores, key=scores.__getitem__)
    p = scores[top]
    why.append(f"model: {top} p={p:.2f}")
    if positive:
        why.append(f"rule votes: {_fmt(positive)}")
    elif abstain_label is not None and votes.get("none", 0) > 0 and top != abstain_label:
        why.append("context: the cues here read as past, planned, hypothetical or another trust's practice")
    if abstain_label is None:
        return AxisDecision(label=top, scores=scores, confidence=p, explanation=why)
    if top != abstain_label and p < threshold:
        why.append(f"abstained: p={p:.2f} below threshold {threshold:.2f}")
        return AxisDecision(label=abstain_label, scores=scores, confidence=p, abstained=True, explanation=why)
    strong = rule_label(positive, default) if positive else None
    if strong and positive[strong] >= STRONG_RULE_VOTE and strong != top and p < UNSURE \
            and scores.get(strong, 0.0) < CONTRADICTED:
        why.append(f"abstained: rules say {strong} ({positive[strong]:.1f}) against an unsure model")
        return AxisDecision(label=abstain_label, scores=scores, confidence=p, abstained=True, explanation=why)
    floor = UNBACKED_SCORES.get(axis) if backed else None
    if floor is not None and top != abstain_label and positive.get(top, 0.0) <= 0 and p < floor:
        why.append(f"abstained: no rule backs {top} and p={p:.2f} is below {floor:.2f}")
        return AxisDecision(label=abstain_label, scores=scores, confidence=p, abstained=True, explanation=why)
    return AxisDecision(label=top, scores=scores, confidence=p, explanation=why)


def _fmt(votes: Mapping[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in sorted(votes.items(), key=lambda kv: -kv[1]))


def detected_challenges(votes: Mapping[str, float], probs: Mapping[str, float] | None,
                        thresholds: Mapping[str, float]) -> list[str]:
    """Challenges a passage shows: a rule cue names it, or its detector is at least at its threshold.

    Measured on dev, the challenge rules are precise (0.7-1.0) but find a sixth to a third of the
    passages annotators flag; the detectors, trained on the corpus, find most of them. Either is
    enough, so a rule cue still counts where the detector is unsure.
    """
    found = {k for k, w in votes.items() if w > 0}
    if probs:
        found |= {k for k, p in probs.items() if p >= thresholds.get(k, 0.5)}
    return sorted(found)
