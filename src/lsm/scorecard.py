"""Evaluation across runs: intervals over seeds, paired tests, the oracle, whether time matters,
"where" and "when" AUCs, ROC curves, and the replication scorecard with a verdict per claim.

Every number here comes from the runs' predictions; the paper's numbers come only from
``paper/reported.yaml`` (through :mod:`lsm.reported`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from scipy import stats as sstats
from sklearn.metrics import roc_auc_score, roc_curve

from lsm.models import LABELS, SKLEARN_MODELS
from lsm.reported import load_reported_metrics
from lsm.sampling import TEMPORAL_MODELS, SampleSet
from lsm.splits import TEST
from lsm.stats import delong, holm, mean_interval, within_group_auc
from lsm.train import load_torch_run, predict_torch

log = logging.getLogger(__name__)

METRICS = ("accuracy", "precision", "recall", "f1", "auc", "kappa")
FPR_GRID = np.linspace(0, 1, 101)
TRADITIONAL = SKLEARN_MODELS


@dataclass
class Runs:
    """The run table plus access to each run's folder and predictions."""

    table: pd.DataFrame
    root: Path

    def folder(self, scheme: str, model: str, seed: int) -> Path:
        return self.root / scheme / model / f"seed{seed}"

    def predictions(self, scheme: str, model: str, seed: int) -> pd.DataFrame:
        return pd.read_csv(self.folder(scheme, model, seed) / "predictions.csv")

    def seeds(self, scheme: str, model: str) -> list[int]:
        t = self.table
        return sorted(t.loc[(t["scheme"] == scheme) & (t["model"] == model), "seed"].tolist())

    def mean_predictions(self, scheme: str, model: str) -> pd.DataFrame:
        """Probabilities averaged over seeds, per test sample (the samples are the same for all seeds)."""
        frames = [
            self.predictions(scheme, model, s).set_index("sample_id") for s in self.seeds(scheme, model)
        ]
        mean = pd.concat([f["probability"] for f in frames], axis=1).mean(axis=1)
        return pd.DataFrame({"probability": mean, "label": frames[0]["label"]}).reset_index()


# -- summaries -------------------------------------------------------------------------------------
def summarise_runs(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and 95 % interval over seeds of every metric, per scheme and model."""
    rows = []
    for (scheme, model), group in table.groupby(["scheme", "model"], sort=False):
        for metric in METRICS:
            mean, sd, lo, hi = mean_interval(group[metric])
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
                }
            )
    return pd.DataFrame(rows)


def compare_with_baselines(runs: Runs, reference: str = "cnn_lstm") -> pd.DataFrame:
    """DeLong's test of the reference against each baseline, per scheme, on seed-averaged
    predictions of the same test samples; Holm-corrected over the baselines of a scheme; plus the
    share of seeds in which the reference's AUC is higher."""
    t = runs.table
    rows = []
    for scheme in t["scheme"].unique():
        models = [m for m in t.loc[t["scheme"] == scheme, "model"].unique() if m != reference]
        if reference not in set(t.loc[t["scheme"] == scheme, "model"]) or not models:
            continue
        ref = runs.mean_predictions(scheme, reference).set_index("sample_id")
        ref_auc = t[(t["scheme"] == scheme) & (t["model"] == reference)].set_index("seed")["auc"]
        part = []
        for model in models:
            other = runs.mean_predictions(scheme, model).set_index("sample_id").loc[ref.index]
            auc_ref, auc_other, z, p = delong(ref["label"], ref["probability"], other["probability"])
            other_auc = t[(t["scheme"] == scheme) & (t["model"] == model)].set_index("seed")["auc"]
            common = ref_auc.index.intersection(other_auc.index)
            part.append(
                {
                    "scheme": scheme,
                    "reference": reference,
                    "baseline": model,
                    "auc_reference": auc_ref,
                    "auc_baseline": auc_other,
                    "difference": auc_ref - auc_other,
                    "z": z,
                    "p": p,
                    "seeds_won": int((ref_auc[common] > other_auc[common]).sum()),
                    "seeds": len(common),
                }
            )
        adjusted = holm([r["p"] for r in part])
        for row, p_adj in zip(part, adjusted, strict=True):
            row["p_holm"] = float(p_adj)
        rows += part
    return pd.DataFrame(rows)


def roc_bands(runs: Runs) -> pd.DataFrame:
    """Mean ROC curve over seeds with its range, on a fixed false-positive-rate grid."""
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        curves = []
        for seed in runs.seeds(scheme, model):
            pred = runs.predictions(scheme, model, seed)
            fpr, tpr, _ = roc_curve(pred["label"], pred["probability"])
            curves.append(np.interp(FPR_GRID, fpr, tpr))
        curves = np.array(curves)
        for i, x in enumerate(FPR_GRID):
            rows.append(
                {
                    "scheme": scheme,
                    "model": model,
                    "fpr": round(float(x), 4),
                    "tpr": float(curves[:, i].mean()),
                    "tpr_min": float(curves[:, i].min()),
                    "tpr_max": float(curves[:, i].max()),
                }
            )
    return pd.DataFrame(rows)


def confusion_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Confusion matrices summed over seeds, per scheme and model."""
    cols = ["cm_tn", "cm_fp", "cm_fn", "cm_tp"]
    return table.groupby(["scheme", "model"], sort=False)[cols].sum().reset_index()


# -- what the synthetic study knows ----------------------------------------------------------------
def oracle_probabilities(samples: SampleSet, study_dir: Path) -> pd.DataFrame | None:
    """The true probability that a failure happens, on the sample's day, within the inventory's
    position uncertainty of the sample (synthetic studies only: they know the truth).

    Mapped positions are off by ``position_error_m`` per axis, so the oracle looks at the cells
    within about two standard errors (a (2r+1)-square window) and gives the probability that at
    least one of them fails: 1 - prod(1 - p).
    """
    study_dir = Path(study_dir)
    if not (study_dir / "truth" / "physics.yaml").is_file() or not samples.summary.get("temporal"):
        return None
    from lsm.io import read_yaml
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


def oracle_metrics(oracle: pd.DataFrame, splits: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The oracle's AUC on each scheme's test samples, and every model's AUC as a share of it."""
    rows = []
    merged = oracle.merge(splits, on="sample_id")
    for scheme in table["scheme"].unique():
        test = merged[merged[scheme] == TEST]
        auc = float(roc_auc_score(test["label"], test["probability"]))
        for model, group in table[table["scheme"] == scheme].groupby("model", sort=False):
            mean = mean_interval(group["auc"])[0]
            rows.append(
                {
                    "scheme": scheme,
                    "model": model,
                    "auc": mean,
                    "oracle_auc": auc,
                    "share_of_oracle": mean / auc,
                }
            )
    return pd.DataFrame(rows)


# -- does time matter? -----------------------------------------------------------------------------
def shuffle_days(sequences: np.ndarray, seed: int) -> np.ndarray:
    """Every window's days in a random order (each sample its own permutation; features move together)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(sequences.shape[:2]), axis=1)
    return np.take_along_axis(sequences, order[..., None], axis=1)


def window_means(sequences: np.ndarray) -> np.ndarray:
    """Every day replaced by the window's mean: same totals, no timing."""
    return np.repeat(sequences.mean(axis=1, keepdims=True), sequences.shape[1], axis=1)


def time_ablation(runs: Runs, samples: SampleSet, splits: pd.DataFrame) -> pd.DataFrame:
    """Test AUC of the sequence models with the order of days destroyed, or the days averaged."""
    rows = []
    device = torch.device("cpu")
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        if model not in TEMPORAL_MODELS or samples.sequences is None:
            continue
        test = np.flatnonzero(splits[scheme].to_numpy() == TEST)
        labels = samples.table["label"].to_numpy()[test]
        patches, sequences = samples.patches[test], samples.sequences[test]
        for seed in runs.seeds(scheme, model):
            net, normaliser, _ = load_torch_run(runs.folder(scheme, model, seed), device)
            variants = {
                "original": sequences,
                "shuffled_days": shuffle_days(sequences, seed),
                "window_mean": window_means(sequences),
            }
            for variant, seq in variants.items():
                p = predict_torch(net, normaliser, patches, seq, device)
                rows.append(
                    {
                        "scheme": scheme,
                        "model": model,
                        "seed": seed,
                        "variant": variant,
                        "auc": roc_auc_score(labels, p),
                    }
                )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    original = frame[frame["variant"] == "original"].set_index(["scheme", "model", "seed"])["auc"]
    keys = list(zip(frame["scheme"], frame["model"], frame["seed"], strict=True))
    frame["drop"] = original.loc[keys].to_numpy() - frame["auc"].to_numpy()
    return frame


def summarise_ablation(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (scheme, model, variant), g in frame.groupby(["scheme", "model", "variant"], sort=False):
        auc = mean_interval(g["auc"])
        drop = mean_interval(g["drop"])
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "variant": variant,
                "auc": auc[0],
                "drop": drop[0],
                "drop_lo": drop[2],
                "drop_hi": drop[3],
            }
        )
    return pd.DataFrame(rows)


def where_when(runs: Runs, samples: SampleSet) -> pd.DataFrame:
    """AUC among samples at the same place on different days ("when") and among samples on the
    same day at different places ("where"), from seed-averaged predictions."""
    t = samples.table.set_index("sample_id")
    cell = (t["row"].astype(str) + "_" + t["col"].astype(str)).rename("cell")
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        pred = runs.mean_predictions(scheme, model).set_index("sample_id")
        when, when_pairs = within_group_auc(pred["label"], pred["probability"], cell.loc[pred.index])
        where, where_pairs = within_group_auc(pred["label"], pred["probability"], t.loc[pred.index, "date"])
        rows.append(
            {
                "scheme": scheme,
                "model": model,
                "when_auc_same_place": when,
                "when_pairs": when_pairs,
                "where_auc_same_day": where,
                "where_pairs": where_pairs,
            }
        )
    return pd.DataFrame(rows)


# -- the claims ------------------------------------------------------------------------------------
HOLDS, FAILS, UNTESTABLE = "holds", "does not hold", "cannot be tested on this study"


def _auc(summary: pd.DataFrame, scheme: str, model: str) -> tuple[float, float, float] | None:
    row = summary[(summary["scheme"] == scheme) & (summary["model"] == model) & (summary["metric"] == "auc")]
    if row.empty:
        return None
    r = row.iloc[0]
    return float(r["mean"]), float(r["lo"]), float(r["hi"])


def judge_claims(
    summary: pd.DataFrame,
    comparisons: pd.DataFrame,
    high_zone: pd.DataFrame | None,
    scheme: str,
    alpha: float = 0.05,
    gain_needed: float = 0.04,
) -> list[dict[str, str]]:
    """A verdict and one line of evidence per claim, from our numbers only.

    C1 holds if the CNN-LSTM's mean AUC is above every baseline's and DeLong's test (Holm) says so
    at level alpha. C2 holds if its gain over the best traditional model is at least
    ``gain_needed`` (two thirds of the paper's 6 points). C3 holds if it beats both branches alone
    (as C1). C4 holds if the test samples in its high class have steeper slopes, more rain in 30
    days and larger reservoir swings than the others (one-sided Mann-Whitney, each at alpha).
    """
    out = []
    ref = _auc(summary, scheme, "cnn_lstm")
    comp = (
        comparisons[comparisons["scheme"] == scheme].set_index("baseline") if not comparisons.empty else None
    )

    def beats(models: list[str]) -> tuple[str, str]:
        present = [m for m in models if comp is not None and m in comp.index]
        if ref is None or not present:
            return UNTESTABLE, "the CNN-LSTM or the baselines were not trained under this scheme"
        lost = [m for m in present if not (comp.loc[m, "difference"] > 0 and comp.loc[m, "p_holm"] < alpha)]
        best = max(present, key=lambda m: comp.loc[m, "auc_baseline"])
        text = (
            f"CNN-LSTM AUC {ref[0]:.3f} [{ref[1]:.3f}, {ref[2]:.3f}]; best of them {LABELS[best]} "
            f"{_auc(summary, scheme, best)[0]:.3f}; "
            + (
                "significantly higher than all (DeLong, Holm p < 0.05)"
                if not lost
                else "not significantly higher than " + ", ".join(LABELS[m] for m in lost)
            )
        )
        return (HOLDS if not lost else FAILS), text

    verdict, text = beats([m for m in ("svm", "dt", "rf", "mlp", "cnn", "lstm")])
    out.append({"claim": "C1", "verdict": verdict, "evidence": text})

    traditional = [(m, _auc(summary, scheme, m)) for m in TRADITIONAL]
    traditional = [(m, a) for m, a in traditional if a is not None]
    if ref is None or not traditional:
        out.append({"claim": "C2", "verdict": UNTESTABLE, "evidence": "no CNN-LSTM or no traditional model"})
    else:
        best, best_auc = max(traditional, key=lambda ma: ma[1][0])
        gain = ref[0] - best_auc[0]
        verdict = HOLDS if gain >= gain_needed else FAILS
        text = (
            f"gain over the best traditional model ({LABELS[best]}, AUC {best_auc[0]:.3f}) is "
            f"{100 * gain:+.1f} AUC points (paper: +6 over RF; needed: {100 * gain_needed:+.0f})"
        )
        out.append({"claim": "C2", "verdict": verdict, "evidence": text})

    verdict, text = beats(["cnn", "lstm"])
    out.append({"claim": "C3", "verdict": verdict, "evidence": text.replace("best of them", "better branch")})

    if high_zone is None or high_zone.empty:
        out.append({"claim": "C4", "verdict": UNTESTABLE, "evidence": "no CNN-LSTM predictions with series"})
    else:
        parts, ok = [], True
        for factor, row in high_zone.set_index("factor").iterrows():
            ok &= bool(row["p"] < alpha and row["median_high"] > row["median_rest"])
            parts.append(f"{factor} {row['median_high']:.3g} vs {row['median_rest']:.3g} (p={row['p']:.2g})")
        out.append(
            {
                "claim": "C4",
                "verdict": HOLDS if ok else FAILS,
                "evidence": "high-class test samples vs the rest, medians: " + "; ".join(parts),
            }
        )
    return out


def high_zone_contrast(
    runs: Runs, samples: SampleSet, scheme: str, high_share: float = 0.247
) -> pd.DataFrame:
    """Slope, 30-day rain and reservoir swing of the test samples in the CNN-LSTM's high class (the
    top ``high_share`` of its seed-averaged probabilities, the paper's high-class share) against
    the other test samples (one-sided Mann-Whitney U)."""
    if (
        "cnn_lstm" not in set(runs.table.loc[runs.table["scheme"] == scheme, "model"])
        or samples.sequences is None
    ):
        return pd.DataFrame()
    pred = runs.mean_predictions(scheme, "cnn_lstm").set_index("sample_id")
    index = samples.table.reset_index(drop=True).set_index("sample_id").index.get_indexer(pred.index)
    names = samples.tabular_names
    factors = {"slope_deg": samples.tabular[index, names.index("slope")]}
    factors["rain_30d_mm"] = samples.sequences[index, :, samples.sequence_names.index("rain_mm")].sum(axis=1)
    if "level_m" in samples.sequence_names:
        level = samples.sequences[index, :, samples.sequence_names.index("level_m")]
        factors["reservoir_swing_m"] = level.max(axis=1) - level.min(axis=1)
    high = pred["probability"].to_numpy() >= np.quantile(pred["probability"], 1 - high_share)
    rows = []
    for name, values in factors.items():
        test = sstats.mannwhitneyu(values[high], values[~high], alternative="greater")
        rows.append(
            {
                "factor": name,
                "median_high": float(np.median(values[high])),
                "median_rest": float(np.median(values[~high])),
                "p": float(test.pvalue),
            }
        )
    return pd.DataFrame(rows)


# -- the scorecard ---------------------------------------------------------------------------------
def performance_table(summary: pd.DataFrame, reported_yaml: Path, schemes: list[str]) -> pd.DataFrame:
    """Per model and metric: the paper's value (labelled) and ours, mean [95 % interval], per scheme."""
    reported = load_reported_metrics(reported_yaml).set_index(["model", "metric"])
    rows = []
    for model in [m for m in LABELS if m in set(summary["model"])]:
        for metric in ("accuracy", "precision", "recall", "f1", "auc"):
            row: dict[str, Any] = {"model": LABELS[model], "metric": metric}
            if (model, metric) in reported.index:
                r = reported.loc[(model, metric)]
                flag = {"stated": "", "read_off_figure": " (fig.)", "cited": " (cited)"}[r["source"]]
                row["paper"] = f"{'~' if r['approximate'] else ''}{r['value']:.3f}{flag}"
            for scheme in schemes:
                s = summary[
                    (summary["scheme"] == scheme)
                    & (summary["model"] == model)
                    & (summary["metric"] == metric)
                ]
                if not s.empty:
                    s = s.iloc[0]
                    row[f"ours_{scheme}"] = f"{s['mean']:.3f} [{s['lo']:.3f}, {s['hi']:.3f}]"
            rows.append(row)
    return pd.DataFrame(rows)


def claims_table(claims_by_scheme: dict[str, list[dict[str, str]]], reported_yaml: Path) -> pd.DataFrame:
    from lsm.io import read_yaml

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


def dvc_summary(summary: pd.DataFrame, oracle: pd.DataFrame | None, claims: dict[str, list[dict]]) -> dict:
    """Small, stable metrics for `dvc metrics show/diff`: mean test AUC per scheme and model."""
    out: dict[str, Any] = {}
    for (scheme, model), g in summary[summary["metric"] == "auc"].groupby(["scheme", "model"], sort=False):
        out.setdefault(scheme, {})[model] = {"auc": round(float(g["mean"].iloc[0]), 4)}
    if oracle is not None and not oracle.empty:
        for scheme, g in oracle.groupby("scheme"):
            out.setdefault(scheme, {})["oracle"] = {"auc": round(float(g["oracle_auc"].iloc[0]), 4)}
    out["claims"] = {scheme: {c["claim"]: c["verdict"] for c in cl} for scheme, cl in claims.items()}
    return out


def write_json(path: Path, data: Any) -> None:
    from lsm.io import write_text

    write_text(path, json.dumps(data, indent=2) + "\n")


def evaluate_all(
    runs_csv: Path,
    samples: SampleSet,
    splits: pd.DataFrame,
    study_dir: Path,
    reported_yaml: Path,
    out: dict[str, Path],
) -> dict[str, Any]:
    """Everything of the evaluation, written to the paths in ``out`` (see the `evaluate` rule)."""
    from lsm.io import write_text

    table = pd.read_csv(runs_csv)
    runs = Runs(table, Path(runs_csv).parents[1] / "runs")
    schemes = list(dict.fromkeys(table["scheme"]))
    summary = summarise_runs(table)
    comparisons = compare_with_baselines(runs)
    oracle_p = oracle_probabilities(samples, study_dir)
    oracle = oracle_metrics(oracle_p, splits, table) if oracle_p is not None else pd.DataFrame()
    log.info("time ablation of the sequence models")
    ablation = time_ablation(runs, samples, splits)
    claims = {}
    contrasts = []
    for scheme in schemes:
        contrast = high_zone_contrast(runs, samples, scheme)
        if not contrast.empty:
            contrasts.append(contrast.assign(scheme=scheme))
        claims[scheme] = judge_claims(summary, comparisons, contrast, scheme)
    csv = {
        "summary": summary,
        "comparisons": comparisons,
        "oracle": oracle,
        "ablation": summarise_ablation(ablation) if not ablation.empty else ablation,
        "where_when": where_when(runs, samples),
        "roc": roc_bands(runs),
        "confusion": confusion_totals(table),
        "high_zone": pd.concat(contrasts, ignore_index=True) if contrasts else pd.DataFrame(),
        "performance": performance_table(summary, reported_yaml, schemes),
        "claims": claims_table(claims, reported_yaml),
    }
    for name, frame in csv.items():
        write_text(out[name], frame.to_csv(index=False, float_format="%.6g"))
    # The first scheme's mean ROC curves side by side (one column per model), for `dvc plots`.
    roc = csv["roc"][csv["roc"]["scheme"] == schemes[0]]
    wide = roc.pivot_table(index="fpr", columns="model", values="tpr").reset_index()
    write_text(out["roc_wide"], wide.to_csv(index=False, float_format="%.6g"))
    ref = "cnn_lstm" if "cnn_lstm" in set(table["model"]) else table["model"].iloc[0]
    pred = runs.mean_predictions(schemes[0], ref)
    write_text(
        out["confusion_samples"],
        pd.DataFrame({"actual": pred["label"], "predicted": (pred["probability"] >= 0.5).astype(int)}).to_csv(
            index=False
        ),
    )
    metrics = dvc_summary(summary, oracle, claims)
    write_json(out["metrics"], metrics)
    return metrics
