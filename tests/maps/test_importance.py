"""Permutation importance (lsm.maps.importance): which inputs form a factor's or a series' group, what a
permutation moves, and which groups a model reads at all."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lsm.maps.importance import FeatureGroup, feature_groups, permute, reads, summarise_importance
from lsm.maps.predictors import SampleInputs
from lsm.names import HYBRID

CLASSES = pd.DataFrame({"code": [1, 2], "name": ["forest", "bare"]})
CHANNELS = ["slope", "northness", "eastness", "landuse_forest", "landuse_bare"]
TABULAR = [*CHANNELS, "landuse_code", "rain_3d_mm", "rain_window_mm"]
SEQUENCE = ["rain_mm", "rain_change_mm"]


@pytest.fixture
def groups() -> dict[str, FeatureGroup]:
    built = feature_groups(["slope", "aspect", "landuse"], CLASSES, CHANNELS, TABULAR, SEQUENCE)
    return {group.name: group for group in built}


def test_a_group_holds_every_form_of_its_factor_or_series(groups: dict[str, FeatureGroup]) -> None:
    assert groups["aspect"] == FeatureGroup("aspect", "factor", (1, 2), (1, 2), ())
    assert groups["landuse"].tabular == (3, 4, 5)  # one-hot for most models, coded for the trees
    assert groups["rain"] == FeatureGroup("rain", "series", (), (6, 7), (0, 1))
    assert "reservoir_level" not in groups  # no level series among the sequences: no group


def test_a_permutation_moves_only_its_groups_inputs(groups: dict[str, FeatureGroup]) -> None:
    rng = np.random.default_rng(0)
    inputs = SampleInputs(
        rng.normal(size=(6, len(CHANNELS), 3, 3)),
        rng.normal(size=(6, 4, 2)),
        rng.normal(size=(6, len(TABULAR))),
    )
    order = np.array([5, 4, 3, 2, 1, 0])
    moved = permute(inputs, groups["rain"], order)
    assert np.array_equal(moved.patches, inputs.patches)
    assert np.array_equal(moved.tabular[:, :6], inputs.tabular[:, :6])
    assert np.array_equal(moved.tabular[:, 6:], inputs.tabular[order, 6:])
    assert np.array_equal(moved.sequences, inputs.sequences[order])


def test_a_model_reads_only_the_groups_its_inputs_carry(groups: dict[str, FeatureGroup]) -> None:
    rain, slope = groups["rain"], groups["slope"]
    assert reads(HYBRID, rain) and reads(HYBRID, slope)
    assert reads("cnn_lstm_rain_totals", rain)  # an ablation variant keeps its LSTM branch
    assert reads("lstm", rain) and reads("lstm", slope)  # the LSTM alone sees the centre pixel too
    assert not reads("cnn", rain) and reads("cnn", slope)  # the CNN alone never sees the rain
    assert reads("rf", rain) and reads("svm", slope)  # the tabular rows carry the window totals
    no_totals = FeatureGroup("rain", "series", (), (), (0, 1))
    assert not reads("rf", no_totals)


def test_the_summary_ranks_each_models_groups_over_seeds() -> None:
    per_seed = pd.DataFrame(
        {
            "model": ["cnn"] * 4 + ["rf"] * 2,
            "group": ["slope", "slope", "aspect", "aspect", "slope", "slope"],
            "kind": "factor",
            "seed": [1, 2, 1, 2, 1, 2],
            "drop": [0.10, 0.20, 0.01, 0.03, 0.05, 0.05],
        }
    )
    summary = summarise_importance(per_seed).set_index(["model", "group"])
    assert summary.loc[("cnn", "slope"), "drop_mean"] == pytest.approx(0.15)
    assert summary.loc[("cnn", "slope"), "rank"] == 1 and summary.loc[("cnn", "aspect"), "rank"] == 2
    assert summary.loc[("rf", "slope"), "seeds"] == 2 and ("rf", "aspect") not in summary.index
