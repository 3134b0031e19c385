"""Declarative rules: schema, loading, compilation onto spaCy matchers, context and votes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language

from spectrum.rules.loader import RuleBook, load_rules
from spectrum.rules.matcher import CompiledRules, SegmentRules

__all__ = ["CompiledRules", "RuleBook", "SegmentRules", "compile_rules", "load_rules"]


def compile_rules(nlp: Language, folders: Sequence[Path] | None = None) -> CompiledRules:
    """Load the shipped rules plus any user folders and compile them for ``nlp``."""
    return CompiledRules(load_rules(folders), nlp)
