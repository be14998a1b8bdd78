"""The scorecard: claim verdicts follow the numbers, the paper's values come from reported.yaml,
and the evaluation outputs of the tiny run make sense."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lsm.reported import load_reported_metrics
from lsm.scorecard import (
    FAILS,
    HOLDS,
    UNTESTABLE,
    judge_claims,
    performance_table,
    shuffle_days,
    window_means,
)
from tests.conftest import REPO

MODELS = ["cnn_lstm", "cnn", "lstm", "svm", "dt", "rf", "mlp"]


def crafted(aucs: dict[str, float], p: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    summary = pd.DataFrame(
        [
            {"scheme": "random", "model": m, "metric": "auc", "mean": a, "lo": a - 0.01, "hi": a + 0.01}
            for m, a in aucs.items()
        ]
    )
    comparisons = pd.DataFrame(
        [
            {
                "scheme": "random",
                "baseline": m,
                "auc_baseline": a,
                "difference": aucs["cnn_lstm"] - a,
                "p_holm": p,
            }
            for m, a in aucs.items()
            if m != "cnn_lstm"
        ]
    )
    return summary, comparisons


def verdicts(claims) -> dict[str, str]:
    return {c["claim"]: c["verdict"] for c in claims}


HIGH = pd.DataFrame(
    {
        "factor": ["slope_deg", "rain_30d_mm", "reservoir_swing_m"],
        "median_high": [33.0, 70.0, 9.0],
        "median_rest": [25.0, 15.0, 4.0],
        "p": [1e-4, 1e-9, 1e-6],
    }
)


def test_claims_hold_when_the_cnn_lstm_wins_clearly() -> None:
    aucs = dict(zip(MODELS, [0.98, 0.85, 0.90, 0.88, 0.86, 0.92, 0.90], strict=True))
    summary, comparisons = crafted(aucs, p=0.001)
    v = verdicts(judge_claims(summary, comparisons, HIGH, "random"))
    assert v == {"C1": HOLDS, "C2": HOLDS, "C3": HOLDS, "C4": HOLDS}


def test_claims_flip_when_the_numbers_flip() -> None:
    aucs = dict(zip(MODELS, [0.93, 0.85, 0.90, 0.88, 0.86, 0.95, 0.90], strict=True))  # RF beats it
    summary, comparisons = crafted(aucs, p=0.001)
    low = HIGH.assign(median_high=[20.0, 70.0, 9.0])  # high zones on gentler slopes
    v = verdicts(judge_claims(summary, comparisons, low, "random"))
    assert v["C1"] == FAILS and v["C2"] == FAILS and v["C4"] == FAILS
    assert v["C3"] == HOLDS  # it still beats both branches


def test_a_win_without_significance_does_not_hold() -> None:
    aucs = dict(zip(MODELS, [0.98, 0.85, 0.90, 0.88, 0.86, 0.92, 0.90], strict=True))
    summary, comparisons = crafted(aucs, p=0.2)
    v = verdicts(judge_claims(summary, comparisons, HIGH, "random"))
    assert v["C1"] == FAILS and v["C3"] == FAILS
    assert v["C2"] == HOLDS  # C2 is about the size of the gain


def test_a_study_without_the_cnn_lstm_cannot_test_the_claims() -> None:
    aucs = dict(zip(MODELS[3:], [0.88, 0.86, 0.92, 0.90], strict=True))
    summary = pd.DataFrame(
        [
            {"scheme": "random", "model": m, "metric": "auc", "mean": a, "lo": a, "hi": a}
            for m, a in aucs.items()
        ]
    )
    v = verdicts(judge_claims(summary, pd.DataFrame(), None, "random"))
    assert set(v.values()) == {UNTESTABLE}


def test_paper_values_come_from_reported_yaml() -> None:
    summary = pd.DataFrame(
        [
            {
                "scheme": "random",
                "model": "cnn_lstm",
                "metric": m,
                "mean": 0.5,
                "lo": 0.4,
                "hi": 0.6,
                "sd": 0.1,
                "seeds": 5,
            }
            for m in ("accuracy", "precision", "recall", "f1", "auc")
        ]
    )
    table = performance_table(summary, REPO / "paper" / "reported.yaml", ["random"]).set_index("metric")
    reported = load_reported_metrics(REPO / "paper" / "reported.yaml").set_index(["model", "metric"])
    assert table.loc["auc", "paper"] == f"{reported.loc[('cnn_lstm', 'auc'), 'value']:.3f}"
    assert table.loc["auc", "ours_random"] == "0.500 [0.400, 0.600]"


def test_time_ablations_keep_the_days_or_the_totals() -> None:
    rng = np.random.default_rng(0)
    seq = rng.random((5, 30, 4)).astype("float32")
    shuffled = shuffle_days(seq, 1)
    np.testing.assert_allclose(np.sort(shuffled, axis=1), np.sort(seq, axis=1))
    assert not np.allclose(shuffled, seq)
    np.testing.assert_allclose(window_means(seq).sum(axis=1), seq.sum(axis=1), rtol=1e-5)


@pytest.mark.integration
def test_evaluation_of_the_tiny_run(tiny_results) -> None:
    where_when = pd.read_csv(tiny_results / "metrics" / "where_when.csv")
    cnn = where_when[where_when["model"] == "cnn"]
    assert (cnn["when_auc_same_place"] == 0.5).all()  # a static model cannot tell days apart
    oracle = pd.read_csv(tiny_results / "metrics" / "oracle.csv")
    for scheme, g in oracle.groupby("scheme"):
        assert g["oracle_auc"].iloc[0] >= g["auc"].max() - 0.05, scheme
    claims = pd.read_csv(tiny_results / "tables" / "tab02_claims.csv")
    assert list(claims["claim"]) == ["C1", "C2", "C3", "C4"]
    assert set(claims["verdict_random"]) <= {HOLDS, FAILS, UNTESTABLE}
    comparisons = pd.read_csv(tiny_results / "metrics" / "comparisons.csv")
    assert (comparisons["p_holm"] >= comparisons["p"]).all()
