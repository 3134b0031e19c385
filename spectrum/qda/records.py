"""A QDA project as plain records: sources, coders and their codings.

The engine's codings and a human coder's codings take the same shape here, which is what makes
them comparable: the engine is audited exactly like a human coder, through the selections and
codes it would have made in a QDA tool.
"""

from __future__ import annotations

from pydantic import Field

from spectrum.models import Frozen


class QdaSource(Frozen):
    """One text source: its plain text (the frame of every offset) and its document attributes."""

    name: str
    text: str
    attributes: dict[str, str] = Field(default_factory=dict)


class QdaCoding(Frozen):
    """One code applied by one coder to a character range ``[start, end)`` of a source's text."""

    source: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    code: str
    coder: str
    memo: str | None = None
    page: int | None = None
    section: str | None = None
    speaker: str | None = None
    role: str | None = None


class QdaProject(Frozen):
    """Everything read from or written to a ``.qdpx``."""

    name: str
    sources: list[QdaSource]
    codings: list[QdaCoding]
    coders: list[str]
    origin: str | None = None
    warnings: list[str] = Field(default_factory=list)

    def source(self, name: str) -> QdaSource:
        """The source called ``name``."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)
