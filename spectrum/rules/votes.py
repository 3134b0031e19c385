"""From rule hits to votes per label, after context effects.

A negated cue does not vote; a past, hypothetical or other-trust cue votes ``none`` on both axes;
a planned cue votes ``none`` on the spectrum but keeps its approach label, since "we plan to roll
out" still says how the practice is (to be) developed (FRAMEWORK decision rules 2, 5 and 6).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from spectrum.models import RuleHit
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, CONTEXT_EFFECTS, DOMAINS, SPECTRUM_LABELS

AXES: dict[str, tuple[str, ...]] = {
    "spectrum": SPECTRUM_LABELS,
    "approach": APPROACH_LABELS,
    "domain": DOMAINS,
    "challenge": CHALLENGES,
}

_TO_NONE = {"past", "hypothetical", "other_trust"}


def effective_label(hit: RuleHit) -> str | None:
    """The label a hit votes for once its modifiers are applied; None when it does not vote."""
    mods = set(hit.modifiers)
    if "negated" in mods:
        return None
    if hit.axis in ("spectrum", "approach"):
        if mods & _TO_NONE:
            return "none"
        if "planned" in mods and hit.axis == "spectrum":
            return "none"
    elif hit.axis == "challenge" and mods & {"hypothetical", "other_trust"}:
        return None
    return hit.label


def votes(hits: Sequence[RuleHit]) -> dict[str, dict[str, float]]:
    """Summed weights per axis and label."""
    out: dict[str, dict[str, float]] = {axis: dict.fromkeys(labels, 0.0) for axis, labels in AXES.items()}
    for hit in hits:
        label = effective_label(hit)
        if label is not None and hit.axis in out:
            out[hit.axis][label] += hit.weight
    return out


def family_features(hits: Sequence[RuleHit], context: Sequence[str]) -> dict[str, float]:
    """Features for the model: vote weight per axis, family and label, plus context flags.

    Families rather than single rule ids, so the model learns how far to trust a kind of evidence
    (central provision, local ownership, …) instead of memorising individual phrases.
    """
    feats: dict[str, float] = defaultdict(float)
    for hit in hits:
        label = effective_label(hit)
        if label is None:
            feats[f"{hit.axis}:{hit.family}:negated"] += hit.weight
            continue
        feats[f"{hit.axis}:{hit.family}:{label}"] += hit.weight
        feats[f"{hit.axis}:*:{label}"] += hit.weight
    for effect in context:
        if effect in CONTEXT_EFFECTS:
            feats[f"context:{effect}"] = 1.0
    return dict(feats)
