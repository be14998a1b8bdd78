"""Space-time samples: positives from the inventory, negatives away from every event, and for each
sample a factor patch (CNN), a 30-day sequence (LSTM) and a tabular row (SVM, DT, RF, MLP).

Negatives are drawn at ``negative_ratio`` per positive, in three kinds: a random place on a random
day; the place of a landslide on another day; the day of a landslide at another place. A candidate
is rejected if any landslide lies within ``buffer_m`` of it and ``buffer_days`` of its date, so no
negative is secretly a positive. A cell is a sample (and a pixel of the maps) when it holds data and
at least ``patch_min_valid`` of its patch does: coastal and valley-edge slopes stay in, their patch
cells on the sea, on nodata or beyond the grid are NaN here and the training mean of their channel in
the network (see :meth:`lsm.data.normalise.Normaliser.patches`). Landslides left out are counted.
The samples as later stages read them, and their storage, are in :mod:`lsm.data.samples`.

One module of about 500 lines on purpose: positives, the three kinds of negatives and the arrays of
every sample are drawn under one set of conflicts (the buffer in space and time), which the parts
share.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from tqdm import tqdm

from lsm.data.factors import FactorStack, channel_names, patch_fits, to_channels
from lsm.data.forcing import Series, build_sequences, nearest_reservoir, outside_record, read_series
from lsm.data.io.rain import check_covers
from lsm.data.io.study import OUTSIDE_DEM, Study
from lsm.data.samples import Absences, SampleSet
from lsm.data.sequences import sequence_summaries
from lsm.data.support import scan_study, temporal_support
from lsm.errors import InputError
from lsm.names import AUTO, NEGATIVE_KINDS, TEMPORAL_MODELS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplingSettings:
    """``sampling:`` of params.yaml (its comments there say what each key does; values only there)."""

    temporal: bool
    patch_size: int
    patch_min_valid: float  # share of a patch's cells that must hold data
    window_days: int
    negative_ratio: float
    negative_mix: dict[str, float]
    buffer_m: float | str  # "auto": half the patch's diagonal (see buffer_metres)
    buffer_days: int
    season_days: int  # same-place negatives: same time of year as their landslide, +- this
    left_out_max_share: float  # stop when more of the inventory than this is left out
    free_area_warn_share: float  # warn when the buffer leaves less of the area than this
    seed: int

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> SamplingSettings:
        """From the validated block (the schema rejects unknown and missing keys first)."""
        return cls(**block)

    @property
    def radius(self) -> int:
        """Cells from a patch's centre to its edge."""
        return self.patch_size // 2

    def buffer_metres(self, cell: float, median_gap_m: float) -> tuple[float, str]:
        """The negatives' distance from every mapped landslide, and why. ``auto``: half the diagonal
        of a patch (no negative's patch then holds a mapped landslide), but no more than the median
        distance from the candidate cells to their nearest landslide, so that at least half of the
        ground stays open to negatives however small the study and dense its landslides."""
        if self.buffer_m != AUTO:
            return float(self.buffer_m), "sampling.buffer_m in params.yaml"
        half_diagonal = float(np.sqrt(2) * self.patch_size * cell / 2)
        if median_gap_m < half_diagonal:
            return median_gap_m, "auto: the median distance of the ground to its nearest landslide"
        return half_diagonal, "auto: half the diagonal of a patch"


# -- drawing samples -------------------------------------------------------------------------------
LEFT_OUT_PATCH = "less than sampling.patch_min_valid of its patch holds data"
LEFT_OUT_RECORD = "its rain window lies outside the rain record"
LEFT_OUT_UNMAPPED = "outside mapped_area.gpkg"


class Conflicts:
    """Whether a (place, day) lies within the space and time buffers of any landslide."""

    def __init__(self, xy: np.ndarray, days: np.ndarray | None, buffer_m: float, buffer_days: int) -> None:
        self.tree = cKDTree(xy)
        self.days = days
        self.buffer_m = buffer_m
        self.buffer_days = buffer_days

    def clash(self, x: float, y: float, day: int | None) -> bool:
        """Whether (x, y) on ``day`` lies within the buffers of a landslide (``day`` None: in space only)."""
        near = self.tree.query_ball_point([x, y], self.buffer_m)
        if not near:
            return False
        if day is None or self.days is None:
            return True
        return bool((np.abs(self.days[near] - day) <= self.buffer_days).any())


@dataclass(frozen=True)
class DayRange:
    """The days a sample may fall on (those with a full window before them) and their dates."""

    first: int
    last: int
    dates: pd.DatetimeIndex

    def same_season(self, day: int, season_days: int, rng: np.random.Generator) -> int | None:
        """A day in another year at the same time of year (+- ``season_days``), or None if the
        record has no other year around ``day``: a same-place negative then keeps its landslide's
        season, so that the buffer around mapped landslides cannot push it into the dry season."""
        years = np.arange(-40, 41)
        years = years[years != 0]
        centres = day + np.round(years * 365.25).astype(int)
        ok = years[(centres - season_days >= self.first) & (centres + season_days <= self.last)]
        if ok.size == 0:
            return None
        year = int(rng.choice(ok))
        return int(day + round(year * 365.25) + rng.integers(-season_days, season_days + 1))


def negative_mix(settings: SamplingSettings, days: DayRange | None) -> dict[str, float]:
    """The share of each kind of negative; without dates every negative is a random place."""
    if days is None:  # no dates: only places differ
        return {"random": 1.0}
    weights = {k: settings.negative_mix.get(k, 0.0) for k in NEGATIVE_KINDS}
    return {k: v / sum(weights.values()) for k, v in weights.items() if v > 0}


def propose_negative(
    kind: str,
    positives: pd.DataFrame,
    candidates: tuple[np.ndarray, ...],
    days: DayRange | None,
    settings: SamplingSettings,
    rng: np.random.Generator,
) -> tuple[int, int, int] | None:
    """One candidate (row, col, day) of a kind; day -1 without dates; None if the kind has none."""
    if kind == "same_place":
        source = positives.iloc[int(rng.integers(len(positives)))]
        row, col = int(source["row"]), int(source["col"])
        assert days is not None, "same-place negatives need dated landslides (see negative_mix)"
        day = days.same_season(int(source["day"]), settings.season_days, rng)
        return None if day is None else (row, col, day)
    i = int(rng.integers(candidates[0].size))
    row, col = int(candidates[0][i]), int(candidates[1][i])
    if kind == "same_time":
        return row, col, int(positives["day"].iloc[int(rng.integers(len(positives)))])
    day = int(rng.integers(days.first, days.last + 1)) if days is not None else -1
    return row, col, day


def draw_negatives(
    positives: pd.DataFrame,
    candidates: np.ndarray,
    stack: FactorStack,
    conflicts: Conflicts,
    days: DayRange | None,
    settings: SamplingSettings,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Negatives in the configured mix, away from every landslide; rows of (kind, row, col, day)."""
    grid = stack.grid
    total = int(round(settings.negative_ratio * len(positives)))
    mix = negative_mix(settings, days)
    counts = dict(zip(mix, rng.multinomial(total, list(mix.values())), strict=True))
    cells = np.nonzero(candidates)
    if cells[0].size == 0:
        raise InputError(
            "sampling", "no cell is left for negatives", "check mapped_area.gpkg or lower sampling.buffer_m"
        )
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
            proposal = propose_negative(kind, positives, cells, days, settings, rng)
            if proposal is None or proposal in taken:
                continue
            row, col, day = proposal
            x, y = grid.xy(row, col)
            if conflicts.clash(float(x), float(y), None if days is None else day):
                continue
            taken.add(proposal)
            out.append((kind, row, col, day))
            made += 1
    return pd.DataFrame(out, columns=["kind", "row", "col", "day"])


def extract_patches(
    stack: FactorStack, rows: np.ndarray, cols: np.ndarray, radius: int, progress: bool = False
) -> np.ndarray:
    """(samples, channels, 2r+1, 2r+1) model channels around each cell, NaN where a patch cell has
    no data (nodata, or beyond the grid)."""
    cells = tqdm(list(zip(rows, cols, strict=True)), desc="patches", unit="patch", disable=not progress)
    padded = np.pad(stack.data, ((0, 0), (radius, radius), (radius, radius)), constant_values=np.nan)
    patches = [
        to_channels(
            padded[:, r : r + 2 * radius + 1, c : c + 2 * radius + 1],
            stack.names,
            stack.landuse_classes,
        )
        for r, c in cells
    ]
    if not patches:
        return np.zeros(
            (0, len(channel_names(stack.names, stack.landuse_classes)), 2 * radius + 1, 2 * radius + 1),
            "float32",
        )
    return np.stack(patches).astype("float32")


@dataclass
class Positives:
    """The mapped landslides that become positives, and what was left out of the inventory, why."""

    table: pd.DataFrame  # row, col, event_id, day
    inventory: gpd.GeoDataFrame  # every landslide, with its `left_out` reason ("" if kept)

    @property
    def left_out(self) -> dict[str, int]:
        """How many landslides were left out, by reason."""
        reasons = self.inventory["left_out"]
        return {str(k): int(v) for k, v in reasons[reasons != ""].value_counts().sort_index().items()}


def select_positives(
    stack: FactorStack,
    study: Study,
    settings: SamplingSettings,
    fits: np.ndarray,
    mapped: np.ndarray | None,
    series: Series | None,
) -> Positives:
    """Positives from the inventory: those outside the DEM, on nodata, outside the mapped area or
    with too little of their patch on data are left out and counted; too many of them stop the run."""
    dem = stack.band("elevation") if "elevation" in stack.names else None
    inventory = study.read_inventory(dem=dem, dated=series is not None)
    rows, cols = stack.grid.rowcol(inventory.geometry.x, inventory.geometry.y)
    usable = (inventory["left_out"] == "").to_numpy()
    r, c = np.where(usable, rows, 0), np.where(usable, cols, 0)
    reason = inventory["left_out"].to_numpy(dtype=object)
    if mapped is not None:
        reason[usable & ~mapped[r, c]] = LEFT_OUT_UNMAPPED
    reason[(reason == "") & ~fits[r, c]] = LEFT_OUT_PATCH
    if series is not None:
        reason[(reason == "") & outside_record(inventory["date"], series, settings.window_days)] = (
            LEFT_OUT_RECORD
        )
    inventory = inventory.assign(left_out=reason)
    kept = reason == ""
    check_left_out(study, inventory, settings.left_out_max_share)
    table = pd.DataFrame(
        {"row": rows[kept], "col": cols[kept], "event_id": inventory["event_id"].astype(str)[kept]}
    ).reset_index(drop=True)
    table["day"] = series.rain.dates.get_indexer(inventory.loc[kept, "date"]) if series is not None else -1
    for why, count in Positives(table, inventory).left_out.items():
        log.info("%d landslide(s) left out: %s", count, why)
    return Positives(table, inventory)


def check_left_out(study: Study, inventory: gpd.GeoDataFrame, max_share: float) -> None:
    """Stop when most of the inventory cannot be used (a wrong CRS, a DEM of another place)."""
    left_out = inventory["left_out"] != ""
    if left_out.mean() <= max_share and (~left_out).any():
        return
    reasons = inventory.loc[left_out, "left_out"].value_counts()
    listed = "; ".join(f"{count} {why}" for why, count in reasons.items())
    fix = "check the inventory's CRS and that it covers the DEM"
    if left_out.all() or reasons.index[0] == LEFT_OUT_PATCH:
        fix += ", or use a smaller sampling.patch_size or sampling.patch_min_valid"
    raise InputError(
        study.path("inventory.gpkg"),
        f"{int(left_out.sum())} of {len(inventory)} landslides cannot be used ({listed}); more than "
        f"sampling.left_out_max_share = {max_share:g} of the inventory",
        fix,
    )


def sample_days(series: Series | None, window: int) -> DayRange | None:
    """The days a sample may fall on (a full window of series before it), or None without series."""
    if series is None:
        return None
    return DayRange(window, len(series.rain.dates) - 1, series.rain.dates)


def gaps_to_landslides(grid, events_xy: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Distance (m) from every candidate cell to its nearest mapped landslide."""
    rows, cols = np.nonzero(candidates)
    if rows.size == 0 or len(events_xy) == 0:
        return np.full(rows.size, np.inf)
    x, y = grid.xy(rows, cols)
    return cKDTree(events_xy).query(np.column_stack([x, y]))[0]


def build_samples(
    stack: FactorStack, study: Study, settings: SamplingSettings, progress: bool = True
) -> SampleSet:
    """Draw the samples and assemble their patches, sequences and tabular rows."""
    if settings.patch_size % 2 == 0:
        raise InputError(
            "params.yaml", f"sampling.patch_size {settings.patch_size} is even", "use an odd size"
        )
    rng = np.random.default_rng(settings.seed)
    temporal, reason = temporal_support(
        {"sampling": {"temporal": settings.temporal}}, scan_study(study.folder)
    )
    series = read_series(study) if temporal else None
    valid = stack.valid
    if series is not None:
        check_covers(series.rain, stack.grid, valid, study.path(series.rain.source))
    fits = patch_fits(valid, settings.radius, settings.patch_min_valid)
    mapped = study.read_mapped_area()
    positives = select_positives(stack, study, settings, fits, mapped, series)
    candidates = fits & land_cells(stack) & (mapped if mapped is not None else True)
    # Every mapped landslide that lies on the grid (left out ones too) keeps negatives away.
    inventory = positives.inventory
    on_grid = inventory["left_out"] != OUTSIDE_DEM
    event_xy = np.column_stack([inventory.geometry.x, inventory.geometry.y])[on_grid.to_numpy()]
    event_days = series.rain.dates.get_indexer(inventory.loc[on_grid, "date"]) if series is not None else None
    gaps = gaps_to_landslides(stack.grid, event_xy, candidates)
    buffer_m, buffer_reason = settings.buffer_metres(
        stack.grid.cell, float(np.median(gaps)) if gaps.size else 0.0
    )
    free = float((gaps > buffer_m).mean()) if gaps.size else 0.0
    conflicts = Conflicts(event_xy, event_days, buffer_m, settings.buffer_days)
    days = sample_days(series, settings.window_days)
    negatives = draw_negatives(positives.table, candidates, stack, conflicts, days, settings, rng)
    table = pd.concat(
        [positives.table.assign(label=1, kind="positive"), negatives.assign(label=0, event_id="")],
        ignore_index=True,
    )
    table.insert(0, "sample_id", [f"S{i:05d}" for i in range(1, len(table) + 1)])
    arrays = sample_arrays(stack, table, series, settings, progress)
    summary = sampling_summary(table, positives, settings, temporal, reason, buffer_m, free, stack, arrays)
    summary["buffer_reason"] = buffer_reason
    if series is not None:
        summary["rain"] = series.rain.describe()
    absences = build_absences(stack, study, settings, series)
    if absences is not None:
        summary["absences"] = {"used": len(absences.table), "left_out": absences.left_out}
    frame = gpd.GeoDataFrame(
        table[["sample_id", "label", "kind", "date", "event_id", "row", "col"]],
        geometry=gpd.points_from_xy(*stack.grid.xy(table["row"].to_numpy(), table["col"].to_numpy())),
        crs=stack.grid.crs,
    )
    return SampleSet(
        frame,
        arrays.patches,
        arrays.sequences,
        arrays.tabular,
        arrays.channels,
        arrays.sequence_names,
        arrays.tabular_names,
        summary,
        absences=absences,
    )


def land_cells(stack: FactorStack) -> np.ndarray:
    """Valid cells that are not water (negatives are drawn on land)."""
    if "landuse" not in stack.names:
        return stack.valid
    names = list(stack.landuse_classes["name"])
    water = stack.landuse_classes.loc[[n.lower() == "water" for n in names], "code"].to_numpy()
    return stack.valid & ~np.isin(stack.band("landuse"), water)


@dataclass
class SampleArrays:
    """The arrays of a set of samples: patches, sequences and tabular rows."""

    patches: np.ndarray
    sequences: np.ndarray | None
    tabular: np.ndarray
    channels: list[str]
    sequence_names: list[str]
    tabular_names: list[str]


def sample_arrays(
    stack: FactorStack,
    table: pd.DataFrame,
    series: Series | None,
    settings: SamplingSettings,
    progress: bool = False,
) -> SampleArrays:
    """Patches, sequences and tabular rows of the samples in ``table`` (row, col and, with series,
    day); sets ``table["date"]``."""
    rows, cols = table["row"].to_numpy(), table["col"].to_numpy()
    log.info("extracting %d patches of %d px", len(table), settings.patch_size)
    patches = extract_patches(stack, rows, cols, settings.radius, progress)
    channels = channel_names(stack.names, stack.landuse_classes)
    tabular, tab_names = [patches[:, :, settings.radius, settings.radius]], list(channels)
    if "landuse" in stack.names:
        tabular.append(stack.band("landuse")[rows, cols][:, None])
        tab_names.append("landuse_code")
    sequences: np.ndarray | None = None
    seq_names: list[str] = []
    if series is not None:
        days = table["day"].to_numpy()
        x, y = stack.grid.xy(rows, cols)
        rain_index = series.rain.cell_index(stack.grid, rows, cols)
        reservoir = nearest_reservoir(series, x, y) if series.reservoirs is not None else None
        sequences, seq_names = build_sequences(series, rain_index, reservoir, days, settings.window_days)
        summaries, summary_names = sequence_summaries(sequences, seq_names)
        tabular.append(summaries)
        tab_names += summary_names
        table["date"] = series.rain.dates[days].strftime("%Y-%m-%d")
    else:
        table["date"] = ""
    return SampleArrays(
        patches,
        sequences,
        np.concatenate(tabular, axis=1).astype("float32"),
        channels,
        seq_names,
        tab_names,
    )


def build_absences(
    stack: FactorStack, study: Study, settings: SamplingSettings, series: Series | None
) -> Absences | None:
    """Patches and rows of the authors' absences, where the study has them and is static.

    They are an independent negative set: no model trains on them. They have no dates, so a study
    with series (whose negatives carry a day) does not use them.
    """
    if series is not None:
        return None
    dem = stack.band("elevation") if "elevation" in stack.names else study.read_dem()
    points = study.read_absences(dem)
    if points is None:
        return None
    rows, cols = stack.grid.rowcol(points.geometry.x, points.geometry.y)
    usable = (points["left_out"] == "").to_numpy()
    reason = points["left_out"].to_numpy(dtype=object)
    fits = patch_fits(stack.valid, settings.radius, settings.patch_min_valid)
    reason[usable & ~fits[np.where(usable, rows, 0), np.where(usable, cols, 0)]] = LEFT_OUT_PATCH
    kept = reason == ""
    x, y = stack.grid.xy(rows[kept], cols[kept])
    table = pd.DataFrame({"row": rows[kept], "col": cols[kept], "x": x, "y": y})
    table.insert(0, "absence_id", [f"A{i:05d}" for i in range(1, len(table) + 1)])
    arrays = sample_arrays(stack, table.assign(day=-1), None, settings)
    counts = pd.Series(reason[~kept]).value_counts()
    return Absences(table, arrays.patches, arrays.tabular, {str(k): int(v) for k, v in counts.items()})


def sampling_summary(
    table: pd.DataFrame,
    positives: Positives,
    settings: SamplingSettings,
    temporal: bool,
    reason: str,
    buffer_m: float,
    free_share: float,
    stack: FactorStack,
    arrays: SampleArrays,
) -> dict[str, Any]:
    """What the sampling did, for summary.json, the report and the manuscript."""
    warnings = []
    if free_share < settings.free_area_warn_share:
        warnings.append(
            f"the negative buffer of {buffer_m:.0f} m leaves only {100 * free_share:.0f} % of the sampled "
            f"area for negatives (sampling.free_area_warn_share = {settings.free_area_warn_share:g}); "
            "negatives crowd into the few places far from every landslide: consider a smaller "
            "sampling.buffer_m"
        )
    for warning in warnings:
        log.warning(warning)
    left_out = positives.left_out
    return {
        "samples": len(table),
        "positives": int(table["label"].sum()),
        "negatives_by_kind": {
            k: int(v) for k, v in table.loc[table["label"] == 0, "kind"].value_counts().items()
        },
        "landslides_in_inventory": len(positives.inventory),
        "landslides_left_out": left_out,
        "landslides_dropped_patch_outside_valid_area": left_out.get(LEFT_OUT_PATCH, 0),
        "patch_size": settings.patch_size,
        "patch_min_valid": settings.patch_min_valid,
        "samples_with_partial_patch": int(np.isnan(arrays.patches).any(axis=(1, 2, 3)).sum()),
        "cell_size_m": stack.grid.cell,
        "buffer_m": buffer_m,
        "buffer_days": settings.buffer_days,
        "free_area_share": free_share,
        "warnings": warnings,
        "temporal": bool(temporal),
        "temporal_skip_reason": reason,
        "skipped_models": {m: reason for m in TEMPORAL_MODELS} if not temporal else {},
        "channels": arrays.channels,
        "sequence_features": arrays.sequence_names,
        "tabular_columns": arrays.tabular_names,
        "factor_notes": stack.notes,
    }
