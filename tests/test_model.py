"""Model files: skops only, checked types, a card that matches the corpus and rules it was trained on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spectrum.corpus.load import corpus_hash, load_segments
from spectrum.errors import ModelError
from spectrum.model import AXES, Hyper, build_pipeline, card_path, default_model_path, load_model
from spectrum.nlp import make_nlp
from spectrum.rules import compile_rules
from spectrum.vocab import CHALLENGES


def test_model_shipped_model_matches_corpus_and_rules() -> None:
    """Fails when the corpus or rules changed since training: run 'spectrum train' and commit."""
    card = json.loads(card_path(default_model_path()).read_text())
    assert card["corpus_hash"] == corpus_hash(load_segments()), "corpus changed: retrain the shipped model"
    assert card["rules_hash"] == compile_rules(make_nlp()).book.digest, "rules changed: retrain the shipped model"


def test_model_card_records_what_a_reader_needs() -> None:
    card = json.loads(card_path(default_model_path()).read_text())
    for key in ("corpus_hash", "rules_hash", "splits", "hyperparameters", "thresholds", "environment", "metrics", "seed"):
        assert key in card
    assert set(card["metrics"]["dev"]) == set(AXES)
    assert set(card["challenge_metrics"]["dev"]) == set(card["challenge_thresholds"]) == set(CHALLENGES)


def test_model_loads_and_predicts_known_labels() -> None:
    model = load_model()
    rows = np.empty((1, 3), dtype=object)
    rows[0] = ["all academy will use one mis", "all academies will use one mis", {}]
    for axis, labels in AXES.items():
        [p] = model.predict_proba(axis, rows)
        assert set(p) == set(labels) and abs(sum(p.values()) - 1) < 1e-6


def test_model_rejects_a_file_that_is_not_skops(tmp_path: Path) -> None:
    bad = tmp_path / "model.skops"
    bad.write_bytes(b"\x80\x04 this is a pickle, not a skops archive")
    with pytest.raises(ModelError, match="not a skops model file"):
        load_model(bad)


def test_model_refuses_untrusted_types(tmp_path: Path) -> None:
    import skops.io as sio

    path = tmp_path / "evil.skops"
    sio.dump({"format": 1, "pipelines": {"spectrum": Path("x")}}, path)
    with pytest.raises(ModelError, match="untrusted types"):
        load_model(path)


def test_model_rejects_unknown_labels(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.dummy import DummyClassifier

    clf = DummyClassifier().fit([[0], [1]], ["standardised", "mandated"])
    path = tmp_path / "odd.skops"
    sio.dump({"format": 1, "pipelines": {"spectrum": clf}}, path)
    with pytest.raises(ModelError, match="unknown label"):
        load_model(path)


def test_model_rejects_an_unknown_challenge_detector(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.dummy import DummyClassifier

    detector = DummyClassifier().fit([[0], [1]], [False, True])
    path = tmp_path / "odd.skops"
    sio.dump({"format": 1, "pipelines": {}, "challenges": {"toxic_culture": detector}}, path)
    with pytest.raises(ModelError, match="unknown challenge detector 'toxic_culture'"):
        load_model(path)


def test_model_detects_challenges_with_a_probability_for_each() -> None:
    model = load_model()
    rows = np.empty((1, 3), dtype=object)
    rows[0] = ["the strong practice stay in one school", "the strong practice stays in one school", {}]
    [p] = model.predict_challenges(rows)
    assert set(p) == set(model.challenges) == set(model.challenge_thresholds) == set(CHALLENGES)
    assert all(0.0 <= v <= 1.0 for v in p.values())


def test_model_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "none.skops")


def test_model_truncated_archive(tmp_path: Path) -> None:
    data = default_model_path().read_bytes()
    path = tmp_path / "cut.skops"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        load_model(path)


def test_model_training_is_deterministic() -> None:
    texts = [f"all academy {w} use the same scheme" for w in ("will", "must", "shall")] * 6 + \
            [f"each school {w} its own approach" for w in ("decide", "choose", "set")] * 6
    labels = ["standardised"] * 18 + ["autonomous"] * 18
    rows = np.empty((len(texts), 3), dtype=object)
    for i, t in enumerate(texts):
        rows[i] = [t, t, {"x": float(i % 2)}]
    a = build_pipeline(Hyper()).fit(rows, labels).predict_proba(rows)
    b = build_pipeline(Hyper()).fit(rows, labels).predict_proba(rows)
    assert np.array_equal(a, b)


def test_model_sharing_features_across_axes_and_detectors_changes_no_probability() -> None:
    from spectrum.features import feature_rows
    from spectrum.segment import parse_texts

    nlp = make_nlp()
    rules = compile_rules(nlp)
    model = load_model()
    texts = [s.text for s in load_segments()[:300]]
    spans = list(parse_texts(texts, nlp))
    rows = feature_rows(spans, rules.apply(spans))
    shared: dict[tuple[object, ...], object] = {}
    for axis in AXES:
        alone = model.predict_proba(axis, rows)
        reused = model.predict_proba(axis, rows, shared)
        assert np.allclose([[p[k] for k in sorted(p)] for p in alone], [[p[k] for k in sorted(p)] for p in reused])
    # one lemma and one character matrix, their TF-IDF weightings and the rule features: computed
    # once for all three axes (every pipeline fitted its weights on the same training rows)
    assert len(shared) == 5
    alone_flags = model.predict_challenges(rows)
    assert model.predict_challenges(rows, shared) == alone_flags
    assert len(shared) == 5, "the six detectors reuse what the axes computed"
