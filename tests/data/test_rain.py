"""Rain in the forms real studies bring it: gauges (CSV + points) and CF grids in any CRS and units.

Each form is read by :mod:`lsm.data.io.rain`; a gauge-fed copy of the tiny study is prepared end to
end and the rain window of every sample must equal the series written, to the hundredth of a mm.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from pyproj import CRS, Transformer

from lsm.__main__ import main
from lsm.config import deep_update
from lsm.data.io.rain import daily_mm_factor, read_gauge_table, read_rain_grid
from lsm.errors import InputError
from tests.data.gauges import grid_to_gauges
from tests.helpers import REPO, TINY_PARAMS


def prepare(study: Path, tmp_path: Path, capfd=None) -> tuple[int, Path]:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    deep_update(params, yaml.safe_load(TINY_PARAMS.read_text()))
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params))
    results = tmp_path / "results"
    code = main(
        ["prepare", "--params", str(params_file), "--study-dir", str(study), "--results", str(results)]
    )
    return code, results


@pytest.fixture(scope="module")
def gauge_run(tiny_study_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The tiny study with its rain as gauges, prepared (factors, samples, splits)."""
    tmp = tmp_path_factory.mktemp("gauges")
    study = tmp / "study"
    shutil.copytree(tiny_study_dir, study)
    shutil.rmtree(study / "truth")
    table = grid_to_gauges(study)
    code, results = prepare(study, tmp)
    assert code == 0
    return results, table


def test_every_sample_window_is_the_series_of_its_nearest_gauge(gauge_run) -> None:
    from lsm.data.samples import load_samples

    results, table = gauge_run
    samples = load_samples(results / "samples" / "samples.gpkg", results / "samples" / "tensors.npz")
    assert samples.sequences is not None and len(samples.table) > 50
    series = table.pivot(index="date", columns="gauge_id", values="precipitation_mm")
    gauges = gpd.read_file(results.parent / "study" / "rain_gauges.gpkg").to_crs(samples.table.crs)
    gx, gy = gauges.geometry.x.to_numpy(), gauges.geometry.y.to_numpy()
    rain = samples.sequences[:, :, samples.sequence_names.index("rain_mm")]
    for i, row in enumerate(samples.table.itertuples()):
        nearest = gauges["gauge_id"].iloc[
            int(np.argmin((gx - row.geometry.x) ** 2 + (gy - row.geometry.y) ** 2))
        ]
        end = series.index.get_loc(row.date)
        expected = series[nearest].to_numpy()[end - rain.shape[1] + 1 : end + 1]
        np.testing.assert_allclose(rain[i], expected, atol=0.005)
    summary = json.loads((results / "samples" / "summary.json").read_text())
    assert summary["rain"]["form"] == "gauges" and summary["rain"]["source"] == "rain_gauges.csv"
    assert len(summary["rain"]["gauges"]) == len(gauges)


def test_gauges_give_the_grids_samples(gauge_run, tiny_study_dir: Path, tmp_path: Path) -> None:
    """One gauge at every rain cell's centre is the grid itself: the same samples, the same windows."""
    from lsm.data.samples import load_samples

    study = tmp_path / "study"
    shutil.copytree(tiny_study_dir, study)
    shutil.rmtree(study / "truth")
    code, results = prepare(study, tmp_path)
    assert code == 0
    grid = load_samples(results / "samples" / "samples.gpkg", results / "samples" / "tensors.npz")
    gauge_results, _ = gauge_run
    gauged = load_samples(
        gauge_results / "samples" / "samples.gpkg", gauge_results / "samples" / "tensors.npz"
    )
    assert list(grid.table["date"]) == list(gauged.table["date"])
    assert grid.sequences is not None and gauged.sequences is not None
    np.testing.assert_allclose(gauged.sequences, grid.sequences, atol=0.01)


def test_sub_daily_rows_are_summed_to_the_study_days(tmp_path: Path) -> None:
    path = tmp_path / "rain_gauges.csv"
    pd.DataFrame(
        {
            "date": ["2020-05-01T01:00:00+08:00", "2020-05-01T23:00:00+08:00", "2020-05-01T17:30:00+00:00"],
            "gauge_id": ["A", "A", "A"],
            "precipitation_mm": [1.25, 2.5, 4.0],
        }
    ).to_csv(path, index=False)
    daily = read_gauge_table(path, "Asia/Hong_Kong")
    # 17:30 UTC is 01:30 of the next day in Hong Kong
    assert daily.loc[pd.Timestamp("2020-05-01"), "A"] == pytest.approx(3.75)
    assert daily.loc[pd.Timestamp("2020-05-02"), "A"] == pytest.approx(4.0)


def lonlat_grid(units: str, scale: float, descending: bool, names=("lon", "lat")) -> xr.Dataset:
    lat = np.array([22.2, 22.3, 22.4, 22.5])
    lon = np.array([113.9, 114.0, 114.1, 114.2, 114.3])
    lat = lat[::-1] if descending else lat
    rng = np.random.default_rng(3)
    mm = rng.gamma(0.5, 8.0, (40, lat.size, lon.size)).round(2)
    ds = xr.Dataset(
        {
            "tp": (
                ("time", names[1], names[0]),
                mm * scale,
                {"units": units, "standard_name": "precipitation_amount"},
            )
        },
        coords={"time": pd.date_range("2001-01-01", periods=40), names[0]: lon, names[1]: lat},
    )
    ds[names[0]].attrs["units"] = "degrees_east"
    ds[names[1]].attrs["units"] = "degrees_north"
    return ds.assign_attrs(mm=json.dumps(mm.tolist()))


@pytest.mark.parametrize(
    ("units", "scale", "descending", "names"),
    [
        ("mm", 1.0, False, ("lon", "lat")),
        (
            "m",
            1e-3,
            True,
            ("longitude", "latitude"),
        ),  # ERA5: metres of water per day, latitude north to south
        ("kg m-2 s-1", 1 / 86400, True, ("lon", "lat")),  # a mass flux (IMERG, ERA5 rates)
        ("mm h-1", 1 / 24, False, ("longitude", "latitude")),
    ],
)
def test_lonlat_grids_in_any_cf_units_become_daily_millimetres(
    tmp_path: Path, units: str, scale: float, descending: bool, names
) -> None:
    ds = lonlat_grid(units, scale, descending, names)
    mm = np.array(json.loads(ds.attrs["mm"]))
    ds.to_netcdf(tmp_path / "rainfall.nc")
    cube = read_rain_grid(tmp_path / "rainfall.nc")
    assert CRS.from_user_input(cube.crs).to_epsg() == 4326
    north_up = mm[:, ::-1, :] if not descending else mm
    np.testing.assert_allclose(cube.values, north_up, atol=0.005)
    # A point of a projected study takes the cell it lies in: 114.1 E, 22.3 N in HK1980 Grid.
    x, y = Transformer.from_crs(4326, 2326, always_xy=True).transform(114.1, 22.3)
    index = cube.point_index([x], [y], CRS.from_epsg(2326))[0]
    row, col = divmod(int(index), 5)
    lat_north_up = np.array([22.5, 22.4, 22.3, 22.2])
    assert lat_north_up[row] == pytest.approx(22.3) and [113.9, 114.0, 114.1, 114.2, 114.3][col] == 114.1


def test_the_variable_is_found_by_standard_name_or_named_in_study_yaml(tmp_path: Path) -> None:
    ds = lonlat_grid("mm", 1.0, False).drop_attrs()
    ds["t2m"] = ds["tp"] * 0 + 290.0
    ds["t2m"].attrs = {"units": "K", "standard_name": "air_temperature"}
    ds["tp"].attrs = {"units": "mm day-1"}  # no standard name: found by its units alone
    ds.to_netcdf(tmp_path / "rainfall.nc")
    assert read_rain_grid(tmp_path / "rainfall.nc").values.max() > 0
    ds["tp2"] = ds["tp"] * 2
    ds.to_netcdf(tmp_path / "two.nc")
    with pytest.raises(InputError, match=r"several precipitation variables.*rainfall_variable"):
        read_rain_grid(tmp_path / "two.nc")
    np.testing.assert_allclose(
        read_rain_grid(tmp_path / "two.nc", "tp2").values, 2 * read_rain_grid(tmp_path / "rainfall.nc").values
    )


@pytest.mark.parametrize(
    ("units", "words"),
    [(None, "has no units attribute"), ("K", "not those of rain"), ("furlongs!!", "not CF (UDUNITS) units")],
)
def test_units_that_are_not_rain_stop_with_one_line(units, words: str) -> None:
    with pytest.raises(InputError) as err:
        daily_mm_factor(units, "rainfall.nc", "tp")
    assert (
        words in str(err.value) and str(err.value).startswith("rainfall.nc: tp ") and "Fix:" in str(err.value)
    )
