"""What a study's files support: which contract files it holds, which factors they give, whether the
temporal models can run, and why not.

The data stage reads this (which factors to compute, whether to draw dated samples) and so does the
run plan (:mod:`lsm.plan`), which adds what the workflow makes. Scanning a study is cheap (file
names, the inventory's column names, two keys of ``study.yaml``), because Snakemake scans it every
time it parses the workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsm.data.contract import CONTRACT_FILES, RAIN_FILES, SYNTHETIC_FILES, contract_path
from lsm.errors import InputError
from lsm.names import ALL_FACTORS, AUTO

# Every factor the workspace knows, in the order of the factor stack, and the inputs each needs:
# a tuple of alternatives per requirement (land use may be a raster or polygons). The DEM gives the
# terrain factors and, without rivers.gpkg, the rivers (flow accumulation).
FACTOR_INPUTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "elevation": (("dem.tif",),),
    "slope": (("dem.tif",),),
    "aspect": (("dem.tif",),),
    "twi": (("dem.tif",),),
    "spi": (("dem.tif",),),
    "erg": (("lithology.gpkg",),),
    "dist_fault": (("faults.gpkg",),),
    "dist_river": (("dem.tif",),),
    "dist_road": (("roads.gpkg",),),
    "landuse": (("landuse.tif", "landuse.gpkg"),),
    "aap": (RAIN_FILES,),
    "dist_shore": (("reservoirs.gpkg",),),
}
assert tuple(FACTOR_INPUTS) == ALL_FACTORS, "lsm.names.ALL_FACTORS gives the order of the stack"


@dataclass(frozen=True)
class StudyFiles:
    """What a study folder holds, as far as the plan needs to know."""

    folder: Path
    present: frozenset[str]  # contract names (a vector file may come in another OGR format)
    dated: bool  # the inventory has a `date` column
    date_precision: str  # what study.yaml declares ("day" unless said otherwise)
    synthetic: bool = False
    rain_gauges: int = 0  # points in rain_gauges.gpkg (0 without gauges)

    def has(self, name: str) -> bool:
        """Whether the study holds the contract file ``name``."""
        return name in self.present

    @property
    def has_rain(self) -> bool:
        """Rain in either form: a grid (rainfall.nc) or gauges (rain_gauges.csv)."""
        return any(self.has(name) for name in RAIN_FILES)

    def missing_text(self, names: Iterable[str]) -> str:
        """Alternatives in words, for a message ("landuse.tif or landuse.gpkg")."""
        return " or ".join(names)


def scan_study(folder: str | Path, synthetic: bool = False) -> StudyFiles:
    """What ``folder`` holds. A synthetic study that is not generated yet is described by the
    generator's contract (it writes every file, with dated events)."""
    folder = Path(folder)
    if synthetic:
        return StudyFiles(folder, frozenset(SYNTHETIC_FILES), True, "day", synthetic=True)
    if not folder.is_dir():
        raise InputError(
            folder,
            "study folder not found",
            "put your study there (README, 'Bring your own study') or set study: to the synthetic study",
        )
    present = frozenset(name for name in CONTRACT_FILES if contract_path(folder, name).is_file())
    return StudyFiles(
        folder,
        present,
        _inventory_is_dated(folder),
        _declared_precision(folder),
        synthetic=False,
        rain_gauges=_gauge_count(folder) if "rain_gauges.csv" in present else 0,
    )


def _gauge_count(folder: Path) -> int:
    """How many gauges rain_gauges.gpkg holds (its header only: the plan is built at every parse)."""
    path = contract_path(folder, "rain_gauges.gpkg")
    if not path.is_file():
        return 0
    import pyogrio

    try:
        return int(pyogrio.read_info(path)["features"])
    except Exception:  # an unreadable file is reported by its reader, with the fix
        return 0


def _inventory_is_dated(folder: Path) -> bool:
    path = contract_path(folder, "inventory.gpkg")
    if not path.is_file():
        return False
    import pyogrio

    try:
        fields = pyogrio.read_info(path)["fields"]
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise InputError(
            path, f"cannot be read as vector data ({str(err)[:120]})", "re-export it (GeoPackage)"
        ) from err
    return "date" in [str(f) for f in fields]


def _declared_precision(folder: Path) -> str:
    from lsm.data.io.dates import check_precision
    from lsm.data.io.files import read_yaml

    path = folder / "study.yaml"
    meta = read_yaml(path) if path.is_file() else {}
    return (
        check_precision((meta or {}).get("date_precision") or "day", path)
        if isinstance(meta, dict)
        else "day"
    )


# -- factors -----------------------------------------------------------------------------------------
def factor_needs(factor: str, files: StudyFiles) -> tuple[str, ...] | None:
    """The first requirement of ``factor`` the study does not meet (its alternatives), or None."""
    for alternatives in FACTOR_INPUTS[factor]:
        if not any(files.has(name) for name in alternatives):
            return alternatives
    return None


def choose_factors(requested: str | list[str], files: StudyFiles) -> tuple[list[str], dict[str, str]]:
    """(factors, omitted factor -> reason). ``auto``: every factor the study's files support; an
    explicit list is strict: a listed factor whose input is missing stops with one line."""
    if requested == AUTO:
        chosen, omitted = [], {}
        for factor in ALL_FACTORS:
            needs = factor_needs(factor, files)
            if needs is not None:
                omitted[factor] = f"the study has no {files.missing_text(needs)}"
            elif factor == "aap" and not files.has("rainfall.nc") and files.rain_gauges < 2:
                omitted[factor] = "one rain gauge gives every cell the same mean annual rain"
            else:
                chosen.append(factor)
        return chosen, omitted
    for factor in requested:
        needs = factor_needs(factor, files)
        if needs is not None:
            raise InputError(
                "params.yaml",
                f"key 'factors.names': factor '{factor}' needs {files.missing_text(needs)}, which "
                f"{files.folder} does not have",
                f"add {files.folder / needs[0]}, remove {factor} from factors.names, or set "
                "factors.names: auto (every factor the study supports)",
            )
    ordered = [f for f in ALL_FACTORS if f in requested]
    unlisted = {f: "not listed in factors.names of params.yaml" for f in ALL_FACTORS if f not in requested}
    return ordered, unlisted


def temporal_support(config: Mapping[str, Any], files: StudyFiles) -> tuple[bool, str]:
    """Whether the temporal models and scheme can run, and if not, why."""
    if not config["sampling"]["temporal"]:
        return False, "sampling.temporal is false in params.yaml"
    if not files.has_rain:
        return False, f"the study has no {files.missing_text(RAIN_FILES)}"
    if not files.dated:
        return False, "the inventory has no 'date' column (undated landslides)"
    if files.date_precision != "day":
        return False, (
            f"study.yaml declares date_precision: {files.date_precision}; the daily windows need "
            "landslide dates to the day"
        )
    return True, ""
