"""The run plan of a study: what the workflow makes from what its files support, and why it skips the rest.

One place answers "which factors, which models, which schemes, which figures, which output files?"
for the Snakefile and the command line (``python -m lsm check-study``). A study brings what it has
(DESIGN.md section 3): the minimum is a DEM, an inventory and ``study.yaml``; each factor
(:mod:`lsm.data.support`) and each artefact declares the inputs it needs, and what a study cannot
support is left out with its reason written down, instead of failing deep inside a job.

The plan sits above the stages it plans: it reads the data stage's scan of the study, and no stage
imports it (they take their names from :mod:`lsm.names`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsm.data.contract import RAIN_FILES
from lsm.data.support import StudyFiles, choose_factors, temporal_support
from lsm.errors import InputError
from lsm.names import (
    ABLATION_VARIANTS,
    HYBRID,
    SPATIAL,
    STATIC,
    TEMPORAL_MODELS,
    TORCH_MODELS,
    WETTEST,
)

# The files one map job writes per model and reference date, by role.
MAP_FILES = {
    "probability": "probability.tif",
    "classes": "classes.tif",
    "style": "classes.qml",
    "class_table": "class_shares.csv",
    "curves": "rate_curves.csv",
    "summary": "summary.json",
    "calibrated": "calibrated.tif",
    "uncertainty": "uncertainty.tif",
    "uncertainty_style": "uncertainty.qml",
    "probability_style": "probability.qml",
    "calibrated_style": "calibrated.qml",
    "class_changes": "class_changes.csv",
}


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
        """The PyTorch models of the plan, in its order."""
        return tuple(m for m in self.models if m in TORCH_MODELS)

    @property
    def has_series(self) -> bool:
        """Whether the study has a daily series (rain or reservoir levels)."""
        return self.files.has_rain or self.files.has("reservoir_levels.csv")

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
            SPATIAL: (
                SPATIAL in self.schemes,
                f"models.schemes in params.yaml leaves out the {SPATIAL} scheme",
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
        """The folder of one run."""
        return f"{results}/runs/{scheme}/{model}/seed{seed}"

    @staticmethod
    def map_file(results: str | Path, date: str, model: str, role: str) -> str:
        """The file of one map (``role``: a key of MAP_FILES)."""
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
    ablate = temporal and HYBRID in models
    ablation_schemes = tuple(s for s in config["evaluation"]["ablation_schemes"] if s in schemes)
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
        tuned=config["tuning"]["trials"] > 0,
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
