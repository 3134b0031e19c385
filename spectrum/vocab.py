"""The project's controlled vocabulary.

Every label the engine reads or writes is one of these ids, so corpus files, rule files,
model metadata and reports can be validated against a single source.
"""

from __future__ import annotations

from typing import Literal, get_args

Spectrum = Literal["standardised", "aligned", "autonomous", "none"]
Approach = Literal["roll-out", "co-design", "organic", "none"]
Domain = Literal[
    "curriculum",
    "assessment",
    "teaching",
    "behaviour",
    "send",
    "safeguarding",
    "cpd",
    "hr",
    "finance",
    "estates",
    "data",
    "governance",
    "school_improvement",
    "other",
]
Challenge = Literal[
    "ceo_single_point_of_failure",
    "intent_practice_gap",
    "unarticulated_improvement_approach",
    "weak_systems_succession",
    "expertise_locked_in",
    "reinventing_the_wheel",
]
ContextEffect = Literal[
    "current", "planned", "past", "negated", "hypothetical", "other_trust", "intent", "practice"
]
CorpusContext = Literal[
    "current", "planned", "past", "negated", "hypothetical", "other_trust", "intent_vs_practice"
]
DocumentKind = Literal[
    "policy", "strategy", "annual_report", "inspection", "minutes", "interview", "web_page", "other"
]
SpeakerRole = Literal[
    "ceo",
    "executive",
    "headteacher",
    "teacher",
    "trustee",
    "central_staff",
    "interviewer",
    "unknown",
]
Register = Literal[
    "policy",
    "strategy",
    "annual_report",
    "inspection",
    "minutes",
    "interview_ceo",
    "interview_head",
    "interview_teacher",
    "interview_trustee",
    "web_page",
]

SPECTRUM_LABELS: tuple[str, ...] = get_args(Spectrum)
APPROACH_LABELS: tuple[str, ...] = get_args(Approach)
DOMAINS: tuple[str, ...] = get_args(Domain)
CHALLENGES: tuple[str, ...] = get_args(Challenge)
CONTEXT_EFFECTS: tuple[str, ...] = get_args(ContextEffect)
CORPUS_CONTEXTS: tuple[str, ...] = get_args(CorpusContext)
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
SPEAKER_ROLES: tuple[str, ...] = get_args(SpeakerRole)
REGISTERS: tuple[str, ...] = get_args(Register)

#: Position of each spectrum label on the standardised (0) to autonomous (1) line.
SPECTRUM_POSITION: dict[str, float] = {"standardised": 0.0, "aligned": 0.5, "autonomous": 1.0}
