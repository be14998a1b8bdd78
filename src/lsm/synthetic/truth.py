"""The true daily failure probability of any (location, date), recomputed from ``truth/``.

Models never read ``truth/``; the evaluation uses this to score an oracle. The function replays the
same physics as the generator (same float32 parameters, same forcing files), only for the cells
asked about, so it is exact and cheap.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import xarray as xr
import yaml
from affine import Affine

from lsm.synthetic.forcing import Forcing
from lsm.synthetic.landscape import Grid
from lsm.synthetic.physics import CELL_FIELDS, Constants, daily_probability
from lsm.synthetic.simulate import iterate_days, rain_cell_index, seismic_loads


def failure_probability(study_dir: str | Path, x, y, dates) -> np.ndarray:
    """True probability that the cell containing (x, y) fails on each date (0 while it recovers)."""
    study_dir = Path(study_dir)
    truth = study_dir / "truth"
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    dates = pd.to_datetime(pd.Series(dates)).dt.normalize().to_numpy()
    with rasterio.open(truth / "parameters.tif") as src:
        t = src.transform
        grid = Grid(src.height, src.width, t.a, t.c, t.f, str(src.crs))
        rows = np.clip(((grid.y0 - y) // grid.cell).astype(int), 0, src.height - 1)
        cols = np.clip(((x - grid.x0) // grid.cell).astype(int), 0, src.width - 1)
        bands = src.read()
    constants = Constants(**yaml.safe_load((truth / "physics.yaml").read_text())["constants"])
    cell_keys, inverse = np.unique(np.column_stack([rows, cols]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    r, c = cell_keys[:, 0], cell_keys[:, 1]
    cells = {name: bands[i][r, c] for i, name in enumerate(CELL_FIELDS)}

    with xr.open_dataset(study_dir / "rainfall.nc") as ds:
        rain = ds["precipitation"].transpose("time", "y", "x").values.astype("float32")
        record = pd.DatetimeIndex(ds["time"].values)
        xs, ys = ds["x"].values, ds["y"].values
    rc = float(xs[1] - xs[0]) if xs.size > 1 else float(ys[0] - ys[1])
    levels = pd.read_csv(study_dir / "reservoir_levels.csv", parse_dates=["date"])
    levels = levels[levels["reservoir_id"] == levels["reservoir_id"].iloc[0]].set_index("date")["level_m"]
    quakes = gpd.read_file(truth / "earthquakes.gpkg")
    forcing = Forcing(
        record,
        rain,
        Affine(rc, 0, float(xs[0]) - rc / 2, 0, -rc, float(ys[0]) + rc / 2),
        levels.reindex(record).to_numpy(dtype="float64"),
        quakes,
    )
    rain_index = rain_cell_index(grid, forcing, r, c)
    cx = grid.x0 + (c + 0.5) * grid.cell
    cy = grid.y0 - (r + 0.5) * grid.cell
    seismic = seismic_loads(forcing, cx, cy)

    # Recovery: a cell that truly failed is stable for recovery_days afterwards.
    events = gpd.read_file(truth / "events.gpkg", ignore_geometry=True)
    recovery = int(yaml.safe_load((truth / "physics.yaml").read_text())["recovery_days"])
    day_index = {d: i for i, d in enumerate(record)}
    wanted = np.array([day_index.get(pd.Timestamp(d), -1) for d in dates])
    if (wanted < 0).any():
        raise ValueError("some dates lie outside the rainfall record")
    out = np.zeros(len(x), dtype="float64")
    by_day: dict[int, np.ndarray] = {}
    for i, t in enumerate(wanted):
        by_day.setdefault(int(t), []).append(i)
    last = int(wanted.max())
    for t, fs, _, _ in iterate_days(cells, rain_index, forcing, constants, seismic):
        if t in by_day:
            idx = np.array(by_day[t])
            out[idx] = daily_probability(fs, constants)[inverse[idx]]
        if t >= last:
            break
    failed = events.assign(day=[day_index[pd.Timestamp(d)] for d in events["date"]])
    key = {(int(a), int(b)): [] for a, b in zip(failed["row"], failed["col"], strict=True)}
    for a, b, d in zip(failed["row"], failed["col"], failed["day"], strict=True):
        key[(int(a), int(b))].append(int(d))
    for i in range(len(out)):
        for d in key.get((int(rows[i]), int(cols[i])), []):
            if d < wanted[i] <= d + recovery:
                out[i] = 0.0
    return out
