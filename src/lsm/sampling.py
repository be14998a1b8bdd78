"""Space-time samples: positives from the inventory, negatives away from every event, and for each
sample a factor patch (CNN), a 30-day sequence (LSTM) and a tabular row (SVM, DT, RF, MLP).

Negatives are drawn at ``negative_ratio`` per positive, in three kinds: a random place on a random
day; the place of a landslide on another day; the day of a landslide at another place. A candidate
is rejected if any landslide lies within ``buffer_m`` of it and ``buffer_days`` of its date, so no
negative is secretly a positive. Samples whose patch would leave the valid area are dropped, and
counted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import ndimage
from scipy.spatial import cKDTree
from tqdm import tqdm

from lsm.errors import InputError
from lsm.factors import FactorStack, channel_names, to_channels
from lsm.io import atomic_path, write_text, write_vector
from lsm.io.study import RainCube, Study

log = logging.getLogger(__name__)

NEGATIVE_KINDS = ("random", "same_place", "same_time")
TEMPORAL_MODELS = ("cnn_lstm", "lstm")


@dataclass(frozen=True)
class SamplingSettings:
    temporal: bool = True
    patch_size: int = 15
    window_days: int = 30
    negative_ratio: float = 2.0
    negative_mix: dict[str, float] = field(
        default_factory=lambda: {"random": 1 / 3, "same_place": 1 / 3, "same_time": 1 / 3}
    )
    buffer_m: float = 500.0
    buffer_days: int = 90
    seed: int = 0

    @classmethod
    def from_config(cls, block: dict[str, Any]) -> SamplingSettings:
        return cls(**block)

    @property
    def radius(self) -> int:
        return self.patch_size // 2


@dataclass
class SampleSet:
    table: gpd.GeoDataFrame  # sample_id, label, kind, date, event_id, row, col, geometry
    patches: np.ndarray  # (samples, channels, patch, patch)
    sequences: np.ndarray | None  # (samples, days, features) or None without series
    tabular: np.ndarray  # (samples, columns)
    channel_names: list[str]
    sequence_names: list[str]
    tabular_names: list[str]
    summary: dict[str, Any]


# -- series ----------------------------------------------------------------------------------------
@dataclass
class Series:
    """Rain cube plus reservoir levels on the rain cube's days."""

    rain: RainCube
    reservoirs: gpd.GeoDataFrame | None
    levels: pd.DataFrame | None  # date x reservoir_id


def read_series(study: Study) -> Series:
    cube = study.read_rainfall()
    if study.has("reservoirs.gpkg") or study.has("reservoir_levels.csv"):
        reservoirs, levels = study.read_reservoirs(cube.dates)
        return Series(cube, reservoirs, levels)
    return Series(cube, None, None)


def check_event_dates(study: Study, inventory: gpd.GeoDataFrame, series: Series, window: int) -> None:
    first, last = series.rain.dates[0], series.rain.dates[-1]
    earliest = first + pd.Timedelta(days=window)
    outside = (inventory["date"] < earliest) | (inventory["date"] > last)
    if outside.any():
        day = inventory.loc[outside, "date"].iloc[0]
        raise InputError(
            study.path("inventory.gpkg"),
            f"{int(outside.sum())} landslide date(s) fall outside the rainfall period with its {window}-day "
            f"window ({earliest:%Y-%m-%d} to {last:%Y-%m-%d}; first: {day:%Y-%m-%d})",
            "extend rainfall.nc or remove those events",
        )


# -- drawing samples -------------------------------------------------------------------------------
def patch_fits(valid: np.ndarray, radius: int) -> np.ndarray:
    """Cells whose whole (2r+1)-square patch lies on valid cells inside the grid."""
    structure = np.ones((2 * radius + 1, 2 * radius + 1), dtype=bool)
    return ndimage.binary_erosion(valid, structure=structure, border_value=0)


class Conflicts:
    """Is a (place, day) within the space and time buffers of any landslide?"""

    def __init__(self, xy: np.ndarray, days: np.ndarray | None, buffer_m: float, buffer_days: int) -> None:
        self.tree = cKDTree(xy)
        self.days = days
        self.buffer_m = buffer_m
        self.buffer_days = buffer_days

    def clash(self, x: float, y: float, day: int | None) -> bool:
        near = self.tree.query_ball_point([x, y], self.buffer_m)
        if not near:
            return False
        if day is None or self.days is None:
            return True
        return bool((np.abs(self.days[near] - day) <= self.buffer_days).any())


def draw_negatives(
    positives: pd.DataFrame,
    candidates: np.ndarray,
    stack: FactorStack,
    conflicts: Conflicts,
    day_range: tuple[int, int] | None,
    settings: SamplingSettings,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Negatives in the configured mix; rows of (kind, row, col, day)."""
    grid = stack.grid
    total = int(round(settings.negative_ratio * len(positives)))
    if day_range is None:
        mix = {"random": 1.0}
    else:
        weights = {k: settings.negative_mix.get(k, 0.0) for k in NEGATIVE_KINDS}
        mix = {k: v / sum(weights.values()) for k, v in weights.items() if v > 0}
    counts = dict(zip(mix, rng.multinomial(total, list(mix.values())), strict=True))
    cand_rows, cand_cols = np.nonzero(candidates)
    taken: set[tuple[int, int, int]] = set()
    out = []
    for kind, count in counts.items():
        made, attempts = 0, 0
        while made < count:
            attempts += 1
            if attempts > 200 * max(count, 1):
                raise InputError(
                    "sampling",
                    f"could not place {count} '{kind}' negatives away from every landslide",
                    "lower sampling.negative_ratio or sampling.buffer_m / buffer_days",
                )
            if kind == "same_place":
                source = positives.iloc[int(rng.integers(len(positives)))]
                row, col = int(source["row"]), int(source["col"])
            else:
                i = int(rng.integers(cand_rows.size))
                row, col = int(cand_rows[i]), int(cand_cols[i])
            if kind == "same_time":
                day = int(positives["day"].iloc[int(rng.integers(len(positives)))])
            elif day_range is not None:
                day = int(rng.integers(day_range[0], day_range[1] + 1))
            else:
                day = -1
            if (row, col, day) in taken:
                continue
            x, y = grid.xy(row, col)
            if conflicts.clash(float(x), float(y), None if day_range is None else day):
                continue
            taken.add((row, col, day))
            out.append((kind, row, col, day))
            made += 1
    return pd.DataFrame(out, columns=["kind", "row", "col", "day"])


def extract_patches(
    stack: FactorStack, rows: np.ndarray, cols: np.ndarray, radius: int, progress: bool = False
) -> np.ndarray:
    """(samples, channels, 2r+1, 2r+1) model channels around each cell."""
    cells = tqdm(list(zip(rows, cols, strict=True)), desc="patches", unit="patch", disable=not progress)
    patches = [
        to_channels(
            stack.data[:, r - radius : r + radius + 1, c - radius : c + radius + 1],
            stack.names,
            stack.landuse_classes,
        )
        for r, c in cells
    ]
    return np.stack(patches).astype("float32")


def nearest_reservoir(series: Series, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index (into series.reservoirs) of the reservoir nearest to each point."""
    if len(series.reservoirs) == 1:  # nothing to choose (and maps call this for millions of pixels)
        return np.zeros(len(np.atleast_1d(x)), dtype=int)
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=series.reservoirs.crs)
    distances = np.stack([points.distance(geom).to_numpy() for geom in series.reservoirs.geometry], axis=1)
    return np.argmin(distances, axis=1)


def build_sequences(
    series: Series, rain_index: np.ndarray, reservoir: np.ndarray | None, days: np.ndarray, window: int
) -> tuple[np.ndarray, list[str]]:
    """(samples, window, features): rain, its day-to-day change and, with reservoirs, level and
    its change, over the ``window`` days ending on (and including) each sample's day."""
    offsets = np.arange(-window, 1)  # one extra day before the window for the first change
    ny, nx = series.rain.values.shape[1:]
    rain = series.rain.values.reshape(len(series.rain.dates), ny * nx)
    take = days[:, None] + offsets[None, :]
    r = rain[take, rain_index[:, None]]
    features = [r[:, 1:], np.diff(r, axis=1)]
    names = ["rain_mm", "rain_change_mm"]
    if reservoir is not None:
        levels = series.levels.to_numpy(dtype="float64")
        lv = levels[take, reservoir[:, None]]
        features += [lv[:, 1:], np.diff(lv, axis=1)]
        names += ["level_m", "level_change_m"]
    return np.stack(features, axis=-1).astype("float32"), names


def sequence_summaries(sequences: np.ndarray, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Tabular summaries of each window: 3/7/30-day rain totals, wettest day, reservoir change."""
    rain = sequences[..., names.index("rain_mm")]
    cols = [rain[:, -3:].sum(1), rain[:, -7:].sum(1), rain.sum(1), rain.max(1)]
    out = ["rain_3d_mm", "rain_7d_mm", f"rain_{rain.shape[1]}d_mm", "rain_max_1d_mm"]
    if "level_m" in names:
        level = sequences[..., names.index("level_m")]
        cols.append(level[:, -1] - level[:, 0])
        out.append("level_change_window_m")
    return np.stack(cols, axis=1).astype("float32"), out


def build_samples(
    stack: FactorStack, study: Study, settings: SamplingSettings, progress: bool = True
) -> SampleSet:
    """Draw the samples and assemble their patches, sequences and tabular rows."""
    if settings.patch_size % 2 == 0:
        raise InputError(
            "params.yaml", f"sampling.patch_size {settings.patch_size} is even", "use an odd size"
        )
    rng = np.random.default_rng(settings.seed)
    grid = stack.grid
    temporal, reason = settings.temporal, ""
    if not temporal:
        reason = "sampling.temporal is false in params.yaml"
    else:
        temporal, reason = study.has_series()
    inventory = study.read_inventory(dem=stack.band("elevation"), dated=temporal)
    series = read_series(study) if temporal else None
    if series is not None:
        check_event_dates(study, inventory, series, settings.window_days)

    valid = stack.valid
    names = list(stack.landuse_classes["name"])
    water_codes = stack.landuse_classes.loc[[n.lower() == "water" for n in names], "code"].to_numpy()
    land = valid & ~np.isin(stack.band("landuse"), water_codes)
    fits = patch_fits(valid, settings.radius)

    rows, cols = grid.rowcol(inventory.geometry.x, inventory.geometry.y)
    positives = pd.DataFrame({"row": rows, "col": cols, "event_id": inventory["event_id"].astype(str)})
    if temporal:
        positives["day"] = series.rain.dates.get_indexer(inventory["date"])
    else:
        positives["day"] = -1
    keep = fits[rows, cols]
    dropped_positives = int((~keep).sum())
    if dropped_positives:
        log.info(
            "%d landslide(s) dropped: their %d-px patch leaves the valid area",
            dropped_positives,
            settings.patch_size,
        )
    positives = positives[keep].reset_index(drop=True)
    if positives.empty:
        raise InputError(
            study.path("inventory.gpkg"),
            "no landslide has a full patch inside the valid area",
            "check the inventory",
        )

    # Every mapped landslide (dropped ones too) keeps negatives away.
    event_xy = np.column_stack([inventory.geometry.x, inventory.geometry.y])
    event_days = series.rain.dates.get_indexer(inventory["date"]) if temporal else None
    conflicts = Conflicts(event_xy, event_days, settings.buffer_m, settings.buffer_days)
    day_range = (settings.window_days, len(series.rain.dates) - 1) if temporal else None
    negatives = draw_negatives(positives, fits & land, stack, conflicts, day_range, settings, rng)

    table = pd.concat(
        [
            positives.assign(label=1, kind="positive"),
            negatives.assign(label=0, event_id=""),
        ],
        ignore_index=True,
    )
    table.insert(0, "sample_id", [f"S{i:05d}" for i in range(1, len(table) + 1)])
    sx, sy = grid.xy(table["row"].to_numpy(), table["col"].to_numpy())
    log.info("extracting %d patches of %d px", len(table), settings.patch_size)
    patches = extract_patches(
        stack, table["row"].to_numpy(), table["col"].to_numpy(), settings.radius, progress
    )
    channels = channel_names(stack.names, stack.landuse_classes)
    centre = patches[:, :, settings.radius, settings.radius]
    # Tabular rows: the centre of every channel, plus the land-use code for trees.
    tabular, tab_names = [centre], list(channels)
    if "landuse" in stack.names:
        tabular.append(stack.band("landuse")[table["row"], table["col"]][:, None])
        tab_names.append("landuse_code")
    sequences, seq_names = None, []
    if temporal:
        days = table["day"].to_numpy()
        rain_index = series.rain.cell_index(grid, table["row"].to_numpy(), table["col"].to_numpy())
        reservoir = nearest_reservoir(series, sx, sy) if series.reservoirs is not None else None
        sequences, seq_names = build_sequences(series, rain_index, reservoir, days, settings.window_days)
        summaries, summary_names = sequence_summaries(sequences, seq_names)
        tabular.append(summaries)
        tab_names += summary_names
        table["date"] = series.rain.dates[days].strftime("%Y-%m-%d")
    else:
        table["date"] = ""
    frame = gpd.GeoDataFrame(
        table[["sample_id", "label", "kind", "date", "event_id", "row", "col"]],
        geometry=gpd.points_from_xy(sx, sy),
        crs=grid.crs,
    )
    summary = {
        "samples": len(frame),
        "positives": int(frame["label"].sum()),
        "negatives_by_kind": {
            k: int(v) for k, v in frame.loc[frame["label"] == 0, "kind"].value_counts().items()
        },
        "landslides_in_inventory": len(inventory),
        "landslides_dropped_patch_outside_valid_area": dropped_positives,
        "patch_size": settings.patch_size,
        "temporal": bool(temporal),
        "temporal_skip_reason": reason,
        "skipped_models": {m: reason for m in TEMPORAL_MODELS} if not temporal else {},
        "channels": channels,
        "sequence_features": seq_names,
        "tabular_columns": tab_names,
        "factor_notes": stack.notes,
    }
    return SampleSet(
        frame,
        patches,
        sequences,
        np.concatenate(tabular, axis=1).astype("float32"),
        channels,
        seq_names,
        tab_names,
        summary,
    )


# -- storage ---------------------------------------------------------------------------------------
def save_samples(samples: SampleSet, gpkg: Path, npz: Path, summary_json: Path) -> None:
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
    with atomic_path(npz) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    write_text(summary_json, json.dumps(samples.summary, indent=2) + "\n")


def load_samples(gpkg: str | Path, npz: str | Path, summary_json: str | Path | None = None) -> SampleSet:
    table = gpd.read_file(gpkg)
    with np.load(npz, allow_pickle=False) as data:
        if list(data["sample_id"]) != list(table["sample_id"]):
            raise InputError(npz, "its samples do not match samples.gpkg", "rerun the samples rule")
        sequences = data.get("sequences")
        sset = SampleSet(
            table,
            data["patches"],
            sequences,
            data["tabular"],
            list(data["channel_names"]),
            list(data["sequence_names"]),
            list(data["tabular_names"]),
            json.loads(Path(summary_json).read_text()) if summary_json else {},
        )
    return sset
