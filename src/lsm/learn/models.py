"""The seven models: their names and settings, and the four scikit-learn ones (SVM, DT, RF, MLP on
the tabular rows). The three PyTorch networks (the CNN-LSTM and its two branches alone) are in
:mod:`lsm.learn.networks`, so that a job that only names models or fits a scikit-learn one does not
load PyTorch (a second per job).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from lsm.names import TREE_MODELS


@dataclass(frozen=True)
class TorchSettings:
    """Architecture and optimisation of the torch models (params.yaml ``models.torch``, values only
    there; a tuned run replaces some of them)."""

    epochs: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    patience: int
    validation_fraction: float
    conv_channels: tuple[int, ...]
    lstm_hidden: int
    dense_units: int
    dropout: float

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> TorchSettings:
        """From the validated block (the schema rejects unknown and missing keys first)."""
        return cls(**{**block, "conv_channels": tuple(block["conv_channels"])})

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dictionary (for the run's metrics.json)."""
        data = asdict(self)
        data["conv_channels"] = list(self.conv_channels)
        return data


# -- scikit-learn ----------------------------------------------------------------------------------
def sklearn_model(kind: str, params: dict[str, Any], seed: int):
    """A fresh, seeded estimator with predict_proba."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    params = dict(params)
    if kind == "svm":  # RBF SVM with Platt-scaled probabilities (for the AUC), seeded calibration folds
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        return CalibratedClassifierCV(SVC(kernel="rbf", **params), method="sigmoid", cv=folds, ensemble=False)
    if kind == "dt":
        return DecisionTreeClassifier(random_state=seed, **params)
    if kind == "rf":
        return RandomForestClassifier(random_state=seed, n_jobs=1, **params)
    if kind == "mlp":
        if "hidden_layer_sizes" in params:  # a YAML list; a key left out keeps scikit-learn's default
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        return MLPClassifier(random_state=seed, early_stopping=True, **params)
    raise ValueError(f"unknown scikit-learn model {kind!r}")


def tabular_columns(kind: str, names: list[str]) -> list[int]:
    """Columns a tabular model uses: trees take the land-use code, the others its one-hot columns."""
    trees = kind in TREE_MODELS
    keep = []
    for i, name in enumerate(names):
        if name == "landuse_code" and not trees:
            continue
        if name.startswith("landuse_") and name != "landuse_code" and trees:
            continue
        keep.append(i)
    return keep


# Trained scikit-learn models are stored with skops (a zip of JSON schemas and arrays, no pickle):
# whoever can write to a DVC remote must not be able to run code on the machines that pull from it.
# Loading accepts the types these models are made of and nothing else of scikit-learn.
SKLEARN_ESTIMATOR_TYPES = (
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.neural_network._multilayer_perceptron.MLPClassifier",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.svm._classes.SVC",
    "sklearn.tree._classes.DecisionTreeClassifier",
)
TRUSTED_SKLEARN_TYPES = (
    *SKLEARN_ESTIMATOR_TYPES,
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.tree._tree.Tree",
)


def skops_io() -> ModuleType:
    """``skops.io``, whose default trust in scikit-learn is limited to :data:`SKLEARN_ESTIMATOR_TYPES`.

    On import skops makes every estimator of scikit-learn a default trusted type, found with
    ``sklearn.utils.all_estimators()``, which imports every module of scikit-learn: 1.1 s of CPU in
    each job that writes or reads a model (about 30 jobs per run). During that import the scan is
    given the classes these models are made of instead, so skops' own import costs 0.1 s and it trusts
    by default exactly what :data:`TRUSTED_SKLEARN_TYPES` lists (skops is pinned in the lock; a test
    checks its default list after this import).
    """
    import importlib

    import sklearn.utils

    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]

    def workflow_estimators(type_filter: Any = None) -> list[tuple[str, type]]:
        classes = []
        for dotted in SKLEARN_ESTIMATOR_TYPES:
            module, name = dotted.rsplit(".", 1)
            classes.append((name, getattr(importlib.import_module(module), name)))
        return classes

    scan = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = workflow_estimators
    try:
        import skops.io
    finally:
        sklearn.utils.all_estimators = scan
    return skops.io


def save_estimator(estimator: Any, path: str | Path) -> None:
    """Write a fitted scikit-learn model with skops, atomically."""
    from lsm.data.io import atomic_path

    with atomic_path(path) as tmp:
        skops_io().dump(estimator, tmp)


def load_estimator(path: str | Path) -> Any:
    """A scikit-learn model written by :func:`save_estimator`; refused in one line if the file is not
    a skops file or holds a type outside :data:`TRUSTED_SKLEARN_TYPES` (nothing of it is run)."""
    import zipfile

    from lsm.errors import InputError

    skops = skops_io()

    fix = "retrain it here (snakemake --forcerun train_sklearn) or pull results only from a remote you trust"
    try:
        untrusted = sorted(set(skops.get_untrusted_types(file=path)) - set(TRUSTED_SKLEARN_TYPES))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise InputError(
            path, f"is not a model file written by this workflow ({type(err).__name__})", fix
        ) from err
    if untrusted:
        raise InputError(path, f"holds types this workflow never writes ({', '.join(untrusted[:3])})", fix)
    return skops.load(path, trusted=list(TRUSTED_SKLEARN_TYPES))
