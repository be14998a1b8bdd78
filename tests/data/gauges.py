"""A gauge-fed copy of a study: the tests' way to make a real-looking rain_gauges.csv + .gpkg."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr
from pyproj import CRS


def grid_to_gauges(study: Path) -> pd.DataFrame:
    """Replace the study's rainfall.nc by one gauge at the centre of every rain cell (same series)."""
    with xr.open_dataset(study / "rainfall.nc") as ds:
        rain = ds["precipitation"].load()
        wkt = ds[rain.attrs["grid_mapping"]].attrs["crs_wkt"]
    xs, ys = np.meshgrid(rain["x"].values, rain["y"].values)
    ids = [f"G{i:03d}" for i in range(xs.size)]
    days = pd.DatetimeIndex(rain["time"].values).strftime("%Y-%m-%d")
    values = rain.values.reshape(len(days), -1)
    table = pd.DataFrame(
        {
            "date": np.repeat(days, len(ids)),
            "gauge_id": np.tile(ids, len(days)),
            "precipitation_mm": values.ravel().round(2),
        }
    )
    table.to_csv(study / "rain_gauges.csv", index=False)
    points = gpd.GeoDataFrame(
        {"gauge_id": ids}, geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=CRS.from_wkt(wkt)
    )
    points.to_file(study / "rain_gauges.gpkg", driver="GPKG")
    (study / "rainfall.nc").unlink()
    return table
