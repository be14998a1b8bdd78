"""Evaluation across runs and the replication scorecard: intervals over seeds, the tests behind every
verdict, the physics reference and static ceiling, whether the order of days matters, "where" and
"when" AUCs, the authors' absences, and a verdict per claim.

One quantity throughout: a model's AUC under a scheme is the mean over seeds of its per-seed test
AUCs. Tables report it with its interval over seeds; every comparison tests the difference of that
same quantity, with DeLong's test on seed-averaged placement values and, beside it, a bootstrap that
resamples spatial clusters of test samples (landslides cluster, so samples are not independent).
Verdicts: *supported* (the paper's direction, significant), *not significant*, *contradicted*
(significantly the other way), or *cannot be tested* (with the reason). The paper's numbers come
only from ``paper/reported.yaml`` (:mod:`lsm.evaluate.reported`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from lsm.data.forcing import SERIES_CHANNELS
from lsm.data.io import write_json, write_text
from lsm.data.sampling import SampleSet
from lsm.data.splits import TEST, TRAIN
from lsm.evaluate.reported import load_reported_metrics
from lsm.evaluate.stats import (
    CONTRADICTED,
    NOT_SIGNIFICANT,
    SUPPORTED,
    UNTESTABLE,
    BootstrapResult,
    cluster_bootstrap,
    delong_seed_mean,
    holm,
    mean_interval,
    spatial_blocks,
    within_group_auc,
)
from lsm.learn.models import LABELS
from lsm.plan import SKLEARN_MODELS, TEMPORAL_MODELS

log = logging.getLogger(__name__)

METRICS = ("accuracy", "precision", "recall", "f1", "auc", "kappa")
BOUNDS = {"kappa": (-1.0, 1.0)}  # every other metric lies in [0, 1]
FEW_SEEDS = 3  # below this many seeds an interval over seeds says little: flagged
FPR_GRID = np.linspace(0, 1, 101)
REFERENCE = "cnn_lstm"
CLAIM_BASELINES = {"C1": ("svm", "dt", "rf", "mlp", "cnn", "lstm"), "C3": ("cnn", "lstm")}


@dataclass(frozen=True)
class EvaluationSettings:
    """How claims are judged (params.yaml ``evaluation:``)."""

    alpha: float = 0.05
    bootstrap: int = 2000
    gain_needed: float = 0.04  # C2: two thirds of the paper's 6 AUC points
    reservoir_reach_m: float = 600.0  # C4: how far from the shore a drawdown acts
    seed: int = 13

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> EvaluationSettings:
        return cls(**{k: v for k, v in block.items() if k in cls.__dataclass_fields__})


@dataclass
class Runs:
    """The run table plus access to each run's folder and predictions."""

    table: pd.DataFrame
    root: Path

    def folder(self, scheme: str, model: str, seed: int) -> Path:
        return self.root / scheme / model / f"seed{seed}"

    def predictions(self, scheme: str, model: str, seed: int, name: str = "predictions.csv") -> pd.DataFrame:
        return pd.read_csv(self.folder(scheme, model, seed) / name)

    def models(self, scheme: str) -> list[str]:
        return list(dict.fromkeys(self.table.loc[self.table["scheme"] == scheme, "model"]))

    def seeds(self, scheme: str, model: str) -> list[int]:
        t = self.table
        return sorted(t.loc[(t["scheme"] == scheme) & (t["model"] == model), "seed"].tolist())

    def seed_matrix(self, scheme: str, model: str, sample_ids: pd.Index) -> np.ndarray:
        """(seeds, samples) probabilities of the model's seeds, in the order of ``sample_ids``."""
        rows = []
        for seed in self.seeds(scheme, model):
            frame = self.predictions(scheme, model, seed).set_index("sample_id")
            rows.append(frame.loc[sample_ids, "probability"].to_numpy(dtype="float64"))
        return np.vstack(rows)

    def mean_predictions(self, scheme: str, model: str) -> pd.DataFrame:
        """Probabilities averaged over seeds, per test sample (the samples are the same for all seeds)."""
        frames = [
            self.predictions(scheme, model, s).set_index("sample_id") for s in self.seeds(scheme, model)
        ]
        mean = pd.concat([f["probability"] for f in frames], axis=1).mean(axis=1)
        return pd.DataFrame({"probability": mean, "label": frames[0]["label"]}).reset_index()


# -- summaries -------------------------------------------------------------------------------------
def interval_flag(seeds: int, sd: float) -> str:
    """Why an interval over seeds needs a word of caution, or ''."""
    if seeds < FEW_SEEDS:
        return f"only {seeds} seed(s): the interval says little"
    if sd == 0:
        return (
            "the same in every seed: the fit is deterministic given the data (an SVM's seed moves only "
            "its calibration, which keeps the ranking; a tree's only breaks ties), so seeds show no spread"
        )
    return ""


def summarise_runs(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and 95 % interval over seeds (clipped to the metric's range) of
    every metric, per scheme and model, with a flag where the interval needs one."""
    rows = []
    for (scheme, model), group in table.groupby(["scheme", "model"], sort=False):
        for metric in METRICS:
            mean, sd, lo, hi = mean_interval(group[metric], bounds=BOUNDS.get(metric, (0.0, 1.0)))
            rows.append(
                {
                    "scheme": scheme,
                    "model": model,
                    "metric": metric,
                    "mean": mean,
                    "sd": sd,
                    "lo": lo,
                    "hi": hi,
                    "seeds": len(group),
                    "flag": interval_flag(len(group), sd),
                }
            )
    return pd.DataFrame(rows)


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
    reference: str = REFERENCE,
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
    from lsm.evaluate.stats import verdict

    return verdict(difference, p, alpha)


# -- what the synthetic study knows ----------------------------------------------------------------
def oracle_probabilities(samples: SampleSet, study_dir: Path) -> pd.DataFrame | None:
    """The physics reference: the true probability that a failure happens, on the sample's day,
    within the inventory's position uncertainty of the sample (generated studies only).

    Mapped positions are off by ``position_error_m`` per axis, so the reference looks at the cells
    within about two standard errors and gives the probability that at least one of them fails. It
    ignores the campaign's detection bias (which decides what is mapped), so it is a reference, not a
    ceiling: a model that learns where campaigns look can beat it.
    """
    study_dir = Path(study_dir)
    if not (study_dir / "truth" / "physics.yaml").is_file() or not samples.summary.get("temporal"):
        return None
    from lsm.data.io import read_yaml
    from lsm.synthetic.truth import failure_probability

    generator = read_yaml(study_dir / "study.yaml")["generator"]["parameters"]
    cell = float(generator["cell_size_m"])
    radius = max(1, int(np.ceil(2 * float(generator["position_error_m"]) / cell)))
    t = samples.table
    x, y = t.geometry.x.to_numpy(), t.geometry.y.to_numpy()
    offsets = [(dx, dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)]
    p = failure_probability(
        study_dir,
        np.concatenate([x + dx * cell for dx, _ in offsets]),
        np.concatenate([y + dy * cell for _, dy in offsets]),
        pd.concat([t["date"]] * len(offsets), ignore_index=True),
    ).reshape(len(offsets), -1)
    within = 1.0 - np.prod(1.0 - p, axis=0)
    return pd.DataFrame({"sample_id": t["sample_id"], "probability": within, "label": t["label"]})


def static_ceiling_probabilities(samples: SampleSet, study_dir: Path) -> pd.DataFrame | None:
    """The truth's yearly failure probability at each sample's cell: the best any model that sees
    only *where* (not *when*) could rank the samples (generated studies only)."""
    path = Path(study_dir) / "truth" / "susceptibility.tif"
    if not path.is_file():
        return None
    import rasterio

    t = samples.table
    with rasterio.open(path) as src:
        values = np.array([v[0] for v in src.sample(zip(t.geometry.x, t.geometry.y, strict=True))])
    return pd.DataFrame({"sample_id": t["sample_id"], "probability": values, "label": t["label"]})


def reference_metrics(
    references: dict[str, pd.DataFrame | None], splits: pd.DataFrame, summary: pd.DataFrame
) -> pd.DataFrame:
    """Per scheme: the AUC of the physics reference and of the static ceiling on the test samples,
    and every model's mean AUC beside them."""
    rows = []
    aucs = summary[summary["metric"] == "auc"]
    for scheme in dict.fromkeys(aucs["scheme"]):
        test_ids = set(splits.loc[splits[scheme] == TEST, "sample_id"])
        row: dict[str, Any] = {"scheme": scheme}
        for name, frame in references.items():
            if frame is not None:
                test = frame[frame["sample_id"].isin(test_ids)]
                row[f"{name}_auc"] = float(roc_auc_score(test["label"], test["probability"]))
        for model_row in aucs[aucs["scheme"] == scheme].itertuples():
            rows.append({**row, "model": model_row.model, "auc": model_row.mean})
    frame = pd.DataFrame(rows)
    if "physics_reference_auc" in frame:
        frame["share_of_reference"] = frame["auc"] / frame["physics_reference_auc"]
    return frame


# -- does the order of days matter? -------------------------------------------------------------------


def shuffle_series(sequences: np.ndarray, names: list[str], series: str, seed: int) -> np.ndarray:
    """Every window's days of one series in a random order, its day-to-day change recomputed from
    the shuffled values (the day before the window kept), every other channel untouched: windows
    that could occur, with the same total and another timing."""
    value, change = (names.index(c) for c in SERIES_CHANNELS[series])
    out = sequences.copy()
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(sequences.shape[:2]), axis=1)
    shuffled = np.take_along_axis(sequences[:, :, value], order, axis=1)
    before = sequences[:, 0, value] - sequences[:, 0, change]  # the day before the window
    out[:, :, value] = shuffled
    out[:, :, change] = np.diff(np.concatenate([before[:, None], shuffled], axis=1), axis=1)
    return out


def time_ablation(runs: Runs, samples: SampleSet, splits: pd.DataFrame) -> pd.DataFrame:
    """Test AUC of the sequence models with the days of one series shuffled (changes recomputed)."""
    import torch

    from lsm.learn.train_torch import load_torch_run, predict_torch

    rows = []
    device = torch.device("cpu")
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        if model not in TEMPORAL_MODELS or samples.sequences is None:
            continue
        test = np.flatnonzero(splits[scheme].to_numpy() == TEST)
        labels = samples.table["label"].to_numpy()[test]
        patches, sequences = samples.patches[test], samples.sequences[test]
        present = [s for s, (c, _) in SERIES_CHANNELS.items() if c in samples.sequence_names]
        for seed in runs.seeds(scheme, model):
            net, normaliser, _ = load_torch_run(runs.folder(scheme, model, seed), device)
            base = roc_auc_score(labels, predict_torch(net, normaliser, patches, sequences, device))
            for series in present:
                shuffled = shuffle_series(sequences, samples.sequence_names, series, seed)
                auc = roc_auc_score(labels, predict_torch(net, normaliser, patches, shuffled, device))
                rows.append(
                    {
                        "scheme": scheme,
                        "model": model,
                        "seed": seed,
                        "variant": f"shuffled_{series}_days",
                        "auc": auc,
                        "drop": base - auc,
                    }
                )
    return pd.DataFrame(rows)


def summarise_ablation(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    if frame.empty:
        return pd.DataFrame(
            columns=["scheme", "model", "variant", "auc", "drop", "drop_lo", "drop_hi", "seeds"]
        )
    for (scheme, model, variant), g in frame.groupby(["scheme", "model", "variant"], sort=False):
        drop = mean_interval(g["drop"])
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "variant": variant,
                "auc": mean_interval(g["auc"])[0],
                "drop": drop[0],
                "drop_lo": drop[2],
                "drop_hi": drop[3],
                "seeds": len(g),
            }
        )
    return pd.DataFrame(rows)


def retrained_ablation(
    runs: Runs,
    variants: pd.DataFrame,
    samples: SampleSet,
    splits: pd.DataFrame,
    linkage_m: float,
    settings: EvaluationSettings,
) -> pd.DataFrame:
    """The CNN-LSTM against its retrained variants that see one series only as window totals:
    the AUC it loses without the timing of that series, per seed (interval over seeds) and tested
    like every comparison (seed-mean DeLong, cluster bootstrap)."""
    from lsm.plan import ABLATION_VARIANTS

    rows: list[dict[str, Any]] = []
    if variants.empty:
        return pd.DataFrame(rows)
    both = Runs(pd.concat([runs.table, variants], ignore_index=True), runs.root)
    for (scheme, variant), g in variants.groupby(["scheme", "model"], sort=False):
        ref = runs.table[(runs.table["scheme"] == scheme) & (runs.table["model"] == REFERENCE)]
        if ref.empty:
            continue
        paired = ref.set_index("seed")["auc"] - g.set_index("seed")["auc"]
        drop = mean_interval(paired.dropna())
        tested = compare(
            both, held_out(samples, splits, scheme, linkage_m), scheme, REFERENCE, variant, settings
        )
        rows.append(
            {
                "scheme": scheme,
                "model": REFERENCE,
                "variant": f"retrained_{ABLATION_VARIANTS[variant]}_totals_only",
                "auc": float(g["auc"].mean()),
                "drop": drop[0],
                "drop_lo": drop[2],
                "drop_hi": drop[3],
                "seeds": int(paired.notna().sum()),
                "boot_low": tested["boot_low"],
                "boot_high": tested["boot_high"],
                "p": max(tested["delong_p"], tested["boot_p"]),
            }
        )
    return pd.DataFrame(rows)


def where_when(runs: Runs, samples: SampleSet) -> pd.DataFrame:
    """AUC among samples at the same place on different days ("when") and among samples on the
    same day at different places ("where"), per seed and averaged over seeds (as every AUC here)."""
    t = samples.table.set_index("sample_id")
    cell = (t["row"].astype(str) + "_" + t["col"].astype(str)).rename("cell")
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        when, where = [], []
        for seed in runs.seeds(scheme, model):
            pred = runs.predictions(scheme, model, seed).set_index("sample_id")
            when.append(within_group_auc(pred["label"], pred["probability"], cell.loc[pred.index]))
            where.append(within_group_auc(pred["label"], pred["probability"], t.loc[pred.index, "date"]))
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "when_auc_same_place": float(np.mean([w[0] for w in when])),
                "when_pairs": when[0][1],
                "where_auc_same_day": float(np.mean([w[0] for w in where])),
                "where_pairs": where[0][1],
            }
        )
    return pd.DataFrame(rows)


# -- the authors' absences: an independent negative set ----------------------------------------------
def absence_split(samples: SampleSet, splits: pd.DataFrame, scheme: str) -> np.ndarray:
    """Which absences count as test negatives under ``scheme``: all under ``random`` (no model saw
    them), under ``spatial`` those whose nearest sample is a test sample (they lie in the held-out
    region), none under ``temporal`` (they have no date)."""
    from scipy.spatial import cKDTree

    absences = samples.absences
    if absences is None or scheme == "temporal":
        return np.zeros(0 if absences is None else len(absences.table), dtype=bool)
    if scheme == "random":
        return np.ones(len(absences.table), dtype=bool)
    t = samples.table
    xy = np.column_stack([t.geometry.x, t.geometry.y])
    nearest = cKDTree(xy).query(absences.table[["x", "y"]].to_numpy())[1]
    return splits[scheme].to_numpy()[nearest] == TEST


def absence_metrics(runs: Runs, samples: SampleSet, splits: pd.DataFrame) -> pd.DataFrame:
    """AUC of every run with its test landslides against the authors' absences (not our negatives)."""
    if samples.absences is None:
        return pd.DataFrame(columns=["scheme", "model", "seed", "auc_absences", "positives", "absences"])
    rows = []
    positives = samples.table.set_index("sample_id")["label"]
    for (scheme, model, seed), _ in runs.table.groupby(["scheme", "model", "seed"], sort=False):
        use = absence_split(samples, splits, scheme)
        scored = runs.predictions(scheme, model, seed, "absences.csv")
        if not use.any() or scored.empty:
            continue
        test = runs.predictions(scheme, model, seed)
        pos = test[positives.loc[test["sample_id"]].to_numpy() == 1]["probability"].to_numpy()
        neg = scored["probability"].to_numpy()[use]
        labels = np.r_[np.ones(pos.size), np.zeros(neg.size)]
        auc = roc_auc_score(labels, np.r_[pos, neg])
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "seed": seed,
                "auc_absences": auc,
                "positives": pos.size,
                "absences": neg.size,
            }
        )
    return pd.DataFrame(rows)


def roc_bands(runs: Runs) -> pd.DataFrame:
    """Mean ROC curve over seeds with its range, on a fixed false-positive-rate grid."""
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        per_seed = []
        for seed in runs.seeds(scheme, model):
            pred = runs.predictions(scheme, model, seed)
            fpr, tpr, _ = roc_curve(pred["label"], pred["probability"])
            per_seed.append(np.interp(FPR_GRID, fpr, tpr))
        curves = np.array(per_seed)
        rows += [
            {
                "scheme": scheme,
                "model": model,
                "fpr": round(float(x), 4),
                "tpr": float(curves[:, i].mean()),
                "tpr_min": float(curves[:, i].min()),
                "tpr_max": float(curves[:, i].max()),
            }
            for i, x in enumerate(FPR_GRID)
        ]
    return pd.DataFrame(rows)


def confusion_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Confusion matrices summed over seeds, per scheme and model."""
    cols = ["cm_tn", "cm_fp", "cm_fn", "cm_tp"]
    return table.groupby(["scheme", "model"], sort=False)[cols].sum().reset_index()


def patch_proximity(samples: SampleSet, splits: pd.DataFrame, patch_m: float) -> pd.DataFrame:
    """Per scheme: how near test landslides sit to training landslides (median distance, and the
    share whose patch overlaps a training landslide's patch). Under ``random`` (the paper's
    protocol) most do: said, and measured."""
    from scipy.spatial import cKDTree

    t = samples.table
    xy = np.column_stack([t.geometry.x, t.geometry.y])
    positive = t["label"].to_numpy() == 1
    rows = []
    for scheme in [s for s in ("random", "spatial", "temporal") if s in splits]:
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


# -- the claims ------------------------------------------------------------------------------------
def _auc_text(summary: pd.DataFrame, scheme: str, model: str) -> str:
    row = summary[(summary["scheme"] == scheme) & (summary["model"] == model) & (summary["metric"] == "auc")]
    if row.empty:
        return "n/a"
    r = row.iloc[0]
    return f"{r['mean']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]"


def _direction(row: pd.Series) -> str:
    sign = "higher" if row["difference"] > 0 else "lower"
    return (
        f"{LABELS.get(row['baseline'], row['baseline'])} {100 * row['difference']:+.1f} pts ({sign}; "
        f"bootstrap [{100 * row['boot_low']:+.1f}, {100 * row['boot_high']:+.1f}], p={row['p']:.2g})"
    )


def combine(verdicts: list[str]) -> str:
    """One verdict of several comparisons that must all hold: contradicted if any is, supported if
    all are, not significant otherwise."""
    if not verdicts or UNTESTABLE in verdicts:
        return UNTESTABLE
    if CONTRADICTED in verdicts:
        return CONTRADICTED
    return SUPPORTED if all(v == SUPPORTED for v in verdicts) else NOT_SIGNIFICANT


def judge_beats(
    summary: pd.DataFrame, comparisons: pd.DataFrame, scheme: str, baselines: tuple[str, ...], missing: str
) -> tuple[str, str]:
    """C1 and C3: the CNN-LSTM's seed-mean AUC against each listed baseline of the scheme."""
    part = comparisons[(comparisons["scheme"] == scheme)] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(baselines)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing
    verdict = combine(list(part["verdict"]))
    absent = [LABELS[b] for b in baselines if b not in set(part["baseline"])]
    text = f"CNN-LSTM AUC {_auc_text(summary, scheme, REFERENCE)} (mean and 95 % interval over seeds); "
    text += "; ".join(_direction(row) for _, row in part.iterrows())
    if absent:
        text += f"; not trained here: {', '.join(absent)}"
    return verdict, text


def judge_gain(
    summary: pd.DataFrame, comparisons: pd.DataFrame, scheme: str, gain_needed: float, missing: str
) -> tuple[str, str]:
    """C2: the gain over the best traditional model (by seed-mean AUC) is about the paper's 6 points:
    supported if its interval lies at or above ``gain_needed``, contradicted if it lies below (a gain
    that large is ruled out), not significant if the interval straddles it."""
    part = comparisons[comparisons["scheme"] == scheme] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(SKLEARN_MODELS)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing
    best = part.sort_values("auc_baseline", ascending=False).iloc[0]
    if best["boot_low"] >= gain_needed:
        verdict = SUPPORTED
    elif best["boot_high"] < gain_needed:
        verdict = CONTRADICTED
    else:
        verdict = NOT_SIGNIFICANT
    text = (
        f"gain over the best traditional model ({LABELS[best['baseline']]}, AUC "
        f"{_auc_text(summary, scheme, best['baseline'])}): {100 * best['difference']:+.1f} AUC points, "
        f"bootstrap interval [{100 * best['boot_low']:+.1f}, {100 * best['boot_high']:+.1f}] "
        f"(paper: +6 over RF; judged against {100 * gain_needed:+.0f})"
    )
    return verdict, text


def _constant(row: Any) -> bool:
    """Whether a contrast row's quantity is the same on every pixel (older tables lack the column)."""
    value = getattr(row, "constant", False)
    return bool(value) if isinstance(value, bool | np.bool_) else False


def judge_map(contrasts: pd.DataFrame | None, scheme: str, map_scheme: str, missing: str) -> tuple[str, str]:
    """C4 on the CNN-LSTM's map: every quantity higher in the high class than in the rest."""
    if contrasts is None or contrasts.empty:
        return UNTESTABLE, missing
    if scheme != map_scheme:
        return UNTESTABLE, f"the maps are made from the {map_scheme} runs (mapping.scheme); see that column"
    model = contrasts[contrasts["source"] == "model"]
    verdicts = []
    for row in model.itertuples():
        if _constant(row):
            verdicts.append(UNTESTABLE)
        elif row.low > 0:
            verdicts.append(SUPPORTED)
        elif row.high < 0:
            verdicts.append(CONTRADICTED)
        else:
            verdicts.append(NOT_SIGNIFICANT)
    parts = []
    truth = contrasts[contrasts["source"] == "truth"].set_index("quantity")
    for row in model.itertuples():
        if _constant(row):
            parts.append(
                f"{row.quantity}: the same on every pixel of the map (one rain gauge or cell), "
                "so it cannot be tested"
            )
            continue
        text = (
            f"{row.quantity}: {row.mean_high:.3g} vs {row.mean_rest:.3g} ([{row.low:+.3g}, {row.high:+.3g}])"
        )
        if row.quantity in truth.index:
            t = truth.loc[row.quantity]
            text += f", truth's high zone {t['mean_high']:.3g} vs {t['mean_rest']:.3g}"
        parts.append(text)
    return combine(verdicts), "map high class vs the rest, means (block-bootstrap interval): " + "; ".join(
        parts
    )


def judge_claims(
    summary: pd.DataFrame,
    comparisons: pd.DataFrame,
    contrasts: pd.DataFrame | None,
    scheme: str,
    settings: EvaluationSettings,
    map_scheme: str = "random",
    skipped: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """A verdict and one line of evidence per claim, from our numbers only; a claim that cannot be
    tested says why (from the run plan's skip reasons where a model was not trained)."""
    skipped = dict(skipped or {})
    missing = (
        f"no CNN-LSTM is trained on this study ({skipped[REFERENCE]})"
        if REFERENCE in skipped
        else "the CNN-LSTM is not trained under this scheme"
    )
    c1 = judge_beats(summary, comparisons, scheme, CLAIM_BASELINES["C1"], missing)
    c2 = judge_gain(summary, comparisons, scheme, settings.gain_needed, missing)
    c3 = judge_beats(summary, comparisons, scheme, CLAIM_BASELINES["C3"], missing)
    c4 = judge_map(contrasts, scheme, map_scheme, skipped.get("maps", missing))
    return [
        {"claim": claim, "verdict": verdict, "evidence": evidence}
        for claim, (verdict, evidence) in zip(("C1", "C2", "C3", "C4"), (c1, c2, c3, c4), strict=True)
    ]


# -- the scorecard ---------------------------------------------------------------------------------
PAPER_COLUMN = "Teng et al. 2026 (Kerman)"


def performance_table(
    summary: pd.DataFrame,
    reported_yaml: Path,
    schemes: list[str],
    study: str,
    absences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per model and metric: the paper's value on Kerman (labelled) and ours on this study, mean
    [95 % interval] over seeds, per scheme; a note where an interval needs one."""
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
        rows += _absence_rows(absences, model, schemes, study)
    return pd.DataFrame(rows)


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
    from lsm.data.io import read_yaml

    wording = read_yaml(reported_yaml)["claims"]
    rows = []
    for claim, text in wording.items():
        row = {"claim": claim, "as_stated_by_the_paper": text}
        for scheme, claims in claims_by_scheme.items():
            c = next(c for c in claims if c["claim"] == claim)
            row[f"verdict_{scheme}"] = c["verdict"]
            row[f"evidence_{scheme}"] = c["evidence"]
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
    contrasts: pd.DataFrame | None = None
    map_scheme: str = "random"
    skipped: dict[str, str] = field(default_factory=dict)
    study: str = ""
    ablation_runs: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs_root: Path | None = None  # where the run folders are (default: results/<study>/runs)


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
    log.info("comparisons: seed-mean DeLong and the cluster bootstrap")
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
    csv = {
        "summary": summary,
        "comparisons": comparisons,
        "references": references,
        "ablation": ablation,
        "where_when": where_when(runs, samples),
        "roc": roc_bands(runs),
        "confusion": confusion_totals(table),
        "absences": absences,
        "proximity": patch_proximity(samples, splits, inputs.patch_m),
        "performance": performance_table(summary, inputs.reported_yaml, schemes, inputs.study, absences),
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
    ref = REFERENCE if REFERENCE in set(table["model"]) else table["model"].iloc[0]
    pred = runs.mean_predictions(schemes[0], ref)
    frame = pd.DataFrame({"actual": pred["label"], "predicted": (pred["probability"] >= 0.5).astype(int)})
    write_text(out["confusion_samples"], frame.to_csv(index=False))
