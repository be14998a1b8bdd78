"""A reproducibility checklist answered by the run itself (``results/<study>/checklist.csv``).

The items are those of REFORMS (Kapoor et al. 2024, *REFORMS: Consensus-based recommendations for
machine-learning-based science*, Science Advances 10, eadk3452) that apply to a susceptibility study:
data provenance and licences, code and environment, seeds, the samples and what was left out, the
models and their tuning budget, the splits and the leakage checks with their results, the metrics
and their uncertainty, and what the study could not support. Every answer is read from a file the
workflow wrote (or the study's own ``study.yaml``), never typed: the ``source`` column names it, so a
reviewer can check the answer where it came from. Items REFORMS asks of a paper's text (the study's
goal, its population, the interpretation) are the manuscript's, not a run's, and are not listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from lsm.names import SCHEMES

COLUMNS = ["item", "answer", "source"]


def _listing(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else "none"


def _reasons(mapping: Mapping[str, Any] | None) -> str:
    if not mapping:
        return "none"
    return "; ".join(f"{name} ({reason})" for name, reason in mapping.items())


def _licences(study: Mapping[str, Any]) -> str:
    files = study.get("files") or {}
    described = [
        f"{name}: {(info or {}).get('licence', 'no licence stated')}" for name, info in files.items()
    ]
    return "; ".join(described) if described else "study.yaml describes no file (no licence stated)"


def _provenance(provenance: pd.DataFrame) -> tuple[str, str]:
    commits = sorted({str(c) for c in provenance["git_commit"].dropna()})
    dirty = provenance["git_dirty"].astype(str).str.lower().isin(["true", "1"]).any()
    code = f"git commit {_listing(commits)}" + (" with uncommitted changes in some folders" if dirty else "")
    code += f"; configuration SHA-256 {_listing(sorted(set(provenance['params_sha256'].astype(str))))}"
    tools = [c for c in provenance.columns if c in ("python", "torch", "scikit-learn", "snakemake")]
    versions = ", ".join(f"{tool} {_listing(sorted(set(provenance[tool].astype(str))))}" for tool in tools)
    return code, versions


def _splits(splits: Mapping[str, Any]) -> str:
    parts = []
    for scheme in SCHEMES:
        if scheme in splits:
            s = splits[scheme]
            extra = ""
            if scheme == "spatial":
                block = s.get("block_m", splits.get("spatial_block_m"))
                extra = f", blocks of {block} m, {s['buffer']} samples in the buffer left out"
            if scheme == "temporal":
                extra = f", test on and after {splits.get('temporal_cutoff')}"
            parts.append(f"{scheme}: {s['train']} train / {s['test']} test{extra}")
    return "; ".join(parts)


def _proximity(proximity: pd.DataFrame) -> str:
    return "; ".join(
        f"{row.scheme}: {row.share_patch_overlaps_training_landslide:.0%} of {row.test_landslides} test "
        f"landslides (median distance {row.median_distance_m:,.0f} m)"
        for row in proximity.itertuples()
    )


def _untestable(claims: pd.DataFrame) -> str:
    found = [
        f"{row['claim']} ({column.removeprefix('verdict_')})"
        for _, row in claims.iterrows()
        for column in claims.columns
        if column.startswith("verdict_") and row[column] == "cannot be tested"
    ]
    return _listing(found)


def checklist(
    study: Mapping[str, Any],
    plan: Mapping[str, Any],
    samples: Mapping[str, Any],
    splits: Mapping[str, Any],
    proximity: pd.DataFrame,
    provenance: pd.DataFrame,
    claims: pd.DataFrame,
    settings: Mapping[str, Any],
) -> pd.DataFrame:
    """The checklist's rows (item, answer, source) from the run's own records.

    ``settings`` holds the configuration's seeds and budgets the records do not: ``sampling_seed``,
    ``split_seed``, ``tuning`` (trials, inner_fraction, seed) and ``evaluation`` (alpha, bootstrap,
    seed).
    """
    code, versions = _provenance(provenance)
    tuning, evaluation = settings["tuning"], settings["evaluation"]
    tuned = (
        f"every model tuned with the same budget: {tuning['trials']} trials per model and scheme "
        f"(Optuna, sampler seed {tuning['seed']}), each trial scored on {tuning['inner_fraction']:.0%} of "
        "the scheme's training split held out inside it; the test split is never seen"
        if plan.get("tuned")
        else "not tuned: every model runs with the settings of params.yaml's models block"
    )
    left_out = samples.get("landslides_left_out") or {}
    rows = [
        ("2a Data availability and licences", _licences(study), "data/raw/<study>/study.yaml"),
        ("2b Code", code, "provenance.csv"),
        ("2c Computing environment", versions, "provenance.csv"),
        (
            "2d Random seeds",
            f"training seeds {_listing(plan.get('seeds'))}; sampling seed {settings['sampling_seed']}; "
            f"split seed {settings['split_seed']}; tuning seed {tuning['seed']}; evaluation seed "
            f"{evaluation['seed']}. Two clean runs give byte-identical numbers on one machine; another "
            "CPU moves the last digits (the reference's tolerances say how far)",
            "plan.json, params.yaml",
        ),
        (
            "3a Data source",
            " ".join(str(study.get("description", "no description in study.yaml")).split()),
            "data/raw/<study>/study.yaml",
        ),
        (
            "3b Sample and labels",
            f"{samples['positives']} landslide samples of {samples['landslides_in_inventory']} in the "
            f"inventory; negatives by kind: "
            + ", ".join(f"{k} {v}" for k, v in (samples.get("negatives_by_kind") or {}).items())
            + f"; no negative within {samples['buffer_m']:,.0f} m"
            + (f" and {samples['buffer_days']} days" if samples.get("temporal", True) else "")
            + " of a mapped landslide",
            "samples/summary.json",
        ),
        (
            "4a Exclusions",
            "landslides left out: " + _reasons({k: f"{v} landslides" for k, v in left_out.items()}),
            "samples/summary.json",
        ),
        (
            "4b Features and transformations",
            f"factors: {_listing(plan.get('factors'))}; omitted: {_reasons(plan.get('omitted_factors'))}; "
            "standardised with means and deviations fitted on each run's training samples only",
            "plan.json, lsm.data.normalise",
        ),
        (
            "5a Models and baselines",
            f"models: {_listing(plan.get('models'))}; skipped: {_reasons(plan.get('skipped_models'))}",
            "plan.json",
        ),
        ("5b Hyperparameter tuning", tuned, "plan.json, params.yaml"),
        (
            "6a Train/test separation",
            f"{_splits(splits)}; each sample has one role per scheme (train, test or buffer)",
            "samples/splits.json, samples/splits.csv",
        ),
        (
            "6b Dependence between train and test (leakage check)",
            "test landslides with a training landslide whose patch overlaps their own: "
            + _proximity(proximity),
            "metrics/proximity.csv",
        ),
        (
            "7a Metrics and uncertainty",
            "AUC, accuracy, precision, recall, F1 and kappa per run; means with 95 % intervals over "
            f"{len(plan.get('seeds') or [])} seeds; comparisons by DeLong's test and a bootstrap of "
            f"spatial clusters ({evaluation['bootstrap']} replicates), Holm-adjusted, at alpha "
            f"{evaluation['alpha']}",
            "metrics/summary_by_model.csv, metrics/comparisons.csv, params.yaml",
        ),
        (
            "8a Limitations the run found",
            f"schemes skipped: {_reasons(plan.get('skipped_schemes'))}; claims that cannot be tested: "
            f"{_untestable(claims)}",
            "plan.json, metrics/claims.csv",
        ),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)
