"""Models: they learn, they are repeatable, they reload safely, and the CNN runs densely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score

from lsm.data.samples import SampleSet
from lsm.learn.models import TorchSettings, tabular_columns
from lsm.learn.networks import CNNBranch, LandslideNet
from lsm.learn.train import run_training
from lsm.learn.train_torch import load_torch_run, predict_torch
from lsm.names import ALL_MODELS, TEST, TRAIN
from tests.helpers import PARAMS, from_params

CONFIG = {
    "device": "cpu",
    "threads": 1,
    "torch": {  # params.yaml's settings, smaller and faster
        **PARAMS["models"]["torch"],
        "epochs": 25,
        "patience": 25,
        "batch_size": 32,
        "conv_channels": [8, 16],
        "lstm_hidden": 8,
        "dense_units": 16,
        "dropout": 0.1,
        "learning_rate": 0.01,
    },
    "svm": {"C": 1.0, "gamma": "scale"},
    "dt": {"max_depth": 6, "min_samples_leaf": 2},
    "rf": {"n_estimators": 60, "min_samples_leaf": 1},
    "mlp": {
        "hidden_layer_sizes": [16],
        "alpha": 0.0001,
        "max_iter": 800,
        "batch_size": 32,
        "n_iter_no_change": 20,
    },
}


def synthetic_samples(n: int = 240, separable: bool = True, seed: int = 0) -> SampleSet:
    """Positives differ from negatives in one patch channel and in late rain (learnable by all)."""
    rng = np.random.default_rng(seed)
    labels = np.tile([1, 0], n // 2)
    patches = rng.normal(size=(n, 3, 9, 9)).astype("float32")
    sequences = rng.normal(size=(n, 10, 2)).astype("float32")
    if separable:
        patches[:, 0] += 2.5 * labels[:, None, None]
        sequences[:, -3:, 0] += 2.5 * labels[:, None]
    tabular = np.concatenate([patches[:, :, 4, 4], sequences[:, -3:, 0].sum(1, keepdims=True)], axis=1)
    table = pd.DataFrame(
        {
            "sample_id": [f"S{i:05d}" for i in range(n)],
            "label": labels,
            "row": np.arange(n),
            "col": np.arange(n),
        }
    )
    return SampleSet(
        table,
        patches,
        sequences,
        tabular.astype("float32"),
        ["a", "b", "c"],
        ["rain", "level"],
        ["a", "b", "c", "rain_3d"],
        {},
    )


def split_for(samples: SampleSet, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    part = np.where(rng.random(len(samples.table)) < 0.3, TEST, TRAIN)
    return pd.DataFrame({"sample_id": samples.table["sample_id"], "random": part})


@pytest.mark.parametrize("model", ALL_MODELS)
def test_each_model_learns_a_separable_task(model: str, tmp_path: Path) -> None:
    samples = synthetic_samples()
    metrics = run_training(samples, split_for(samples), "random", model, 1, CONFIG, tmp_path)
    assert metrics["auc"] > 0.95, metrics


@pytest.mark.parametrize("model", ["cnn_lstm", "rf", "mlp"])
def test_shuffled_labels_give_chance(model: str, tmp_path: Path) -> None:
    samples = synthetic_samples(n=600, separable=False, seed=4)
    aucs = []
    for seed in (1, 2, 3):
        metrics = run_training(
            samples, split_for(samples, seed), "random", model, seed, CONFIG, tmp_path / str(seed)
        )
        aucs.append(metrics["auc"])
    assert abs(np.mean(aucs) - 0.5) < 0.1, aucs


@pytest.mark.parametrize("model", ["cnn_lstm", "lstm", "svm", "rf"])
def test_same_seed_same_predictions_other_seed_differs(model: str, tmp_path: Path) -> None:
    samples = synthetic_samples(n=120)
    split = split_for(samples)
    run_training(samples, split, "random", model, 7, CONFIG, tmp_path / "a")
    run_training(samples, split, "random", model, 7, CONFIG, tmp_path / "b")
    run_training(samples, split, "random", model, 8, CONFIG, tmp_path / "c")
    a, b, c = (pd.read_csv(tmp_path / x / "predictions.csv")["probability"] for x in "abc")
    assert (a == b).all()
    assert not np.allclose(a, c)


def test_checkpoint_reloads_with_weights_only_and_predicts_the_same(tmp_path: Path) -> None:
    samples = synthetic_samples(n=120)
    split = split_for(samples)
    run_training(samples, split, "random", "cnn_lstm", 3, CONFIG, tmp_path)
    model, normaliser, architecture = load_torch_run(tmp_path)
    test = np.flatnonzero(split["random"] == TEST)
    again = predict_torch(
        model, normaliser, samples.patches[test], samples.sequences[test], torch.device("cpu")
    )
    saved = pd.read_csv(tmp_path / "predictions.csv")["probability"].to_numpy()
    np.testing.assert_allclose(again, saved, atol=1e-7)
    assert architecture["kind"] == "cnn_lstm"
    # The checkpoint holds tensors only: it loads under weights_only (no pickled code).
    state = torch.load(tmp_path / "model.pt", weights_only=True)
    assert all(isinstance(v, torch.Tensor) for v in state.values())


def test_dense_cnn_equals_patch_by_patch() -> None:
    torch.manual_seed(0)
    branch = CNNBranch(4, (8, 16)).eval()
    patch = 11
    raster = torch.randn(1, 4, 30, 37)
    with torch.no_grad():
        dense = branch.dense(raster, patch)[0]
        rows, cols = dense.shape[1:]
        patches = torch.stack(
            [raster[0, :, i : i + patch, j : j + patch] for i in range(rows) for j in range(cols)]
        )
        per_patch = branch(patches).T.reshape(-1, rows, cols)
    assert dense.shape == (16, 30 - patch + 1, 37 - patch + 1)
    assert torch.max(torch.abs(dense - per_patch)) < 1e-5


def test_lstm_only_model_sees_the_centre_pixel() -> None:
    torch.manual_seed(0)
    net = LandslideNet(
        "lstm", 3, 2, from_params(TorchSettings, "models.torch", lstm_hidden=4, dense_units=4, dropout=0.0)
    ).eval()
    patches = torch.zeros(2, 3, 9, 9)
    patches[1, :, 4, 4] = 5.0  # only the centre differs
    sequences = torch.zeros(2, 10, 2)
    with torch.no_grad():
        out = net(patches, sequences)
    assert out[0] != out[1]
    patches[1, :, 0, 0] = 9.0  # a non-centre pixel does not matter
    with torch.no_grad():
        assert net(patches, sequences)[1] == out[1]


def test_trees_get_codes_and_other_models_one_hot() -> None:
    names = ["slope", "landuse_rock", "landuse_water", "rain_3d_mm", "landuse_code"]
    assert tabular_columns("rf", names) == [0, 3, 4]
    assert tabular_columns("svm", names) == [0, 1, 2, 3]
    assert roc_auc_score([0, 1], [0.2, 0.8]) == 1.0


def test_skops_trusts_by_default_only_the_estimators_these_models_are_made_of() -> None:
    """skops.io as the jobs import it (lsm.learn.models.skops_io, in a fresh interpreter): its default
    trusted estimators are the six classes the models use, scikit-learn's scan of every module is
    not run (modules no model imports stay unloaded) and the scan is given back afterwards."""
    import json
    import subprocess
    import sys

    from lsm.learn.models import SKLEARN_ESTIMATOR_TYPES

    code = (
        "import json, sys, sklearn.utils, sklearn.utils.discovery\n"
        "from lsm.learn.models import skops_io\n"
        "skops_io()\n"
        "from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES as names\n"
        "print(json.dumps({'names': names, 'restored': sklearn.utils.all_estimators is "
        "sklearn.utils.discovery.all_estimators, 'loaded': [m for m in ('sklearn.cross_decomposition', "
        "'sklearn.semi_supervised', 'sklearn.gaussian_process') if m in sys.modules]}))\n"
    )
    found = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert sorted(found["names"]) == sorted(SKLEARN_ESTIMATOR_TYPES)
    assert found["restored"] and found["loaded"] == []


def test_a_planted_pickle_is_refused_in_one_line_and_never_run(tmp_path: Path) -> None:
    """A scikit-learn model pulled from a DVC remote is loaded with skops and trusted types only: a
    pickle planted where a model would be is refused, and its payload never runs."""
    import pickle

    from lsm.errors import InputError
    from lsm.learn.models import load_estimator, save_estimator, sklearn_model

    sentinel = tmp_path / "owned"

    class Payload:
        def __reduce__(self):
            return (open, (str(sentinel), "w"))

    planted = tmp_path / "model.skops"
    planted.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(InputError) as err:
        load_estimator(planted)
    assert "is not a model file written by this workflow" in str(err.value) and "\n" not in str(err.value)
    assert not sentinel.exists()
    # A genuine model round-trips; one whose archive names a foreign type is refused.
    rng = np.random.default_rng(0)
    x, y = rng.random((60, 3)), (rng.random(60) > 0.5).astype(int)
    for kind in ("svm", "dt", "rf", "mlp"):
        estimator = sklearn_model(kind, {"max_iter": 20} if kind == "mlp" else {}, seed=1).fit(x, y)
        save_estimator(estimator, tmp_path / f"{kind}.skops")
        np.testing.assert_array_equal(
            load_estimator(tmp_path / f"{kind}.skops").predict_proba(x), estimator.predict_proba(x)
        )
    import zipfile

    with (
        zipfile.ZipFile(tmp_path / "dt.skops") as source,
        zipfile.ZipFile(tmp_path / "evil.skops", "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "schema.json":
                data = data.replace(b'"__module__": "sklearn.tree._tree"', b'"__module__": "os"', 1).replace(
                    b'"__class__": "Tree"', b'"__class__": "system"', 1
                )
            target.writestr(item, data)
    with pytest.raises(InputError, match="holds types this workflow never writes"):
        load_estimator(tmp_path / "evil.skops")
