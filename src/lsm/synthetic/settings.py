"""Parameters of the synthetic study, read from the ``synthetic:`` block of params.yaml."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Bump when a change to the generator changes what a given seed produces.
GENERATOR_VERSION = "3.0.0"


# What the generator writes besides the data contract (lsm.data.contract): the truth for the oracle.
TRUTH_FILES = (
    "truth/parameters.tif",
    "truth/susceptibility.tif",
    "truth/events.gpkg",
    "truth/earthquakes.gpkg",
    "truth/physics.yaml",
    "truth/summary.json",
)


def selected_block(block: dict[str, Any]) -> dict[str, Any]:
    """The ``synthetic:`` block with only the chosen preset (so editing another preset changes nothing)."""
    return {
        **{k: v for k, v in block.items() if k != "presets"},
        "presets": {block["preset"]: block["presets"][block["preset"]]},
    }


@dataclass(frozen=True)
class SyntheticSettings:
    """Everything that shapes the generated study (sizes from the preset, the rest shared)."""

    name: str
    preset: str
    seed: int
    # size and period (per preset)
    rows: int
    cols: int
    cell_size_m: float
    years: int
    start: str
    rain_cell_m: float
    elevation_m: tuple[float, float]
    expected_failures: int
    faults: int
    towns: int
    earthquakes: int
    dam_height_m: float
    # shared physics and observation
    origin_xy: tuple[float, float]
    crs: str
    mean_annual_rain_mm: float
    drawdowns_per_year: float
    storms_per_year: float
    recovery_days: int
    detection_base: float
    detection_near_road: float
    detection_near_town: float
    position_error_m: float

    @classmethod
    def from_config(cls, block: dict[str, Any]) -> SyntheticSettings:
        """Merge the chosen preset into the shared keys of the ``synthetic:`` block."""
        shared = {k: v for k, v in block.items() if k != "presets"}
        preset = dict(block["presets"][block["preset"]])
        merged = {**shared, **preset}
        for key in ("elevation_m", "origin_xy"):
            merged[key] = tuple(float(v) for v in merged[key])
        return cls(**merged)

    @property
    def days(self) -> int:
        """The study's length in days."""
        return round(self.years * 365.25)

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain data (tuples as lists), for study.yaml and provenance."""
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
