"""Held-out predictions of a trained run (lsm.learn.held_out): a network's are its validation part,
carved exactly as training carved it; a scikit-learn model's are out of fold over the training split,
grouped by cell, refitted with the run's own settings; no test sample is ever among them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from lsm.data.normalise import Normaliser
from lsm.data.samples import SampleSet
from lsm.learn.held_out import FOLDS, held_out_predictions
from lsm.learn.models import sklearn_model, tabular_columns
from lsm.learn.train import run_training
from lsm.learn.train_torch import carve_validation, cell_groups
from lsm.names import TEST, TRAIN
from tests.helpers import PARAMS

SCHEME = "random"
RUN_SEED, HELD_OUT_SEED = 7, 3  # the seed a run trained with, and the one its held-out part is drawn with
CONFIG: dict[str, Any] = {
    "device": "cpu",
    "threads": 1,
    "torch": {  # params.yaml's settings, tiny; a validation fraction other than the default
        **PARAMS["models"]["torch"],
        "epochs": 4,
        "patience": 4,
        "batch_size": 32,
        "validation_fraction": 0.25,
        "conv_channels": [4],
        "lstm_hidden": 4,
        "dense_units": 4,
        "dropout": 0.0,
        "learning_rate": 0.01,
    },
    "dt": {"max_depth": None, "min_samples_leaf": 1},  # a tree that memorises its training rows
    "rf": {"n_estimators": 15, "min_samples_leaf": 1},
}


def sample_set(
    table: pd.DataFrame, patches: np.ndarray, sequences: np.ndarray, tabular: np.ndarray
) -> SampleSet:
    """The arrays as a SampleSet with two patch channels (a, b), two series and their tabular columns
    (``table``: a plain frame, nothing here reads a geometry)."""
    series, columns = ["rain_mm", "rain_change_mm"], ["a", "b", "rain_mm"]
    return SampleSet(table, patches, sequences, tabular, ["a", "b"], series, columns, {})


def twin_samples(cells: int = 90, seed: int = 0) -> SampleSet:
    """Two samples per grid cell (the same place on two days): same label, same inputs; labels are
    noise, so only a twin seen in training can predict its sibling."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(rng.permutation(np.tile([1, 0], cells // 2)), 2)
    n = len(labels)
    patches = np.repeat(rng.normal(size=(cells, 2, 5, 5)), 2, axis=0).astype("float32")
    sequences = np.repeat(rng.normal(size=(cells, 6, 2)), 2, axis=0).astype("float32")
    tabular = np.concatenate([patches[:, :, 2, 2], sequences[:, -1, :1]], axis=1).astype("float32")
    table = pd.DataFrame(
        {
            "sample_id": [f"S{i:05d}" for i in range(n)],
            "label": labels,
            "kind": np.where(labels == 1, "positive", np.tile(["random", "same_place"], n // 2)),
            "row": np.repeat(np.arange(cells), 2),
            "col": np.repeat(np.arange(cells) % 7, 2),
        }
    )
    return sample_set(table, patches, sequences, tabular)


def learnable_samples(n: int = 160, seed: int = 1, signal: float = 0.5) -> SampleSet:
    """One sample per cell; positives differ (by ``signal``) in one patch channel and in late rain:
    learnable, but not perfectly, so that AUCs tell predictions apart."""
    rng = np.random.default_rng(seed)
    labels = np.tile([1, 0], n // 2)
    patches = rng.normal(size=(n, 2, 5, 5)).astype("float32")
    patches[:, 0] += signal * labels[:, None, None]
    sequences = rng.normal(size=(n, 6, 2)).astype("float32")
    sequences[:, -2:, 0] += signal * labels[:, None]
    tabular = np.concatenate([patches[:, :, 2, 2], sequences[:, -1, :1]], axis=1).astype("float32")
    table = pd.DataFrame(
        {
            "sample_id": [f"L{i:05d}" for i in range(n)],
            "label": labels,
            "kind": np.where(labels == 1, "positive", "random"),
            "row": np.arange(n),
            "col": np.arange(n),
        }
    )
    return sample_set(table, patches, sequences, tabular)


def cell_split(samples: SampleSet, seed: int = 0) -> pd.DataFrame:
    """About a quarter of the cells test, the rest train (a cell's samples on one side)."""
    rows = samples.table["row"].to_numpy()
    test_cells = np.random.default_rng(seed).random(rows.max() + 1) < 0.25
    part = np.where(test_cells[rows], TEST, TRAIN)
    return pd.DataFrame({"sample_id": samples.table["sample_id"], SCHEME: part})


def train_run(samples: SampleSet, splits: pd.DataFrame, model: str, run_dir: Path) -> dict[str, Any]:
    return run_training(samples, splits, SCHEME, model, RUN_SEED, CONFIG, run_dir)


@pytest.fixture(scope="module")
def tree_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleSet, pd.DataFrame, Path]:
    samples = twin_samples()
    splits = cell_split(samples)
    run_dir = tmp_path_factory.mktemp("dt")
    train_run(samples, splits, "dt", run_dir)
    return samples, splits, run_dir


@pytest.fixture(scope="module")
def network_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleSet, pd.DataFrame, Path]:
    samples = learnable_samples()
    splits = cell_split(samples, seed=2)
    run_dir = tmp_path_factory.mktemp("cnn_lstm")
    train_run(samples, splits, "cnn_lstm", run_dir)
    return samples, splits, run_dir


def test_a_scikit_learn_run_gives_every_training_sample_once_and_no_test_sample(tree_run) -> None:
    samples, splits, run_dir = tree_run
    model_bytes = (run_dir / "model.skops").read_bytes()
    held_out = held_out_predictions(samples, splits[SCHEME].to_numpy(), run_dir, HELD_OUT_SEED)
    train = splits[SCHEME] == TRAIN
    assert list(held_out.columns) == ["sample_id", "label", "kind", "probability"]
    assert list(held_out["sample_id"]) == list(splits.loc[train, "sample_id"])  # in order, each once
    assert not set(held_out["sample_id"]) & set(splits.loc[~train, "sample_id"])
    table = samples.table.set_index("sample_id").loc[held_out["sample_id"]]
    assert (held_out["label"].to_numpy() == table["label"].to_numpy()).all()
    assert (held_out["kind"].to_numpy() == table["kind"].to_numpy()).all()
    assert held_out["probability"].between(0, 1).all()
    assert (run_dir / "model.skops").read_bytes() == model_bytes  # the run's own model is left as it was


def test_out_of_fold_predictions_refit_the_runs_model_with_its_settings_and_seed(tmp_path: Path) -> None:
    """What held_out promises, spelled out: the run's normaliser (fitted on the training split), the
    estimator built from the run's settings and training seed, five folds seeded by ``seed``."""
    samples = learnable_samples()
    splits = cell_split(samples, seed=4)
    train_run(samples, splits, "rf", tmp_path)
    split = splits[SCHEME].to_numpy()
    held_out = held_out_predictions(samples, split, tmp_path, HELD_OUT_SEED)

    train = np.flatnonzero(split == TRAIN)
    mask = split == TRAIN
    normaliser = Normaliser.fit(samples.patches, samples.tabular, None, mask)
    x = normaliser.tabular(samples.tabular[train])[:, tabular_columns("rf", samples.tabular_names)]
    y = samples.table["label"].to_numpy()[train]
    expected = cross_val_predict(
        sklearn_model("rf", CONFIG["rf"], RUN_SEED),
        x,
        y,
        groups=cell_groups(samples)[train],
        cv=StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=HELD_OUT_SEED),
        method="predict_proba",
    )[:, 1]
    np.testing.assert_allclose(held_out["probability"].to_numpy(), expected, atol=1e-12)
    # Another seed gives other folds, hence other predictions (the seed is used, not ignored).
    other = held_out_predictions(samples, split, tmp_path, HELD_OUT_SEED + 1)
    assert not np.allclose(other["probability"].to_numpy(), expected)


def test_a_cells_samples_never_sit_on_both_sides_of_a_fold(tree_run) -> None:
    """Twins share a cell, a label and every input; the labels are noise. A tree that memorises its
    rows predicts a sample perfectly whenever its twin was fitted on (AUC about 0.9 with folds that
    ignore cells); with folds grouped by cell it can only guess (AUC about 0.5)."""
    samples, splits, run_dir = tree_run
    held_out = held_out_predictions(samples, splits[SCHEME].to_numpy(), run_dir, HELD_OUT_SEED)
    assert roc_auc_score(held_out["label"], held_out["probability"]) < 0.7


def test_the_test_samples_change_nothing_in_the_held_out_predictions(tree_run) -> None:
    samples, splits, run_dir = tree_run
    split = splits[SCHEME].to_numpy()
    test = split == TEST
    table = samples.table.copy()
    table.loc[test, "label"] = 1 - table.loc[test, "label"]
    tabular = samples.tabular.copy()
    tabular[test] = 1000.0
    scrambled = replace(samples, table=table, tabular=tabular)
    before = held_out_predictions(samples, split, run_dir, HELD_OUT_SEED)
    after = held_out_predictions(scrambled, split, run_dir, HELD_OUT_SEED)
    pd.testing.assert_frame_equal(before, after)


def test_a_network_run_without_its_model_pt_is_refused(tmp_path: Path) -> None:
    (tmp_path / "metrics.json").write_text(json.dumps({"model": "cnn"}))
    samples = learnable_samples(n=20)
    with pytest.raises(ValueError, match=r"a network's run without its model\.pt"):
        held_out_predictions(samples, cell_split(samples)[SCHEME].to_numpy(), tmp_path, HELD_OUT_SEED)


def test_a_networks_held_out_part_is_the_validation_part_its_training_watched(network_run) -> None:
    """Early stopping kept the weights of the best epoch: scored on the held-out part, they give
    that epoch's validation AUC and loss of the learning curve, which holds only if the part is the
    one training carved (same seed, fraction and cell groups) and fed the same inputs."""
    samples, splits, run_dir = network_run
    split = splits[SCHEME].to_numpy()
    held_out = held_out_predictions(samples, split, run_dir, RUN_SEED)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    curve = pd.read_csv(run_dir / "learning_curve.csv").set_index("epoch")
    best = curve.loc[metrics["best_epoch"]]
    assert roc_auc_score(held_out["label"], held_out["probability"]) == pytest.approx(
        best["val_auc"], abs=1e-5
    )
    assert log_loss(held_out["label"], held_out["probability"], labels=[0, 1]) == pytest.approx(
        best["val_loss"], abs=1e-5
    )


def test_a_networks_held_out_part_is_training_samples_it_did_not_fit_on(network_run) -> None:
    samples, splits, run_dir = network_run
    split = splits[SCHEME].to_numpy()
    held_out = held_out_predictions(samples, split, run_dir, RUN_SEED)
    train = np.flatnonzero(split == TRAIN)
    labels = samples.table["label"].to_numpy()
    carved = carve_validation(labels[train], cell_groups(samples)[train], 0.25, RUN_SEED)
    ids = samples.table["sample_id"].to_numpy()
    assert list(held_out["sample_id"]) == list(ids[train[carved]])
    assert set(held_out["sample_id"]) <= set(ids[split == TRAIN])
    assert 0.2 * len(train) <= len(held_out) <= 0.3 * len(train)  # the run's fraction, 0.25
    # The saved normaliser was fitted on the training split less the held-out part: nothing of it
    # was fitted to the held-out samples.
    fitted = np.zeros(len(ids), dtype=bool)
    fitted[train[~carved]] = True
    expected = Normaliser.fit(samples.patches, samples.tabular, samples.sequences, fitted).to_arrays()
    with np.load(run_dir / "normaliser.npz") as saved:
        assert sorted(saved.files) == sorted(expected)
        for key, values in expected.items():
            np.testing.assert_allclose(saved[key], values, rtol=1e-6, err_msg=key)
