"""The verdict on each claim of the paper (C1-C4), from the summaries and the comparisons.

Verdicts: *supported* (the paper's direction, significant), *not significant*, *contradicted*
(significantly the other way), or *cannot be tested* (with the reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lsm.evaluate.settings import EvaluationSettings
from lsm.evaluate.stats import holm
from lsm.names import (
    CONTRADICTED,
    HYBRID,
    LABELS,
    NOT_SIGNIFICANT,
    SKLEARN_MODELS,
    SUPPORTED,
    TORCH_MODELS,
    UNTESTABLE,
)

# The models each claim compares the CNN-LSTM with: C1 all six baselines, C3 its two branches alone.
BRANCHES = tuple(m for m in TORCH_MODELS if m != HYBRID)
CLAIM_BASELINES = {"C1": (*SKLEARN_MODELS, *BRANCHES), "C3": BRANCHES}


# -- the claims ------------------------------------------------------------------------------------
def _auc_text(summary: pd.DataFrame, scheme: str, model: str) -> str:
    row = summary[(summary["scheme"] == scheme) & (summary["model"] == model) & (summary["metric"] == "auc")]
    if row.empty:
        return "n/a"
    r = row.iloc[0]
    return f"{r['mean']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]"


def _direction(row: pd.Series) -> str:
    sign = "higher" if row["difference"] > 0 else "lower"
    text = (
        f"{LABELS.get(row['baseline'], row['baseline'])} {100 * row['difference']:+.1f} pts ({sign}; "
        f"bootstrap [{100 * row['boot_low']:+.1f}, {100 * row['boot_high']:+.1f}], p={row['p']:.2g}"
    )
    if "p_family" in row and np.isfinite(row["p_family"]):
        text += f", Holm p={row['p_family']:.2g}"
    if "ensemble_difference" in row and np.isfinite(row["ensemble_difference"]):
        text += f"; ensembles {100 * row['ensemble_difference']:+.1f}"
    return text + ")"


def family_verdict(differences: np.ndarray, p: np.ndarray, alpha: float) -> tuple[str, np.ndarray]:
    """The verdict on "the CNN-LSTM beats every model of the family", and the Holm-adjusted p's.

    Supported only if every comparison is significant on its own: an intersection-union test, whose
    error rate is at most alpha without any correction (Berger 1982), so Holm would only cost power.
    Contradicted if any model is significantly better: a union of tests, which Holm's correction over
    the family keeps at alpha. Not significant otherwise; cannot be tested if a test could not run.
    """
    p = np.asarray(p, dtype="float64")
    if p.size == 0 or not np.isfinite(p).all():
        return UNTESTABLE, np.full(p.shape, np.nan)
    adjusted = holm(p)
    if ((adjusted < alpha) & (differences < 0)).any():
        return CONTRADICTED, adjusted
    if ((p < alpha) & (differences > 0)).all():
        return SUPPORTED, adjusted
    return NOT_SIGNIFICANT, adjusted


def judge_beats(
    summary: pd.DataFrame,
    comparisons: pd.DataFrame,
    scheme: str,
    baselines: tuple[str, ...],
    missing: str,
    alpha: float,
) -> tuple[str, str]:
    """C1 and C3: the CNN-LSTM's seed-mean AUC against each listed baseline of the scheme, the
    family of the claim being exactly those baselines (:func:`family_verdict`)."""
    part = comparisons[(comparisons["scheme"] == scheme)] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(baselines)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing
    verdict, adjusted = family_verdict(part["difference"].to_numpy(), part["p"].to_numpy(), alpha)
    part = part.assign(p_family=adjusted)
    absent = [LABELS[b] for b in baselines if b not in set(part["baseline"])]
    text = f"CNN-LSTM AUC {_auc_text(summary, scheme, HYBRID)} (mean and 95 % interval over seeds); "
    text += "; ".join(_direction(row) for _, row in part.iterrows())
    if absent:
        text += f"; not trained here: {', '.join(absent)}"
    return verdict, text


def judge_gain(
    summary: pd.DataFrame, comparisons: pd.DataFrame, scheme: str, gain_needed: float, missing: str
) -> tuple[str, str]:
    """C2: the gain over the best traditional model is about the paper's 6 points: supported if its
    interval (two-level bootstrap, the best model chosen again in every replicate:
    :func:`lsm.evaluate.comparisons.best_traditional_gain`) lies at or above ``gain_needed``,
    contradicted if it lies below (a gain that large is ruled out), not significant if it straddles."""
    part = comparisons[comparisons["scheme"] == scheme] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(SKLEARN_MODELS)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing
    best = part.sort_values("auc_baseline", ascending=False).iloc[0]
    if not (np.isfinite(best["gain_low"]) and np.isfinite(best["gain_high"])):
        return UNTESTABLE, "too few clusters of test samples to bootstrap the gain"
    if best["gain_low"] >= gain_needed:
        verdict = SUPPORTED
    elif best["gain_high"] < gain_needed:
        verdict = CONTRADICTED
    else:
        verdict = NOT_SIGNIFICANT
    text = (
        f"gain over the best traditional model ({LABELS[best['baseline']]}, AUC "
        f"{_auc_text(summary, scheme, best['baseline'])}): {100 * best['difference']:+.1f} AUC points, "
        f"bootstrap interval [{100 * best['gain_low']:+.1f}, {100 * best['gain_high']:+.1f}] "
        f"(paper: +6 over RF; judged against {100 * gain_needed:+.0f})"
    )
    return verdict, text


def _constant(row: Any) -> bool:
    """Whether a contrast row's quantity is the same on every pixel (older tables lack the column)."""
    value = getattr(row, "constant", False)
    return bool(value) if isinstance(value, bool | np.bool_) else False


def judge_map(
    contrasts: pd.DataFrame | None, scheme: str, map_scheme: str, missing: str, alpha: float
) -> tuple[str, str]:
    """C4 on the CNN-LSTM's map: every quantity higher in the high class than in the rest, judged as
    a family (:func:`family_verdict`: supported if each is significant alone, contradicted if one
    is significantly lower after Holm over the quantities); a quantity that is the same on every
    pixel makes the claim untestable."""
    if contrasts is None or contrasts.empty:
        return UNTESTABLE, missing
    if scheme != map_scheme:
        return UNTESTABLE, f"the maps are made from the {map_scheme} runs (mapping.scheme); see that column"
    model = contrasts[contrasts["source"] == "model"]
    if any(_constant(row) for row in model.itertuples()):
        verdict = UNTESTABLE
    else:
        verdict, _ = family_verdict(model["difference"].to_numpy(), model["p"].to_numpy(), alpha)
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
    share = _share(model)
    head = "map high class" + (f" ({share} of the mapped area)" if share else "")
    head += " vs the rest, means (block-bootstrap interval): "
    tail = ""
    if not truth.empty and share and _share(truth) != share:
        tail = (
            f"; the truth's high zone covers {_share(truth)}, not the same share: no more of the map "
            "has any true hazard"
        )
    return verdict, head + "; ".join(parts) + tail


def _share(rows: pd.DataFrame) -> str:
    """The share of the mapped pixels in the high zone of a contrast table, as a percentage (empty
    for a table without pixel counts)."""
    if rows.empty or "pixels_high" not in rows:
        return ""
    first = rows.iloc[0]
    return f"{100 * first['pixels_high'] / (first['pixels_high'] + first['pixels_rest']):.0f} %"


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
        f"no CNN-LSTM is trained on this study ({skipped[HYBRID]})"
        if HYBRID in skipped
        else "the CNN-LSTM is not trained under this scheme"
    )
    c1 = judge_beats(summary, comparisons, scheme, CLAIM_BASELINES["C1"], missing, settings.alpha)
    c2 = judge_gain(summary, comparisons, scheme, settings.gain_needed, missing)
    c3 = judge_beats(summary, comparisons, scheme, CLAIM_BASELINES["C3"], missing, settings.alpha)
    c4 = judge_map(contrasts, scheme, map_scheme, skipped.get("maps", missing), settings.alpha)
    return [
        {"claim": claim, "verdict": verdict, "evidence": evidence}
        for claim, (verdict, evidence) in zip(("C1", "C2", "C3", "C4"), (c1, c2, c3, c4), strict=True)
    ]
