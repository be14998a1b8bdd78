"""A real dated study that no one here wrote, through the data stage: Hong Kong's natural-terrain
landslides (1,105, dated to the day, 1984-2012) with the daily rain of one gauge (HKO, 1983-2012).

``../shared/real/hongkong_natural_terrain`` (DATA.GOV.HK open data) is read in place, its folder
unchanged; the run uses the DEM's own 70 m cells and a prospective temporal split from a date.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml

from lsm.__main__ import main
from lsm.check import check_study
from lsm.data.io.study import Study
from lsm.data.samples import load_samples
from lsm.data.sampling import LEFT_OUT_PATCH, LEFT_OUT_RECORD
from tests.helpers import HONGKONG, REPO, require_real_study

FIRST_TEST_DAY = "2005-01-01"


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()
    }


def hongkong_params() -> dict:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["study"] = HONGKONG.name
    params["grid"]["resolution_m"] = None  # the DEM's own 70 m cells
    params["splits"]["temporal_from"] = FIRST_TEST_DAY
    return params


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_real_study(HONGKONG)
    before = digest(HONGKONG)
    tmp = tmp_path_factory.mktemp("hongkong")
    (tmp / "params.yaml").write_text(yaml.safe_dump(hongkong_params()))
    code = main(
        [
            "prepare",
            "--params",
            str(tmp / "params.yaml"),
            "--study-dir",
            str(HONGKONG),
            "--results",
            str(tmp / "r"),
        ]
    )
    assert code == 0
    assert digest(HONGKONG) == before, "the workflow changed the study's own files"
    return tmp / "r"


def test_check_study_finds_the_gauge_and_supports_the_temporal_models() -> None:
    require_real_study(HONGKONG)
    report = check_study(HONGKONG, hongkong_params())
    assert report.ok, report.problems
    assert "rain: 1 rain gauge (HKO), 1983-01-01 to 2012-12-31" in report.supports
    assert "temporal models (CNN-LSTM, LSTM) and the temporal scheme: yes" in report.supports
    assert "factor aap omitted: one rain gauge gives every cell the same mean annual rain" in report.supports


def test_every_sample_window_is_the_gauges_rain_to_the_hundredth(prepared: Path) -> None:
    samples = load_samples(prepared / "samples" / "samples.gpkg", prepared / "samples" / "tensors.npz")
    assert samples.sequences is not None and samples.sequence_names == ["rain_mm", "rain_change_mm"]
    gauge = pd.read_csv(HONGKONG / "rain_gauges.csv", parse_dates=["date"]).set_index("date")[
        "precipitation_mm"
    ]
    rain = samples.sequences[:, :, 0]
    days = gauge.index.get_indexer(pd.to_datetime(samples.table["date"]))
    assert (days >= 30).all()
    expected = gauge.to_numpy()[days[:, None] + np.arange(-29, 1)[None, :]]
    np.testing.assert_allclose(rain, expected, atol=0.005)
    # the real rain signal: landslide days are wetter in their last 3 days than negative days
    last3 = rain[:, -3:].sum(axis=1)
    labels = samples.table["label"].to_numpy()
    assert np.median(last3[labels == 1]) > 3 * np.median(last3[labels == 0])


def test_the_inventory_is_counted_and_the_rain_recorded(prepared: Path) -> None:
    summary = json.loads((prepared / "samples" / "summary.json").read_text())
    assert summary["landslides_in_inventory"] == 1105
    assert summary["positives"] + sum(summary["landslides_left_out"].values()) == 1105
    assert summary["rain"] == {
        "source": "rain_gauges.csv",
        "form": "gauges",
        "gauges": ["HKO"],
        "assignment": "each cell takes its nearest gauge (Thiessen polygons)",
        "first_day": "1983-01-01",
        "last_day": "2012-12-31",
    }
    assert summary["temporal"] and summary["sequence_features"] == ["rain_mm", "rain_change_mm"]
    assert summary["negatives_by_kind"].keys() == {"random", "same_place", "same_time"}


def test_the_temporal_split_is_prospective_from_the_given_day(prepared: Path) -> None:
    samples = pd.read_csv(prepared / "samples" / "splits.csv").merge(
        load_samples(prepared / "samples" / "samples.gpkg", prepared / "samples" / "tensors.npz").table[
            ["sample_id", "date", "label"]
        ],
        on="sample_id",
    )
    days = pd.to_datetime(samples["date"])
    assert (samples.loc[days < FIRST_TEST_DAY, "temporal"] != "test").all()
    assert (samples.loc[days >= FIRST_TEST_DAY, "temporal"] != "train").all()
    info = json.loads((prepared / "samples" / "splits.json").read_text())["temporal"]
    assert info["cutoff"] == FIRST_TEST_DAY and info["cutoff_from"] == "splits.temporal_from"
    positives = samples[samples["label"] == 1]
    share = (pd.to_datetime(positives["date"]) >= FIRST_TEST_DAY).mean()
    assert info["test_fraction_positives"] == pytest.approx(share, abs=1e-4)
    assert 0.2 < share < 0.6  # landslides on both sides of 2005


def test_the_coast_is_not_the_edge_of_the_world(prepared: Path) -> None:
    """Landslides by the sea keep their patch: with whole patches only a third of the territory's
    landslides would go (341 of 1,105 at 70 m, 15 cells); at half a patch 18 do, and the samples'
    patch cells without data are exactly the DEM's nodata cells there."""
    left_out = {}
    for min_valid in (1.0, 0.5):
        params = hongkong_params()
        params["sampling"]["patch_min_valid"] = min_valid
        lines = check_study(HONGKONG, params).left_out
        left_out[min_valid] = next(int(line.split()[0]) for line in lines if line.endswith(LEFT_OUT_PATCH))
    assert left_out == {1.0: 341, 0.5: 18}
    summary = json.loads((prepared / "samples" / "summary.json").read_text())
    assert summary["patch_min_valid"] == 0.5
    assert summary["landslides_left_out"][LEFT_OUT_PATCH] == 18 and summary["positives"] == 1085
    samples = load_samples(prepared / "samples" / "samples.gpkg", prepared / "samples" / "tensors.npz")
    partial = np.isnan(samples.patches).any(axis=(1, 2, 3))
    assert summary["samples_with_partial_patch"] == int(partial.sum()) > 100
    dem = Study(HONGKONG, hongkong_params()["grid"]).read_dem()
    radius = summary["patch_size"] // 2
    padded = np.pad(dem, radius, constant_values=np.nan)
    for i in np.flatnonzero(partial)[:50]:
        row, col = samples.table.loc[i, ["row", "col"]]
        sea = np.isnan(padded[row : row + 2 * radius + 1, col : col + 2 * radius + 1])
        assert np.array_equal(np.isnan(samples.patches[i]).all(axis=0), sea)
        assert np.isnan(samples.patches[i]).any(axis=0).sum() == sea.sum()  # no channel is NaN elsewhere
        assert sea.mean() <= 0.5


def _late_rain_study(folder: Path, first_day: str, drop_day: str | None = None) -> Path:
    """Hong Kong's study with its gauge record starting on ``first_day`` (its study.yaml's period still
    1983-2012), the other files linked in place; optionally one day missing inside the record."""
    folder.mkdir()
    for name in ("dem.tif", "inventory.gpkg", "rain_gauges.gpkg", "study.yaml"):
        (folder / name).symlink_to(HONGKONG / name)
    table = pd.read_csv(HONGKONG / "rain_gauges.csv", dtype={"date": str})
    table = table[table["date"] >= first_day]
    if drop_day is not None:
        table = table[table["date"] != drop_day]
    table.to_csv(folder / "rain_gauges.csv", index=False)
    return folder


def test_a_rain_record_starting_after_some_landslides_leaves_them_out_counted(tmp_path: Path) -> None:
    """The data contract: landslides outside the rain record are left out and counted, not refused."""
    require_real_study(HONGKONG)
    study = _late_rain_study(tmp_path / "late", "1990-01-01")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(hongkong_params() | {"study": "late"}))
    args = ["prepare", "--params", str(tmp_path / "params.yaml"), "--study-dir", str(study)]
    assert main([*args, "--results", str(tmp_path / "r")]) == 0
    summary = json.loads((tmp_path / "r" / "samples" / "summary.json").read_text())
    assert summary["rain"]["first_day"] == "1990-01-01"
    inventory = Study(study).read_inventory()
    window = hongkong_params()["sampling"]["window_days"]
    # a window needs its 30 days and the day before them (the first day-to-day change)
    early = int(
        (pd.to_datetime(inventory["date"]) < pd.Timestamp("1990-01-01") + pd.Timedelta(days=window)).sum()
    )
    assert early > 50
    assert summary["landslides_left_out"][LEFT_OUT_RECORD] == early
    assert summary["positives"] + sum(summary["landslides_left_out"].values()) == 1105


def test_a_day_missing_inside_the_rain_record_stays_an_error(tmp_path: Path, capsys) -> None:
    require_real_study(HONGKONG)
    study = _late_rain_study(tmp_path / "gap", "1990-01-01", drop_day="2001-07-02")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(hongkong_params() | {"study": "gap"}))
    args = ["prepare", "--params", str(tmp_path / "params.yaml"), "--study-dir", str(study)]
    assert main([*args, "--results", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "gauge 'HKO' has no value on 1 day(s) inside its record" in err[-1]
    assert "(first: 2001-07-02)" in err[-1] and not (tmp_path / "r" / "samples").exists()


def test_check_study_lists_every_mistake_of_a_broken_real_study(tmp_path: Path, capsys) -> None:
    """Hong Kong's study broken the way users break one: its dates kept in another column (with a
    period declared and gauges brought), the surveyed area under a near-miss name, a stray table.
    Every mistake is listed at once, with the name it nearly matches, and the command exits non-zero."""
    require_real_study(HONGKONG)
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("dem.tif", "rain_gauges.csv", "rain_gauges.gpkg", "study.yaml"):
        (broken / name).symlink_to(HONGKONG / name)
    inventory = gpd.read_file(HONGKONG / "inventory.gpkg").rename(columns={"date": "event_date"})
    inventory.to_file(broken / "inventory.gpkg")
    (broken / "mapped_areas.gpkg").symlink_to(HONGKONG / "inventory.gpkg")
    (broken / "notes.csv").write_text("a,b\n")
    report = check_study(broken, hongkong_params())
    assert len(report.problems) == 2, report.problems
    dates, name = sorted(report.problems)
    assert "inventory.gpkg: no 'date' column (it has event_date), but study.yaml declares period" in dates
    assert "it brings rain_gauges.csv" in dates and "Fix: name the landslides' date column 'date'" in dates
    assert (
        "mapped_areas.gpkg: not a file of the data contract" in name
        and "nearly matches mapped_area.gpkg" in name
    )
    assert "notes.csv: not a file of the data contract, ignored" in report.notes
    assert (
        "surveyed area: none (no mapped_area.gpkg): negatives may be drawn anywhere on the DEM"
        in report.supports
    )
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(hongkong_params()))
    capsys.readouterr()
    assert main(["check-study", str(broken), "--params", str(tmp_path / "params.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        "2 problem(s), listed above. Fix: correct each as its line says, then check again"
    )


def test_check_study_passes_the_real_studies_as_they_are() -> None:
    from tests.helpers import ECUADOR

    for folder in (require_real_study(HONGKONG), require_real_study(ECUADOR)):
        report = check_study(folder, hongkong_params())
        assert report.ok, report.problems
        assert not any("not a file of the data contract" in line for line in report.notes)
