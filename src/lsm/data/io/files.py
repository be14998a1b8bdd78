"""Reading and writing files safely.

Every writer goes through :func:`atomic_path`, so that a killed job never leaves a truncated file
that a later run could mistake for a finished one (Snakemake resumes on file existence).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from lsm.errors import InputError


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A writer killed outright (SIGKILL) cannot clean up; its rerun removes what it left.
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.part{glob.escape(target.suffix)}"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600 files; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: str | Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(target: str | Path, data: Any) -> None:
    """Write ``data`` as indented JSON with a final newline to ``target`` atomically (readable diffs)."""
    write_text(target, json.dumps(data, indent=2) + "\n")


def write_yaml(target: str | Path, data: Any) -> None:
    """Write ``data`` as YAML to ``target`` atomically (keys keep their order)."""
    write_text(target, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


# libyaml's safe loader where PyYAML was built with it (the wheels are): the same documents, read
# about ten times faster (the workflow reads its manifest and schema whenever it is parsed).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_table(path: str | Path | None, **read_csv: Any) -> Any:
    """A CSV table as a pandas DataFrame, or None when there is none: no path, no file, or a file
    without even a header (a table a study cannot make is written empty, "" or one newline).
    ``read_csv`` passes on to :func:`pandas.read_csv`."""
    import pandas as pd

    if path is None or not Path(path).is_file() or Path(path).stat().st_size <= 1:
        return None
    try:
        return pd.read_csv(path, **read_csv)
    except pd.errors.EmptyDataError:
        return None


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file, turning a missing or unparsable file into a one-line :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found", "check the path or create the file")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(path, f"not valid YAML{where}", "fix the YAML syntax (indentation, colons)") from err


# Fixed timestamp written into GeoPackage metadata, so that the same data give byte-identical files.
_GPKG_DATE = "2000-01-01T00:00:00.000Z"


def write_raster(
    target: str | Path,
    bands: Any,
    transform: Any,
    crs: Any,
    nodata: float | int | None,
    names: list[str] | None = None,
    units: list[str] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Write a (bands, rows, cols) or (rows, cols) array as a tiled, compressed GeoTIFF, atomically.

    Band names go into the band descriptions (QGIS and ``rasterio`` show them).
    """
    import numpy as np
    import rasterio

    data = np.asarray(bands)
    if data.ndim == 2:
        data = data[None]
    count, height, width = data.shape
    profile = {
        "driver": "GTiff",
        "height": height,
        "width": width,
        "count": count,
        "dtype": data.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 3 if data.dtype.kind == "f" else 2,
        "tiled": height >= 256 and width >= 256,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with atomic_path(target) as tmp, rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data)
        for i in range(count):
            if names:
                dst.set_band_description(i + 1, names[i])
            if units:
                dst.update_tags(i + 1, units=units[i])
        if tags:
            dst.update_tags(**tags)


def write_vector(target: str | Path, frame: Any) -> None:
    """Write a GeoDataFrame to a GeoPackage atomically, with a fixed metadata timestamp."""
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    with atomic_path(target) as tmp:
        tmp.unlink()  # GDAL refuses to create a GeoPackage over an existing (empty) file
        frame.to_file(tmp, driver="GPKG", engine="pyogrio", layer=Path(target).stem)


def refuse_bad_values(path: str | Path, frame: Any, column: str, rules: Any) -> None:
    """Stop at the first of ``rules`` (``(wrong rows, problem, fix)``) that rows of ``column`` break:
    one line with how many, the first such row (1 = the first row below the header) and its value."""
    for wrong, problem, fix in rules:
        if wrong.any():
            first = frame.index[wrong][0]
            value = frame.loc[first, column]
            shown = repr(value) if isinstance(value, str) else str(value)
            raise InputError(
                path, f"{int(wrong.sum())} {column} value(s) {problem} (row {first + 1}: {shown})", fix
            )
