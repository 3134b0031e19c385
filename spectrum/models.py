"""Typed records that flow one way through the engine.

document → segments → rule hits / model scores → classifications → practice profiles →
findings → report. Each is frozen so no stage can quietly alter what an earlier stage produced.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from spectrum.vocab import (
    Approach,
    Challenge,
    ContextEffect,
    DocumentKind,
    Domain,
    SpeakerRole,
    Spectrum,
)


class Frozen(BaseModel):
    """Base for all records: immutable, and unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PageSpan(Frozen):
    """Where a page starts in the document text (PDF page numbers survive segmentation)."""

    number: int = Field(ge=1)
    start: int = Field(ge=0)


class SectionSpan(Frozen):
    """Where a heading's section starts in the document text."""

    title: str
    start: int = Field(ge=0)
    level: int = Field(default=1, ge=1, le=6)


class Turn(Frozen):
    """One speaker turn of a transcript, as a span of the document text."""

    speaker: str
    role: SpeakerRole
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    timestamp: str | None = None


class Document(Frozen):
    """One source document, with its text and the positions needed to cite quotes."""

    id: str
    source: str
    title: str
    kind: DocumentKind
    text: str
    format: str
    paragraphs: list[tuple[int, int]] = Field(default_factory=list)
    pages: list[PageSpan] = Field(default_factory=list)
    sections: list[SectionSpan] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)


class Segment(Frozen):
    """The unit the classifier sees: a sentence (or short window) with where it came from."""

    id: str
    document_id: str
    index: int = Field(ge=0)
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = None
    section: str | None = None
    speaker: str | None = None
    role: SpeakerRole | None = None
    timestamp: str | None = None
    kind: DocumentKind = "other"

    @property
    def is_interviewer(self) -> bool:
        """Interviewer turns are kept for reading but never count as evidence of practice."""
        return self.role == "interviewer"


class RuleHit(Frozen):
    """One rule that matched, with the matched span so a reader can check it."""

    rule_id: str
    family: str
    axis: str
    label: str
    weight: float
    text: str
    start: int
    end: int
    modifiers: list[ContextEffect] = Field(default_factory=list)


class AxisDecision(Frozen):
    """The label for one axis, the probabilities behind it and why it was chosen."""

    label: str
    scores: dict[str, float]
    confidence: float
    abstained: bool = False
    explanation: list[str] = Field(default_factory=list)


class Classification(Frozen):
    """Everything the engine says about one segment."""

    segment: Segment
    spectrum: AxisDecision
    approach: AxisDecision
    domain: AxisDecision
    context: list[ContextEffect]
    challenges: list[Challenge] = Field(default_factory=list)
    #: each challenge detector's probability (empty without detectors), so a flag can be weighed
    challenge_scores: dict[Challenge, float] = Field(default_factory=dict)
    evidence: list[RuleHit] = Field(default_factory=list)


class Quote(Frozen):
    """A checkable quote: the exact text and where a reviewer can find it."""

    text: str
    document: str
    source: str
    kind: DocumentKind
    page: int | None = None
    timestamp: str | None = None
    section: str | None = None
    speaker: str | None = None
    role: SpeakerRole | None = None
    label: str | None = None
    confidence: float | None = None
    rules: list[str] = Field(default_factory=list)


class Position(Frozen):
    """A place on the standardised (0) to autonomous (1) line, with its uncertainty."""

    spectrum: Spectrum
    score: float = Field(ge=0.0, le=1.0)
    uncertainty: float = Field(ge=0.0, le=1.0)
    n: int = Field(ge=0)
    #: confidence-weighted amount of evidence: each passage counts its position's confidence times its domain's
    weight: float = Field(default=0.0, ge=0.0)


class PracticeProfile(Frozen):
    """How one practice domain is run across the trust, with intent and practice kept apart."""

    domain: Domain
    spectrum: Spectrum
    score: float | None
    uncertainty: float | None
    approach: Approach
    counts: dict[str, int]
    approach_counts: dict[str, int]
    intent: Position | None = None
    practice: Position | None = None
    #: evidence the position is read from: all, intent, practice, practice_gap (documents differ materially)
    #: or practice_apart (mixed practice accounts sit far from the documents)
    read_from: str = Field(default="all", pattern="^(all|intent|practice|practice_gap|practice_apart)$")
    history: int = 0
    planned: int = 0
    #: the position rests on less evidence than one passage the engine is fairly sure of (see profiles.TENTATIVE)
    tentative: bool = False
    evidence: list[Quote] = Field(default_factory=list)


class Finding(Frozen):
    """A common challenge the documents give evidence of, never a judgement of the trust."""

    challenge: Challenge
    domain: Domain | None = None
    severity: str = Field(pattern="^(low|medium|high)$")
    status: str = Field(pattern="^(found|possible)$")
    rationale: str
    evidence: list[Quote] = Field(default_factory=list)


class DocumentSummary(Frozen):
    """One document read, for the report's appendix."""

    id: str
    title: str
    source: str
    kind: DocumentKind
    format: str
    segments: int
    speakers: dict[str, str] = Field(default_factory=dict)


class EngineInfo(Frozen):
    """Which engine, model and rules produced a result, so results can be reproduced."""

    version: str
    model: str
    model_hash: str
    rules_hash: str


class FileProblem(Frozen):
    """A file (or row) that could not be used, kept with the results instead of stopping the run."""

    path: str
    stage: str
    error: str


class TrustReport(Frozen):
    """The report a reviewer attaches to a peer review."""

    trust: str
    engine: EngineInfo
    documents: list[DocumentSummary]
    practices: list[PracticeProfile]
    findings: list[Finding]
    problems: list[FileProblem] = Field(default_factory=list)
