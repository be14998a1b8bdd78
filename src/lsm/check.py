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
        out += [f"supports: {p}" for p in self.supports]
        return out


def check_study(study_dir: str | Path, config: dict[str, Any]) -> StudyCheck:
    """Read every file of the study with its checks and collect all problems."""
    from lsm.data.io.study import Study

    report = StudyCheck(Path(study_dir))
    files = report.attempt(lambda: scan_study(study_dir))
    if files is None:
        return report
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
    _check_inventory(report, study, dem, plan, config)
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
