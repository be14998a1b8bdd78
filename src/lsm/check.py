"""``python -m lsm check-study``: every problem of a study at once, before any job runs.

Each reader of :class:`lsm.data.io.study.Study` stops at its first problem with one line; here every file
the study has is read in turn and every such line is collected, so that a user fixes them all in one
go. The report also says what would be left out (landslides outside the DEM, on nodata, outside the
mapped area, too near the edge for a patch) and what the study supports (which factors, whether the
temporal models run), from the same run plan the workflow uses (:mod:`lsm.plan`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from lsm.data.io.rain import check_covers
from lsm.data.support import scan_study
from lsm.errors import InputError
from lsm.plan import Plan, make_plan

# Optional files and the reader that checks each (name -> method of Study and its arguments).
READERS: dict[str, tuple[str, tuple]] = {
    "lithology.gpkg": ("read_lithology", ()),
    "faults.gpkg": ("read_vector", ("faults.gpkg", {"LineString", "MultiLineString"})),
    "roads.gpkg": ("read_vector", ("roads.gpkg", {"LineString", "MultiLineString"})),
    "rivers.gpkg": ("read_vector", ("rivers.gpkg", {"LineString", "MultiLineString"})),
    "landuse.tif": ("read_landuse", ()),
    "landuse.gpkg": ("read_landuse", ()),
    "mapped_area.gpkg": ("read_mapped_area", ()),
    "rainfall.nc": ("read_rainfall", ()),
    "rain_gauges.csv": ("read_rainfall", ()),
    "reservoir_levels.csv": ("read_reservoirs", ()),
}


@dataclass
class StudyCheck:
    """What check-study found: problems (each one line), what would be left out, what runs."""

    study_dir: Path
    problems: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # no problem, but worth knowing (ignored files ...)
    supports: list[str] = field(default_factory=list)

    def attempt(self, step: Callable[[], Any]) -> Any:
        """Run one reader; a problem is recorded (not raised) and None returned."""
        try:
            return step()
        except InputError as err:
            self.problems.append(str(err))
            return None

    @property
    def ok(self) -> bool:
        """Whether the study has no problem."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as lines: the problem count, then every problem, what is left out and what runs."""
        out = [f"study {self.study_dir}: {len(self.problems)} problem(s)"]
        out += [f"problem: {p}" for p in self.problems]
        out += [f"left out: {p}" for p in self.left_out]
        out += [f"note: {p}" for p in self.notes]
        out += [f"supports: {p}" for p in self.supports]
        return out


# Files a study folder may hold beside the contract's: documentation, and the parts and sidecars of
# files the contract accepts (a shapefile's parts, GDAL's and QGIS's sidecars).
IGNORED_SUFFIXES = (
    ".md",
    ".txt",
    ".pdf",
    ".dvc",
    ".shx",
    ".dbf",
    ".prj",
    ".cpg",
    ".qix",
    ".qml",
    ".ovr",
    ".xml",
)
IGNORED_STEMS = ("readme", "license", "licence", "citation")
# Inventory columns that look like a landslide's date under another name.
DATE_LIKE = ("day", "time", "fecha", "datum", "event")


def unknown_files(folder: Path) -> list[tuple[str, str | None]]:
    """(name, the contract's name it nearly matches or None) of each file in ``folder`` that the data
    contract does not read: a near miss (``mapped_areas.gpkg``) is silently ignored otherwise."""
    from difflib import get_close_matches

    from lsm.data.contract import CONTRACT_FILES, VECTOR_SUFFIXES, contract_path

    used = {contract_path(folder, name).name for name in CONTRACT_FILES}
    candidates = [
        *CONTRACT_FILES,
        *(Path(n).stem + s for n in CONTRACT_FILES if n.endswith(".gpkg") for s in VECTOR_SUFFIXES),
    ]
    out = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        lower = path.name.lower()
        if path.name in used or lower.endswith(IGNORED_SUFFIXES) or lower.startswith(IGNORED_STEMS):
            continue
        near = get_close_matches(lower, candidates, n=1, cutoff=0.75)
        out.append((path.name, _contract_name(near[0], VECTOR_SUFFIXES) if near else None))
    return out


def _contract_name(match: str, vector_suffixes: tuple[str, ...]) -> str:
    """The contract's own name for a match: ``faults.shp`` is the GeoPackage ``faults.gpkg``."""
    return Path(match).stem + ".gpkg" if match.endswith(vector_suffixes) else match


def _check_names(report: StudyCheck, folder: Path) -> None:
    """Every file the contract does not know, named (with the name it nearly matches)."""
    for name, near in unknown_files(folder):
        if near is not None:
            report.problems.append(
                f"{folder / name}: not a file of the data contract, so it is ignored; it nearly matches "
                f"{near}. Fix: rename it to {near}, or move it out of the study folder"
            )
        else:
            report.notes.append(f"{name}: not a file of the data contract, ignored")


def _check_dates_declared(report: StudyCheck, study: Any, files: Any) -> None:
    """A study that declares dates (a period, a date precision) or brings rain with dated-looking
    landslides, but whose inventory has no ``date`` column, would quietly run static."""
    import pyogrio

    from lsm.data.contract import RAIN_FILES
    from lsm.data.io.files import read_yaml

    if files.dated:
        return
    raw = read_yaml(study.path("study.yaml"))  # as written: the study's meta fills in defaults
    meta = raw if isinstance(raw, dict) else {}
    declared = [key for key in ("period", "date_precision") if meta.get(key)]
    path = study.path("inventory.gpkg")
    try:
        fields = [str(f) for f in pyogrio.read_info(path)["fields"]]
    except Exception:  # an unreadable inventory is reported by its reader
        return
    dateish = [f for f in fields if any(word in f.lower() for word in ("date", *DATE_LIKE))]
    rain = [name for name in RAIN_FILES if files.has(name)]
    if declared or (rain and dateish):
        why = ", ".join(
            [*(f"study.yaml declares {key}" for key in declared), *(f"it brings {r}" for r in rain)]
        )
        column = f" (it has {', '.join(dateish)})" if dateish else ""
        report.problems.append(
            f"{path}: no 'date' column{column}, but {why}: without dates the study would run static. "
            f"Fix: name the landslides' date column 'date' (YYYY-MM-DD), or remove "
            + (" and ".join(f"{key} from study.yaml" for key in declared) or "the rain")
            + " to run it static on purpose"
        )


def _check_cell(report: StudyCheck, study: Any) -> None:
    """Say when the analysis grid's cell differs from the DEM's own: every factor is resampled."""
    import rasterio

    with rasterio.open(study.path("dem.tif")) as src:
        own = abs(src.res[0]) if src.crs is not None and src.crs.is_projected else None
    cell = abs(study.grid.transform.a)
    if own is not None and abs(own - cell) > 1e-6 * cell:
        report.notes.append(
            f"resolution: the analysis grid's {cell:g} m cells differ from the DEM's own {own:g} m, so every "
            "raster is resampled (set grid.resolution_m: null to keep the DEM's cells)"
        )


def check_study(study_dir: str | Path, config: dict[str, Any]) -> StudyCheck:
    """Read every file of the study with its checks and collect all problems."""
    from lsm.data.io.study import Study

    report = StudyCheck(Path(study_dir))
    files = report.attempt(lambda: scan_study(study_dir))
    if files is None:
        return report
    _check_names(report, Path(study_dir))
    study = report.attempt(lambda: Study(study_dir, config["grid"]))
    if study is None:
        return report
    plan = report.attempt(lambda: make_plan(config, files))
    dem = report.attempt(study.read_dem)
    if dem is None:
        return report  # everything else lies on the DEM's grid
    read: dict[str, Any] = {}
    for name, (method, args) in READERS.items():
        if files.has(name) and not (name == "landuse.gpkg" and files.has("landuse.tif")):
            read[name] = report.attempt(partial(getattr(study, method), *args))
    rain = read.get("rainfall.nc") or read.get("rain_gauges.csv")
    if rain is not None:
        report.attempt(lambda: check_covers(rain, study.grid, np.isfinite(dem), study.path(rain.source)))
        report.supports.append(f"rain: {rain.label()}, {rain.dates[0]:%Y-%m-%d} to {rain.dates[-1]:%Y-%m-%d}")
    for orphan, partner, columns in (
        ("reservoirs.gpkg", "reservoir_levels.csv", "date,reservoir_id,level_m"),
        ("rain_gauges.gpkg", "rain_gauges.csv", "date,gauge_id,precipitation_mm"),
    ):
        if files.has(orphan) and not files.has(partner):
            report.problems.append(
                f"{study.path(orphan)}: {orphan} without {partner}. Fix: add {partner} ({columns}) or "
                f"remove {orphan}"
            )
    _check_dates_declared(report, study, files)
    _check_cell(report, study)
    _check_inventory(report, study, dem, plan, config)
    report.supports.append(
        f"surveyed area: {study.path('mapped_area.gpkg').name} (negatives, blocks and rate curves inside it)"
        if study.has("mapped_area.gpkg")
        else "surveyed area: none (no mapped_area.gpkg): negatives may be drawn anywhere on the DEM"
    )
    if plan is not None:
        report.supports += describe_support(plan)
    return report


def _check_inventory(report: StudyCheck, study, dem: np.ndarray, plan: Plan | None, config: dict) -> None:
    """What of the inventory would be used, and whether its dates fit the series."""
    from lsm.data.factors import patch_fits
    from lsm.data.forcing import outside_record, read_series
    from lsm.data.sampling import LEFT_OUT_PATCH, LEFT_OUT_RECORD, LEFT_OUT_UNMAPPED, SamplingSettings

    temporal = plan is not None and plan.temporal
    inventory = report.attempt(lambda: study.read_inventory(dem=dem, dated=temporal))
    if inventory is None:
        return
    settings = SamplingSettings.from_config(config["sampling"])
    reason = inventory["left_out"].to_numpy(dtype=object)
    usable = reason == ""
    rows, cols = study.grid.rowcol(inventory.geometry.x, inventory.geometry.y)
    r, c = np.where(usable, rows, 0), np.where(usable, cols, 0)
    mapped = report.attempt(study.read_mapped_area) if study.has("mapped_area.gpkg") else None
    if mapped is not None:
        reason[usable & ~mapped[r, c]] = LEFT_OUT_UNMAPPED
    fits = patch_fits(np.isfinite(dem), settings.radius, settings.patch_min_valid)
    reason[(reason == "") & ~fits[r, c]] = LEFT_OUT_PATCH
    series = report.attempt(lambda: read_series(study)) if temporal else None
    if series is not None:
        outside = outside_record(inventory["date"], series, settings.window_days)
        reason[(reason == "") & outside] = LEFT_OUT_RECORD
    counts = {
        str(k): int(v) for k, v in zip(*np.unique(reason[reason != ""], return_counts=True), strict=True)
    }
    report.left_out += [f"{n} of {len(inventory)} landslides: {why}" for why, n in counts.items()]
    kept = int((reason == "").sum())
    if kept < len(inventory) * (1 - settings.left_out_max_share) or kept == 0:
        report.problems.append(
            f"{study.path('inventory.gpkg')}: only {kept} of {len(inventory)} landslides can be used. "
            "Fix: check the inventory's CRS and that it covers the DEM"
        )
    report.supports.append(f"{kept} landslides usable as positives")


def describe_support(plan: Plan) -> list[str]:
    """What the study supports, in words."""
    lines = [f"factors: {', '.join(plan.factors)}"]
    lines += [f"factor {f} omitted: {why}" for f, why in plan.omitted_factors.items()]
    if plan.temporal:
        lines.append("temporal models (CNN-LSTM, LSTM) and the temporal scheme: yes")
    else:
        lines.append(f"static models only ({plan.temporal_reason})")
    lines.append(f"models: {', '.join(plan.models)}; schemes: {', '.join(plan.schemes)}")
    return lines
