"""The rule-file format, validated on load.

Rules are data a reviewer can read and argue with; a typo in one must fail loudly at load time
with the file, rule id and field, not silently stop matching.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from spectrum.rules.regexsafe import check_regex
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, CONTEXT_EFFECTS, DOMAINS, SPECTRUM_LABELS, Domain

Axis = Literal["spectrum", "approach", "domain", "challenge", "context"]

AXIS_LABELS: dict[str, tuple[str, ...]] = {
    "spectrum": SPECTRUM_LABELS,
    "approach": APPROACH_LABELS,
    "domain": DOMAINS,
    "challenge": CHALLENGES,
    "context": CONTEXT_EFFECTS,
}

_ID = r"^[a-z0-9][a-z0-9_.\-]*$"


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt ``pattrens`` must not load as a rule with no patterns."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Examples(Strict):
    """Texts the rule must match and texts it must not: the rule's own tests."""

    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(min_length=1)


class Matchable(Strict):
    """Anything that matches text: token patterns, phrase lists, lemma phrases or regexes."""

    id: str = Field(pattern=_ID)
    description: str = Field(min_length=5)
    patterns: list[list[dict[str, Any]]] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    lemmas: list[str] = Field(default_factory=list)
    regex: list[str] = Field(default_factory=list)
    examples: Examples

    @model_validator(mode="after")
    def _has_something_to_match(self) -> Matchable:
        if not (self.patterns or self.phrases or self.lemmas or self.regex):
            raise ValueError("empty pattern: give at least one of patterns, phrases, lemmas or regex")
        for i, pattern in enumerate(self.patterns):
            if not pattern:
                raise ValueError(f"empty pattern: patterns[{i}] has no tokens")
            for j, token in enumerate(pattern):
                if any(_blank(attr, value) for attr, value in token.items()):
                    raise ValueError(f"empty pattern: patterns[{i}][{j}] compares a token with an empty string, "
                                     "which no token is")
        for field_name in ("phrases", "lemmas"):
            for phrase in getattr(self, field_name):
                if not phrase.strip():
                    raise ValueError(f"empty pattern: blank entry in {field_name}")
        return self

    @field_validator("regex")
    @classmethod
    def _safe_regex(cls, value: list[str]) -> list[str]:
        for expr in value:
            check_regex(expr)
        return value


def _blank(attr: str, value: Any) -> bool:
    """A text attribute (or a set of them) holding an empty string: the pattern could never match."""
    if attr == "OP":
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return any(_blank(k, v) for k, v in value.items())
    if isinstance(value, list):
        return any(isinstance(v, str) and not v.strip() for v in value)
    return False


class Cue(Matchable):
    """A named cue that votes for nothing but other rules can require (e.g. a trust-wide scope).

    ``unless`` names cues whose occurrences cancel an occurrence of this one that they overlap:
    "its own" leaves a choice to the school in "each school sets its own targets", but not in "the
    trust runs its own payroll" or "each school keeps its own identity", where another cue reads
    the same words as the trust's provision or a school's character. Overlap, not the sentence,
    because the same sentence can leave a choice elsewhere.
    """

    unless: list[str] = Field(default_factory=list)


class Rule(Matchable):
    """A cue that votes for a label on one axis, with a weight.

    ``requires`` names cues that must occur in the segment, and ``within`` keeps them to the hit's
    own sentence and at most that many tokens from it, because a modal three clauses away from "all
    academies" says nothing about what all academies do. ``unless`` names cues that must not occur
    in the hit's sentence: "each school writes its own policy within the trust principles" is a
    frame adapted locally, not local ownership (decision rule 3). A cue inside the scope of a
    negation ("not every school", "there is no trust framework") counts for neither.
    """

    label: str
    family: str = Field(pattern=_ID)
    weight: float = Field(default=1.0, gt=0, le=5)
    requires: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    within: int | None = Field(default=None, ge=0, le=60)
    domains: list[Domain] = Field(default_factory=list)
    decisive: bool = False

    @model_validator(mode="after")
    def _within_needs_cues(self) -> Rule:
        if self.within is not None and not self.requires:
            raise ValueError("within limits the distance to the cues in requires; give requires")
        return self


class Modifier(Matchable):
    """A ConText-style trigger: changes how cues in its scope count.

    The scope runs from the trigger in ``direction`` for at most ``max_tokens`` tokens, and never
    past the end of the sentence or a terminator ("but", "however"). ``scope: clause`` also stops
    at the file's ``clause_breaks`` (commas, "because", "which"...): negation governs the verb
    phrase it stands in ("does not mandate the scheme, and heads choose freely" negates only the
    mandate), while a dated future or "in theory" colours the whole sentence. A ``pseudo`` trigger
    ("no doubt", "not only") has no effect of its own; it exists so that the shorter trigger it
    contains does not fire, as in NegEx. ``requires`` names cues that must occur in the trigger's
    sentence for it to count (a year marks a plan only next to a future "will").
    """

    effect: str
    direction: Literal["forward", "backward", "both"] = "forward"
    max_tokens: int = Field(default=12, ge=1, le=60)
    scope: Literal["sentence", "clause"] = "sentence"
    pseudo: bool = False
    requires: list[str] = Field(default_factory=list)

    @field_validator("effect")
    @classmethod
    def _known_effect(cls, value: str) -> str:
        if value not in CONTEXT_EFFECTS or value == "current":
            raise ValueError(f"unknown effect {value!r}; expected one of {', '.join(CONTEXT_EFFECTS[1:])}")
        return value


class RuleFile(Strict):
    """One YAML file of rules for one axis."""

    axis: Axis
    description: str = ""
    cues: list[Cue] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    modifiers: list[Modifier] = Field(default_factory=list)
    terminators: list[str] = Field(default_factory=list)
    clause_breaks: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _labels_belong_to_axis(self) -> RuleFile:
        allowed = AXIS_LABELS[self.axis]
        for rule in self.rules:
            if rule.label not in allowed:
                raise ValueError(
                    f"rule {rule.id}: unknown label {rule.label!r} for axis {self.axis}; "
                    f"expected one of {', '.join(allowed)}"
                )
        if self.modifiers and self.axis != "context":
            raise ValueError("modifiers belong in a file with axis: context")
        return self


def rule_ids(items: list[Any]) -> list[str]:
    """Ids in a list of rule-like mappings, for locating validation errors."""
    return [str(i.get("id", "?")) if isinstance(i, dict) else "?" for i in items]


SAFE_WORD = re.compile(r"^[\w'’\- ]+$")
