"""How far speakers' accounts of school improvement diverge, one speaker one vote.

Each speaker's *account* on an axis (spectrum or approach) is the label carrying most of the
confidence-weighted weight of what they said about school improvement, counting only current
statements (not past, planned, hypothetical or about another trust) and only speakers whose
labelled passages weigh at least ``MIN_ACCOUNT`` (one fairly sure passage). The trust's *common
account* is the label most speakers give. **Disagreement** is the share of speakers whose account
differs from the common one: 0 when everyone agrees, 2/3 when three speakers give three different
accounts. It is only measured with at least ``MIN_SPEAKERS`` accounts, since two people differing
says little about a trust. Accounts *diverge* when disagreement is above ``SPREAD`` (one half): no
account is given by as many as half the speakers. An even split (two and two) does not count: on
the sample trusts, speakers who agree on the model often describe different parts of it, which
the labels see as different accounts.

A divergence is *robust* when it survives leaving out any one account. With three accounts it
never is: one speaker, often on one passage the engine was barely sure of, makes or unmakes it.
Only a robust divergence is strong enough to raise the severity of a finding (see
``challenges``); any divergence is reported.

Counting speakers rather than passages keeps one talkative interviewee from deciding the
measure; the roles of the speakers are kept so a report can say whether leaders and staff differ.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from spectrum.analysis.evidence import Item, lens, usable

#: Weight (sum of label confidences) a speaker's passages need before they count as an account.
MIN_ACCOUNT = 0.5
#: Accounts needed before disagreement is measured at all.
MIN_SPEAKERS = 3
#: Disagreement above this (no account shared by half the speakers) is a divergence worth reporting.
SPREAD = 0.5
DOMAIN = "school_improvement"
AXES = ("spectrum", "approach")
#: Contexts in which a passage says nothing about how improvement is run now.
NOT_CURRENT = frozenset({"past", "planned", "hypothetical", "other_trust"})


@dataclass(frozen=True)
class Account:
    """One speaker's account of school improvement on one axis, and the passage that shows it best."""

    speaker: str
    role: str
    label: str
    weight: float
    item: Item


@dataclass(frozen=True)
class Spread:
    """Speakers' accounts on one axis, and how many differ from the common one."""

    axis: str
    accounts: list[Account] = field(default_factory=list)

    @property
    def common(self) -> str | None:
        """The label most speakers give (ties: the one with more weight behind it, then by name)."""
        if not self.accounts:
            return None
        votes: Counter[str] = Counter(a.label for a in self.accounts)
        weights: dict[str, float] = defaultdict(float)
        for a in self.accounts:
            weights[a.label] += a.weight
        return max(votes, key=lambda k: (votes[k], weights[k], k))

    @property
    def differing(self) -> list[Account]:
        """Accounts that differ from the common one."""
        return [a for a in self.accounts if a.label != self.common]

    @property
    def measured(self) -> bool:
        """Enough speakers for the disagreement to mean anything."""
        return len(self.accounts) >= MIN_SPEAKERS

    @property
    def disagreement(self) -> float:
        """Share of speakers whose account differs from the common one (0 without accounts)."""
        return len(self.differing) / len(self.accounts) if self.accounts else 0.0

    @property
    def diverges(self) -> bool:
        """Measured, and above the ``SPREAD`` threshold."""
        return self.measured and self.disagreement > SPREAD

    @property
    def robust(self) -> bool:
        """Diverges, and still does with any one account left out."""
        return self.diverges and all(
            Spread(self.axis, self.accounts[:k] + self.accounts[k + 1:]).diverges for k in range(len(self.accounts)))

    def describe(self, names: Mapping[str, str]) -> str:
        """One sentence a reviewer can check against the quotes."""
        what = "how school improvement is run across schools" if self.axis == "spectrum" \
            else "how improvement practice is developed"
        who = "; ".join(f"{names.get(a.speaker, a.speaker)} {a.label}" for a in self.accounts)
        roles = len({a.role for a in self.accounts})
        return (f"On {what}, {len(self.accounts)} speakers in {roles} role{'s' if roles > 1 else ''} gave an "
                f"account ({who}): {len(self.differing)} of {len(self.accounts)} differ from the commonest, {self.common}.")


def _label(item: Item, axis: str) -> tuple[str, float]:
    decision = item.c.spectrum if axis == "spectrum" else item.c.approach
    return decision.label, max(decision.confidence, 0.05)


def _not_current(item: Item) -> bool:
    """Past, planned, hypothetical and other trusts' practice are not an account of how things are now."""
    return lens(item) == "history" or bool(NOT_CURRENT & set(item.c.context))


def improvement_spread(items: list[Item]) -> list[Spread]:
    """Speakers' accounts of school improvement on each axis, speakers in order of first appearance."""
    out: list[Spread] = []
    for axis in AXES:
        per: dict[str, dict[str, float]] = {}
        best: dict[tuple[str, str], Item] = {}
        roles: dict[str, str] = {}
        for item in items:
            seg = item.c.segment
            if not usable(item) or not seg.speaker or item.c.domain.label != DOMAIN or _not_current(item):
                continue
            label, w = _label(item, axis)
            if label == "none":
                continue
            per.setdefault(seg.speaker, defaultdict(float))[label] += w
            roles.setdefault(seg.speaker, seg.role or "unknown")
            key = (seg.speaker, label)
            if key not in best or _label(best[key], axis)[1] < w:
                best[key] = item
        accounts = []
        for speaker, weights in per.items():
            if sum(weights.values()) < MIN_ACCOUNT:
                continue
            label = max(weights, key=lambda k: (weights[k], k))
            accounts.append(Account(speaker, roles[speaker], label, round(weights[label], 3), best[(speaker, label)]))
        out.append(Spread(axis, accounts))
    return out
