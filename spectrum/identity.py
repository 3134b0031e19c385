"""What identifies an engine's results (version, model and rules hashes), known without building it.

Kept apart from ``spectrum.engine`` so a process that only plans and merges work, the parent of
a batch run, never imports spaCy or scikit-learn: importing the engine costs that parent over two
seconds before the first worker can start, and the workers import it again anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from spectrum import __version__
from spectrum.models import EngineInfo


def default_model_path() -> Path:
    """The shipped model inside the installed package."""
    return Path(str(resources.files("spectrum") / "_data" / "model" / "spectrum.skops"))


def engine_info(model_path: Path | None, rules_hash: str) -> EngineInfo:
    """The identity of an engine with this model file and rule book."""
    model_hash = "none"
    if model_path and model_path.is_file():
        model_hash = hashlib.sha256(model_path.read_bytes()).hexdigest()[:16]
    return EngineInfo(version=__version__, model=model_path.name if model_path else "rules-only",
                      model_hash=model_hash, rules_hash=rules_hash)


def describe(rules: Sequence[Path] | None = None, model: Path | None = None, rules_only: bool = False) -> EngineInfo:
    """What ``Engine.load`` with these arguments would report as ``info``, without building it.

    Batch runs key their work on this before any worker loads a pipeline; the rule files are still
    validated, so a bad rule folder fails the run at once.
    """
    from spectrum.rules.loader import load_rules

    return engine_info(None if rules_only else (model or default_model_path()), load_rules(rules).digest)
