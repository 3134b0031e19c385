"""The project's exceptions.

Every error a user can cause (bad file, bad rule, bad model, bad corpus row) is a
``SpectrumError`` whose message already says where, what was found and what was expected, so the
CLI can print it on one line and exit 1 without a traceback.
"""

from __future__ import annotations

from pathlib import Path


class SpectrumError(Exception):
    """Base of every error the user can act on."""

    def __init__(self, message: str, where: str | Path | None = None) -> None:
        self.where = str(where) if where is not None else None
        self.reason = " ".join(message.split())
        super().__init__(f"{self.where}: {self.reason}" if self.where else self.reason)


class IngestError(SpectrumError):
    """A file could not be read into documents."""


class RuleError(SpectrumError):
    """A rule file or rule is invalid."""


class ModelError(SpectrumError):
    """A model file is missing, untrusted, incompatible or inconsistent."""


class CorpusError(SpectrumError):
    """The annotated corpus breaks its schema, minimum counts or leakage rule."""


class InputError(SpectrumError):
    """User-supplied options or tabular input are invalid."""
