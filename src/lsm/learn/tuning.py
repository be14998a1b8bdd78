"""Every model tuned with the same budget inside its training data, as the paper tuned its network.

A claim "model A beats model B" means little if A was tuned and B was not. Here every model is tuned
per validation scheme with Optuna: the same number of *completed* trials for every model
(``tuning.trials``; no trial is pruned, so a network's trials are not cut short where a tree's run to
the end), a seeded TPE sampler that starts from random settings for half the budget and is guided by
the trials so far for the other half (Optuna's default of 10 random trials would leave a budget of 8
without a single guided one), and search spaces per model in ``params.yaml`` (``tuning.spaces``).
A trial is fitted and scored **inside the scheme's training split only**: an inner split that
respects the scheme (a random stratified, cell-grouped part for ``random``; held-out blocks for
``spatial``; the latest dates for ``temporal``) holds out ``tuning.inner_fraction`` of the training
samples to score it. No test sample is ever seen (the sample ids of both inner parts are written
beside the trials).

The best settings (``tuning/<scheme>/<model>/best.yaml``) are then used by every seed's training
run; with ``tuning.trials: 0`` nothing is tuned and the runs use the settings of ``models:``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lsm.data.io import write_text, write_yaml
from lsm.data.samples import SampleSet
from lsm.data.splits import random_split, spatial_split, temporal_split
from lsm.errors import InputError
from lsm.names import BUFFER, HYBRID, SKLEARN_MODELS, TEST, TORCH_MODELS, TRAIN

log = logging.getLogger(__name__)
SPACE_OF = {**{m: "torch" for m in TORCH_MODELS}, **{m: m for m in SKLEARN_MODELS}}
NOT_COMPARABLE = "not comparable"  # tab06: one of the two verdicts cannot be tested
RANDOM_START_SHARE = 0.5  # of the trial budget, drawn at random before TPE guides the rest


@dataclass(frozen=True)
class TuningSettings:
    """``tuning:`` of params.yaml (values only there)."""

    trials: int
    inner_fraction: float
    epochs: int
    seed: int
    spaces: Mapping[str, Mapping[str, Mapping[str, Any]]]

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> TuningSettings:
        """From the validated block (the schema rejects unknown and missing keys first)."""
        return cls(**block)


# -- the inner split: inside the training split, respecting the scheme --------------------------------
def inner_split(
    samples: SampleSet, split: np.ndarray, scheme: str, fraction: float, patch_m: float, seed: int
) -> np.ndarray:
    """Over all samples: TRAIN for the part a trial is fitted on, TEST for the part it is scored on
    (both inside ``split == TRAIN``), BUFFER for everything else (the scheme's test samples too)."""
    inside = np.flatnonzero(split == TRAIN)
    table = samples.table.iloc[inside]
    labels = table["label"].to_numpy().astype(int)
    if scheme == "random":
        groups = (table["row"].astype(str) + "_" + table["col"].astype(str)).to_numpy()
        part, _ = random_split(labels, groups, fraction, seed)
    elif scheme == "spatial":
        x, y = table.geometry.x.to_numpy(), table.geometry.y.to_numpy()
        block = max(patch_m, min(np.ptp(x), np.ptp(y)) / 4)
        part, _ = spatial_split(x, y, labels, block, patch_m, fraction, seed)
    elif scheme == "temporal":
        part, _, _ = temporal_split(table["date"].to_numpy(), labels, fraction, seed)
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    out = np.full(len(split), BUFFER, dtype=object)
    out[inside] = part
    return out.astype(str)


# -- search spaces -----------------------------------------------------------------------------------
def suggest(trial, name: str, spec: Mapping[str, Any]) -> Any:
    """One value of a parameter: ``{choices: [...]}`` or ``{low, high[, log]}`` (ints stay ints)."""
    if "choices" in spec:
        choices = list(spec["choices"])
        index = trial.suggest_categorical(name, list(range(len(choices))))  # lists are not hashable
        return choices[index]
    low, high = spec["low"], spec["high"]
    if isinstance(low, int) and isinstance(high, int) and not spec.get("log"):
        return trial.suggest_int(name, low, high)
    return trial.suggest_float(name, float(low), float(high), log=bool(spec.get("log", False)))


def trial_settings(trial, model: str, base: Mapping[str, Any], spaces: Mapping[str, Any]) -> dict[str, Any]:
    """The model's settings of ``models:`` with the trial's values of its search space."""
    space = spaces.get(SPACE_OF[model], {})
    return {**dict(base), **{name: suggest(trial, name, spec) for name, spec in space.items()}}


def base_settings(model: str, models_config: Mapping[str, Any]) -> dict[str, Any]:
    """The untuned settings of ``model`` from ``models:`` of params.yaml, which a trial overrides."""
    return dict(models_config["torch"] if model in TORCH_MODELS else models_config[model])


# -- one study: all trials of a model and scheme in one process ------------------------------------------
def objective(
    model: str,
    samples: SampleSet,
    inner: np.ndarray,
    models_config: Mapping[str, Any],
    settings: TuningSettings,
):
    """The Optuna objective: the inner-validation AUC of one trial's settings."""
    import torch

    from lsm.learn.models import TorchSettings
    from lsm.learn.train import train_sklearn
    from lsm.learn.train_torch import train_torch

    def run(trial) -> float:
        chosen = trial_settings(trial, model, base_settings(model, models_config), settings.spaces)
        if model in SKLEARN_MODELS:
            _, _, result = train_sklearn(model, samples, inner, chosen, settings.seed)
            return float(result.metrics["auc"])
        torch_settings = TorchSettings.from_config(
            {**chosen, "epochs": min(settings.epochs, chosen["epochs"])}
        )
        _, _, result = train_torch(
            model, samples, inner, torch_settings, settings.seed, torch.device("cpu"), 1
        )
        return float(result.metrics["auc"])

    return run


def random_start(trials: int) -> int:
    """How many of ``trials`` TPE draws at random before its model of the trials guides it: half,
    at least one, so that every budget above one has guided trials."""
    return max(1, int(trials * RANDOM_START_SHARE))


def tune(
    model: str,
    samples: SampleSet,
    split: np.ndarray,
    scheme: str,
    models_config: Mapping[str, Any],
    settings: TuningSettings,
    patch_m: float,
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, list[str]]]:
    """(best settings, trial history, sample ids of the inner parts) of one model and scheme."""
    import optuna

    if settings.trials < 1:
        raise ValueError("tune() needs tuning.trials >= 1")
    inner = inner_split(samples, split, scheme, settings.inner_fraction, patch_m, settings.seed)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(
            seed=settings.seed, n_startup_trials=random_start(settings.trials)
        ),
        pruner=optuna.pruners.NopPruner(),
    )
    study.optimize(objective(model, samples, inner, models_config, settings), n_trials=settings.trials)
    best = trial_settings(study.best_trial, model, base_settings(model, models_config), settings.spaces)
    history = study.trials_dataframe(attrs=("number", "value", "state", "params", "duration"))
    history["duration"] = history["duration"].dt.total_seconds()
    ids = samples.table["sample_id"].to_numpy()
    used = {"fit": ids[inner == TRAIN].tolist(), "score": ids[inner == TEST].tolist()}
    log.info("%s/%s: best inner AUC %.3f after %d trials", scheme, model, study.best_value, len(study.trials))
    return best, history, used


def tuning_job(
    samples: SampleSet,
    splits: pd.DataFrame,
    scheme: str,
    model: str,
    models_config: Mapping[str, Any],
    settings: TuningSettings,
    patch_m: float,
    out: Mapping[str, str | Path],
) -> dict[str, Any]:
    """Tune one model on one scheme; write best.yaml, trials.csv and the inner parts' sample ids."""
    if list(splits["sample_id"]) != list(samples.table["sample_id"]):
        raise InputError(out["best"], "splits.csv does not match the samples", "rerun the splits rule")
    best, history, used = tune(
        model, samples, splits[scheme].to_numpy(), scheme, models_config, settings, patch_m
    )
    write_yaml(out["best"], {"model": model, "scheme": scheme, "settings": best})
    write_text(out["trials"], history.to_csv(index=False, float_format="%.6g"))
    write_text(out["samples"], json.dumps(used) + "\n")
    return best


def tuned_models_config(models_config: Mapping[str, Any], model: str, best_yaml: str | Path | None) -> dict:
    """``models:`` with one model's tuned settings in place (unchanged without a best.yaml)."""
    from lsm.data.io import read_yaml

    config = json.loads(json.dumps(dict(models_config)))  # a deep, plain copy
    if best_yaml is None:
        return config
    best = read_yaml(best_yaml)["settings"]
    config[model if model in SKLEARN_MODELS else "torch"] = best  # ablation variants are torch models
    return config


# -- what tuning chose, and what it changed ---------------------------------------------------------------
def read_history(trials_csv: str | Path) -> pd.DataFrame:
    """A trial history with its scheme and model (from its path .../tuning/<scheme>/<model>/)."""
    path = Path(trials_csv)
    frame = pd.read_csv(path)
    return frame.assign(scheme=path.parent.parent.name, model=path.parent.name)


def tuned_settings_table(
    best_files: list[str], trials_files: list[str], spaces: Mapping[str, Any]
) -> pd.DataFrame:
    """Per model and scheme: the tuned value of every parameter of its search space, the best inner
    validation AUC, and how many trials completed."""
    from lsm.data.io import read_yaml

    rows = []
    for best_file, trials_file in zip(sorted(best_files), sorted(trials_files), strict=True):
        best = read_yaml(best_file)
        history = read_history(trials_file)
        space = spaces.get(SPACE_OF[best["model"]], {})
        row = {"model": best["model"], "scheme": best["scheme"]}
        row.update({name: _plain_value(best["settings"][name]) for name in space})
        row["best inner AUC"] = float(history["value"].max())
        row["trials completed"] = int((history["state"] == "COMPLETE").sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _plain_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list | tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def claims_both_ways(
    tuned: pd.DataFrame, untuned: pd.DataFrame, tuned_summary: pd.DataFrame, untuned_summary: pd.DataFrame
) -> pd.DataFrame:
    """Per claim and scheme: the verdict with every model at its default settings and tuned, beside
    the CNN-LSTM's and the best other model's seed-mean AUC both ways: the effect of tuning on each
    claim is one line. ``changed`` is "yes" or "no" where both verdicts are testable and "not
    comparable" where one is not (C4 is judged on the map, made from the tuned runs only, so its
    "cannot be tested" untuned says nothing about tuning: neither a change nor its absence)."""
    from lsm.names import LABELS, UNTESTABLE

    rows = []
    for scheme in [c.removeprefix("verdict_") for c in tuned.columns if c.startswith("verdict_")]:
        for claim in tuned["claim"]:
            row = {"claim": claim, "scheme": scheme}
            for name, claims, summary in (
                ("untuned", untuned, untuned_summary),
                ("tuned", tuned, tuned_summary),
            ):
                verdict = claims.loc[claims["claim"] == claim, f"verdict_{scheme}"]
                row[f"verdict {name}"] = verdict.iloc[0] if not verdict.empty else "n/a"
                aucs = summary[(summary["scheme"] == scheme) & (summary["metric"] == "auc")].set_index(
                    "model"
                )["mean"]
                row[f"CNN-LSTM AUC {name}"] = round(float(aucs[HYBRID]), 3) if HYBRID in aucs else None
                others = aucs.drop(HYBRID, errors="ignore")
                row[f"best other {name}"] = (
                    f"{LABELS.get(others.idxmax(), others.idxmax())} {others.max():.3f}"
                    if len(others)
                    else ""
                )
            verdicts = (row["verdict untuned"], row["verdict tuned"])
            testable = not {UNTESTABLE, "n/a"} & set(verdicts)
            row["changed"] = NOT_COMPARABLE if not testable else "yes" if verdicts[0] != verdicts[1] else "no"
            rows.append(row)
    return pd.DataFrame(rows)
