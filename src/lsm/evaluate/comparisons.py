"""The tests behind every verdict: a model against each baseline on the same test samples, with
DeLong's test on seed-averaged placement values and, beside it, a bootstrap that resamples
spatial clusters of test samples (landslides cluster, so samples are not independent); Holm's
correction; and how near test landslides lie to training patches.
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
    BootstrapResult,
    cluster_bootstrap,
    delong_seed_mean,
    holm,
    spatial_blocks,
)
from lsm.names import (
    HYBRID,
    SCHEMES,
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
    """DeLong (seed-mean placements) and the cluster bootstrap of reference minus baseline."""
    ref = runs.seed_matrix(scheme, reference, tests.ids)
    base = runs.seed_matrix(scheme, baseline, tests.ids)
    d = delong_seed_mean(tests.labels, ref, base)
    try:
        b = cluster_bootstrap(tests.labels, ref, base, tests.clusters, settings.bootstrap, settings.seed)
    except ValueError as err:  # too few clusters of a class: the bootstrap cannot measure a spread
        log.warning("%s: %s vs %s: %s", scheme, reference, baseline, err)
        b = BootstrapResult(
            d.auc_ref, d.auc_base, d.difference, np.nan, np.nan, np.nan, np.nan, 0, 0.95, 0, 0, 0
        )
    return {
        "scheme": scheme,
        "reference": reference,
        "baseline": baseline,
        "auc_reference": d.auc_ref,
        "auc_baseline": d.auc_base,
        "difference": d.difference,
        "delong_z": d.z,
        "delong_p": d.p,
        "boot_low": b.low,
        "boot_high": b.high,
        "boot_p": b.p,
        "clusters": b.clusters,
        "clusters_with_positives": b.clusters_with_positives,
        "seeds_reference": ref.shape[0],
        "seeds_baseline": base.shape[0],
    }


def compare_with_baselines(
    runs: Runs,
    samples: SampleSet,
    splits: pd.DataFrame,
    linkage_m: float,
    settings: EvaluationSettings,
    reference: str = HYBRID,
) -> pd.DataFrame:
    """The reference against every other model of each scheme, Holm-adjusted over the baselines of a
    scheme; the verdict's p is the larger of DeLong's and the bootstrap's (both adjusted)."""
    rows = []
    for scheme in dict.fromkeys(runs.table["scheme"]):
        models = runs.models(scheme)
        if reference not in models:
            continue
        tests = held_out(samples, splits, scheme, linkage_m)
        part = [compare(runs, tests, scheme, reference, m, settings) for m in models if m != reference]
        for key in ("delong_p", "boot_p"):
            for row, adjusted in zip(part, holm_finite([r[key] for r in part]), strict=True):
                row[f"{key}_holm"] = adjusted
        for row in part:
            row["p"] = float(np.max([row["delong_p_holm"], row["boot_p_holm"]]))  # NaN if either is
            row["verdict"] = verdict_of(row["difference"], row["p"], settings.alpha)
        rows += part
    return pd.DataFrame(rows)


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
