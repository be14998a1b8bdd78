"""The replication scorecard: every table of the evaluation from a finished grid of runs, written to
``metrics/`` (the runs summarised, the comparisons, the references, the time ablations, the
authors' absences, the claims beside the paper's numbers, the DVC metrics and plots).

The paper's numbers come only from ``paper/reported.yaml`` (:mod:`lsm.evaluate.reported`); the
parts are in :mod:`~lsm.evaluate.runs`, :mod:`~lsm.evaluate.comparisons`,
:mod:`~lsm.evaluate.references`, :mod:`~lsm.evaluate.ablation`, :mod:`~lsm.evaluate.absences` and
:mod:`~lsm.evaluate.claims`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lsm.data.io import write_json, write_text
from lsm.data.samples import SampleSet, load_samples
from lsm.evaluate.ablation import (
    level_calendar,
    retrained_ablation,
    summarise_ablation,
    time_ablation,
    where_when,
)
from lsm.evaluate.absences import absence_metrics
from lsm.evaluate.claims import judge_claims
from lsm.evaluate.comparisons import compare_with_baselines, patch_proximity
from lsm.evaluate.references import (
    oracle_probabilities,
    physics_time_ablation,
    reference_metrics,
    static_ceiling_probabilities,
)
from lsm.evaluate.reported import load_reported_metrics
from lsm.evaluate.runs import Runs, confusion_totals, roc_bands, summarise_runs
from lsm.evaluate.settings import EvaluationSettings
from lsm.metrics import mean_interval
from lsm.names import (
    HYBRID,
    LABELS,
)

log = logging.getLogger(__name__)


# -- the scorecard ---------------------------------------------------------------------------------
PAPER_COLUMN = "Teng et al. 2026 (Kerman)"


def performance_table(
    summary: pd.DataFrame,
    reported_yaml: Path,
    schemes: list[str],
    study: str,
    absences: pd.DataFrame | None = None,
    where_when: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per model and metric: the paper's value on Kerman (labelled) and ours on this study, mean
    [95 % interval] over seeds, per scheme; a note where an interval needs one. Where the samples
    allow, the AUC is also given apart for "where" and "when" (:func:`where_when_rows`)."""
    reported = load_reported_metrics(reported_yaml).set_index(["model", "metric"])
    rows = []
    for model in [m for m in LABELS if m in set(summary["model"])]:
        for metric in ("accuracy", "precision", "recall", "f1", "auc"):
            row: dict[str, Any] = {"model": LABELS[model], "metric": metric}
            if (model, metric) in reported.index:
                r = reported.loc[(model, metric)]
                flag = {"stated": "", "read_off_figure": " (fig.)", "cited": " (cited)"}[r["source"]]
                row[PAPER_COLUMN] = f"{'~' if r['approximate'] else ''}{r['value']:.3f}{flag}"
            notes = []
            for scheme in schemes:
                s = summary[
                    (summary["scheme"] == scheme)
                    & (summary["model"] == model)
                    & (summary["metric"] == metric)
                ]
                if not s.empty:
                    s = s.iloc[0]
                    row[f"ours: {study}, {scheme}"] = f"{s['mean']:.3f} [{s['lo']:.3f}, {s['hi']:.3f}]"
                    if s["flag"]:
                        notes.append(f"{scheme}: {s['flag']}")
            row["note"] = "; ".join(dict.fromkeys(notes))
            rows.append(row)
        rows += where_when_rows(where_when, model, schemes, study)
        rows += _absence_rows(absences, model, schemes, study)
    return pd.DataFrame(rows)


# The two parts of the AUC a spatiotemporal model mixes, as tab01 names them, with the column of
# the where_when table that holds each and what it measures.
WHERE_WHEN_ROWS = {
    "auc where (same day, other places)": (
        "where",
        "where_auc_same_day",
        "the model's landslides ranked among negatives elsewhere on their day: can it tell where?",
    ),
    "auc when (same place, other days)": (
        "when",
        "when_auc_same_place",
        "the model's landslides ranked among negatives at their cell on other days: can it tell when?",
    ),
}


def where_when_rows(
    where_when: pd.DataFrame | None, model: str, schemes: list[str], study: str
) -> list[dict]:
    """The AUC of ``model`` against same-day negatives (where) and same-place negatives (when), per
    scheme, mean [95 % interval drawing the places or days and the seeds]; the paper reports neither."""
    if where_when is None or where_when.empty or model not in set(where_when["model"]):
        return []
    rows = []
    for metric, (part, column, meaning) in WHERE_WHEN_ROWS.items():
        row: dict[str, Any] = {"model": LABELS[model], "metric": metric}
        for scheme in schemes:
            g = where_when[(where_when["model"] == model) & (where_when["scheme"] == scheme)]
            if not g.empty and pd.notna(g[column].iloc[0]):
                r = g.iloc[0]
                row[f"ours: {study}, {scheme}"] = (
                    f"{r[column]:.3f} [{r[f'{part}_lo']:.3f}, {r[f'{part}_hi']:.3f}]"
                )
        if len(row) > 2:  # a value under some scheme (a study without dates has no "when")
            row["note"] = f"{meaning} (not reported by the paper; interval over places or days and seeds)"
            rows.append(row)
    return rows


def _absence_rows(absences: pd.DataFrame | None, model: str, schemes: list[str], study: str) -> list[dict]:
    if absences is None or absences.empty or model not in set(absences["model"]):
        return []
    row: dict[str, Any] = {"model": LABELS[model], "metric": "auc vs the study's own absences"}
    for scheme in schemes:
        g = absences[(absences["model"] == model) & (absences["scheme"] == scheme)]
        if not g.empty:
            mean, _, lo, hi = mean_interval(g["auc_absences"], bounds=(0.0, 1.0))
            row[f"ours: {study}, {scheme}"] = f"{mean:.3f} [{lo:.3f}, {hi:.3f}]"
    row["note"] = "test landslides against the authors' absence points instead of our sampled negatives"
    return [row]


def claims_table(claims_by_scheme: dict[str, list[dict[str, str]]], reported_yaml: Path) -> pd.DataFrame:
    """Every claim's verdict per scheme beside the paper's wording of it, with its evidence and which
    comparisons or parts carry the verdict (``why``)."""
    from lsm.data.io import read_yaml

    wording = read_yaml(reported_yaml)["claims"]
    rows = []
    for claim, text in wording.items():
        row = {"claim": claim, "as_stated_by_the_paper": text}
        for scheme, claims in claims_by_scheme.items():
            c = next(c for c in claims if c["claim"] == claim)
            row[f"verdict_{scheme}"] = c["verdict"]
            row[f"evidence_{scheme}"] = c["evidence"]
            row[f"why_{scheme}"] = c["why"]  # which comparisons or parts carry the verdict
        rows.append(row)
    return pd.DataFrame(rows)


def dvc_summary(summary: pd.DataFrame, references: pd.DataFrame, claims: dict[str, list[dict]]) -> dict:
    """Small, stable metrics for `dvc metrics show/diff`: mean test AUC per scheme and model."""
    out: dict[str, Any] = {}
    for (scheme, model), g in summary[summary["metric"] == "auc"].groupby(["scheme", "model"], sort=False):
        out.setdefault(scheme, {})[model] = {"auc": round(float(g["mean"].iloc[0]), 4)}
    if not references.empty:
        for scheme, g in references.groupby("scheme"):
            for name in ("physics_reference", "static_ceiling"):
                if f"{name}_auc" in g:
                    out.setdefault(scheme, {})[name] = {"auc": round(float(g[f"{name}_auc"].iloc[0]), 4)}
    out["claims"] = {scheme: {c["claim"]: c["verdict"] for c in cl} for scheme, cl in claims.items()}
    return out


@dataclass
class EvaluationInputs:
    """What the `evaluate` rule reads besides the runs."""

    samples: SampleSet
    splits: pd.DataFrame
    study_dir: Path
    reported_yaml: Path
    patch_m: float
    map_scheme: str  # mapping.scheme: whose runs make the maps
    skipped: dict[str, str]  # what the plan skipped (model or artefact -> why)
    study: str
    contrasts: pd.DataFrame | None = None  # C4 on the maps, where the study has them
    ablation_runs: pd.DataFrame = field(default_factory=pd.DataFrame)  # the retrained variants, if any
    runs_root: Path | None = None  # where the run folders are (default: results/<study>/runs)


def read_inputs(
    files: Any, params: Any, skipped_also: dict[str, str] | None = None, **extra: Any
) -> EvaluationInputs:
    """What both evaluation rules read, from the rule's ``input`` and ``params`` (the same names in
    both): the samples, the splits, the study, the paper's numbers; ``skipped_also`` adds to what the
    plan skipped, ``extra`` sets the optional inputs."""
    return EvaluationInputs(
        samples=load_samples(files["samples"], files["tensors"], files["summary"]),
        splits=pd.read_csv(files["splits"]),
        study_dir=Path(params["study_dir"]),
        reported_yaml=Path(files["reported"]),
        patch_m=float(json.loads(Path(files["splits_info"]).read_text())["patch_overlap_m"]),
        map_scheme=params["map_scheme"],
        skipped={**dict(params["skipped"]), **(skipped_also or {})},
        study=params["study"],
        **extra,
    )


def evaluate_claims(
    runs_csv: Path, inputs: EvaluationInputs, settings: EvaluationSettings, out: dict[str, Path]
) -> dict[str, list[dict[str, str]]]:
    """The summary over seeds, the comparisons and the claims of one grid of runs (the untuned grid,
    beside the tuned one): the same tests as :func:`evaluate_all`, without its other analyses."""
    table = pd.read_csv(runs_csv)
    runs = Runs(table, Path(inputs.runs_root) if inputs.runs_root else Path(runs_csv).parents[1] / "runs")
    summary = summarise_runs(table)
    comparisons = compare_with_baselines(runs, inputs.samples, inputs.splits, inputs.patch_m, settings)
    claims = {
        scheme: judge_claims(
            summary, comparisons, inputs.contrasts, scheme, settings, inputs.map_scheme, inputs.skipped
        )
        for scheme in dict.fromkeys(table["scheme"])
    }
    frames = {
        "summary": summary,
        "comparisons": comparisons,
        "claims": claims_table(claims, inputs.reported_yaml),
    }
    for name, frame in frames.items():
        write_text(out[name], frame.to_csv(index=False, float_format="%.6g"))
    return claims


def evaluate_all(
    runs_csv: Path, inputs: EvaluationInputs, settings: EvaluationSettings, out: dict[str, Path]
) -> dict[str, Any]:
    """Everything of the evaluation, written to the paths in ``out`` (see the `evaluate` rule)."""
    table = pd.read_csv(runs_csv)
    runs = Runs(table, Path(runs_csv).parents[1] / "runs")
    schemes = list(dict.fromkeys(table["scheme"]))
    samples, splits = inputs.samples, inputs.splits
    summary = summarise_runs(table)
    log.info("comparisons: the two-level bootstrap of seeds and spatial clusters")
    comparisons = compare_with_baselines(runs, samples, splits, inputs.patch_m, settings)
    references = reference_metrics(
        {
            "physics_reference": oracle_probabilities(samples, inputs.study_dir),
            "static_ceiling": static_ceiling_probabilities(samples, inputs.study_dir),
        },
        splits,
        summary,
    )
    log.info("time ablation of the sequence models")
    ablation = pd.concat(
        [
            summarise_ablation(time_ablation(runs, samples, splits)),
            retrained_ablation(runs, inputs.ablation_runs, samples, splits, inputs.patch_m, settings),
            physics_time_ablation(samples, splits, inputs.study_dir, inputs.patch_m, settings),
        ],
        ignore_index=True,
    )
    absences = absence_metrics(runs, samples, splits)
    claims = {
        scheme: judge_claims(
            summary, comparisons, inputs.contrasts, scheme, settings, inputs.map_scheme, inputs.skipped
        )
        for scheme in schemes
    }
    apart = where_when(runs, samples, settings)
    csv = {
        "summary": summary,
        "comparisons": comparisons,
        "references": references,
        "ablation": ablation,
        "where_when": apart,
        "level_calendar": level_calendar(samples, settings.reservoir_reach_m),
        "roc": roc_bands(runs),
        "confusion": confusion_totals(table),
        "absences": absences,
        "proximity": patch_proximity(samples, splits, inputs.patch_m),
        "performance": performance_table(
            summary, inputs.reported_yaml, schemes, inputs.study, absences, where_when=apart
        ),
        "claims": claims_table(claims, inputs.reported_yaml),
    }
    for name, frame in csv.items():
        write_text(out[name], frame.to_csv(index=False, float_format="%.6g"))
    _write_dvc_plots(runs, csv["roc"], schemes, table, out)
    metrics = dvc_summary(summary, references, claims)
    write_json(out["metrics"], metrics)
    return metrics


def _write_dvc_plots(runs: Runs, roc: pd.DataFrame, schemes: list[str], table: pd.DataFrame, out) -> None:
    """The first scheme's mean ROC curves side by side and a confusion table, for `dvc plots`."""
    first = roc[roc["scheme"] == schemes[0]]
    wide = first.pivot_table(index="fpr", columns="model", values="tpr").reset_index()
    write_text(out["roc_wide"], wide.to_csv(index=False, float_format="%.6g"))
    ref = HYBRID if HYBRID in set(table["model"]) else table["model"].iloc[0]
    pred = runs.mean_predictions(schemes[0], ref)
    frame = pd.DataFrame({"actual": pred["label"], "predicted": (pred["probability"] >= 0.5).astype(int)})
    write_text(out["confusion_samples"], frame.to_csv(index=False))
