"""The samples of a study as the later stages read them (:class:`SampleSet`: the table, the factor
patches, the daily sequences, the tabular rows and the study's own absences) and their storage:
samples.gpkg for the table, tensors.npz for the arrays, summary.json for what sampling did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from lsm.data.io import atomic_path, write_json, write_text, write_vector
from lsm.errors import InputError


@dataclass
class SampleSet:
    """Every sample of a study: the table and, row for row, its patch, sequence and tabular row."""

    table: gpd.GeoDataFrame  # sample_id, label, kind, date, event_id, row, col, geometry
    patches: np.ndarray  # (samples, channels, patch, patch)
    sequences: np.ndarray | None  # (samples, days, features) or None without series
    tabular: np.ndarray  # (samples, columns)
    channel_names: list[str]
    sequence_names: list[str]
    tabular_names: list[str]
    summary: dict[str, Any]
    absences: Absences | None = None  # the study's own absences (absences.gpkg), if any


@dataclass
class Absences:
    """The study's own non-landslide points (absences.gpkg), ready for every static model."""

    table: pd.DataFrame  # absence_id, row, col, x, y (x, y: the cell centre)
    patches: np.ndarray
    tabular: np.ndarray
    left_out: dict[str, int]


def negative_balance(table: pd.DataFrame, sequences: np.ndarray | None, names: list[str]) -> pd.DataFrame:
    """Per sample kind (positives and each kind of negative): how many, their month of the year and
    their rain in the window, so that a reader sees whether negatives differ from positives by the
    sampling design (season, rain) rather than by physics."""
    frame = pd.DataFrame({"kind": table["kind"].to_numpy()})
    dated = table["date"].astype(str).str.len() > 0
    months = pd.to_datetime(table["date"].where(dated)).dt.month
    if sequences is not None:
        frame["rain_window_mm"] = sequences[:, :, names.index("rain_mm")].sum(axis=1)
    rows = []
    positive_median = (
        frame.loc[frame["kind"] == "positive", "rain_window_mm"].median() if sequences is not None else None
    )
    for kind, group in frame.groupby("kind", sort=False):
        row: dict[str, Any] = {"kind": kind, "samples": len(group)}
        m = months[group.index]
        for month in range(1, 13):
            row[f"month_{month:02d}_share"] = float((m == month).mean()) if m.notna().any() else np.nan
        if sequences is not None:
            rain = group["rain_window_mm"]
            row.update(
                rain_window_mean_mm=float(rain.mean()),
                rain_window_median_mm=float(rain.median()),
                rain_window_q25_mm=float(rain.quantile(0.25)),
                rain_window_q75_mm=float(rain.quantile(0.75)),
                share_above_positive_median=float((rain > positive_median).mean()),
            )
        rows.append(row)
    return pd.DataFrame(rows)


# -- storage ---------------------------------------------------------------------------------------
def save_samples(
    samples: SampleSet, gpkg: Path, npz: Path, summary_json: Path, balance_csv: Path | None = None
) -> None:
    """Write the samples (table, arrays, summary and the negatives' balance), each file atomically."""
    write_vector(gpkg, samples.table)
    arrays = {
        "sample_id": samples.table["sample_id"].to_numpy().astype("U"),
        "patches": samples.patches,
        "tabular": samples.tabular,
        "channel_names": np.array(samples.channel_names),
        "tabular_names": np.array(samples.tabular_names),
        "sequence_names": np.array(samples.sequence_names),
    }
    if samples.sequences is not None:
        arrays["sequences"] = samples.sequences
    if samples.absences is not None:
        a = samples.absences
        arrays.update(
            absence_id=a.table["absence_id"].to_numpy().astype("U"),
            absence_row=a.table["row"].to_numpy(),
            absence_col=a.table["col"].to_numpy(),
            absence_x=a.table["x"].to_numpy(),
            absence_y=a.table["y"].to_numpy(),
            absence_patches=a.patches,
            absence_tabular=a.tabular,
        )
    with atomic_path(npz) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    write_json(summary_json, samples.summary)
    if balance_csv is not None:
        balance = negative_balance(samples.table, samples.sequences, samples.sequence_names)
        write_text(balance_csv, balance.to_csv(index=False, float_format="%.6g"))


def load_samples(gpkg: str | Path, npz: str | Path, summary_json: str | Path | None = None) -> SampleSet:
    """The samples as :func:`save_samples` wrote them."""
    table = gpd.read_file(gpkg)
    with np.load(npz, allow_pickle=False) as data:
        if list(data["sample_id"]) != list(table["sample_id"]):
            raise InputError(npz, "its samples do not match samples.gpkg", "rerun the samples rule")
        absences = None
        if "absence_id" in data.files:
            absence_table = pd.DataFrame(
                {
                    "absence_id": data["absence_id"],
                    **{key: data[f"absence_{key}"] for key in ("row", "col", "x", "y")},
                }
            )
            absences = Absences(absence_table, data["absence_patches"], data["absence_tabular"], {})
        return SampleSet(
            table,
            data["patches"],
            data.get("sequences"),
            data["tabular"],
            list(data["channel_names"]),
            list(data["sequence_names"]),
            list(data["tabular_names"]),
            json.loads(Path(summary_json).read_text()) if summary_json else {},
            absences=absences,
        )
