"""Ensembles of scikit-learn runs: the SVM's seeds share their decision values, and the SVM's and the
trees' rows are split over threads, bit for bit what each seed's own ``predict_proba`` gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.svm import SVC

from lsm.data.normalise import Normaliser
from lsm.learn.models import save_estimator, sklearn_model
from lsm.learn.train import save_normaliser
from lsm.maps.predictors import Ensemble, SampleInputs, decision_key, platt_parts

COLUMNS = ["slope", "elevation", "rain_30d"]


def sklearn_run(folder: Path, kind: str, x: np.ndarray, y: np.ndarray, seed: int) -> Path:
    """A run folder as train_sklearn writes it (model, normaliser, metrics naming the model)."""
    run = folder / f"{kind}_seed{seed}"
    run.mkdir()
    normaliser = Normaliser(
        np.zeros(1, "float32"),
        np.ones(1, "float32"),
        x.mean(axis=0).astype("float32"),
        x.std(axis=0).astype("float32"),
        np.zeros(1, "float32"),
        np.ones(1, "float32"),
    )
    estimator = sklearn_model(kind, {"C": 1.0, "gamma": "scale"} if kind == "svm" else {}, seed)
    estimator.fit(normaliser.tabular(x), y)
    save_estimator(estimator, run / "model.skops")
    save_normaliser(run, normaliser)
    (run / "metrics.json").write_text(json.dumps({"model": kind}))
    return run


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, 3)).astype("float32") * [10, 300, 40] + [20, 1500, 60]
    y = (x[:, 0] / 10 + x[:, 2] / 40 + rng.normal(0, 1, 300) > 2.5).astype(int)
    new = rng.normal(size=(2000, 3)).astype("float32") * [10, 300, 40] + [20, 1500, 60]
    return x, y, new.astype("float32")


def inputs(tabular: np.ndarray) -> SampleInputs:
    return SampleInputs(np.zeros((len(tabular), 1, 1, 1), "float32"), None, tabular)


def test_svm_seeds_share_one_decision_function_with_the_same_bits(tmp_path, data, monkeypatch) -> None:
    x, y, new = data
    runs = [sklearn_run(tmp_path, "svm", x, y, seed) for seed in (1, 2, 3)]
    ensemble = Ensemble(runs, COLUMNS)
    keys = {m.decision_key for m in ensemble.members}
    assert len(keys) == 1 and None not in keys  # seeds only draw the calibration folds
    calibrations = [platt_parts(m.estimator)[1] for m in ensemble.members]  # type: ignore[index]
    assert len({(c.a_, c.b_) for c in calibrations}) == 3  # ... which do differ

    expected = np.mean(
        [m.estimator.predict_proba(m.normaliser.tabular(new))[:, 1] for m in ensemble.members], axis=0
    ).astype("float32")
    calls = []
    original = SVC.decision_function
    monkeypatch.setattr(SVC, "decision_function", lambda self, X: calls.append(len(X)) or original(self, X))
    shared = ensemble.predict(inputs(new))
    assert calls == [len(new)]  # one kernel evaluation for three seeds
    np.testing.assert_array_equal(shared, expected)


def test_other_rows_or_models_get_their_own_decision_values(tmp_path, data) -> None:
    x, y, new = data
    (tmp_path / "fewer_rows").mkdir()
    other = sklearn_run(tmp_path / "fewer_rows", "svm", x[:250], y[:250], 1)
    first = sklearn_run(tmp_path, "svm", x, y, 1)
    ensemble = Ensemble([first, other], COLUMNS)
    assert ensemble.members[0].decision_key != ensemble.members[1].decision_key
    expected = np.mean(
        [m.estimator.predict_proba(m.normaliser.tabular(new))[:, 1] for m in ensemble.members], axis=0
    ).astype("float32")
    np.testing.assert_array_equal(ensemble.predict(inputs(new)), expected)

    rf = sklearn_run(tmp_path, "rf", x, y, 1)
    forest = Ensemble([rf], COLUMNS).members[0]
    assert platt_parts(forest.estimator) is None
    assert decision_key(forest.estimator, forest.normaliser, [0, 1, 2]) is None


@pytest.mark.parametrize("kind", ["svm", "dt", "rf", "mlp"])
def test_rows_split_over_threads_give_the_same_bits(tmp_path, data, kind) -> None:
    x, y, new = data
    runs = [sklearn_run(tmp_path, kind, x, y, seed) for seed in (1, 2)]
    one = Ensemble(runs, COLUMNS, threads=1).predict(inputs(new))
    three = Ensemble(runs, COLUMNS, threads=3).predict(inputs(new))
    np.testing.assert_array_equal(three, one)
    assert one.std() > 0.05  # a model that ranks, not a constant
