"""The area of applicability on cases with known answers: R's box-plot whisker, the dissimilarity
index of points on a line, weights that switch a predictor off, folds that keep blocks whole."""

from __future__ import annotations

import numpy as np
import pytest

from lsm.maps.applicability import Applicability, column_weights, spatial_folds, upper_whisker


def test_upper_whisker_is_r_boxplot_stats() -> None:
    # R: boxplot.stats(c(1:10, 100))$stats[5] == 10; boxplot.stats(c(1:10))$stats[5] == 10;
    # boxplot.stats(c(1, 2, 3, 4, 20))$stats == c(1, 2, 3, 4, 4) (20 is beyond 4 + 1.5 * 2).
    assert upper_whisker(np.r_[np.arange(1, 11), 100]) == 10
    assert upper_whisker(np.arange(1, 11)) == 10
    assert upper_whisker(np.array([1, 2, 3, 4, 20.0])) == 4
    assert upper_whisker(np.array([1, 2, 3, 4, 6.9])) == 6.9  # inside the fence 4 + 1.5 * 2 = 7
    with pytest.raises(ValueError):
        upper_whisker(np.array([np.nan]))


def test_dissimilarity_of_points_on_a_line() -> None:
    rows = np.array([[0.0], [1.0], [2.0], [3.0]])
    aoa = Applicability.fit(rows, np.ones(1), folds=np.array([0, 1, 0, 1]))
    # Mean distance between different samples: (3 + 2 + 1 + 2 + 1 + 1) * 2 / 12 = 5/3 (raw units;
    # the index does not depend on the standardisation of a single column).
    di = aoa.dissimilarity(np.array([[5.0], [1.5], [2.0], [np.nan]]))
    np.testing.assert_allclose(di[:3], [2 / (5 / 3), 0.5 / (5 / 3), 0.0])
    assert np.isnan(di[3])
    # Each training sample against the other fold: 0 -> 1, 1 -> 0 or 2, 2 -> 1 or 3, 3 -> 2.
    np.testing.assert_allclose(aoa.training_di, [0.6] * 4)
    assert aoa.threshold == pytest.approx(0.6)
    assert aoa.dissimilarity(np.array([[4.0]]))[0] > aoa.threshold  # beyond the range: outside


def test_a_zero_weight_switches_a_predictor_off() -> None:
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(50, 2))
    folds = np.arange(50) % 5
    weighted = Applicability.fit(rows, np.array([1.0, 0.0]), folds)
    far_in_second = np.array([[rows[7, 0], 1e6]])
    assert weighted.dissimilarity(far_in_second)[0] == 0.0
    both = Applicability.fit(rows, np.array([1.0, 1.0]), folds)
    assert both.dissimilarity(far_in_second)[0] > 100


def test_duplicated_samples_in_other_folds_have_no_dissimilarity() -> None:
    rows = np.repeat(np.arange(6.0)[:, None], 2, axis=0)
    aoa = Applicability.fit(rows, np.ones(1), folds=np.tile([0, 1], 6))
    assert (aoa.training_di == 0).all() and aoa.threshold == 0


def test_column_weights_from_importance() -> None:
    columns = ["slope", "northness", "eastness", "rain_3d_mm", "dist_road"]
    group = {"slope": "slope", "northness": "aspect", "eastness": "aspect", "rain_3d_mm": "rain"}
    weights, equal = column_weights(columns, group, {"slope": 0.04, "aspect": -0.01, "rain": 0.1})
    np.testing.assert_allclose(weights, [0.04, 0.0, 0.0, 0.1, 0.0])
    assert not equal
    weights, equal = column_weights(columns, group, {"slope": -0.02, "aspect": 0.0})
    assert equal and (weights == 1).all()


def test_spatial_folds_keep_blocks_whole() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 10_000, 400), rng.uniform(0, 10_000, 400)
    folds = spatial_folds(x, y, 2_000.0, 5)
    blocks = np.floor(x / 2_000) * 100 + np.floor(y / 2_000)
    for block in np.unique(blocks):
        assert len(np.unique(folds[blocks == block])) == 1
    assert sorted(np.unique(folds)) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="one 20000 m block"):
        spatial_folds(x, y, 20_000.0, 5)
