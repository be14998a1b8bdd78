"""What one training run gives back (lsm.learn.results): its test predictions in the order of the test
indices, with ids and labels from the samples' table, their metrics (checked against numbers worked
out by hand) and its learning curve as given."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lsm.data.io import write_json, write_text
from lsm.data.samples import SampleSet
from lsm.learn.results import RunResult, run_result

CURVE = pd.DataFrame(
    {"epoch": [1, 2], "train_loss": [0.7, 0.6], "val_loss": [0.69, 0.65], "val_auc": [0.6, 0.7]}
)


def table_samples(labels: list[int]) -> SampleSet:
    """Samples whose table is all run_result reads (ids and labels); the arrays are empty."""
    n = len(labels)
    table = pd.DataFrame({"sample_id": [f"S{i:03d}" for i in range(n)], "label": labels})
    return SampleSet(
        table,  # a plain frame: nothing here reads a geometry
        np.zeros((n, 1, 1, 1), dtype="float32"),
        None,
        np.zeros((n, 1), dtype="float32"),
        ["a"],
        [],
        ["a"],
        {},
    )


# Eight samples; the test samples are rows 6, 1, 3, 0, 5 (in that order): labels 1, 0, 1, 0, 1.
# The other rows (2, 4, 7) carry labels that would change every metric if they were counted.
LABELS = [0, 0, 1, 1, 1, 1, 1, 0]
TEST_IDX = np.array([6, 1, 3, 0, 5])
PROBABILITIES = np.array([0.9, 0.2, 0.4, 0.6, 0.7])


def test_predictions_follow_the_test_indices_with_ids_and_labels_from_the_table() -> None:
    result = run_result(table_samples(LABELS), TEST_IDX, PROBABILITIES, CURVE)
    assert isinstance(result, RunResult)
    assert list(result.predictions.columns) == ["sample_id", "probability", "label"]
    assert list(result.predictions["sample_id"]) == ["S006", "S001", "S003", "S000", "S005"]
    assert list(result.predictions["label"]) == [1, 0, 1, 0, 1]
    np.testing.assert_array_equal(result.predictions["probability"].to_numpy(), PROBABILITIES)


def test_the_metrics_are_the_hand_computed_ones_of_the_test_samples_only() -> None:
    """At 0.5 the predictions are 1, 0, 0, 1, 1 for labels 1, 0, 1, 0, 1: tp 2, fn 1, fp 1, tn 1.
    Accuracy 3/5; precision, recall and F1 2/3; AUC: 5 of the 6 positive-negative pairs are in
    order; kappa: chance agreement (3/5)(3/5) + (2/5)(2/5) = 0.52, so (0.6 - 0.52) / 0.48 = 1/6."""
    metrics = run_result(table_samples(LABELS), TEST_IDX, PROBABILITIES, CURVE).metrics
    assert metrics["n"] == 5 and metrics["positives"] == 3
    assert metrics["confusion"] == {"tn": 1, "fp": 1, "fn": 1, "tp": 2}
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["precision"] == pytest.approx(2 / 3)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["auc"] == pytest.approx(5 / 6)
    assert metrics["kappa"] == pytest.approx(1 / 6)


def test_a_probability_of_exactly_one_half_counts_as_a_landslide() -> None:
    samples = table_samples([1, 0])
    metrics = run_result(samples, np.array([0, 1]), np.array([0.5, 0.49999]), CURVE).metrics
    assert metrics["confusion"] == {"tn": 1, "fp": 0, "fn": 0, "tp": 1}
    assert metrics["accuracy"] == 1.0


def test_the_learning_curve_is_given_back_unchanged() -> None:
    result = run_result(table_samples(LABELS), TEST_IDX, PROBABILITIES, CURVE)
    pd.testing.assert_frame_equal(result.curve, CURVE)


def test_a_test_set_of_one_class_has_no_auc_but_its_other_metrics() -> None:
    metrics = run_result(table_samples(LABELS), np.array([2, 3, 4]), np.array([0.8, 0.3, 0.6]), CURVE).metrics
    assert math.isnan(metrics["auc"])
    assert metrics["accuracy"] == pytest.approx(2 / 3) and metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["confusion"] == {"tn": 0, "fp": 0, "fn": 1, "tp": 2}


def test_a_probability_for_each_test_sample_is_required() -> None:
    with pytest.raises(ValueError):
        run_result(table_samples(LABELS), TEST_IDX, PROBABILITIES[:-1], CURVE)


def test_the_result_written_as_a_run_writes_it_reloads_to_the_same_values(tmp_path: Path) -> None:
    """predictions.csv and metrics.json as lsm.learn.train writes them: the metrics are plain JSON."""
    result = run_result(table_samples(LABELS), TEST_IDX, PROBABILITIES, CURVE)
    write_text(tmp_path / "predictions.csv", result.predictions.to_csv(index=False, float_format="%.8f"))
    write_json(tmp_path / "metrics.json", result.metrics)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "predictions.csv"), result.predictions)
    assert json.loads((tmp_path / "metrics.json").read_text()) == result.metrics
