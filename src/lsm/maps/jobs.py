"""The mapping jobs of the workflow (one function per rule), so the Snakemake scripts stay thin."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from lsm.data.contract import contract_path
from lsm.data.forcing import DayForcing, read_series, resolve_date
from lsm.data.io import write_json, write_text
from lsm.data.io.study import Study
from lsm.maps.dates import TYPICAL, typical_window_end
from lsm.maps.stream import (
    MapOutputs,
    SurveyedArea,
    assemble,
    map_tile,
    scratch_path,
    tiff_profile,
    write_cog,
)
from lsm.maps.style import probability_style, ramp_style
from lsm.maps.uncertainty import SeedCalibration, assemble_uncertainty
from lsm.maps.windows import FactorRaster
from lsm.names import LABELS, TEST, TRAIN

log = logging.getLogger(__name__)


def reference_day(
    study_dir: str | Path, label: str, window: int, temporal: bool
) -> tuple[Any, int | None, str]:
    """(series or None, day index or None, ISO date) of a map label: 'wettest', 'typical', 'static'
    or YYYY-MM-DD."""
    if not temporal:
        return None, None, ""
    series = read_series(Study(study_dir))
    if label == TYPICAL:
        label = f"{typical_window_end(series, window):%Y-%m-%d}"
    day, iso = resolve_date(label, series, window)
    return series, day, iso


def tile_job(
    factors_tif: str,
    model: str,
    run_dirs: list[str],
    samples_summary: str,
    study_dir: str,
    date_label: str,
    mapping: dict[str, Any],
    out_tif: str,
    tile: int,
    threads: int = 1,
    calibrators_csv: str | None = None,
    prevalence: float | None = None,
) -> None:
    """Map one tile of one model (its seeds averaged, each seed's probability and their calibrated
    mean kept too) at one reference date; ``calibrators_csv``: the mapping scheme's calibrators
    (lsm.evaluate.calibration_runs), ``prevalence``: the study's real one, if known."""
    # Imported here: only a tile predicts, and the other map jobs should not pay torch's start-up.
    import torch

    from lsm.maps.predictors import Ensemble

    torch.set_num_threads(threads)
    summary = json.loads(Path(samples_summary).read_text())
    raster = FactorRaster.open(factors_tif)
    window = int(mapping["window_days"])
    series, day, iso = reference_day(study_dir, date_label, window, bool(summary["temporal"]))
    forcing = DayForcing(series, raster.grid, day, window) if series is not None and day is not None else None
    ensemble = Ensemble(
        [Path(d) for d in run_dirs], summary["tabular_columns"], device=mapping["device"], threads=threads
    )
    calibration = None
    if calibrators_csv is not None:
        seeds = [int(Path(d).name.removeprefix("seed")) for d in run_dirs]
        calibration = SeedCalibration.from_table(pd.read_csv(calibrators_csv), model, seeds, prevalence)
    log.info(
        "mapping %s (%d seeds) at %s, tile %d of %d",
        ensemble.kind,
        len(run_dirs),
        iso or "static",
        tile + 1,
        mapping["tiles"],
    )
    map_tile(
        raster,
        ensemble,
        forcing,
        int(summary["patch_size"]) // 2,
        out_tif,
        tile,
        int(mapping["tiles"]),
        window_size=int(mapping["window"]),
        min_valid=float(summary["patch_min_valid"]),
        calibration=calibration,
    )


def mapped_events(samples_gpkg: str, splits_csv: str, scheme: str) -> pd.DataFrame:
    """The landslides of the samples (positives), with their split in ``scheme`` (train/test)."""
    table = gpd.read_file(
        samples_gpkg, columns=["sample_id", "label", "row", "col", "date"], ignore_geometry=True
    )
    splits = pd.read_csv(splits_csv)
    table = table.merge(splits[["sample_id", scheme]], on="sample_id", validate="one_to_one")
    table = table[(table["label"] == 1) & table[scheme].isin([TRAIN, TEST])]
    return table.rename(columns={scheme: "split"})[["sample_id", "row", "col", "date", "split"]].reset_index(
        drop=True
    )


def surveyed_area(study_dir: str | Path, raster: FactorRaster) -> SurveyedArea | None:
    """The study's mapped_area.gpkg in the map's CRS, or None (then the whole map counts)."""
    path = contract_path(study_dir, "mapped_area.gpkg")
    if not path.is_file():
        return None
    polygons = gpd.read_file(path).to_crs(raster.grid.crs)
    return SurveyedArea(tuple(polygons.geometry), raster.grid.transform)


def gather_job(
    tile_tifs: list[str],
    factors_tif: str,
    samples_gpkg: str,
    splits_csv: str,
    study_dir: str,
    samples_summary: str,
    model: str,
    date_label: str,
    mapping: dict[str, Any],
    out: dict[str, str],
) -> None:
    """Mosaic, classify and summarise one model's map; write COGs, style, tables and a summary."""
    summary = json.loads(Path(samples_summary).read_text())
    raster = FactorRaster.open(factors_tif)
    _, _, iso = reference_day(study_dir, date_label, int(mapping["window_days"]), bool(summary["temporal"]))
    label = f"{LABELS.get(model, model)}, {date_label} map" + (f" ({iso})" if iso else "")
    events = mapped_events(samples_gpkg, splits_csv, mapping["scheme"])
    surveyed = surveyed_area(study_dir, raster)
    result = assemble(
        tile_tifs,
        raster.grid.height,
        events,
        mapping["classes"],
        MapOutputs(Path(out["probability"]), Path(out["classes"]), Path(out["style"]), label),
        sample_size=int(mapping["breaks_sample"]),
        seed=int(mapping["seed"]),
        surveyed=surveyed,
    )
    keys = {"model": model, "date_label": date_label, "date": iso, "surveyed_only": surveyed is not None}
    changes, largest = seeds_part(
        tile_tifs,
        raster,
        result.breaks,
        surveyed,
        Path(out["calibrated"]),
        Path(out["uncertainty"]),
        label,
    )
    write_text(out["uncertainty_style"], ramp_style(max(largest, 1e-3), "sd over seeds"))
    write_text(out["probability_style"], probability_style("raw probability"))
    write_text(out["calibrated_style"], probability_style("calibrated probability"))
    write_text(out["class_changes"], changes.assign(**keys).to_csv(index=False, float_format="%.6g"))
    write_text(out["class_table"], result.classes.assign(**keys).to_csv(index=False, float_format="%.6g"))
    write_text(out["curves"], result.curves.assign(**keys).to_csv(index=False, float_format="%.6g"))
    record = {
        **keys,
        "scheme": mapping["scheme"],
        "method": mapping["classes"],
        "breaks": [float(b) for b in result.breaks],
        **{f"{k}_auc": v for k, v in result.auc.items()},
        **{f"events_{k}": v for k, v in result.events.items()},
    }
    write_json(out["summary"], record)
    log.info(
        "%s at %s: success-rate AUC %.3f, prediction-rate AUC %.3f",
        model,
        iso or "static",
        result.auc["success_rate"],
        result.auc["prediction_rate"],
    )


CALIBRATED_MEANING = (
    "calibrated probability (dimensionless, 0-1; fitted on the training runs' held-out part, moved to "
    "calibration.prevalence where set)"
)
SPREAD_MEANING = "standard deviation over seeds of the raw probability (dimensionless)"


def seeds_part(
    tile_tifs: list[str],
    raster: FactorRaster,
    breaks,
    surveyed: SurveyedArea | None,
    calibrated_tif: Path,
    spread_tif: Path,
    label: str = "",
) -> tuple[pd.DataFrame, float]:
    """The calibrated map and the seeds' spread as COGs, the class-change table and the largest spread."""
    folder = calibrated_tif.parent
    grid = raster.grid
    profile = tiff_profile(
        {"width": grid.width, "crs": grid.crs}, grid.height, grid.transform, "float32", float("nan")
    )
    with scratch_path(folder, ".tif") as calibrated, scratch_path(folder, ".tif") as spread:
        result = assemble_uncertainty(tile_tifs, profile, breaks, (calibrated, spread), surveyed)
        write_cog(calibrated, calibrated_tif, "AVERAGE", f"{label}: {CALIBRATED_MEANING}")
        write_cog(spread, spread_tif, "AVERAGE", f"{label}: {SPREAD_MEANING}")
    return result


def collect_tables(
    class_tables: list[str],
    curves: list[str],
    summaries: list[str],
    class_changes: list[str],
    out: dict[str, str],
) -> None:
    """One table each of class shares, rate curves, map summaries and class changes between seeds
    over models and dates."""
    write_text(
        out["classes"], pd.concat(map(pd.read_csv, class_tables)).to_csv(index=False, float_format="%.6g")
    )
    write_text(
        out["class_changes"],
        pd.concat(map(pd.read_csv, class_changes)).to_csv(index=False, float_format="%.6g"),
    )
    write_text(out["curves"], pd.concat(map(pd.read_csv, curves)).to_csv(index=False, float_format="%.6g"))
    rows = [json.loads(Path(p).read_text()) for p in summaries]
    frame = pd.DataFrame(rows)
    frame["breaks"] = frame["breaks"].map(lambda b: ";".join(f"{x:.6g}" for x in b))
    write_text(out["summary"], frame.to_csv(index=False, float_format="%.6g"))
