"""Declarative rules: schema, loading, compilation onto spaCy matchers, context and votes.

The matcher (and spaCy with it) is imported when first used, so reading and validating rule
files (``load_rules``, the rules hash a batch run keys its work on) stays a light import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spectrum.rules.loader import RuleBook, load_rules

if TYPE_CHECKING:
    from spacy.language import Language

    from spectrum.rules.matcher import CompiledRules, SegmentRules

__all__ = ["CompiledRules", "RuleBook", "SegmentRules", "compile_rules", "load_rules"]


def __getattr__(name: str) -> Any:
    if name in ("CompiledRules", "SegmentRules"):
        from spectrum.rules import matcher

        return getattr(matcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def compile_rules(nlp: Language, folders: Sequence[Path] | None = None) -> CompiledRules:
    """Load the shipped rules plus any user folders and compile them for ``nlp``."""
    from spectrum.rules.matcher import CompiledRules

    return CompiledRules(load_rules(folders), nlp)
