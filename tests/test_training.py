"""Training choices: which axes see rule features, how the grid is tried, and how differences are judged."""

from __future__ import annotations

from spectrum.model import Hyper, TrainedModel
from spectrum.training import GRID, RULE_FEATURES, axis_grid, hyper_from_card, paired_bootstrap


def test_approach_is_trained_without_rule_features_and_tries_each_C_once() -> None:
    grid = axis_grid("approach", GRID)
    assert RULE_FEATURES["approach"] is False
    assert all(not h.use_rules for h in grid)
    assert sorted(h.C for h in grid) == sorted({h.C for h in GRID})


def test_spectrum_keeps_the_whole_grid_with_rule_features() -> None:
    assert axis_grid("spectrum", GRID) == list(GRID)


def test_card_round_trip_keeps_rule_feature_setting() -> None:
    card = {"hyperparameters": {"approach": {"kind": "logreg", "C": 16.0, "rule_weight": 1.0,
                                             "rule_features": False}}}
    assert hyper_from_card(TrainedModel({}, card), "approach") == Hyper("logreg", 16.0, 1.0, use_rules=False)
    # Cards written before the setting existed trained every axis with rule features.
    assert hyper_from_card(TrainedModel({}, {}), "spectrum").use_rules


def test_paired_bootstrap_of_a_system_against_itself_is_zero() -> None:
    gold = ["a", "b", "c", "a"] * 25
    pred = ["a", "b", "b", "a"] * 25
    d = paired_bootstrap(gold, pred, pred, ["a", "b", "c"], rounds=200)
    assert d == {"difference": 0.0, "low": 0.0, "high": 0.0}


def test_paired_bootstrap_interval_excludes_zero_for_a_clear_win() -> None:
    gold = ["a", "b", "c"] * 40
    d = paired_bootstrap(gold, gold, ["a"] * len(gold), ["a", "b", "c"], rounds=200)
    assert d["low"] > 0.3 and d["low"] <= d["difference"] <= d["high"]
