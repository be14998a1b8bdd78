"""The data-preparation steps, each usable on its own: factors, samples, splits.

Each step reads its inputs, computes everything, and only then writes its outputs (atomically), so
a bad input leaves no partial output behind.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd

from lsm.data.factors import compute_factors, read_factor_stack, write_factors
from lsm.data.io import write_json, write_text
from lsm.data.io.study import Study
from lsm.data.samples import save_samples
from lsm.data.sampling import SamplingSettings, build_samples
from lsm.data.splits import SplitSettings, make_splits
from lsm.data.support import choose_factors, scan_study

log = logging.getLogger(__name__)


def factors_step(
    study_dir: Path, config: dict[str, Any], factors_tif: Path, stats_csv: Path, collinearity_csv: Path
):
    """The factor rasters of the study (the factors the plan chose), with their statistics."""
    study = Study(study_dir, config["grid"])
    names, _ = choose_factors(config["factors"]["names"], scan_study(study_dir))
    stack = compute_factors(study, names, config["factors"]["river_area_km2"])
    log.info("factors %s on a %d x %d grid of %g m", stack.names, *stack.grid.shape, stack.grid.cell)
    write_factors(stack, factors_tif, stats_csv, collinearity_csv)


def samples_step(
    study_dir: Path,
    config: dict[str, Any],
    factors_tif: Path,
    gpkg: Path,
    npz: Path,
    summary_json: Path,
    balance_csv: Path,
    plan: dict[str, Any] | None = None,
    progress: bool = True,
):
    """Samples of the study; ``plan``: what lsm.plan chose (factors and why some were omitted),
    recorded in summary.json beside what sampling did."""
    study = Study(study_dir, config["grid"])
    stack = read_factor_stack(factors_tif)
    samples = build_samples(stack, study, SamplingSettings.from_config(config["sampling"]), progress=progress)
    if plan is None:
        _, omitted = choose_factors(config["factors"]["names"], scan_study(study_dir))
        plan = {"omitted_factors": omitted}
    samples.summary["factors"] = list(stack.names)
    samples.summary["omitted_factors"] = dict(plan.get("omitted_factors", {}))
    log.info("samples: %s", json.dumps({k: v for k, v in samples.summary.items() if not isinstance(v, list)}))
    save_samples(samples, gpkg, npz, summary_json, balance_csv)


def splits_step(
    config: dict[str, Any],
    gpkg: Path,
    summary_json: Path,
    splits_csv: Path,
    splits_json: Path,
    schemes: list[str] | None = None,
):
    """The splits of every scheme from the samples, with what each split achieved."""
    table = gpd.read_file(gpkg)
    summary = json.loads(Path(summary_json).read_text())
    cell = float(summary["cell_size_m"])  # the analysis grid's, as the samples were drawn on it
    settings = SplitSettings.from_config(config["splits"])
    schemes = schemes or config["models"]["schemes"]
    splits, info = make_splits(table, cell, summary["patch_size"], summary["temporal"], settings, schemes)
    log.info("splits: %s", info)
    write_text(splits_csv, splits.to_csv(index=False))
    write_json(splits_json, info)


def prepare_all(config: dict[str, Any], study_dir: Path, results: Path, progress: bool = True) -> None:
    """Every preparation step in order (what `python -m lsm prepare` runs).

    Steps run in a staging folder; factors/ and samples/ replace the old ones only if all succeed.
    """
    results.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".prepare-", dir=results) as staging:
        f, s = Path(staging) / "factors", Path(staging) / "samples"
        factors_step(study_dir, config, f / "factors.tif", f / "statistics.csv", f / "collinearity.csv")
        samples_step(
            study_dir,
            config,
            f / "factors.tif",
            s / "samples.gpkg",
            s / "tensors.npz",
            s / "summary.json",
            s / "balance.csv",
            progress=progress,
        )
        splits_step(config, s / "samples.gpkg", s / "summary.json", s / "splits.csv", s / "splits.json")
        for part in (f, s):
            target = results / part.name
            if target.exists():
                shutil.rmtree(target)
            part.rename(target)
