"""The tests behind every verdict: a model against each baseline on the same test samples, by a
two-level bootstrap that resamples spatial clusters of test samples (landslides cluster, so samples
are not independent) and each model's seeds (training is random too), with DeLong's test and the
seed ensemble beside it; the gain over the best traditional model (C2); and how near test
landslides lie to training patches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lsm.data.samples import SampleSet
from lsm.evaluate.runs import Runs
from lsm.evaluate.settings import EvaluationSettings
from lsm.evaluate.stats import (
    ReplicatedAucs,
    bootstrap_p,
    delong_seed_mean,
    holm,
    spatial_blocks,
    two_level_bootstrap,
)
from lsm.names import (
    HYBRID,
    SCHEMES,
    SKLEARN_MODELS,
    TEST,
    TRAIN,
)

log = logging.getLogger(__name__)


# -- comparisons: the tests behind the verdicts ----------------------------------------------------
@dataclass
class HeldOut:
    """The test samples of one scheme: labels and the spatial clusters the bootstrap resamples."""

    ids: pd.Index
    labels: np.ndarray
    clusters: np.ndarray


CLUSTER_PATCHES = 2  # the bootstrap's clusters: square blocks this many patch widths on a side


def held_out(samples: SampleSet, splits: pd.DataFrame, scheme: str, patch_m: float) -> HeldOut:
    """The scheme's test samples and their clusters: blocks two patch widths on a side, so that
    samples whose patches overlap (and a landslide with its same-place negatives) mostly share one."""
    table = samples.table.reset_index(drop=True)
    test = splits[scheme].to_numpy() == TEST
    x, y = table.geometry.x.to_numpy()[test], table.geometry.y.to_numpy()[test]
    return HeldOut(
        pd.Index(table["sample_id"].to_numpy()[test]),
        table["label"].to_numpy()[test].astype(int),
        spatial_blocks(x, y, CLUSTER_PATCHES * patch_m),
    )


def compare(
    runs: Runs, tests: HeldOut, scheme: str, reference: str, baseline: str, settings: EvaluationSettings
) -> dict[str, Any]:
    """One comparison, reference minus baseline: see :func:`compare_models`."""
    rows = compare_models(runs, tests, scheme, reference, [baseline], settings)
    return rows[0]


def compare_models(
    runs: Runs,
    tests: HeldOut,
    scheme: str,
    reference: str,
    baselines: list[str],
    settings: EvaluationSettings,
) -> list[dict[str, Any]]:
    """The reference against each baseline on the scheme's test samples, one row each.

    The verdict's test is a two-level bootstrap of the difference of seed-mean AUCs (spatial
    clusters of test samples and each model's seeds drawn with replacement,
    :func:`lsm.evaluate.stats.two_level_bootstrap`): the claims are about methods, and a method's
    next training run is another seed. Beside it: DeLong's test on seed-mean placements (trained
    models fixed, samples independent: what the literature usually reports) and the ensemble, the
    AUC of the seeds' averaged probabilities (what the maps use), with its own cluster bootstrap.
    The interval is the 95 % percentile interval of the same replicates as the p-value, so the two
    agree. The p is unadjusted; each claim adjusts it over its own family (lsm.evaluate.claims).
    """
    return _compare_models(runs, tests, scheme, reference, baselines, settings)[0]


def _compare_models(
    runs: Runs,
    tests: HeldOut,
    scheme: str,
    reference: str,
    baselines: list[str],
    settings: EvaluationSettings,
) -> tuple[list[dict[str, Any]], ReplicatedAucs | None]:
    """:func:`compare_models`' rows and the seed-mean replicates behind them (None where the
    bootstrap could not run), so that C2's gain is read from the same replicates."""
    models = [reference, *baselines]
    matrices = {m: runs.seed_matrix(scheme, m, tests.ids) for m in models}
    seeds: ReplicatedAucs | None
    ensembles: ReplicatedAucs | None
    try:
        seeds = two_level_bootstrap(tests.labels, matrices, tests.clusters, settings.bootstrap, settings.seed)
        ensembles = two_level_bootstrap(
            tests.labels,
            {m: matrix.mean(axis=0, keepdims=True) for m, matrix in matrices.items()},
            tests.clusters,
            settings.bootstrap,
            settings.seed,
            resample_seeds=False,
        )
    except ValueError as err:  # too few clusters of a class: the bootstrap cannot measure a spread
        log.warning("%s: %s against %s: %s", scheme, reference, ", ".join(baselines), err)
        seeds = ensembles = None
    rows = []
    for baseline in baselines:
        d = delong_seed_mean(tests.labels, matrices[reference], matrices[baseline])
        row: dict[str, Any] = {
            "scheme": scheme,
            "reference": reference,
            "baseline": baseline,
            "auc_reference": d.auc_ref,
            "auc_baseline": d.auc_base,
            "difference": d.difference,
            "delong_z": d.z,
            "delong_p": d.p,
            # the seed-mean difference is the row's own `difference` (DeLong's, the same number)
            **_interval_columns("boot", _pair_interval(seeds, reference, baseline)[1:]),
            **_interval_columns("ensemble", _pair_interval(ensembles, reference, baseline)),
            "clusters": seeds.clusters if seeds else 0,
            "clusters_with_positives": seeds.clusters_with_positives if seeds else 0,
            "seeds_reference": matrices[reference].shape[0],
            "seeds_baseline": matrices[baseline].shape[0],
        }
        row["p"] = row["boot_p"]
        row["verdict"] = verdict_of(row["difference"], row["p"], settings.alpha)
        rows.append(row)
    return rows, seeds


def _pair_interval(
    boot: ReplicatedAucs | None, reference: str, baseline: str
) -> tuple[float, float, float, float]:
    """The difference of one pair, its 95 % interval and p, from shared replicates (NaN without)."""
    if boot is None:
        return (np.nan, np.nan, np.nan, np.nan)
    observed, replicates = boot.difference(reference, baseline)
    low, high = np.quantile(replicates, [0.025, 0.975])
    return observed, float(low), float(high), bootstrap_p(observed, replicates)


def _interval_columns(prefix: str, values: tuple[float, ...]) -> dict[str, float]:
    """``prefix_difference`` (when given), ``prefix_low``, ``prefix_high`` and ``prefix_p``."""
    keys = ("difference", "low", "high", "p")[-len(values) :]
    return {f"{prefix}_{key}": value for key, value in zip(keys, values, strict=True)}


def compare_with_baselines(
    runs: Runs,
    samples: SampleSet,
    splits: pd.DataFrame,
    linkage_m: float,
    settings: EvaluationSettings,
    reference: str = HYBRID,
) -> pd.DataFrame:
    """The reference against every other model of each scheme (:func:`compare_models`), with the
    gain over the best traditional model that C2 judges (:func:`best_traditional_gain`) on the row
    of the model that is best on the test samples."""
    rows = []
    for scheme in dict.fromkeys(runs.table["scheme"]):
        models = runs.models(scheme)
        if reference not in models:
            continue
        tests = held_out(samples, splits, scheme, linkage_m)
        baselines = [m for m in models if m != reference]
        part, replicated = _compare_models(runs, tests, scheme, reference, baselines, settings)
        for row, adjusted in zip(part, holm_finite([r["p"] for r in part]), strict=True):
            row["p_holm"] = adjusted  # over every baseline of the scheme: C1's family
        gain = best_traditional_gain(replicated, reference, [m for m in baselines if m in SKLEARN_MODELS])
        for row in part:
            if gain is not None and row["baseline"] == gain["baseline"]:
                row.update(gain_low=gain["gain_low"], gain_high=gain["gain_high"])
            else:
                row.update(gain_low=np.nan, gain_high=np.nan)
        rows += part
    return pd.DataFrame(rows)


def best_traditional_gain(
    boot: ReplicatedAucs | None, reference: str, traditional: list[str]
) -> dict[str, Any] | None:
    """C2's quantity, the reference's gain over the best traditional model, with a 95 % interval
    from the same two-level bootstrap as every comparison, the best model chosen again in every
    replicate (choosing it once, on the test samples, and testing against it alone would ignore
    that the choice was made on the same data). ``boot``: the replicates of every comparison of
    the scheme (None where the bootstrap could not run)."""
    if boot is None or not traditional:
        return None
    best = max(traditional, key=boot.observed.__getitem__)
    replicates = boot.replicates[reference] - np.max([boot.replicates[m] for m in traditional], axis=0)
    low, high = np.quantile(replicates, [0.025, 0.975])
    return {"baseline": best, "gain_low": float(low), "gain_high": float(high)}


def holm_finite(p_values: list[float]) -> list[float]:
    """Holm over the p-values that exist; a missing one (NaN: the test could not run) stays NaN."""
    p = np.asarray(p_values, dtype="float64")
    out = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        out[finite] = holm(p[finite])
    return [float(v) for v in out]


def verdict_of(difference: float, p: float, alpha: float) -> str:
    """The verdict of a difference with its p value at ``alpha`` (:func:`lsm.evaluate.stats.verdict`)."""
    from lsm.evaluate.stats import verdict

    return verdict(difference, p, alpha)


def patch_proximity(samples: SampleSet, splits: pd.DataFrame, patch_m: float) -> pd.DataFrame:
    """Per scheme: how near test landslides sit to training landslides (median distance, and the
    share whose patch overlaps a training landslide's patch). Under ``random`` (the paper's
    protocol) most do: said, and measured."""
    from scipy.spatial import cKDTree

    t = samples.table
    xy = np.column_stack([t.geometry.x, t.geometry.y])
    positive = t["label"].to_numpy() == 1
    rows = []
    for scheme in [s for s in SCHEMES if s in splits]:
        train = positive & (splits[scheme].to_numpy() == TRAIN)
        test = positive & (splits[scheme].to_numpy() == TEST)
        if not train.any() or not test.any():
            continue
        distance = cKDTree(xy[train]).query(xy[test])[0]
        chebyshev = cKDTree(xy[train]).query(xy[test], p=np.inf)[0]
        rows.append(
            {
                "scheme": scheme,
                "test_landslides": int(test.sum()),
                "median_distance_m": float(np.median(distance)),
                "share_patch_overlaps_training_landslide": float((chebyshev < patch_m).mean()),
            }
        )
    return pd.DataFrame(rows)
