"""Challenge findings from cues spread across documents and speakers, plus aggregate signals.

A single cue is never a finding: the count of cue segments and of distinct sources (document ×
speaker) decides between ``possible`` (low) and ``found`` (medium/high). Thresholds were set
against the sample trusts' ``expected.yml`` and are listed here so a reviewer can see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from spectrum.analysis.evidence import Item, quote, usable
from spectrum.models import Finding, PracticeProfile
from spectrum.vocab import CHALLENGES

#: (segments, sources) needed for a medium finding, and for a high one.
MEDIUM = (3, 2)
HIGH = (6, 3)
#: Intent and practice positions this far apart (on 0–1) are a material gap.
GAP = 0.4
GAP_HIGH = 0.7
#: Passages needed on each side before a difference in position counts as a gap.
GAP_MIN_N = 3
MAX_QUOTES = 5

_RATIONALE = {
    "ceo_single_point_of_failure": (
        "Decisions, sign-offs, relationships or knowledge are described as running through the CEO, "
        "in {n} passages from {s} sources, without evidence underneath of a deputy, delegation or succession."
    ),
    "weak_systems_succession": (
        "{n} passages from {s} sources describe missing succession plans, undocumented systems or "
        "dependence on individuals."
    ),
    "unarticulated_improvement_approach": (
        "{n} passages from {s} sources suggest people cannot describe the trust's approach to school "
        "improvement in the same way, or do not know it."
    ),
    "intent_practice_gap": (
        "{n} passages from {s} sources say directly that what happens differs from what is written down."
    ),
    "expertise_locked_in": (
        "{n} passages from {s} sources describe strong practice that stays inside one school or trust."
    ),
    "reinventing_the_wheel": (
        "{n} passages from {s} sources describe building again what already exists elsewhere, or "
        "schools each writing their own version of the same thing."
    ),
}


def _severity(n: int, sources: int) -> tuple[str, str]:
    if n >= HIGH[0] and sources >= HIGH[1]:
        return "high", "found"
    if n >= MEDIUM[0] and sources >= MEDIUM[1]:
        return "medium", "found"
    return "low", "possible"


def _quotes(items: list[Item], names: Mapping[str, str], label: str) -> list:  # type: ignore[type-arg]
    seen: set[str] = set()
    out = []
    for i in items:
        if i.source in seen:
            continue
        seen.add(i.source)
        out.append(quote(i, names, label))
        if len(out) >= MAX_QUOTES:
            break
    return out


def findings(items: list[Item], practices: list[PracticeProfile], names: Mapping[str, str]) -> list[Finding]:
    """Every challenge with evidence, strongest first within the vocabulary's order."""
    cued: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if usable(item):
            for ch in item.c.challenges:
                cued[ch].append(item)
    out: list[Finding] = []
    for challenge in CHALLENGES:
        group = cued.get(challenge, [])
        if challenge == "intent_practice_gap":
            out.extend(_gap_findings(practices, group, items, names))
            continue
        if not group:
            continue
        sources = len({i.source for i in group})
        severity, status = _severity(len(group), sources)
        rationale = _RATIONALE[challenge].format(n=len(group), s=sources)
        if status == "possible":
            rationale = "Possible: thin evidence. " + rationale
        out.append(Finding(challenge=challenge, severity=severity, status=status,  # type: ignore[arg-type]
                           rationale=rationale, evidence=_quotes(group, names, challenge)))
    return out


def _gap_findings(practices: list[PracticeProfile], cues: list[Item], items: list[Item],
                  names: Mapping[str, str]) -> list[Finding]:
    out: list[Finding] = []
    flagged_domains: set[str] = set()
    for p in practices:
        if p.intent is None or p.practice is None or p.intent.n < GAP_MIN_N or p.practice.n < GAP_MIN_N:
            continue
        diff = abs(p.intent.score - p.practice.score)
        if diff < GAP or p.intent.spectrum == p.practice.spectrum:
            continue
        severity = "high" if diff >= GAP_HIGH else "medium"
        domain_cues = [i for i in cues if i.c.domain.label == p.domain]
        evidence = [q for q in p.evidence if q.label in (p.intent.spectrum, p.practice.spectrum)]
        evidence += _quotes(domain_cues, names, "intent_practice_gap")
        out.append(Finding(
            challenge="intent_practice_gap", domain=p.domain, severity=severity, status="found",
            rationale=(f"For {p.domain.replace('_', ' ')}, documents the trust writes about itself place the practice at "
                       f"{p.intent.spectrum} ({p.intent.n} passages), but interviews, minutes and inspection place it at "
                       f"{p.practice.spectrum} ({p.practice.n} passages)."),
            evidence=evidence[:MAX_QUOTES],
        ))
        flagged_domains.add(p.domain)
    rest = [i for i in cues if i.c.domain.label not in flagged_domains]
    if rest:
        sources = len({i.source for i in rest})
        severity, status = _severity(len(rest), sources)
        rationale = _RATIONALE["intent_practice_gap"].format(n=len(rest), s=sources)
        out.append(Finding(challenge="intent_practice_gap", severity=severity, status=status,  # type: ignore[arg-type]
                           rationale=("Possible: thin evidence. " if status == "possible" else "") + rationale,
                           evidence=_quotes(rest, names, "intent_practice_gap")))
    return out
