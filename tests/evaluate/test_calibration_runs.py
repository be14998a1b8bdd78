"""The calibration of every run of one scheme (:func:`calibrate_scheme`) and its summary over seeds
(:func:`summarise_calibration`), on small hand-made samples, runs and tables whose numbers can be
checked by hand: calibrators fitted on training rows only, scores of known test predictions, and
means, intervals and pooled reliability points over seeds."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml
from shapely.geometry import Point
from sklearn.tree import DecisionTreeClassifier

from lsm.data.normalise import Normaliser
from lsm.data.samples import SampleSet, save_samples
from lsm.evaluate.calibration import (
    CALIBRATED,
    PAPER_THRESHOLD,
    RAW,
    SHARE_THRESHOLD,
    THRESHOLD_KINDS,
    TUNED_THRESHOLD,
    Platt,
)
from lsm.evaluate.calibration_runs import (
    HIGH_CLASS,
    calibrate_scheme,
    seed_of,
    summarise_calibration,
)
from lsm.learn.models import save_estimator
from lsm.names import BUFFER, CLASS_NAMES, TEST, TRAIN

BINS = 10
SCHEME = "random"
TRAIN_ROWS, TEST_ROWS, BUFFER_ROWS = 80, 20, 20
OUTPUTS = ("calibrators", "scores", "reliability", "thresholds", "held_out")
# The paper's class shares as calibrate_scheme reads them: the high class holds a quarter of the area.
SHARES = {"low": 50.0, "medium": 25.0, "high": 25.0}
# t quantile of a 95 % interval with 2 degrees of freedom (three seeds): scipy.stats.t.ppf(0.975, 2).
T_975_2 = 4.302652729911275


# -- calibrate_scheme ------------------------------------------------------------------------------
def make_samples(seed: int = 0) -> SampleSet:
    """120 samples, each in its own cell: 80 training (30 landslides), 20 test (10), 20 buffer. The
    first tabular column tells landslides apart only roughly, so a tree's leaves mix both labels."""
    rng = np.random.default_rng(seed)
    n = TRAIN_ROWS + TEST_ROWS + BUFFER_ROWS
    labels = np.zeros(n, dtype=int)
    labels[:30] = 1  # training landslides
    labels[TRAIN_ROWS : TRAIN_ROWS + 10] = 1  # test landslides
    labels[TRAIN_ROWS + TEST_ROWS : TRAIN_ROWS + TEST_ROWS + 10] = 1
    negatives = np.flatnonzero(labels == 0)
    kinds = np.where(labels == 1, "positive", "same_place").astype(object)
    kinds[negatives[::2]] = "random"
    rows, cols = np.divmod(np.arange(n), 12)
    table = gpd.GeoDataFrame(
        {
            "sample_id": [f"s{i:03d}" for i in range(n)],
            "label": labels,
            "kind": kinds,
            "date": "",
            "event_id": "",
            "row": rows,
            "col": cols,
        },
        geometry=[Point(30.0 * c, -30.0 * r) for r, c in zip(rows, cols, strict=True)],
        crs="EPSG:32633",
    )
    tabular = np.column_stack([labels + rng.normal(0, 1.0, n), rng.normal(0, 1, n)]).astype("float32")
    patches = np.zeros((n, 1, 1, 1), dtype="float32")
    return SampleSet(table, patches, None, tabular, ["x1"], [], ["x1", "x2"], {})


def split_of() -> np.ndarray:
    return np.array([TRAIN] * TRAIN_ROWS + [TEST] * TEST_ROWS + [BUFFER] * BUFFER_ROWS)


def known_test_predictions() -> pd.DataFrame:
    """The test samples' predictions, perfectly calibrated: 0.2 for ten samples (two landslides), 0.8
    for ten (eight landslides)."""
    labels = np.repeat([1, 0, 1, 0], [2, 8, 8, 2])
    return pd.DataFrame(
        {
            "sample_id": [f"t{i}" for i in range(TEST_ROWS)],
            "label": labels,
            "probability": [0.2] * 10 + [0.8] * 10,
        }
    )


def write_run(run_dir: Path, samples: SampleSet, split: np.ndarray, seed: int, test: pd.DataFrame) -> None:
    """A decision tree's run as training leaves it: metrics.json, normaliser.npz, model.skops and
    its test predictions."""
    run_dir.mkdir(parents=True)
    train = split == TRAIN
    normaliser = Normaliser.fit(samples.patches, samples.tabular, None, train)
    np.savez(run_dir / "normaliser.npz", **normaliser.to_arrays())
    tree = DecisionTreeClassifier(max_depth=2, min_samples_leaf=12, random_state=seed)
    tree.fit(normaliser.tabular(samples.tabular[train]), samples.table["label"].to_numpy()[train])
    save_estimator(tree, run_dir / "model.skops")
    (run_dir / "metrics.json").write_text(json.dumps({"model": "dt", "seed": seed}))
    test.to_csv(run_dir / "predictions.csv", index=False)


def write_scheme(
    folder: Path,
    samples: SampleSet | None = None,
    test: pd.DataFrame | None = None,
    seeds: tuple[int, ...] = (1, 2),
) -> dict[str, pd.DataFrame]:
    """Samples, splits, the paper's shares and one decision tree per seed written to ``folder``;
    calibrate_scheme run on them. Its outputs, read back, by name."""
    samples = samples if samples is not None else make_samples()
    test = test if test is not None else known_test_predictions()
    folder.mkdir(parents=True)
    files = (folder / "samples.gpkg", folder / "tensors.npz", folder / "summary.json")
    save_samples(samples, *files)
    split = split_of()
    pd.DataFrame({"sample_id": samples.table["sample_id"], SCHEME: split}).to_csv(
        folder / "splits.csv", index=False
    )
    reported = folder / "reported.yaml"
    reported.write_text(
        yaml.safe_dump({"class_shares_percent": {k: {"value": v} for k, v in SHARES.items()}})
    )
    dirs = []
    for seed in seeds:
        run_dir = folder / "runs" / SCHEME / "dt" / f"seed{seed}"
        write_run(run_dir, samples, split, seed, test)
        dirs.append(str(run_dir))
    out = {name: str(folder / "out" / f"{name}.csv") for name in OUTPUTS}
    calibrate_scheme(
        (str(files[0]), str(files[1]), str(files[2])),
        str(folder / "splits.csv"),
        SCHEME,
        {"dt": dirs},
        str(reported),
        out,
        BINS,
    )
    return {name: pd.read_csv(path) for name, path in out.items()}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    return write_scheme(tmp_path_factory.mktemp("calibrate") / "scheme")


def test_the_seed_is_read_from_the_run_folder() -> None:
    assert seed_of("results/runs/random/dt/seed12") == 12
    assert seed_of(Path("seed3")) == 3


def test_the_high_class_is_the_last_class() -> None:
    assert HIGH_CLASS == CLASS_NAMES[-1] == "high"


def test_every_run_has_one_calibrator_fitted_on_its_training_rows(written: dict[str, pd.DataFrame]) -> None:
    calibrators = written["calibrators"]
    assert calibrators[["scheme", "model", "seed"]].to_dict("records") == [
        {"scheme": SCHEME, "model": "dt", "seed": 1},
        {"scheme": SCHEME, "model": "dt", "seed": 2},
    ]
    assert (calibrators["held_out"] == TRAIN_ROWS).all()  # out of fold: every training row, once
    assert calibrators["sample_prevalence"].tolist() == [30 / 80, 30 / 80]  # training labels only
    held_out = written["held_out"]
    train_ids = [f"s{i:03d}" for i in range(TRAIN_ROWS)]
    for seed, group in held_out.groupby("seed"):
        assert group["sample_id"].tolist() == train_ids, seed  # never a test or buffer sample
        assert group["label"].sum() == 30
        assert group["probability"].between(0, 1).all()
        row = calibrators.set_index("seed").loc[seed]
        platt = Platt.fit(group["probability"].to_numpy(), group["label"].to_numpy())
        assert row["slope"] == pytest.approx(platt.slope, rel=1e-6)
        assert row["intercept"] == pytest.approx(platt.intercept, rel=1e-6, abs=1e-8)
    assert list(held_out.columns[:3]) == ["scheme", "model", "seed"]


def test_the_raw_test_scores_are_those_of_the_test_predictions(written: dict[str, pd.DataFrame]) -> None:
    """Perfectly calibrated predictions of 0.2 and 0.8: Brier (8 x 0.04 + 2 x 0.64) / 10 = 0.16 in
    each half, no reliability gap, resolution (0.3)^2 = 0.09, uncertainty 0.25, ECE 0."""
    scores = written["scores"]
    raw = scores[scores["version"] == RAW]
    assert len(raw) == 2 and len(scores) == 4
    assert raw["brier"].tolist() == pytest.approx([0.16, 0.16])
    assert raw["reliability"].tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    assert raw["resolution"].tolist() == pytest.approx([0.09, 0.09])
    assert raw["uncertainty"].tolist() == pytest.approx([0.25, 0.25])
    assert raw["ece"].tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    curve = written["reliability"]
    raw_points = curve[(curve["version"] == RAW) & (curve["seed"] == 1)]
    assert raw_points[["bin", "samples"]].to_dict("records") == [
        {"bin": 2, "samples": 10},
        {"bin": 8, "samples": 10},
    ]
    assert raw_points["forecast"].tolist() == pytest.approx([0.2, 0.8])
    assert raw_points["observed"].tolist() == pytest.approx([0.2, 0.8])


def test_the_calibrated_scores_apply_each_runs_own_calibrator(written: dict[str, pd.DataFrame]) -> None:
    test = known_test_predictions()
    calibrators = written["calibrators"].set_index("seed")
    scores = written["scores"]
    for seed in (1, 2):
        platt = Platt(calibrators.loc[seed, "slope"], calibrators.loc[seed, "intercept"])
        p = platt.apply(test["probability"].to_numpy())
        brier = float(np.mean((p - test["label"].to_numpy()) ** 2))
        row = scores[(scores["seed"] == seed) & (scores["version"] == CALIBRATED)]
        assert row["brier"].iloc[0] == pytest.approx(brier, rel=1e-6)


def test_each_run_has_three_thresholds_with_the_metrics_of_its_raw_test_predictions(
    written: dict[str, pd.DataFrame],
) -> None:
    thresholds = written["thresholds"]
    held_out = written["held_out"]
    for seed, group in thresholds.groupby("seed"):
        assert tuple(group["threshold"]) == THRESHOLD_KINDS
        values = group.set_index("threshold")
        # at 0.5: eight of ten 0.8s are landslides, eight of ten 0.2s are not
        paper = values.loc[PAPER_THRESHOLD]
        assert paper["value"] == 0.5
        assert [paper[m] for m in ("accuracy", "precision", "recall", "f1")] == pytest.approx([0.8] * 4)
        assert paper["kappa"] == pytest.approx(0.6)  # (0.8 - 0.5) / (1 - 0.5)
        # the share threshold leaves a quarter of the random negatives' held-out predictions above it
        own = held_out[held_out["seed"] == seed]
        area = own.loc[own["kind"] == "random", "probability"].to_numpy()
        assert values.loc[SHARE_THRESHOLD, "value"] == pytest.approx(np.quantile(area, 0.75), rel=1e-6)
        assert 0 <= values.loc[TUNED_THRESHOLD, "value"] <= 1


def test_test_predictions_do_not_change_the_calibrators_or_thresholds(
    written: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """Other test probabilities and labels: the same calibrators, held-out predictions and
    threshold values; only the test scores move."""
    test = known_test_predictions()
    rng = np.random.default_rng(9)
    changed = test.assign(probability=rng.uniform(0.01, 0.99, len(test)), label=1 - test["label"])
    other = write_scheme(tmp_path / "scheme", test=changed)
    pd.testing.assert_frame_equal(other["calibrators"], written["calibrators"])
    pd.testing.assert_frame_equal(other["held_out"], written["held_out"])
    pd.testing.assert_series_equal(other["thresholds"]["value"], written["thresholds"]["value"])
    assert not np.allclose(other["scores"]["brier"], written["scores"]["brier"])


def test_test_and_buffer_samples_do_not_change_the_calibrators(
    written: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """The factors and labels of every sample outside the training split replaced: nothing fitted
    on the training side changes. A training sample changed does change it (the check can fail)."""
    samples = make_samples()
    outside = split_of() != TRAIN
    rng = np.random.default_rng(4)
    samples.tabular[outside] = rng.normal(5, 3, samples.tabular[outside].shape).astype("float32")
    samples.table.loc[outside, "label"] = 1 - samples.table.loc[outside, "label"]
    other = write_scheme(tmp_path / "outside", samples=samples)
    pd.testing.assert_frame_equal(other["calibrators"], written["calibrators"])
    pd.testing.assert_frame_equal(other["held_out"], written["held_out"])

    samples = make_samples()
    samples.tabular[:TRAIN_ROWS, 0] = rng.normal(0, 1, TRAIN_ROWS)  # training factors: noise
    moved = write_scheme(tmp_path / "inside", samples=samples)
    assert not np.allclose(moved["held_out"]["probability"], written["held_out"]["probability"])
    assert not np.allclose(moved["calibrators"]["slope"], written["calibrators"]["slope"])


def test_splits_of_other_samples_are_refused(tmp_path: Path) -> None:
    samples = make_samples()
    files = (tmp_path / "samples.gpkg", tmp_path / "tensors.npz", tmp_path / "summary.json")
    save_samples(samples, *files)
    ids = list(samples.table["sample_id"])
    pd.DataFrame({"sample_id": ids[::-1], SCHEME: split_of()}).to_csv(tmp_path / "splits.csv", index=False)
    with pytest.raises(ValueError, match="does not match the samples"):
        calibrate_scheme(
            (str(files[0]), str(files[1]), str(files[2])),
            str(tmp_path / "splits.csv"),
            SCHEME,
            {},
            str(tmp_path / "reported.yaml"),
            {},
            BINS,
        )


# -- summarise_calibration -------------------------------------------------------------------------
SCORE_COLUMNS = ("brier", "reliability", "resolution", "uncertainty", "ece")


def summarised(tmp_path: Path) -> dict[str, pd.DataFrame]:
    """Three seeds of two models, one CSV per seed as the calibrate job writes them, summarised."""
    scores, thresholds, reliability = [], [], []
    for k, seed in enumerate((1, 2, 3)):
        keys = {"scheme": SCHEME, "seed": seed}
        rows = [
            {**keys, "model": model, "version": version, **dict.fromkeys(SCORE_COLUMNS, value)}
            for model in ("rf", "dt")
            for version, value in ((RAW, 0.1 * (k + 1)), (CALIBRATED, 0.05))
        ]
        scores.append(pd.DataFrame(rows))
        rows = []
        for model in ("rf", "dt"):
            # written in the reverse of the table's order: the summary puts them back in order
            rows += [
                {**keys, "model": model, "threshold": SHARE_THRESHOLD, "value": np.nan},
                {**keys, "model": model, "threshold": TUNED_THRESHOLD, "value": 0.4 + 0.1 * k},
                {**keys, "model": model, "threshold": PAPER_THRESHOLD, "value": 0.5},
            ]
        table = pd.DataFrame(rows)
        for metric in ("accuracy", "precision", "recall", "f1"):
            table[metric] = 0.7
        table["kappa"] = [-0.5, -0.7, -0.9][k]
        thresholds.append(table)
        # seed 1: 10 samples in bin 1, forecast 0.1, observed 0.2; seeds 2, 3: 15 samples, 0.15 and 0.4
        samples, forecast, observed = (10, 0.1, 0.2) if seed == 1 else (15, 0.15, 0.4)
        reliability.append(
            pd.DataFrame(
                [
                    {**keys, "model": "dt", "version": RAW, "bin": 1, "samples": samples}
                    | {"forecast": forecast, "observed": observed},
                    {**keys, "model": "dt", "version": RAW, "bin": 7, "samples": 5}
                    | {"forecast": 0.75, "observed": 1.0},
                ]
            )
        )
    paths: dict[str, list[str]] = {"scores": [], "thresholds": [], "reliability": []}
    for seed, frames in enumerate(zip(scores, thresholds, reliability, strict=True), start=1):
        for name, frame in zip(paths, frames, strict=True):
            path = tmp_path / f"{name}_seed{seed}.csv"
            frame.to_csv(path, index=False)
            paths[name].append(str(path))
    out = {
        name: str(tmp_path / f"summary_{name}.csv") for name in ("calibration", "thresholds", "reliability")
    }
    summarise_calibration(paths["scores"], paths["thresholds"], paths["reliability"], out)
    return {  # an empty threshold cell stays an empty text
        name: pd.read_csv(path, keep_default_na=name != "thresholds") for name, path in out.items()
    }


def test_scores_are_averaged_over_seeds_with_an_interval_kept_in_zero_to_one(tmp_path: Path) -> None:
    """Raw scores 0.1, 0.2, 0.3: mean 0.2, sd 0.1, half width t(0.975, 2) x 0.1 / sqrt(3) = 0.248,
    so the interval [-0.048, 0.448] is clipped to [0, 0.448]; calibrated 0.05 every seed: no width."""
    summary = summarised(tmp_path)["calibration"]
    assert summary[["model", "version", "seeds"]].to_dict("records") == [
        {"model": "rf", "version": RAW, "seeds": 3},
        {"model": "rf", "version": CALIBRATED, "seeds": 3},
        {"model": "dt", "version": RAW, "seeds": 3},
        {"model": "dt", "version": CALIBRATED, "seeds": 3},
    ]
    half = T_975_2 * 0.1 / np.sqrt(3)
    raw = summary[summary["version"] == RAW]
    for score in SCORE_COLUMNS:
        assert raw[score].tolist() == pytest.approx([0.2, 0.2])
        assert raw[f"{score}_low"].tolist() == [0.0, 0.0]
        assert raw[f"{score}_high"].tolist() == pytest.approx([0.2 + half] * 2, abs=1e-6)
    calibrated = summary[summary["version"] == CALIBRATED]
    assert calibrated[["ece", "ece_low", "ece_high"]].to_numpy() == pytest.approx(0.05)


def test_thresholds_are_summarised_as_text_in_the_tables_order(tmp_path: Path) -> None:
    """Tuned thresholds 0.4, 0.5, 0.6: 0.500 [0.252, 0.748]; kappa -0.5, -0.7, -0.9: its interval
    clipped at -1; a threshold no seed could set (no random negatives): an empty cell."""
    table = summarised(tmp_path)["thresholds"]
    assert table["model"].tolist() == ["dt"] * 3 + ["rf"] * 3  # sorted by model, then threshold kind
    assert tuple(table["threshold"][:3]) == THRESHOLD_KINDS
    assert (table["seeds"] == 3).all()
    rows = table[table["model"] == "dt"].set_index("threshold")
    half = T_975_2 * 0.1 / np.sqrt(3)
    assert rows.loc[PAPER_THRESHOLD, "value"] == "0.500 [0.500, 0.500]"
    assert rows.loc[TUNED_THRESHOLD, "value"] == f"0.500 [{0.5 - half:.3f}, {0.5 + half:.3f}]"
    assert rows.loc[TUNED_THRESHOLD, "value"] == "0.500 [0.252, 0.748]"
    assert rows.loc[SHARE_THRESHOLD, "value"] == ""
    assert rows.loc[PAPER_THRESHOLD, "accuracy"] == "0.700 [0.700, 0.700]"
    kappa_half = T_975_2 * 0.2 / np.sqrt(3)
    assert rows.loc[PAPER_THRESHOLD, "kappa"] == f"-0.700 [-1.000, {-0.7 + kappa_half:.3f}]"


def test_reliability_points_are_pooled_over_seeds_weighted_by_their_samples(tmp_path: Path) -> None:
    """Bin 1: 10 samples at (0.1, 0.2) and twice 15 at (0.15, 0.4) pool to 40 samples at
    ((1 + 2.25 + 2.25) / 40, (2 + 6 + 6) / 40) = (0.1375, 0.35); bin 7 holds (0.75, 1.0) every seed."""
    pooled = summarised(tmp_path)["reliability"]
    assert list(pooled.columns) == ["scheme", "model", "version", "bin", "samples", "forecast", "observed"]
    assert pooled[["bin", "samples"]].to_dict("records") == [
        {"bin": 1, "samples": 40},
        {"bin": 7, "samples": 15},
    ]
    assert pooled["forecast"].tolist() == pytest.approx([0.1375, 0.75])
    assert pooled["observed"].tolist() == pytest.approx([0.35, 1.0])
