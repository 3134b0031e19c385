"""The learned half: one scikit-learn pipeline per axis, trained on the corpus, stored with skops.

Features are lemma word n-grams, character n-grams and rule votes by family. Probabilities are
calibrated by temperature scaling on out-of-fold scores (3-fold), so the abstention threshold
means the same thing across axes. Measured on dev with the same features: one-vs-rest sigmoid
left the expected calibration error at 0.10 (spectrum) and 0.07 (approach), isotonic at 0.09 and
0.06, a single temperature at 0.03 and 0.03, with equal or better macro-F1.
Model files are skops archives whose types are checked against an allow-list before loading,
so a model file received from someone else cannot execute code.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from spacy.tokens import Span

from spectrum.errors import ModelError
from spectrum.identity import default_model_path
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, DOMAINS, SPECTRUM_LABELS

AXES: dict[str, tuple[str, ...]] = {"spectrum": SPECTRUM_LABELS, "approach": APPROACH_LABELS, "domain": DOMAINS}
SEED = 13
HASH_FEATURES = 2**15
FORMAT_VERSION = 1
_TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")


@dataclass(frozen=True)
class Hyper:
    """Hyperparameters of one axis pipeline."""

    kind: str = "logreg"
    C: float = 4.0
    rule_weight: float = 1.0
    use_rules: bool = True
    use_text: bool = True


def _hashed(**kwargs: Any) -> Pipeline:
    """Hashed n-grams with TF-IDF weights.

    Hashing keeps no vocabulary, so the model file stays small (a stored vocabulary of 80,000
    n-grams made skops archives of over 100 MB) and its size does not grow with the corpus.
    """
    return Pipeline([
        ("hash", HashingVectorizer(n_features=HASH_FEATURES, alternate_sign=False, norm=None, lowercase=False,
                                   dtype=np.float32, **kwargs)),
        ("tfidf", TfidfTransformer(sublinear_tf=True)),
    ])


def build_pipeline(h: Hyper) -> Pipeline:
    """The feature union and classifier for one axis.

    Character n-grams of 3-4 rather than 3-5: on dev and leave-one-batch-out the two are within
    0.005 macro-F1 on every axis, and the shorter range hashes 1.75x faster. Dropping character
    n-grams costs 0.01-0.05, so they stay.
    """
    parts: list[tuple[str, Any, int]] = []
    if h.use_text:
        parts += [
            ("lemma", _hashed(analyzer="word", ngram_range=(1, 2), token_pattern=r"[^ ]+"), 0),
            ("char", _hashed(analyzer="char_wb", ngram_range=(3, 4)), 1),
        ]
    if h.use_rules:
        parts.append(("rules", DictVectorizer(), 2))
    features = ColumnTransformer(parts, transformer_weights={"rules": h.rule_weight} if h.use_rules else None)
    base: Any
    if h.kind == "logreg":
        base = LogisticRegression(C=h.C, max_iter=3000, class_weight="balanced", random_state=SEED)
    elif h.kind == "mlp":
        base = MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=60, early_stopping=False,
                             random_state=SEED)
    else:
        raise ValueError(f"unknown model kind {h.kind!r}")
    clf = CalibratedClassifierCV(base, cv=3, method="temperature", ensemble=False)
    return Pipeline([("features", features), ("clf", clf)])


@dataclass
class TrainedModel:
    """Pipelines for each axis plus the card describing how they were made."""

    pipelines: dict[str, Pipeline]
    card: dict[str, Any] = field(default_factory=dict)
    #: one yes/no detector per challenge (models made before these existed have none)
    challenges: dict[str, Pipeline] = field(default_factory=dict)

    @property
    def thresholds(self) -> dict[str, float]:
        """Abstention threshold per axis, tuned on dev."""
        return {k: float(v) for k, v in self.card.get("thresholds", {}).items()}

    @property
    def challenge_thresholds(self) -> dict[str, float]:
        """Probability at which each challenge detector flags a passage, tuned on dev."""
        return {k: float(v) for k, v in self.card.get("challenge_thresholds", {}).items()}

    def predict_challenges(self, rows: NDArray[np.object_], cache: dict[tuple[Any, ...], Any] | None = None,
                           spans: Sequence[Span] | None = None, decimals: int | None = None) -> list[dict[str, float]]:
        """Each row's probability of showing each challenge there is a detector for.

        The detectors read the same hashed matrices as the axes (``cache``), so they add a linear
        model each, not another pass over the text.
        """
        out: list[dict[str, float]] = [{} for _ in range(len(rows))]
        for challenge, pipe in self.challenges.items():
            probs = _pipe_proba(pipe, rows, cache, spans)
            column = probs[:, [str(c) for c in pipe.classes_].index("True")]
            if decimals is not None:
                column = np.round(column, decimals)
            for row, p in zip(out, column.tolist(), strict=True):
                row[challenge] = p
        return out

    def predict_proba(self, axis: str, rows: NDArray[np.object_],
                      cache: dict[tuple[Any, ...], Any] | None = None,
                      spans: Sequence[Span] | None = None, decimals: int | None = None) -> list[dict[str, float]]:
        """Probabilities per label for each row (rounded to ``decimals`` places if given).

        With a ``cache`` shared across axes, each hashed n-gram matrix is computed once per batch
        instead of once per axis: the hashing vectorizers are stateless and configured alike.
        With the rows' ``spans``, hashed matrices come from cached token arrays (``hashing``)
        instead of the text columns, which may then be left empty.
        """
        pipe = self.pipelines[axis]
        probs = _pipe_proba(pipe, rows, cache, spans)
        classes = [str(c) for c in pipe.classes_]
        blank = dict.fromkeys(AXES[axis], 0.0)
        out = []
        if decimals is not None:
            probs = np.round(probs, decimals)
        for row in probs.tolist():  # one conversion to floats, not one per probability
            d = blank.copy()
            d.update(zip(classes, row, strict=True))
            out.append(d)
        return out


def _pipe_proba(pipe: Pipeline, rows: NDArray[np.object_], cache: dict[tuple[Any, ...], Any] | None,
                spans: Sequence[Span] | None) -> Any:
    """``pipe.predict_proba(rows)``, from hashed matrices shared in ``cache`` or made from ``spans`` when given."""
    if cache is None and spans is None:
        return pipe.predict_proba(rows)
    features = _features(pipe.named_steps["features"], rows, {} if cache is None else cache, spans)
    return pipe.named_steps["clf"].predict_proba(features)


def _fitted_state(step: Any) -> tuple[str, str]:
    """What a fitted transformer's output depends on, as a digest: equal digests, equal outputs.

    Every pipeline (three axes, six challenge detectors) fits its TF-IDF weights and rule-feature
    vocabulary on the same training rows, so they are equal and one transform serves all nine;
    transforming once per pipeline was an eighth of classification time.
    """
    import hashlib

    params = repr(sorted(step.get_params().items()))
    if isinstance(step, TfidfTransformer):
        fitted = step.idf_.tobytes() if step.use_idf else b""
    elif isinstance(step, DictVectorizer):
        fitted = repr(sorted(step.vocabulary_.items())).encode()
    else:
        return type(step).__qualname__, f"id:{id(step)}"  # unknown state: never shared
    return type(step).__qualname__, hashlib.blake2b(params.encode() + fitted, digest_size=16).hexdigest()


def _features(features: ColumnTransformer, rows: NDArray[np.object_], cache: dict[tuple[Any, ...], Any],
              spans: Sequence[Span] | None = None) -> Any:
    """What ``features.transform(rows)`` returns, reusing hashed matrices from ``cache``."""
    from scipy import sparse

    from spectrum.hashing import HASHED_COLUMNS, shared_hasher

    weights = features.transformer_weights or {}
    blocks = []
    for name, transformer, column in features.transformers_:
        if transformer == "drop":
            continue
        data = rows[:, column]
        if isinstance(transformer, Pipeline) and isinstance(transformer.steps[0][1], HashingVectorizer):
            hasher = transformer.steps[0][1]
            key = (column, repr(sorted(hasher.get_params().items())))
            if key not in cache:
                fast = spans is not None and HASHED_COLUMNS.get(column) == hasher.analyzer \
                    and shared_hasher.supports(hasher)
                cache[key] = shared_hasher.matrix(hasher, spans, cache.setdefault(("arrays",), {})) \
                    if fast and spans is not None else hasher.transform(data)
            block = cache[key]
            done: tuple[Any, ...] = key
            for _, step in transformer.steps[1:]:
                done = (*done, _fitted_state(step))
                if done not in cache:
                    cache[done] = step.transform(block)
                block = cache[done]
        else:
            state = (column, _fitted_state(transformer))
            if state not in cache:
                cache[state] = transformer.transform(data)
            block = cache[state]
        if name in weights:
            block = block * weights[name]
        blocks.append(sparse.csr_matrix(block))
    return sparse.hstack(blocks, format="csr")


def card_path(model_path: Path) -> Path:
    """The model card sits beside the model file."""
    return model_path.with_suffix(".card.json")


def save_model(model: TrainedModel, path: Path) -> None:
    """Write the skops archive and its JSON card."""
    import zipfile

    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump({"format": FORMAT_VERSION, "pipelines": model.pipelines, "challenges": model.challenges}, path,
             compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    card_path(path).write_text(json.dumps(model.card, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_model(path: Path | None = None) -> TrainedModel:
    """Load a skops model after checking every type in it is a scikit-learn/numpy/scipy type."""
    import zipfile

    import skops.io as sio

    path = path or default_model_path()
    if not path.is_file():
        raise ModelError("model file not found; run 'spectrum train' first", path)
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except (zipfile.BadZipFile, json.JSONDecodeError, KeyError, OSError, ValueError) as exc:
        raise ModelError(f"not a skops model file ({type(exc).__name__})", path) from exc
    foreign = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if foreign:
        raise ModelError(f"refusing to load untrusted types: {', '.join(foreign[:5])}", path)
    try:
        obj = sio.load(path, trusted=untrusted)
    except Exception as exc:  # skops raises many types for incompatible archives
        raise ModelError(f"cannot load model (incompatible version? {type(exc).__name__}: {str(exc)[:100]})", path) from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT_VERSION or not isinstance(obj.get("pipelines"), dict):
        raise ModelError(f"not a trust-spectrum model (expected format {FORMAT_VERSION})", path)
    pipelines: dict[str, Pipeline] = obj["pipelines"]
    for axis, pipe in pipelines.items():
        if axis not in AXES:
            raise ModelError(f"unknown axis {axis!r} in model", path)
        unknown = [str(c) for c in getattr(pipe, "classes_", []) if str(c) not in AXES[axis]]
        if unknown:
            raise ModelError(f"unknown label(s) {unknown} for axis {axis} in model", path)
    challenges = obj.get("challenges") or {}
    for challenge, pipe in challenges.items() if isinstance(challenges, dict) else [("challenges", None)]:
        if challenge not in CHALLENGES or sorted(str(c) for c in getattr(pipe, "classes_", [])) != ["False", "True"]:
            raise ModelError(f"unknown challenge detector {challenge!r} in model", path)
    card: dict[str, Any] = {}
    cp = card_path(path)
    if cp.is_file():
        try:
            card = json.loads(cp.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"model card is not valid JSON ({exc})", cp) from exc
        for axis, value in card.get("thresholds", {}).items():
            if axis not in AXES or not isinstance(value, int | float):
                raise ModelError(f"bad threshold entry {axis!r}: {value!r}", cp)
        for challenge, value in card.get("challenge_thresholds", {}).items():
            if challenge not in CHALLENGES or not isinstance(value, int | float):
                raise ModelError(f"bad challenge threshold entry {challenge!r}: {value!r}", cp)
    return TrainedModel(pipelines, card, challenges)


def environment() -> dict[str, str]:
    """Library versions for the model card."""
    import sklearn
    import skops
    import spacy

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "skops": skops.__version__, "spacy": spacy.__version__, "numpy": np.__version__}
