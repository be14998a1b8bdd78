"""Calibration and thresholds of every run of one validation scheme (the ``calibrate`` job), and
their summary over seeds (the ``calibration_tables`` job)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from lsm.data.io import write_text
from lsm.data.samples import load_samples
from lsm.evaluate.calibration import (
    CALIBRATED,
    RAW,
    THRESHOLD_KINDS,
    THRESHOLD_METRICS,
    run_calibration,
)
from lsm.evaluate.reported import load_class_shares
from lsm.learn.held_out import held_out_predictions
from lsm.metrics import mean_interval
from lsm.names import CLASS_NAMES, TRAIN

log = logging.getLogger(__name__)

HIGH_CLASS = CLASS_NAMES[-1]  # the class whose share of the area the share threshold reproduces
SCORES = ("brier", "reliability", "resolution", "uncertainty", "ece")


def seed_of(run_dir: str | Path) -> int:
    """The seed of a run folder (``.../seed<k>``)."""
    return int(Path(run_dir).name.removeprefix("seed"))


def calibrate_scheme(
    sample_files: tuple[str, str, str],
    splits_csv: str,
    scheme: str,
    run_dirs: dict[str, list[str]],
    reported_yaml: str,
    out: dict[str, str],
    bins: int,
) -> None:
    """Fit every run's calibrator and thresholds on its held-out training predictions and score its
    test predictions; write calibrators, scores, reliability points, threshold metrics and the
    held-out predictions themselves (one CSV each, every model and seed)."""
    samples = load_samples(*sample_files)
    splits = pd.read_csv(splits_csv)
    if list(splits["sample_id"]) != list(samples.table["sample_id"]):
        raise ValueError(f"{splits_csv} does not match the samples")
    split = splits[scheme].to_numpy()
    high_share = load_class_shares(reported_yaml)[HIGH_CLASS] / 100
    labels = samples.table["label"].to_numpy()
    prevalence = float(labels[split == TRAIN].mean())
    tables: dict[str, list[pd.DataFrame]] = {
        k: [] for k in ("scores", "reliability", "thresholds", "held_out")
    }
    calibrators = []
    for model, dirs in run_dirs.items():
        for run_dir in dirs:
            seed = seed_of(run_dir)
            held_out = held_out_predictions(samples, split, Path(run_dir), seed)
            test = pd.read_csv(Path(run_dir) / "predictions.csv")
            platt, scores, curves, thresholds = run_calibration(held_out, test, high_share, bins)
            keys = {"scheme": scheme, "model": model, "seed": seed}
            calibrators.append(
                {
                    **keys,
                    "slope": platt.slope,
                    "intercept": platt.intercept,
                    "held_out": len(held_out),
                    "sample_prevalence": prevalence,
                }
            )
            for name, table in (("scores", scores), ("reliability", curves), ("thresholds", thresholds)):
                tables[name].append(table.assign(**keys))
            tables["held_out"].append(held_out.assign(**keys))
            log.info(
                "%s/%s/seed%d: Platt slope %.3f, intercept %.3f on %d held-out training samples; "
                "test Brier %.4f raw, %.4f calibrated",
                scheme,
                model,
                seed,
                platt.slope,
                platt.intercept,
                len(held_out),
                scores.loc[scores["version"] == RAW, "brier"].iloc[0],
                scores.loc[scores["version"] == CALIBRATED, "brier"].iloc[0],
            )
    write_text(out["calibrators"], pd.DataFrame(calibrators).to_csv(index=False, float_format="%.10g"))
    for name, frames in tables.items():
        write_text(
            out[name],
            _first_keys(pd.concat(frames, ignore_index=True)).to_csv(index=False, float_format="%.8g"),
        )


def _first_keys(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["scheme", "model", "seed"]
    return frame[keys + [c for c in frame.columns if c not in keys]]


def _interval_text(values) -> str:
    mean, _, lo, hi = mean_interval(values, bounds=(-1.0, 1.0))  # thresholds, metrics and kappa
    return f"{mean:.3f} [{lo:.3f}, {hi:.3f}]" if np.isfinite(mean) else ""


def summarise_calibration(
    scores_csvs: list[str], thresholds_csvs: list[str], reliability_csvs: list[str], out: dict[str, str]
) -> None:
    """Over seeds: each score's mean and 95 % interval (raw and calibrated), each threshold's value
    and metrics, and the reliability diagram pooled over seeds."""
    scores = pd.concat(map(pd.read_csv, scores_csvs), ignore_index=True)
    rows = []
    for (scheme, model, version), group in scores.groupby(["scheme", "model", "version"], sort=False):
        row = {"scheme": scheme, "model": model, "version": version, "seeds": len(group)}
        for score in SCORES:
            mean, _, lo, hi = mean_interval(group[score], bounds=(0.0, 1.0))  # every score lies in [0, 1]
            row.update({score: mean, f"{score}_low": lo, f"{score}_high": hi})
        rows.append(row)
    write_text(out["calibration"], pd.DataFrame(rows).to_csv(index=False, float_format="%.6g"))

    thresholds = pd.concat(map(pd.read_csv, thresholds_csvs), ignore_index=True)
    rows = []
    for (scheme, model, kind), group in thresholds.groupby(["scheme", "model", "threshold"], sort=False):
        row = {"scheme": scheme, "model": model, "threshold": kind, "seeds": len(group)}
        row["value"] = _interval_text(group["value"])
        row.update({metric: _interval_text(group[metric]) for metric in THRESHOLD_METRICS})
        rows.append(row)
    table = pd.DataFrame(rows)
    table["threshold"] = pd.Categorical(table["threshold"], THRESHOLD_KINDS, ordered=True)
    table = table.sort_values(["scheme", "model", "threshold"], kind="stable")
    write_text(out["thresholds"], table.to_csv(index=False))

    points = pd.concat(map(pd.read_csv, reliability_csvs), ignore_index=True)
    points["forecast_sum"] = points["forecast"] * points["samples"]
    points["observed_sum"] = points["observed"] * points["samples"]
    pooled = points.groupby(["scheme", "model", "version", "bin"], as_index=False, sort=False)[
        ["samples", "forecast_sum", "observed_sum"]
    ].sum()
    pooled["forecast"] = pooled["forecast_sum"] / pooled["samples"]
    pooled["observed"] = pooled["observed_sum"] / pooled["samples"]
    columns = ["scheme", "model", "version", "bin", "samples", "forecast", "observed"]
    write_text(out["reliability"], pooled[columns].to_csv(index=False, float_format="%.6g"))
