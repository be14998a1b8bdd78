"""A real public study that no one here wrote runs end to end: the default target and the report.

``../shared/real/ecuador_sanfrancisco`` (CC0; a 10 m DEM of the Reserva Biologica San Francisco in
southern Ecuador, 175 undated landslide points, the area where they were mapped and the authors' own
absence points; nothing else) is read in place through a symbolic link, with nothing in its folder
changed and no setting overridden but the study's name and the number of seeds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import yaml

from lsm.publish.artefacts import load_manifest
from tests.helpers import (
    ECUADOR,
    REPO,
    assert_applicability_follows_its_rasters,
    assert_calibration_follows_the_runs,
    assert_seed_maps_follow_their_tables,
    copy_repo,
    require_real_study,
    require_tool,
    run,
)

pytestmark = pytest.mark.integration
ARTEFACTS = load_manifest(REPO / "workflow" / "manifest.yaml", REPO)


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def run_real_study(tmp_path_factory: pytest.TempPathFactory, folder: Path, settings: dict) -> Path:
    """A copy of the repository that ran the default target and the report on the real study in
    ``folder``, read in place through a symbolic link (its files checked unchanged), with nothing
    overridden but the study's name and ``settings``; the study's results folder."""
    from lsm.config import deep_update

    require_real_study(folder)
    before = digest(folder)
    repo = copy_repo(tmp_path_factory.mktemp(folder.name), tiny=False)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    deep_update(params, {"study": folder.name, **settings})
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    (repo / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (repo / "data" / "raw" / folder.name).symlink_to(folder.resolve(), target_is_directory=True)
    # the manuscript too: its PDF where latexmk is (CI installs it), its generated numbers always
    paper = "paper" if shutil.which("latexmk") else f"results/{folder.name}/paper/macros.tex"
    run(["snakemake", "--cores", "2", "all", paper], repo)
    run(["snakemake", "--report", f"results/{folder.name}/report.html"], repo)
    assert digest(folder) == before, "the workflow changed the study's own files"
    return repo / "results" / folder.name


@pytest.fixture(scope="module")
def ecuador(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default target and the report on the Ecuador study, with two seeds (CI's time; the
    default is five)."""
    return run_real_study(tmp_path_factory, ECUADOR, {"models": {"seeds": [1, 2]}})


def test_the_plan_takes_what_the_study_has_and_says_why_it_skips_the_rest(ecuador: Path) -> None:
    plan = json.loads((ecuador / "plan.json").read_text())
    assert plan["factors"] == ["elevation", "slope", "aspect", "twi", "spi", "dist_river"]
    assert plan["omitted_factors"]["dist_road"] == "the study has no roads.gpkg"
    assert (
        not plan["temporal"]
        and plan["temporal_skip_reason"] == "the study has no rainfall.nc or rain_gauges.csv"
    )
    assert set(plan["skipped_models"]) == {"cnn_lstm", "lstm"} and plan["schemes"] == ["random", "spatial"]
    assert set(plan["skipped_artefacts"]) == {"fig03_forcing_series", "tab04_verdict_stability"}
    assert plan["skipped_artefacts"]["fig03_forcing_series"] == (
        "the study has neither rainfall.nc nor rain_gauges.csv nor reservoir_levels.csv"
    )
    assert "separate stability target" in plan["skipped_artefacts"]["tab04_verdict_stability"]
    summary = json.loads((ecuador / "samples" / "summary.json").read_text())
    assert summary["omitted_factors"] == plan["omitted_factors"]
    assert summary["landslides_in_inventory"] == 175
    assert summary["positives"] + sum(summary["landslides_left_out"].values()) == 175
    assert summary["buffer_reason"].startswith("auto")
    # undated: the manuscript says the order of days cannot be tested instead of printing n/a
    assert "\\Sequencesfalse" in (ecuador / "paper" / "macros.tex").read_text()


def check_artefacts_and_report(results: Path) -> None:
    """Every artefact the plan supports exists, no skipped one does, and the report opens in
    headless Chromium with every image and notebook link."""
    plan = json.loads((results / "plan.json").read_text())
    for artefact in ARTEFACTS:
        made = [Path(p) for p in artefact.products(str(results))]
        if artefact.id in plan["skipped_artefacts"]:
            assert not any(p.exists() for p in made), artefact.id
        else:
            assert all(p.is_file() and p.stat().st_size > 0 for p in made), artefact.id
    report = results / "report.html"
    assert report.stat().st_size > 100_000
    assert "The answer at a glance" in report.read_text()  # the report opens on the verdicts
    assert (results / "paper" / "macros.tex").is_file()
    if shutil.which("latexmk"):
        assert (results / "paper.pdf").stat().st_size > 50_000
    require_tool("chromium", "chromium-browser")
    from lsm.publish.browser import check_report

    seen = check_report(report)
    assert seen.app_rendered and not seen.broken_images and not seen.unlinked and not seen.errors


def test_every_artefact_the_study_supports_and_the_report_exist(ecuador: Path) -> None:
    check_artefacts_and_report(ecuador)


def test_negatives_stay_on_mapped_ground_and_splits_keep_their_fraction(ecuador: Path) -> None:
    samples = gpd.read_file(ecuador / "samples" / "samples.gpkg")
    mapped = gpd.read_file(ECUADOR / "mapped_area.gpkg").to_crs(samples.crs).union_all()
    negatives = samples[samples["label"] == 0]
    assert negatives.within(mapped.buffer(1.0)).all()
    splits = samples[["sample_id", "label"]].merge(
        pd.read_csv(ecuador / "samples" / "splits.csv"), on="sample_id"
    )
    for scheme in ("random", "spatial"):
        used = splits[splits[scheme] != "buffer"]
        for part in (used, used[used["label"] == 1]):
            assert abs((part[scheme] == "test").mean() - 0.3) <= 0.05, scheme


def test_tables_label_kerman_and_score_the_authors_absences(ecuador: Path) -> None:
    tab01 = pd.read_csv(ecuador / "tables" / "tab01_performance.csv")
    assert "Teng et al. 2026 (Kerman)" in tab01.columns
    assert f"ours: {ECUADOR.name}, spatial" in tab01.columns
    absences = tab01[tab01["metric"] == "auc vs the study's own absences"]
    assert set(absences["model"]) == {"CNN (standalone)", "SVM", "DT", "RF", "MLP"}
    values = absences[f"ours: {ECUADOR.name}, random"].str.split(" ").str[0].astype(float)
    assert (values > 0.5).all() and (values <= 1.0).all()
    assert tab01["note"].fillna("").str.contains("only 2 seed").any()
    claims = pd.read_csv(ecuador / "tables" / "tab02_claims.csv")
    assert (claims["verdict_random"] == "cannot be tested").all()
    assert claims["evidence_random"].str.contains("the study has no rainfall.nc or rain_gauges.csv").all()


def test_maps_count_only_the_surveyed_ground(ecuador: Path) -> None:
    shares = pd.read_csv(ecuador / "metrics" / "map_class_shares.csv")
    assert shares["surveyed_only"].all()
    for model, g in shares.groupby("model"):
        assert np.isclose(g["share_percent"].sum(), 100.0), model
        # the mapped area is 9.58 km2 of the 15.9 km2 DEM: shares count only the former
        assert 8.5 < g["area_km2"].sum() < 10.5, model


def test_the_area_of_applicability_counts_the_surveyed_ground(ecuador: Path) -> None:
    table = assert_applicability_follows_its_rasters(ecuador, "static")
    assert table["surveyed_only"].all()
    with rasterio.open(ecuador / "factors" / "factors.tif") as src:
        cell_km2 = abs(src.transform.a * src.transform.e) / 1e6
    # the mapped area is 9.58 km2 of the 15.9 km2 DEM: the shares count only the former
    assert (table["pixels"] * cell_km2 > 8.5).all() and (table["pixels"] * cell_km2 < 10.5).all()


def test_calibration_thresholds_and_seed_maps_of_the_real_study(ecuador: Path) -> None:
    summary = assert_calibration_follows_the_runs(ecuador)
    assert set(summary["version"]) == {"raw", "calibrated"} and summary["brier"].between(0, 0.5).all()
    changes = assert_seed_maps_follow_their_tables(ecuador, "static")
    assert changes["surveyed_only"].all()  # counted on the surveyed ground, as the class shares
    tab07 = pd.read_csv(ecuador / "tables" / "tab07_thresholds.csv", keep_default_na=False)
    assert set(tab07["threshold"]) == {
        "0.5 (presumably the paper's)",
        "tuned on the training side",
        "the paper's high-class share",
    }
