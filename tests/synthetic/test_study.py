"""The synthetic study as files: contract, determinism, realism and an exact truth replay."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import xarray as xr
import yaml
from pyproj import CRS

from lsm.data.contract import SYNTHETIC_FILES
from lsm.data.factors import compute_factors, write_factors
from lsm.data.io.study import Study
from lsm.data.realism import compare_to_ranges, literature_ranges, study_report
from lsm.synthetic.settings import TRUTH_FILES, SyntheticSettings
from lsm.synthetic.truth import failure_probability
from lsm.synthetic.write import generate_study
from tests.helpers import REPO, RIVER_AREA_KM2, run

BLOCK = yaml.safe_load((REPO / "params.yaml").read_text())["synthetic"]
FACTORS = ["elevation", "slope", "aspect", "twi", "spi", "erg", "dist_fault", "dist_river", "dist_road"]
FACTORS += ["landuse", "aap", "dist_shore"]


def settings(preset: str, **changes) -> SyntheticSettings:
    return dataclasses.replace(SyntheticSettings.from_config({**BLOCK, "preset": preset}), **changes)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Path:
    """The tiny study, generated through the command line."""
    out = tmp_path_factory.mktemp("synthetic") / "tiny"
    proc = run([sys.executable, "-m", "lsm", "synthesize", "--preset", "tiny", "--out", str(out)], REPO)
    assert "mapped landslides" in proc.stdout
    return out


@pytest.fixture(scope="session")
def default_study(tmp_path_factory) -> Path:
    """The default study of `make replicate` (about a minute): realism is judged on it."""
    out = tmp_path_factory.mktemp("synthetic") / "default"
    generate_study(settings("default"), out, progress=False)
    return out


@pytest.fixture(scope="session")
def default_realism(default_study: Path, tmp_path_factory) -> dict:
    """The realism report of the default study on its 30 m factors (lsm.data.realism)."""
    out = tmp_path_factory.mktemp("realism")
    grid = {"crs": None, "resolution_m": 30.0}
    stack = compute_factors(Study(default_study, grid), FACTORS, RIVER_AREA_KM2)
    write_factors(stack, out / "factors.tif", out / "stats.csv", out / "collinearity.csv")
    return study_report(default_study, out / "factors.tif", grid)


def test_every_file_is_written(tiny: Path) -> None:
    missing = [name for name in (*SYNTHETIC_FILES, *TRUTH_FILES) if not (tiny / name).is_file()]
    assert not missing
    assert not list(tiny.parent.glob(".*partial*")), "staging folder left behind"


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tiny: Path, tmp_path: Path) -> None:
    generate_study(settings("tiny"), tmp_path / "again", progress=False)
    assert digest(tmp_path / "again") == digest(tiny)
    generate_study(settings("tiny", seed=BLOCK["seed"] + 1), tmp_path / "other", progress=False)
    other = digest(tmp_path / "other")
    assert other["dem.tif"] != digest(tiny)["dem.tif"]
    assert other["inventory.gpkg"] != digest(tiny)["inventory.gpkg"]


def test_rasters_follow_the_contract(tiny: Path) -> None:
    with rasterio.open(tiny / "dem.tif") as dem:
        assert CRS.from_user_input(dem.crs).to_epsg() == 32640
        assert dem.crs.linear_units in ("metre", "meter")
        assert dem.nodata == -9999.0
        assert dem.tags(1)["units"] == "m"
        assert dem.res == (30.0, 30.0)
        z = dem.read(1, masked=True)
        assert z.min() > 900 and z.max() < 4100
        profile = dem.profile
    with rasterio.open(tiny / "landuse.tif") as lu:
        assert lu.profile["transform"] == profile["transform"] and lu.nodata == 0
        codes = {c["code"] for c in yaml.safe_load((tiny / "study.yaml").read_text())["landuse_classes"]}
        assert set(np.unique(lu.read(1))) <= codes


def test_vectors_follow_the_contract(tiny: Path) -> None:
    study = yaml.safe_load((tiny / "study.yaml").read_text())
    extent = study["extent"]
    lith = gpd.read_file(tiny / "lithology.gpkg")
    assert {"unit", "erodibility"} <= set(lith.columns)
    assert lith["erodibility"].between(1, 5).all()
    for name in ("faults", "roads", "rivers"):
        frame = gpd.read_file(tiny / f"{name}.gpkg")
        assert frame.crs.to_epsg() == 32640
        assert set(frame.geom_type) <= {"LineString", "MultiLineString"}
    inv = gpd.read_file(tiny / "inventory.gpkg")
    assert {"date", "trigger"} <= set(inv.columns) and len(inv) >= 100  # enough for the workflow tests
    assert (inv.geom_type == "Point").all()
    assert inv.geometry.x.between(extent["xmin"], extent["xmax"]).all()
    assert inv.geometry.y.between(extent["ymin"], extent["ymax"]).all()
    dates = pd.to_datetime(inv["date"], format="%Y-%m-%d")
    start, end = pd.Timestamp(study["period"]["start"]), pd.Timestamp(study["period"]["end"])
    assert (dates >= start + pd.Timedelta(days=30)).all() and (dates <= end).all()
    res = gpd.read_file(tiny / "reservoirs.gpkg")
    assert list(res["reservoir_id"]) == ["RES1"] and res.area.iloc[0] > 0


def test_series_follow_the_contract(tiny: Path) -> None:
    study = yaml.safe_load((tiny / "study.yaml").read_text())
    with xr.open_dataset(tiny / "rainfall.nc") as ds:
        rain = ds["precipitation"]
        assert rain.dims == ("time", "y", "x")
        assert rain.attrs["units"] == "mm/day"
        assert CRS.from_wkt(ds["spatial_ref"].attrs["crs_wkt"]).to_epsg() == 32640
        assert float(rain.min()) >= 0 and not bool(rain.isnull().any())
        times = pd.DatetimeIndex(ds["time"].values)
    assert times[0] == pd.Timestamp(study["period"]["start"]) and times[-1] == pd.Timestamp(
        study["period"]["end"]
    )
    assert (np.diff(times.values) == np.timedelta64(1, "D")).all()
    levels = pd.read_csv(tiny / "reservoir_levels.csv", parse_dates=["date"])
    assert list(levels.columns) == ["date", "reservoir_id", "level_m"]
    assert (levels["date"].to_numpy() == times.values).all()
    assert set(levels["reservoir_id"]) == {"RES1"}
    for name in SYNTHETIC_FILES:
        if name != "study.yaml":
            assert {"content", "provenance", "licence"} <= set(study["files"][name])
    assert study["generator"]["parameters"]["seed"] == BLOCK["seed"]


def test_truth_replays_the_simulation_exactly(tiny: Path) -> None:
    events = gpd.read_file(tiny / "truth" / "events.gpkg")
    p = failure_probability(tiny, events.geometry.x, events.geometry.y, events["date"])
    np.testing.assert_allclose(p, events["probability"], rtol=1e-9)
    # A cell under the reservoir never fails, whatever the date.
    res = gpd.read_file(tiny / "reservoirs.gpkg").geometry.iloc[0].representative_point()
    assert failure_probability(tiny, [res.x] * 2, [res.y] * 2, events["date"].iloc[:2]).max() == 0.0


def test_susceptibility_map_is_a_probability(tiny: Path) -> None:
    with rasterio.open(tiny / "truth" / "susceptibility.tif") as src:
        s = src.read(1)
    with rasterio.open(tiny / "landuse.tif") as src:
        water = src.read(1) == 6
    assert s.min() >= 0 and s.max() <= 1 and s.max() > 0
    assert (s[water] == 0).all()


def window_sums(study: Path) -> tuple[pd.Series, pd.Series]:
    with xr.open_dataset(study / "rainfall.nc") as ds:
        rain = ds["precipitation"].mean(dim=("y", "x")).to_series()
    levels = pd.read_csv(study / "reservoir_levels.csv", parse_dates=["date"]).set_index("date")["level_m"]
    return rain.rolling(30).sum(), levels.diff(14)


def test_default_study_is_realistic(default_study: Path) -> None:
    summary = json.loads((default_study / "truth" / "summary.json").read_text())
    events = gpd.read_file(default_study / "truth" / "events.gpkg")
    inventory = gpd.read_file(default_study / "inventory.gpkg")
    assert 200 <= len(inventory) <= 2000, "several hundred mapped events"
    # Where: failures concentrate on steeper slopes than the area as a whole.
    assert summary["median_slope_deg_events"] > summary["median_slope_deg_area"] + 3
    # When: the 30 days before failures are much wetter than usual.
    rain30, level14 = window_sums(default_study)
    before = rain30.reindex(pd.to_datetime(events["date"])).to_numpy()
    assert np.nanmean(before) > 2.5 * rain30.iloc[60:].mean()
    # The reservoir: a share of failures sits by the shore and follows drawdowns.
    assert summary["share_events_near_reservoir"] >= 0.03
    reservoir = events[events["trigger"] == "reservoir"]
    assert len(reservoir) >= 10
    drop_before = level14.reindex(pd.to_datetime(reservoir["date"])).mean()
    assert drop_before < -2.0
    rainfall = events[events["trigger"] == "rainfall"]
    assert drop_before < level14.reindex(pd.to_datetime(rainfall["date"])).mean() - 1.0
    # The campaign's bias: events near roads are found more often than those far from roads (the
    # chance the campaign gave each; few events lie near roads, so the realised share is noisier).
    roads = gpd.read_file(default_study / "roads.gpkg").union_all()
    near = events.distance(roads) < 250
    chance = events["detection_probability"]
    assert chance[near].mean() > chance[~near].mean() + 0.2
    assert events.loc[near, "detected"].mean() > events.loc[~near, "detected"].mean()


def test_default_truth_lies_inside_the_literature_ranges(default_realism: dict) -> None:
    """Clustering, nearest neighbours, slope alone, the spread of the true hazard and the timing of
    rain-triggered landslides (generator 3: storms set the day) all lie inside the ranges of
    paper/realism_ranges.yaml (published inventories); a range the file marks `synthetic_outside`
    is measured and still outside, so that the mark cannot outlive the world it describes."""
    ranges = literature_ranges(REPO / "paper" / "realism_ranges.yaml")
    verdict = compare_to_ranges(default_realism, ranges)
    outside = {name for name, entry in ranges["metrics"].items() if entry.get("synthetic_outside")}
    assert {"rain_3d_auc", "share_on_dry_days", "share_on_busiest_days"} <= set(verdict) - outside
    assert verdict and all(verdict[name] for name in verdict if name not in outside), verdict
    assert all(verdict[name] is False for name in outside), verdict


def test_default_hazard_is_spread_and_steepness_matters(default_realism: dict) -> None:
    """Generator 1.x put 90 % of the true hazard on 0.3 % of the area and gave slope alone an AUC of
    0.58; now the hazard covers the landslide-prone terrain and slope separates it."""
    truth = default_realism["truth"]
    assert truth["area_share_hazard_90"] > 10 * 0.003
    assert truth["area_share_hazard_50"] > 10 * 0.0005
    assert default_realism["factor_auc"]["slope"]["auc"] > 0.6
    assert 200 <= default_realism["events"] <= 2000 and default_realism["events_left_out"] == 0


def test_the_reservoir_acts_only_within_its_reach(default_study: Path) -> None:
    """The drawdown term (shore factor, and the wet banks) is exactly zero from shore_reach_m on,
    and no failure beyond that reach is put down to the reservoir."""
    reach = yaml.safe_load((default_study / "truth" / "physics.yaml").read_text())["constants"][
        "shore_reach_m"
    ]
    stack = compute_factors(
        Study(default_study, {"crs": None, "resolution_m": 30.0}), ["dist_shore"], RIVER_AREA_KM2
    )
    beyond = stack.band("dist_shore") >= reach
    with rasterio.open(default_study / "truth" / "parameters.tif") as src:
        bands = dict(zip(src.descriptions, src.read(), strict=True))
    assert (bands["shore_factor"][beyond] == 0).all() and (bands["wet_base"][beyond] == 0).all()
    assert (bands["shore_factor"][~beyond] > 0).any()
    events = gpd.read_file(default_study / "truth" / "events.gpkg")
    far = stack.band("dist_shore")[events["row"], events["col"]] >= reach
    assert far.any() and (events.loc[far, "trigger"] != "reservoir").all()


def test_cli_rejects_an_unknown_preset(tmp_path: Path) -> None:
    proc = run(
        [sys.executable, "-m", "lsm", "synthesize", "--preset", "huge", "--out", str(tmp_path / "x")],
        REPO,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: --preset huge: key 'synthetic.preset': 'huge' is not one of the presets. "
        f"Fix: use one of: {', '.join(BLOCK['presets'])}"
    ]
    assert not (tmp_path / "x").exists()


def test_the_window_replay_is_the_truth_and_its_variants_change_only_the_window(tiny: Path) -> None:
    """With the whole record as its spin-up, the replay of a sample's day is the truth's own hazard
    (days before the first failure: no scars, nothing recovering); a variant that rewrites the
    window changes the hazard, one that keeps it does not, and rain beyond the window is untouched."""
    from lsm.synthetic.truth import hazard_with_windows

    with rasterio.open(tiny / "truth" / "susceptibility.tif") as src:
        yearly = src.read(1)
        rows, cols = np.unravel_index(np.argsort(yearly, axis=None)[::-1][:40], yearly.shape)
        x, y = rasterio.transform.xy(src.transform, rows, cols)
    events = gpd.read_file(tiny / "truth" / "events.gpkg")
    first = pd.Timestamp(events["date"].min())
    start = pd.Timestamp(yaml.safe_load((tiny / "study.yaml").read_text())["period"]["start"])
    dates = [first - pd.Timedelta(days=1 + i % 30) for i in range(len(x))]
    spin_up = (max(dates) - start).days + 1  # every sample replays from the record's first day or before
    replay = hazard_with_windows(
        tiny, x, y, dates, 30, {"as recorded": lambda w: w, "dry window": np.zeros_like}, spin_up
    )
    truth = failure_probability(tiny, x, y, dates)
    np.testing.assert_allclose(-np.expm1(-replay["as recorded"]), truth, rtol=1e-9, atol=1e-15)
    assert (replay["dry window"] <= replay["as recorded"]).all()
    assert (replay["dry window"] < replay["as recorded"]).any()
