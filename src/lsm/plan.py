"""The run plan of a study: what its files support, what the workflow makes, and why it skips the rest.

One place answers "which factors, which models, which schemes, which figures, which output files?"
for the Snakefile, the command line (``python -m lsm check-study``), the scorecard and the manuscript.
A study brings what it has (DESIGN.md section 3): the minimum is a DEM, an inventory and
``study.yaml``; each factor and each artefact declares the inputs it needs, and what a study cannot
support is left out with its reason written down, instead of failing deep inside a job.

Scanning a study is cheap (file names, the inventory's column names, two keys of ``study.yaml``),
because Snakemake builds the plan every time it parses the workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.data.contract import CONTRACT_FILES, RAIN_FILES, SYNTHETIC_FILES, contract_path
from lsm.errors import InputError

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
ALL_FACTORS = tuple(FACTOR_INPUTS)
AUTO = "auto"

TORCH_MODELS = ("cnn_lstm", "cnn", "lstm")
SKLEARN_MODELS = ("svm", "dt", "rf", "mlp")
ALL_MODELS = (*TORCH_MODELS, *SKLEARN_MODELS)
TEMPORAL_MODELS = ("cnn_lstm", "lstm")  # they read the daily series
SCHEMES = ("random", "spatial", "temporal")
# Retrained variants of the CNN-LSTM that see one series only as its window total (every day of the
# window set to the window's mean, its day-to-day change to zero): does the order of days matter?
ABLATION_VARIANTS = {"cnn_lstm_rain_totals": "rain", "cnn_lstm_level_totals": "level"}

# Labels of the map reference dates (lsm.data.forcing uses the same words).
WETTEST, STATIC = "wettest", "static"
# The files one map job writes per model and reference date, by role.
MAP_FILES = {
    "probability": "probability.tif",
    "classes": "classes.tif",
    "style": "classes.qml",
    "class_table": "class_shares.csv",
    "curves": "rate_curves.csv",
    "summary": "summary.json",
}
# What an artefact of the manifest may require (`requires:` in workflow/manifest.yaml).
CAPABILITIES = ("series", "torch", "temporal", "truth", "stability", "tuning")


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
        return name in self.present

    @property
    def has_rain(self) -> bool:
        """Rain in either form: a grid (rainfall.nc) or gauges (rain_gauges.csv)."""
        return any(self.has(name) for name in RAIN_FILES)

    def missing_text(self, names: Iterable[str]) -> str:
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


# -- the plan ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """Everything the workflow will make for one study and configuration, and what it skips, why."""

    study: str
    files: StudyFiles
    factors: tuple[str, ...]
    omitted_factors: dict[str, str]
    temporal: bool
    temporal_reason: str
    models: tuple[str, ...]
    schemes: tuple[str, ...]
    seeds: tuple[int, ...]
    skipped_models: dict[str, str]
    skipped_schemes: dict[str, str]
    map_scheme: str
    map_dates: tuple[str, ...]
    artefacts: tuple[str, ...]
    skipped_artefacts: dict[str, str] = field(default_factory=dict)
    ablation_schemes: tuple[str, ...] = ()
    ablation_variants: tuple[str, ...] = ()
    tuned: bool = False  # tuning.trials > 0: runs/ tuned, runs_untuned/ with the models: settings

    @property
    def torch_models(self) -> tuple[str, ...]:
        return tuple(m for m in self.models if m in TORCH_MODELS)

    @property
    def sklearn_models(self) -> tuple[str, ...]:
        return tuple(m for m in self.models if m in SKLEARN_MODELS)

    @property
    def has_series(self) -> bool:
        return self.files.has_rain or self.files.has("reservoir_levels.csv")

    @property
    def has_reservoir(self) -> bool:
        return self.files.has("reservoirs.gpkg") and self.files.has("reservoir_levels.csv")

    def capabilities(self) -> dict[str, tuple[bool, str]]:
        """What an artefact may require, and why it is missing."""
        series_files = f"the study has neither {' nor '.join(RAIN_FILES)} nor reservoir_levels.csv"
        return {
            "series": (self.has_series, series_files),
            "torch": (bool(self.torch_models), "no torch model (cnn_lstm, cnn, lstm) is trained"),
            "temporal": (self.temporal, self.temporal_reason),
            "truth": (self.files.synthetic, "the study is not generated, so it has no known truth"),
            "tuning": (
                self.tuned,
                "tuning.trials is 0 in params.yaml: every model runs with the settings of models:",
            ),
            "stability": (
                False,
                "it is made by the separate stability target (snakemake verdict_stability), which "
                "regenerates the synthetic study on several worlds; the default run does not",
            ),
        }

    # -- names of outputs (one place for every rule, the CLI and the tests) --------------------------
    def runs(self) -> list[tuple[str, str, int]]:
        """Every run of the grid: (scheme, model, seed)."""
        return [(s, m, seed) for s in self.schemes for m in self.models for seed in self.seeds]

    def ablation_runs(self) -> list[tuple[str, str, int]]:
        """The retrained ablation variants of the CNN-LSTM: (scheme, variant, seed)."""
        return [
            (s, v, seed) for s in self.ablation_schemes for v in self.ablation_variants for seed in self.seeds
        ]

    @staticmethod
    def run_dir(results: str | Path, scheme: str, model: str, seed: int | str) -> str:
        return f"{results}/runs/{scheme}/{model}/seed{seed}"

    @staticmethod
    def map_file(results: str | Path, date: str, model: str, role: str) -> str:
        return f"{results}/maps/{date}/{model}_{MAP_FILES[role]}"

    def describe(self) -> dict[str, Any]:
        """The plan as data (results/<study>/plan.json, the report, check-study)."""
        return {
            "study": self.study,
            "files": sorted(self.files.present),
            "factors": list(self.factors),
            "omitted_factors": dict(self.omitted_factors),
            "temporal": self.temporal,
            "temporal_skip_reason": self.temporal_reason,
            "models": list(self.models),
            "skipped_models": dict(self.skipped_models),
            "schemes": list(self.schemes),
            "skipped_schemes": dict(self.skipped_schemes),
            "seeds": list(self.seeds),
            "map_scheme": self.map_scheme,
            "map_dates": list(self.map_dates),
            "artefacts": list(self.artefacts),
            "skipped_artefacts": dict(self.skipped_artefacts),
            "ablation_schemes": list(self.ablation_schemes),
            "ablation_variants": list(self.ablation_variants),
            "tuned": self.tuned,
        }


def make_plan(
    config: Mapping[str, Any], files: StudyFiles, artefacts: Mapping[str, Iterable[str]] = {}
) -> Plan:
    """The plan of ``config`` on the study ``files``; ``artefacts``: manifest id -> what it requires."""
    factors, omitted = choose_factors(config["factors"]["names"], files)
    temporal, reason = temporal_support(config, files)
    names = config["models"]["names"]
    models = tuple(m for m in names if temporal or m not in TEMPORAL_MODELS)
    skipped_models = {m: reason for m in names if m not in models}
    schemes = tuple(s for s in config["models"]["schemes"] if temporal or s != "temporal")
    skipped_schemes = {s: reason for s in config["models"]["schemes"] if s not in schemes}
    if not models:
        raise InputError(
            "params.yaml",
            f"key 'models.names': no model can run on this study ({reason})",
            "add a static model (cnn, svm, dt, rf, mlp)",
        )
    map_scheme = config["mapping"]["scheme"]
    if map_scheme not in schemes:
        raise InputError(
            "params.yaml",
            f"key 'mapping.scheme': no runs on {map_scheme!r} in this study ({reason})",
            f"use one of {', '.join(schemes)}",
        )
    map_dates = tuple(config["mapping"]["dates"] or [WETTEST]) if temporal else (STATIC,)
    ablate = temporal and "cnn_lstm" in models
    ablation_schemes = tuple(
        s for s in config.get("evaluation", {}).get("ablation_schemes", []) if s in schemes
    )
    levels = files.has("reservoirs.gpkg") and files.has("reservoir_levels.csv")
    variants = tuple(v for v, series in ABLATION_VARIANTS.items() if series == "rain" or levels)
    plan = Plan(
        study=str(config["study"]),
        files=files,
        factors=tuple(factors),
        omitted_factors=omitted,
        temporal=temporal,
        temporal_reason=reason,
        models=models,
        schemes=schemes,
        seeds=tuple(int(s) for s in config["models"]["seeds"]),
        skipped_models=skipped_models,
        skipped_schemes=skipped_schemes,
        map_scheme=map_scheme,
        map_dates=map_dates,
        artefacts=(),
        ablation_schemes=ablation_schemes if ablate else (),
        ablation_variants=variants if ablate else (),
        tuned=config.get("tuning", {}).get("trials", 0) > 0,
    )
    capabilities = plan.capabilities()
    kept, skipped = [], {}
    for artefact, requires in artefacts.items():
        missing = [capabilities[need][1] for need in requires if not capabilities[need][0]]
        if missing:
            skipped[artefact] = "; ".join(missing)
        else:
            kept.append(artefact)
    return Plan(**{**plan.__dict__, "artefacts": tuple(kept), "skipped_artefacts": skipped})
