"""Training choices: which axes see rule features, how the grid is tried, and how differences are judged."""

from __future__ import annotations

import numpy as np

from spectrum.model import Hyper, TrainedModel
from spectrum.training import (
    GRID,
    MAX_C,
    RULE_FEATURES,
    THRESHOLD_CAP,
    THRESHOLDS,
    Prepared,
    axis_grid,
    choose_setting,
    hyper_from_card,
    paired_bootstrap,
    tune_threshold,
)


def _dev(gold: list[str], top: list[float]) -> tuple[Prepared, list[dict[str, float]]]:
    """A dev set where each row's gold label gets probability ``top`` and the other three share the rest.

    Each position has a weak rule vote behind it: enough to back it (``decide``'s step 3a), too weak
    to rescue it once abstained, so the threshold alone decides.
    """
    labels = ["standardised", "aligned", "autonomous", "none"]
    probs = [{label: p if label == g else round((1 - p) / 3, 3) for label in labels}
             for g, p in zip(gold, top, strict=True)]
    votes = [{"spectrum": {} if g == "none" else {g: 0.5}, "approach": {}, "domain": {}, "challenge": {}}
             for g in gold]
    data = Prepared([], np.empty((len(gold), 3), dtype=object), {"spectrum": np.array(gold)}, votes)
    return data, probs


def test_threshold_is_the_highest_that_costs_nothing_on_dev_up_to_the_axis_cap(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gold = ["standardised", "aligned", "autonomous", "none"] * 10
    data, probs = _dev(gold, [0.9] * len(gold))  # sure and right: abstaining never helps nor hurts
    assert tune_threshold("spectrum", probs, data) == (THRESHOLD_CAP["spectrum"], 1.0)
    monkeypatch.setitem(THRESHOLD_CAP, "spectrum", 1.0)
    assert tune_threshold("spectrum", probs, data) == (max(THRESHOLDS), 1.0)


def test_threshold_stops_before_abstaining_loses_right_answers() -> None:
    gold = ["standardised", "aligned", "autonomous", "none"] * 10
    data, probs = _dev(gold, [0.42] * len(gold))  # right but unsure: above 0.42 every answer turns to 'none'
    threshold, f1 = tune_threshold("spectrum", probs, data)
    assert threshold == 0.4 and f1 == 1.0


def test_approach_is_trained_without_rule_features_and_tries_each_C_once() -> None:
    grid = axis_grid("approach", GRID)
    assert RULE_FEATURES["approach"] is False
    assert all(not h.use_rules for h in grid)
    assert sorted(h.C for h in grid) == sorted({h.C for h in GRID})


def test_spectrum_tries_every_rule_weight_with_rule_features_but_no_C_above_its_cap() -> None:
    grid = axis_grid("spectrum", GRID)
    assert all(h.use_rules and MAX_C["spectrum"] >= h.C for h in grid)
    assert sorted(h.rule_weight for h in grid) == sorted({h.rule_weight for h in GRID})
    assert len(grid) == len(set(grid))


def test_axes_without_a_cap_keep_the_whole_grid() -> None:
    assert "domain" not in MAX_C
    assert axis_grid("domain", GRID) == list(GRID)


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


def test_held_out_summary_leaves_out_groups_without_a_figure() -> None:
    from spectrum.report.accuracy import format_held_out
    from spectrum.training import held_out_summary

    results: dict[str, dict[str, float | None]] = {
        "policy": {"n": 10.0, "spectrum": 0.8, "challenges": 0.5},
        "web_page": {"n": 12.0, "spectrum": 0.7, "challenges": None},  # no passage flagged with a challenge
    }
    summary = held_out_summary(results)
    assert summary["challenges"] == {"mean": 0.5, "worst": 0.5, "worst_group": "policy"}
    assert summary["spectrum"]["worst_group"] == "web_page"
    assert "| web_page | 12 | 0.700 | – |" in format_held_out({"by": "register", "groups": results, "summary": summary})


def test_the_most_regularised_setting_close_to_the_best_is_chosen() -> None:
    trials = [(0.871, Hyper("logreg", 1.0), 0.65, "c1", None), (0.877, Hyper("logreg", 4.0), 0.6, "c4", None),
              (0.860, Hyper("logreg", 0.25), 0.6, "c025", None)]
    assert choose_setting(trials)[3] == "c1"  # 0.006 below the best: within tolerance, and C is smaller
    assert choose_setting(trials[1:])[3] == "c4"  # 0.017 below: the best stands
    ties = [(0.87, Hyper("logreg", 4.0, 0.5), 0.5, "w05", None), (0.875, Hyper("logreg", 4.0, 2.0), 0.5, "w2", None)]
    assert choose_setting(ties)[3] == "w2"  # same C: the better on dev
