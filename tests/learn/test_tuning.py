"""Tuning (lsm.learn.tuning): every model tuned with the same budget inside its training split only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from lsm.data.factors import compute_factors
from lsm.data.io.study import Study
from lsm.data.sampling import SamplingSettings, build_samples
from lsm.data.splits import SplitSettings, make_splits
from lsm.data.support import choose_factors, scan_study
from lsm.learn.tuning import TuningSettings, inner_split, random_start, tuned_models_config, tuning_job
from lsm.names import TEST, TRAIN
from tests.helpers import REPO, RIVER_AREA_KM2, from_params

CONFIG = yaml.safe_load((REPO / "params.yaml").read_text())
FAST = {**CONFIG["models"], "torch": {**CONFIG["models"]["torch"], "epochs": 3, "patience": 2}}


@pytest.fixture(scope="module")
def prepared(tiny_study_dir: Path):
    study = Study(tiny_study_dir, {"crs": None, "resolution_m": 30.0})
    stack = compute_factors(study, choose_factors("auto", scan_study(tiny_study_dir))[0], RIVER_AREA_KM2)
    samples = build_samples(stack, study, from_params(SamplingSettings, "sampling", seed=3), progress=False)
    splits, _ = make_splits(samples.table, 30.0, 15, True, from_params(SplitSettings, "splits", seed=5))
    return samples, splits


def settings(trials: int, **spaces) -> TuningSettings:
    return from_params(
        TuningSettings,
        "tuning",
        trials=trials,
        epochs=3,
        seed=17,
        spaces=spaces or CONFIG["tuning"]["spaces"],
    )


@pytest.mark.parametrize("scheme", ["random", "spatial", "temporal"])
def test_tuning_never_sees_a_test_sample(prepared, scheme: str, tmp_path: Path) -> None:
    samples, splits = prepared
    out = {
        k: tmp_path / f"{k}.{ext}" for k, ext in (("best", "yaml"), ("trials", "csv"), ("samples", "json"))
    }
    tuning_job(samples, splits, scheme, "dt", FAST, settings(3), 450.0, out)
    used = json.loads(out["samples"].read_text())
    part = splits.set_index("sample_id")[scheme]
    assert used["fit"] and used["score"] and not set(used["fit"]) & set(used["score"])
    assert (part.loc[used["fit"] + used["score"]] == TRAIN).all()  # inside the training split only
    assert not set(used["fit"] + used["score"]) & set(part[part == TEST].index)
    trials = pd.read_csv(out["trials"])
    assert len(trials) == 3 and trials["value"].between(0, 1).all()


def test_the_inner_split_respects_the_scheme(prepared) -> None:
    samples, splits = prepared
    split = splits["temporal"].to_numpy()
    inner = inner_split(samples, split, "temporal", 0.25, 450.0, 1)
    dates = pd.to_datetime(samples.table["date"])
    assert dates[inner == TRAIN].max() < dates[inner == TEST].min()  # score on later dates
    assert (inner[split != TRAIN] != TRAIN).all() and (inner[split != TRAIN] != TEST).all()


def test_the_same_seed_gives_the_same_best_settings_and_a_torch_study_runs(prepared, tmp_path: Path) -> None:
    samples, splits = prepared
    best = []
    for k in range(2):
        out = {
            n: tmp_path / f"{n}{k}.{e}" for n, e in (("best", "yaml"), ("trials", "csv"), ("samples", "json"))
        }
        best.append(tuning_job(samples, splits, "random", "cnn", FAST, settings(2), 450.0, out))
    assert best[0] == best[1]
    history = pd.read_csv(tmp_path / "trials0.csv")
    assert len(history) == 2 and (history["state"] == "COMPLETE").all()  # none pruned: all complete
    assert set(CONFIG["tuning"]["spaces"]["torch"]) <= set(best[0])
    assert best[0]["conv_channels"] == FAST["torch"]["conv_channels"]  # untuned settings kept


def test_a_clearly_better_setting_is_found(tmp_path: Path) -> None:
    """An XOR of two factors: a tree one split deep cannot learn it, one six deep can."""
    from lsm.data.samples import SampleSet

    rng = np.random.default_rng(0)
    n = 600
    a, b = rng.random(n), rng.random(n)
    labels = ((a > 0.5) ^ (b > 0.5)).astype(int)
    table = pd.DataFrame(
        {
            "sample_id": [f"S{i:04d}" for i in range(n)],
            "label": labels,
            "row": np.arange(n),
            "col": 0,
            "date": "",
        }
    )
    samples = SampleSet(
        table,
        np.zeros((n, 2, 3, 3), "float32"),
        None,
        np.column_stack([a, b]).astype("float32"),
        ["a", "b"],
        [],
        ["a", "b"],
        {},
    )
    splits = pd.DataFrame(
        {"sample_id": table["sample_id"], "random": np.where(np.arange(n) % 10 < 7, TRAIN, TEST)}
    )
    out = {k: tmp_path / f"{k}.{e}" for k, e in (("best", "yaml"), ("trials", "csv"), ("samples", "json"))}
    space = {"dt": {"max_depth": {"choices": [1, 6]}}}
    best = tuning_job(samples, splits, "random", "dt", CONFIG["models"], settings(6, **space), 1.0, out)
    assert best["max_depth"] == 6
    trials = pd.read_csv(out["trials"])
    assert trials["value"].max() > 0.9 > trials["value"].min()
    # Half the budget random, then TPE guided by those trials: every guided trial takes the depth
    # that won, as its scores show (Optuna's default random start of 10 would have left all six unguided).
    assert random_start(6) == 3 and (trials["state"] == "COMPLETE").all() and len(trials) == 6
    assert (trials.loc[trials["number"] >= 3, "value"] > 0.9).all()


def test_no_trials_leave_the_settings_of_models_untouched(tmp_path: Path) -> None:
    assert tuned_models_config(CONFIG["models"], "rf", None) == CONFIG["models"]
    best = tmp_path / "best.yaml"
    best.write_text(yaml.safe_dump({"model": "cnn_lstm", "scheme": "random", "settings": {"epochs": 3}}))
    tuned = tuned_models_config(CONFIG["models"], "cnn_lstm_rain_totals", best)
    assert tuned["torch"] == {"epochs": 3} and tuned["rf"] == CONFIG["models"]["rf"]


def test_a_claim_changes_only_where_both_verdicts_are_testable() -> None:
    from lsm.learn.tuning import claims_both_ways

    def claims(*verdicts: str) -> pd.DataFrame:
        return pd.DataFrame({"claim": ["C1", "C3", "C4"], "verdict_random": list(verdicts)})

    summary = pd.DataFrame(
        {"scheme": "random", "metric": "auc", "model": ["cnn_lstm", "rf"], "mean": [0.771, 0.759]}
    )
    untuned = claims("not significant", "not significant", "cannot be tested")
    tuned = claims("not significant", "supported", "supported")
    table = claims_both_ways(tuned, untuned, summary, summary).set_index("claim")
    assert table["changed"].to_dict() == {"C1": "no", "C3": "yes", "C4": "not comparable"}
    assert table.loc["C4", "verdict untuned"] == "cannot be tested"
    assert table.loc["C1", "best other tuned"] == "RF 0.759"
