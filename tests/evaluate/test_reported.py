"""paper/reported.yaml: the paper's numbers, each labelled with where the paper got it."""

from __future__ import annotations

import pytest

from lsm.errors import InputError
from lsm.evaluate.reported import load_reported_metrics
from tests.helpers import REPO

REPORTED = REPO / "paper" / "reported.yaml"


def test_every_model_has_every_metric() -> None:
    df = load_reported_metrics(REPORTED)
    assert set(df["model"]) == {"cnn_lstm", "rf", "lstm", "cnn", "svm", "mlp", "dt"}
    assert df.groupby("model")["metric"].nunique().eq(5).all()
    assert df["value"].between(0, 1).all()


def test_provenance_flags() -> None:
    df = load_reported_metrics(REPORTED).set_index(["model", "metric"])
    # The standalone CNN/LSTM AUCs are cited from Hamedi et al. (2022), not measured by the paper.
    assert set(df[df["source"] == "cited"].index) == {("cnn", "auc"), ("lstm", "auc")}
    # "~" values are exactly the standalone networks' threshold metrics.
    approx = set(df[df["approximate"]].index)
    assert approx == {(m, k) for m in ("cnn", "lstm") for k in ("accuracy", "precision", "recall", "f1")}
    assert (df.xs("cnn_lstm")["source"] == "stated").all()


def test_malformed_file_is_one_line(tmp_path) -> None:
    bad = tmp_path / "reported.yaml"
    bad.write_text("metrics: [auc]\nmodels:\n  rf:\n    auc: {value: high, source: stated}\n")
    with pytest.raises(InputError, match=r"reported.yaml: model 'rf' has no numeric value for 'auc'"):
        load_reported_metrics(bad)
