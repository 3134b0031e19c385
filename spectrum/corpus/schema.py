"""Schema of one annotated corpus segment.

The corpus is hand-written JSONL; validating every row against this model is what lets the
training, evaluation and leakage checks trust the labels without re-checking them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from spectrum.vocab import Approach, Challenge, CorpusContext, Domain, Register, Spectrum


class CorpusSegment(BaseModel):
    """One annotated passage written for the corpus."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: str = Field(min_length=3, max_length=2000)
    register_: Register = Field(alias="register")
    domain: Domain
    spectrum: Spectrum
    approach: Approach
    context: CorpusContext
    challenges: list[Challenge] = Field(default_factory=list)
    batch: str = Field(min_length=1)
    trust: str | None = None
    note: str | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value

    @field_validator("challenges")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("challenges repeat a label")
        return value
