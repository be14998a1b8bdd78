"""The realism report of a study, generated or real, from the same code.

A synthetic benchmark is only worth its verdicts if its landslides look like real ones. The report
measures what a reader of landslide inventories would check first: how clustered the landslides are
(share in the largest single-linkage clusters, nearest-neighbour distances beside the distance a
random pattern of the same density would give), how well each factor alone separates landslide
cells from all cells (AUC), and, for a generated study whose truth is known, how concentrated the
true hazard is on the terrain and how many true events sit within the reservoir's reach of the shore.
A dated study with rain adds what its days say about triggering (``time``: how well short and long
rain totals separate the landslides' days from all days, how many landslides fall on dry days, on
the busiest days and per storm).
``paper/realism_ranges.yaml`` holds the ranges published inventories give, with their sources.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import yaml
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from sklearn.metrics import roc_auc_score

from lsm.data.factors import FactorStack, read_factor_stack
from lsm.data.io import write_json
from lsm.data.io.study import Study
from lsm.errors import InputError

# Factors whose values are class codes: their AUC alone ranks the classes by landslide density.
CATEGORICAL_FACTORS = ("landuse",)
TOP_CLUSTERS = 10


def single_linkage_clusters(xy: np.ndarray, linkage_m: float) -> np.ndarray:
    """Cluster label of each point: points closer than ``linkage_m`` (chained) share a cluster."""
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=int)
    pairs = cKDTree(xy).query_pairs(r=linkage_m, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def cluster_metrics(xy: np.ndarray, linkage_m: float) -> dict[str, Any]:
    """Share of landslides in the 10 largest clusters, and the cluster count, at ``linkage_m``."""
    labels = single_linkage_clusters(xy, linkage_m)
    sizes = np.sort(np.bincount(labels))[::-1] if len(labels) else np.zeros(0, dtype=int)
    n = max(len(xy), 1)
    return {
        "linkage_m": float(linkage_m),
        "clusters": int(len(sizes)),
        "cluster_share_top10": float(sizes[:TOP_CLUSTERS].sum() / n),
        "cluster_share_largest": float(sizes[:1].sum() / n),
        "singleton_share": float((sizes == 1).sum() / n),
    }


def random_cluster_share(
    stack: FactorStack, valid: np.ndarray, n: int, linkage_m: float, draws: int = 10, seed: int = 0
) -> float:
    """Share in the 10 largest clusters of ``n`` points thrown at random on the valid cells (mean
    of ``draws`` seeded draws): what the same number of landslides would give with no clustering.
    The cluster share depends on density; this is the yardstick it is read against."""
    rows, cols = np.nonzero(valid)
    if n == 0 or rows.size == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    shares = []
    for _ in range(draws):
        pick = rng.choice(rows.size, size=n, replace=True)
        x, y = stack.grid.xy(rows[pick], cols[pick])
        shares.append(cluster_metrics(np.column_stack([x, y]), linkage_m)["cluster_share_top10"])
    return float(np.mean(shares))


def nearest_neighbour_metrics(xy: np.ndarray, area_m2: float) -> dict[str, Any]:
    """Distance from each landslide to the nearest other one (m), and the same read against a random
    (Poisson) pattern of the same density, which makes studies of different density comparable:
    the Clark-Evans ratio (mean over 0.5 / sqrt(density)) and the median over sqrt(ln 2 / (pi
    density)). Below 1 the landslides cluster."""
    keys = ("nn_median_m", "nn_q25_m", "nn_q75_m", "nn_mean_m", "nn_ratio", "nn_median_ratio")
    if len(xy) < 2:
        return dict.fromkeys(keys)
    distance, _ = cKDTree(xy).query(xy, k=2)
    nn = distance[:, 1]
    density = len(xy) / area_m2
    random_mean, random_median = 0.5 / math.sqrt(density), math.sqrt(math.log(2) / (math.pi * density))
    q25, median, q75 = np.percentile(nn, [25, 50, 75])
    return {
        "nn_median_m": float(median),
        "nn_q25_m": float(q25),
        "nn_q75_m": float(q75),
        "nn_mean_m": float(nn.mean()),
        "nn_random_mean_m": random_mean,
        "nn_random_median_m": random_median,
        "nn_ratio": float(nn.mean() / random_mean),
        "nn_median_ratio": float(median / random_median),
    }


def factor_auc(values: np.ndarray, event_values: np.ndarray, categorical: bool = False) -> dict[str, float]:
    """AUC of one factor alone: landslide cells (one per event) against all valid cells.

    A class code has no order, so a categorical factor scores each class by its landslide density
    (events per cell, the frequency ratio) and the AUC is that of the score.
    """
    if categorical:
        classes, counts = np.unique(values, return_counts=True)
        hits = np.array([(event_values == c).sum() for c in classes], dtype="float64")
        density = dict(zip(classes.tolist(), (hits / counts).tolist(), strict=True))
        values = np.vectorize(density.get)(values)
        event_values = np.vectorize(density.get)(event_values)
    labels = np.concatenate([np.ones(len(event_values)), np.zeros(len(values))])
    auc = float(roc_auc_score(labels, np.concatenate([event_values, values])))
    return {"auc": auc, "auc_direction_free": max(auc, 1.0 - auc)}


def hazard_concentration(hazard: np.ndarray, shares: tuple[float, ...] = (0.5, 0.9)) -> dict[str, float]:
    """Smallest share of the cells that holds each share of the total hazard (cells sorted by hazard)."""
    ordered = np.sort(hazard.astype("float64"))[::-1]
    cumulative = np.cumsum(ordered)
    total = cumulative[-1] if cumulative.size else 0.0
    out = {}
    for share in shares:
        key = f"area_share_hazard_{round(100 * share)}"
        if total <= 0:
            out[key] = float("nan")
            continue
        cells = int(np.searchsorted(cumulative, share * total)) + 1
        out[key] = cells / hazard.size
    return out


def truth_metrics(stack: FactorStack, truth_dir: Path, valid: np.ndarray) -> dict[str, Any]:
    """Concentration of the true yearly hazard and the share of true events within the shore's reach."""
    with rasterio.open(truth_dir / "susceptibility.tif") as src:
        p = src.read(1, masked=True).filled(np.nan).astype("float64")
    if p.shape != valid.shape:
        raise InputError(
            truth_dir / "susceptibility.tif",
            f"has shape {p.shape}, the factor stack {valid.shape}",
            "compute the factors on the generator's grid (grid.resolution_m equal to its cell size)",
        )
    keep = valid & np.isfinite(p)
    hazard = -np.log1p(-np.clip(p[keep], 0.0, 1.0 - 1e-12))  # yearly probability -> hazard rate
    out: dict[str, Any] = hazard_concentration(hazard)
    physics = yaml.safe_load((truth_dir / "physics.yaml").read_text())
    reach = float(physics["constants"]["shore_reach_m"])
    events = gpd.read_file(truth_dir / "events.gpkg", ignore_geometry=True)
    out["true_events"] = len(events)
    out["shore_reach_m"] = reach
    if "dist_shore" in stack.names and len(events):
        distance = stack.band("dist_shore")[events["row"].to_numpy(), events["col"].to_numpy()]
        out["share_true_events_near_shore"] = float(np.mean(distance < reach))
        out["share_area_near_shore"] = float(np.mean(stack.band("dist_shore")[valid] < reach))
    return out


def realism_metrics(
    stack: FactorStack,
    event_rows: np.ndarray,
    event_cols: np.ndarray,
    truth_dir: Path | None = None,
    linkage_m: float = 450.0,
) -> dict[str, Any]:
    """The realism report of one study: clustering, nearest neighbours, each factor's AUC alone and,
    with ``truth_dir``, the concentration of the true hazard. Events outside the grid or on nodata
    are left out and counted (``events_left_out``)."""
    rows, cols = np.asarray(event_rows, dtype=int), np.asarray(event_cols, dtype=int)
    valid = stack.valid
    inside = stack.grid.contains(rows, cols)
    keep = inside.copy()
    keep[inside] = valid[rows[inside], cols[inside]]
    rows, cols = rows[keep], cols[keep]
    x, y = stack.grid.xy(rows, cols)
    xy = np.column_stack([x, y])
    area_m2 = float(valid.sum()) * stack.grid.cell**2
    report: dict[str, Any] = {
        "events": int(keep.sum()),
        "events_left_out": int((~keep).sum()),
        "valid_area_km2": area_m2 / 1e6,
        "density_per_km2": float(keep.sum()) / (area_m2 / 1e6) if area_m2 else None,
        **cluster_metrics(xy, linkage_m),
        "cluster_share_top10_random": random_cluster_share(stack, valid, len(xy), linkage_m),
        **nearest_neighbour_metrics(xy, area_m2),
    }
    factors = {}
    for name in stack.names:
        band = stack.band(name)
        factors[name] = factor_auc(band[valid], band[rows, cols], categorical=name in CATEGORICAL_FACTORS)
    report["factor_auc"] = factors
    if truth_dir is not None:
        report["truth"] = truth_metrics(stack, Path(truth_dir), valid)
    return report


def study_report(study_dir: str | Path, factors_tif: str | Path, grid_settings: dict) -> dict[str, Any]:
    """Realism report of the study in ``study_dir`` on its factor stack (the workflow's factors.tif);
    a generated study adds what its truth says."""
    study = Study(study_dir, grid_settings)
    inventory = study.read_inventory(dated=False)
    stack = read_factor_stack(factors_tif)
    rows, cols = stack.grid.rowcol(inventory.geometry.x.to_numpy(), inventory.geometry.y.to_numpy())
    truth = Path(study_dir) / "truth"
    report = {
        "study": study.meta.get("name", Path(study_dir).name),
        **realism_metrics(stack, rows, cols, truth if truth.is_dir() else None),
    }
    return _with_time(report, study)


def _with_time(report: dict[str, Any], study: Study) -> dict[str, Any]:
    """The report with its temporal metrics (``time``) where the study is dated and has rain."""
    time = study_temporal_metrics(study)
    return report if time is None else {**report, "time": time}


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python numbers, NaN to null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# -- literature ranges ------------------------------------------------------------------------------
CITATION_FIELDS = ("authors", "year", "title", "journal", "doi", "how_read")


def literature_ranges(path: str | Path) -> dict[str, Any]:
    """The published ranges of each realism metric (``paper/realism_ranges.yaml``), checked."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", "restore paper/realism_ranges.yaml")
    data = yaml.safe_load(path.read_text()) or {}
    metrics = data.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise InputError(path, "has no 'metrics' mapping", "list each metric with its range and sources")
    for name, entry in metrics.items():
        low, high = _range_of(path, name, entry)
        sources = entry.get("sources") or []
        if not sources:
            raise InputError(path, f"metric {name!r} has no source", "cite what the range rests on")
        for source in sources:
            missing = [f for f in CITATION_FIELDS if not source.get(f)]
            if missing:
                raise InputError(
                    path, f"a source of {name!r} lacks {', '.join(missing)}", "complete the citation"
                )
        entry["range"] = [low, high]
    return data


def _range_of(path: Path, name: str, entry: dict) -> tuple[float, float]:
    values = entry.get("range") if isinstance(entry, dict) else None
    if not isinstance(values, list) or len(values) != 2:
        raise InputError(path, f"metric {name!r} needs 'range: [low, high]'", "give two numbers")
    low, high = float(values[0]), float(values[1])
    if not low < high:
        raise InputError(path, f"metric {name!r} has range [{low}, {high}]", "write the lower bound first")
    return low, high


def metric_value(report: dict[str, Any], key: str) -> float | None:
    """A metric of a report by its dotted key (``factor_auc.slope.auc``), or None if absent."""
    value: Any = report
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return None if value is None else float(value)


def compare_to_ranges(report: dict[str, Any], ranges: dict[str, Any]) -> dict[str, bool | None]:
    """For each metric of ``ranges``: whether the report lies inside its range (None: not measured)."""
    out: dict[str, bool | None] = {}
    for name, entry in ranges["metrics"].items():
        value = metric_value(report, entry.get("report_key", name))
        low, high = entry["range"]
        out[name] = None if value is None or math.isnan(value) else bool(low <= value <= high)
    return out


def reference_report(study_dir: str | Path, grid_settings: dict, river_area_km2: float) -> dict[str, Any]:
    """The realism report of another study (a real one beside a generated one), on the factors its
    files support, computed in memory with the same code and settings (rivers from
    ``river_area_km2`` where the study brings none, as for the study itself)."""
    from lsm.data.factors import compute_factors
    from lsm.data.support import choose_factors, scan_study

    study = Study(study_dir, grid_settings)
    names, _ = choose_factors("auto", scan_study(study_dir))
    stack = compute_factors(study, names, river_area_km2)
    inventory = study.read_inventory(dated=False)
    rows, cols = stack.grid.rowcol(inventory.geometry.x.to_numpy(), inventory.geometry.y.to_numpy())
    report = {"study": study.meta.get("name", Path(study_dir).name), **realism_metrics(stack, rows, cols)}
    return _with_time(report, study)


def realism_with_references(
    study_dir: str,
    factors_tif: str,
    grid_settings: dict,
    references: list[str],
    out_json: str,
    river_area_km2: float,
) -> dict[str, Any]:
    """This study's realism report beside those of the reference studies that exist, as one JSON:
    ``{"study": <report>, "references": {name: <report>}}``."""
    own = study_report(study_dir, factors_tif, grid_settings)
    others = {}
    for folder in references:
        if Path(folder).resolve() != Path(study_dir).resolve():
            report = reference_report(folder, grid_settings, river_area_km2)
            others[report["study"]] = report
    combined = {"study": own, "references": others}
    write_json(out_json, _plain(combined))
    return combined


# -- time: how rain and the landslide days go together ------------------------------------------------
DRY_DAY_MM = 1.0  # a day with less rain than this counts as dry (the usual wet-day threshold)
BUSY_DAYS = 10  # the days with most landslides
EARTHQUAKE_TRIGGER = "earthquake"  # the inventory's optional `trigger` value for shaking


def temporal_metrics(
    event_days: pd.Series, rain: pd.Series, triggers: pd.Series | None = None
) -> dict[str, Any]:
    """What a dated inventory says about triggering, from the days alone: how well the 1-, 3- and
    30-day rain totals ending on a day separate the landslides' days (one per landslide, so a storm
    counts as often as it struck) from all days of the record (AUC),
    the share of landslides on dry days, on the ``BUSY_DAYS`` busiest days, and per storm (a run of
    consecutive wet days; a landslide on a dry day belongs to no storm). ``rain`` is the study's
    daily rain (its area mean), ``event_days`` the landslides' days (those outside the record are
    left out and counted). Where the inventory gives each landslide's ``triggers``, those an
    earthquake set off are counted apart and left out of the rest: rain did not choose their day."""
    days = pd.DatetimeIndex(pd.to_datetime(event_days)).normalize()
    shaken = np.zeros(len(days), dtype=bool)
    if triggers is not None:
        shaken = pd.Series(triggers).astype(str).str.lower().eq(EARTHQUAKE_TRIGGER).to_numpy()
    inside = days.isin(rain.index)
    kept = inside & ~shaken
    counts = pd.Series(1, index=days[kept]).groupby(level=0).sum().reindex(rain.index, fill_value=0)
    out: dict[str, Any] = {
        "dated_events": int(inside.sum()),
        "dated_events_outside_record": int((~inside).sum()),
        "earthquake_events": int((inside & shaken).sum()),
    }
    if counts.sum() == 0:
        return out
    for window in (1, 3, 30):
        total = rain.rolling(window, min_periods=window).sum()
        landslides = total.reindex(days[kept]).to_numpy()
        every_day = total.dropna().to_numpy()
        landslides = landslides[np.isfinite(landslides)]
        if landslides.size and every_day.size:
            labels = np.r_[np.ones(landslides.size), np.zeros(every_day.size)]
            out[f"rain_{window}d_auc"] = float(roc_auc_score(labels, np.r_[landslides, every_day]))
    n = float(counts.sum())
    wet = (rain >= DRY_DAY_MM).to_numpy()
    out["share_on_dry_days"] = float(counts[~wet].sum() / n)
    out["share_on_busiest_days"] = float(np.sort(counts.to_numpy())[::-1][:BUSY_DAYS].sum() / n)
    storm = np.cumsum(np.r_[wet[:1], wet[1:] & ~wet[:-1]])  # a new storm starts on each first wet day
    per_storm = counts[wet].groupby(storm[wet]).sum()
    per_storm = per_storm[per_storm > 0]
    out["landslides_per_storm_mean"] = float(per_storm.mean()) if len(per_storm) else None
    out["share_in_busiest_storms"] = float(np.sort(per_storm.to_numpy())[::-1][:BUSY_DAYS].sum() / n)
    return out


def study_temporal_metrics(study: Study) -> dict[str, Any] | None:
    """The temporal metrics of a dated study with rain (None for an undated or rainless one)."""
    if study.rain_file() is None:
        return None
    inventory = study.read_inventory(dated=True) if _is_dated(study) else None
    if inventory is None:
        return None
    triggers = inventory["trigger"] if "trigger" in inventory.columns else None
    return temporal_metrics(inventory["date"], study.read_rainfall().area_mean(), triggers)


def _is_dated(study: Study) -> bool:
    from lsm.data.support import scan_study

    files = scan_study(study.folder)
    return files.dated and files.date_precision == "day"
