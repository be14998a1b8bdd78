"""The run plan (lsm.plan): a study brings what it has, and what it cannot support is skipped with a
reason, or, where the user asked for it explicitly, refused in one line."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import yaml

from lsm.__main__ import main
from lsm.check import check_study
from lsm.config import deep_update
from lsm.data.support import StudyFiles, choose_factors, scan_study
from lsm.errors import InputError
from lsm.names import ALL_FACTORS
from lsm.plan import make_plan
from tests.helpers import ECUADOR, REPO, TINY_PARAMS, require_real_study

CONFIG = yaml.safe_load((REPO / "params.yaml").read_text())
MANIFEST = {"fig03_forcing_series": ["series"], "fig05_architecture": ["torch"], "fig07_roc_curves": []}


def files(*names: str, dated: bool = True, precision: str = "day") -> StudyFiles:
    return StudyFiles(
        Path("data/raw/x"), frozenset({"dem.tif", "inventory.gpkg", "study.yaml", *names}), dated, precision
    )


def test_auto_takes_every_factor_the_files_support() -> None:
    chosen, omitted = choose_factors("auto", files("roads.gpkg", "landuse.gpkg"))
    assert chosen == ["elevation", "slope", "aspect", "twi", "spi", "dist_river", "dist_road", "landuse"]
    assert omitted["erg"] == "the study has no lithology.gpkg"
    assert omitted["aap"] == "the study has no rainfall.nc or rain_gauges.csv"
    assert set(chosen) | set(omitted) == set(ALL_FACTORS)


def test_an_explicit_factor_without_its_file_stops_with_one_line() -> None:
    with pytest.raises(InputError) as err:
        choose_factors(["slope", "dist_road"], files())
    text = str(err.value)
    assert "\n" not in text
    assert "factor 'dist_road' needs roads.gpkg" in text and "factors.names: auto" in text
    chosen, omitted = choose_factors(["dist_road", "slope"], files("roads.gpkg"))
    assert chosen == ["slope", "dist_road"]  # the stack's order, whatever the list's
    assert omitted["twi"] == "not listed in factors.names of params.yaml"


@pytest.mark.parametrize(
    ("study", "reason"),
    [
        (files(), "the study has no rainfall.nc or rain_gauges.csv"),
        (files("rainfall.nc", dated=False), "the inventory has no 'date' column (undated landslides)"),
        (files("rainfall.nc", precision="month"), "study.yaml declares date_precision: month"),
    ],
)
def test_a_study_without_daily_dated_series_runs_the_static_models_and_says_why(study, reason) -> None:
    plan = make_plan(CONFIG, study, MANIFEST)
    assert not plan.temporal and plan.temporal_reason.startswith(reason)
    assert plan.models == ("cnn", "svm", "dt", "rf", "mlp")
    assert plan.skipped_models == {"cnn_lstm": plan.temporal_reason, "lstm": plan.temporal_reason}
    assert plan.schemes == ("random", "spatial") and "temporal" in plan.skipped_schemes
    assert plan.map_dates == ("static",)
    assert plan.skipped_artefacts == {
        "fig03_forcing_series": (
            "the study has neither rainfall.nc nor rain_gauges.csv nor reservoir_levels.csv"
        )
    } or study.has("rainfall.nc")


def test_a_complete_study_makes_everything() -> None:
    plan = make_plan(CONFIG, scan_study("unused", synthetic=True), MANIFEST)
    assert plan.temporal and plan.factors == ALL_FACTORS
    assert plan.models == tuple(CONFIG["models"]["names"]) and not plan.skipped_artefacts
    assert plan.artefacts == tuple(MANIFEST)
    assert Plan_map(plan) == "results/s/maps/wettest/rf_probability.tif"


def Plan_map(plan) -> str:
    return plan.map_file("results/s", plan.map_dates[0], "rf", "probability")


def test_artefacts_need_what_they_require() -> None:
    config = copy.deepcopy(CONFIG)
    config["models"]["names"] = ["rf", "svm"]
    plan = make_plan(config, files("reservoir_levels.csv", "reservoirs.gpkg"), MANIFEST)
    assert "fig03_forcing_series" in plan.artefacts  # the reservoir series alone is a series
    assert plan.skipped_artefacts == {"fig05_architecture": "no torch model (cnn_lstm, cnn, lstm) is trained"}


def test_settings_that_the_study_cannot_honour_stop_with_one_line() -> None:
    config = copy.deepcopy(CONFIG)
    config["mapping"]["scheme"] = "temporal"
    with pytest.raises(InputError, match=r"'mapping\.scheme': no runs on 'temporal'"):
        make_plan(config, files(), MANIFEST)
    config = copy.deepcopy(CONFIG)
    config["models"]["names"] = ["cnn_lstm", "lstm"]
    with pytest.raises(InputError, match="no model can run on this study"):
        make_plan(config, files(), MANIFEST)


def test_scan_reads_names_columns_and_declared_precision(tiny_study_dir: Path, tmp_path: Path) -> None:
    study = tmp_path / "study"
    shutil.copytree(tiny_study_dir, study)
    faults = gpd.read_file(study / "faults.gpkg")
    (study / "faults.gpkg").unlink()
    faults.to_file(study / "faults.shp")
    scanned = scan_study(study)
    assert scanned.has("faults.gpkg") and scanned.dated and scanned.date_precision == "day"
    meta = yaml.safe_load((study / "study.yaml").read_text())
    (study / "study.yaml").write_text(yaml.safe_dump({**meta, "date_precision": "month"}))
    assert scan_study(study).date_precision == "month"


def test_check_study_lists_every_problem_at_once(tiny_study_dir: Path, tmp_path: Path, capsys) -> None:
    study = tmp_path / "tiny"
    shutil.copytree(tiny_study_dir, study)
    lith = gpd.read_file(study / "lithology.gpkg")
    (study / "lithology.gpkg").unlink()
    lith.assign(erodibility=9).to_file(study / "lithology.gpkg")
    roads = gpd.read_file(study / "roads.gpkg")
    (study / "roads.gpkg").unlink()
    roads.assign(geometry=roads.buffer(10)).to_file(study / "roads.gpkg")
    inventory = gpd.read_file(study / "inventory.gpkg")
    (study / "inventory.gpkg").unlink()
    inventory.assign(geometry=inventory.translate(xoff=1e6)).to_file(
        study / "inventory.gpkg"
    )  # nowhere near the DEM
    config = deep_update(copy.deepcopy(CONFIG), yaml.safe_load(TINY_PARAMS.read_text()))
    report = check_study(study, config)
    problems = "\n".join(report.problems)
    assert len(report.problems) == 3, problems
    assert "lithology.gpkg: erodibility must be a number from 1 to 5" in problems
    assert "roads.gpkg: has Polygon geometries" in problems
    assert "inventory.gpkg: only 0 of" in problems
    assert report.left_out == [f"{len(inventory)} of {len(inventory)} landslides: outside the DEM's extent"]
    assert main(["check-study", str(study), "--params", str(REPO / "params.yaml")]) == 2
    out = capsys.readouterr()
    assert out.out.count("problem: ") == 3 and "3 problem(s)" in out.err


def test_check_study_on_a_real_study_says_what_it_supports() -> None:
    require_real_study(ECUADOR)
    config = copy.deepcopy(CONFIG) | {"study": ECUADOR.name}
    report = check_study(ECUADOR, config)
    assert report.ok, report.problems
    assert "factors: elevation, slope, aspect, twi, spi, dist_river" in report.supports
    assert any(
        line.startswith("static models only (the study has no rainfall.nc or rain_gauges.csv)")
        for line in report.supports
    )
    assert report.left_out == []  # the one whose patch reaches the DEM's nodata is kept (patch_min_valid)


def test_a_dem_in_degrees_gets_its_own_utm_zone_suggested(tmp_path: Path) -> None:
    """Ecuador's DEM (UTM 17 S) exported in degrees: the fix names EPSG:32717, not Kerman's zone."""
    import rasterio
    from rasterio.vrt import WarpedVRT

    study = tmp_path / "ecuador_degrees"
    shutil.copytree(require_real_study(ECUADOR), study)
    with rasterio.open(ECUADOR / "dem.tif") as src, WarpedVRT(src, crs="EPSG:4326") as vrt:
        profile = {
            **src.profile,
            "crs": vrt.crs,
            "transform": vrt.transform,
            "width": vrt.width,
            "height": vrt.height,
        }
        with rasterio.open(study / "dem.tif", "w", **profile) as out:
            out.write(vrt.read())
    config = yaml.safe_load((REPO / "params.yaml").read_text())
    report = check_study(study, config)
    assert len(report.problems) == 1
    assert "is geographic (degrees) and no analysis CRS is set" in report.problems[0]
    assert report.problems[0].endswith("such as the DEM's own UTM zone, EPSG:32717")


def test_check_study_notes_a_grid_finer_than_the_dem() -> None:
    config = yaml.safe_load((REPO / "params.yaml").read_text())  # 30 m cells; Ecuador's DEM has 10 m
    notes = check_study(require_real_study(ECUADOR), config).notes
    assert any(
        n.startswith("resolution: the analysis grid's 30 m cells differ from the DEM's own 10 m")
        for n in notes
    )
    config["grid"]["resolution_m"] = None
    assert not any(n.startswith("resolution") for n in check_study(ECUADOR, config).notes)
