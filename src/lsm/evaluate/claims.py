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
    """One comparison in words that cannot be read backwards: "CNN-LSTM minus RF = -0.4 pts (RF higher;
    ...)" (ASCII: the evidence is typeset by pdfLaTeX in the manuscript's tables)."""
    label = LABELS.get(row["baseline"], row["baseline"])
    higher = LABELS[HYBRID] if row["difference"] > 0 else label if row["difference"] < 0 else "equal"
    text = (
        f"{LABELS[HYBRID]} minus {label} = {100 * row['difference']:+.1f} pts "
        f"({higher}{' higher' if higher != 'equal' else ''}; "
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
) -> tuple[str, str, str]:
    """C1 and C3: the CNN-LSTM's seed-mean AUC against each listed baseline of the scheme, the
    family of the claim being exactly those baselines (:func:`family_verdict`); the verdict, the
    evidence and which comparisons carry the verdict."""
    part = comparisons[(comparisons["scheme"] == scheme)] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(baselines)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing, missing
    verdict, adjusted = family_verdict(part["difference"].to_numpy(), part["p"].to_numpy(), alpha)
    part = part.assign(p_family=adjusted)
    absent = [LABELS[b] for b in baselines if b not in set(part["baseline"])]
    text = f"CNN-LSTM AUC {_auc_text(summary, scheme, HYBRID)} (mean and 95 % interval over seeds); "
    text += "; ".join(_direction(row) for _, row in part.iterrows())
    if absent:
        text += f"; not trained here: {', '.join(absent)}"
    named = part.assign(adjusted=adjusted, name=[LABELS[b] for b in part["baseline"]])
    return verdict, text, which_parts(named, verdict, alpha, "comparisons", "better")


def judge_gain(
    summary: pd.DataFrame, comparisons: pd.DataFrame, scheme: str, gain_needed: float, missing: str
) -> tuple[str, str, str]:
    """C2: the gain over the best traditional model is about the paper's 6 points: supported if its
    interval (two-level bootstrap, the best model chosen again in every replicate:
    :func:`lsm.evaluate.comparisons.best_traditional_gain`) lies at or above ``gain_needed``,
    contradicted if it lies below (a gain that large is ruled out), not significant if it straddles."""
    part = comparisons[comparisons["scheme"] == scheme] if not comparisons.empty else comparisons
    part = part[part["baseline"].isin(SKLEARN_MODELS)] if not part.empty else part
    if part.empty:
        return UNTESTABLE, missing, missing
    best = part.sort_values("auc_baseline", ascending=False).iloc[0]
    if not (np.isfinite(best["gain_low"]) and np.isfinite(best["gain_high"])):
        few = "too few clusters of test samples to bootstrap the gain"
        return UNTESTABLE, few, few
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
    where = {SUPPORTED: "lies at or above", CONTRADICTED: "lies below", NOT_SIGNIFICANT: "straddles"}
    why = f"the gain's interval {where[verdict]} the {100 * gain_needed:+.0f} points judged against"
    return verdict, text, why


def _constant(row: Any) -> bool:
    """Whether a contrast row's quantity is the same on every pixel (older tables lack the column)."""
    value = getattr(row, "constant", False)
    return bool(value) if isinstance(value, bool | np.bool_) else False


# The sources of the rows of the C4 table (lsm.maps.contrast writes it, this module judges it), and
# the quantities of the two sources that are not the map's factors.
MAP_MODEL, MAP_TRUTH, MAP_MODEL_AT_TRUTH_SHARE, MAP_INVENTORY = (
    "model",
    "truth",
    "model_at_truth_share",
    "inventory",
)
IN_TRUTH_ZONE = "in_truth_zone"  # 1 in the truth's high zone, 0 elsewhere
LANDSLIDE_DENSITY = "landslides_per_km2"  # the inventory's, within the shore's reach against beyond


def judge_map(
    contrasts: pd.DataFrame | None, scheme: str, map_scheme: str, missing: str, alpha: float
) -> tuple[str, str, str]:
    """C4 on the CNN-LSTM's maps, judged as one family (:func:`family_verdict`) of every part the
    table holds: on each map date, each quantity higher in the model's high class than in the rest;
    on a generated study, each higher in the truth's high zone too, and the model's zone of the
    truth's share holding more of the truth's zone than the rest does; where the study has
    reservoirs, the inventory's landslides denser within the shore's reach. Supported only if every
    part is significant alone; contradicted if one is significantly the other way after Holm over
    the parts. A quantity the same on every pixel of every map (one rain gauge) makes the claim
    untestable; on one date only, that date's part is left out (and said). The verdict, the
    evidence, and which parts carry the verdict."""
    if contrasts is None or contrasts.empty:
        return UNTESTABLE, missing, missing
    if scheme != map_scheme:
        protocol = (
            f"not by the data but by a choice of the protocol: the maps are made from the {map_scheme} "
            f"runs (mapping.scheme: {map_scheme}), so C4 is judged in that column"
        )
        return UNTESTABLE, protocol, protocol
    rows = contrasts.reset_index(drop=True)
    rows = rows.assign(
        constant=[_constant(row) for row in rows.itertuples()],
        **{c: rows[c].fillna("").astype(str) if c in rows else "" for c in ("date_label", "date")},
    )
    model = rows[rows["source"] == MAP_MODEL]
    never = [q for q, part in model.groupby("quantity", sort=False) if part["constant"].all()]
    family = rows[~rows["constant"]]
    if never:
        verdict = UNTESTABLE
        why = f"by the data: {', '.join(never)} the same on every pixel of every map (one rain gauge or cell)"
    else:
        verdict, adjusted = family_verdict(family["difference"].to_numpy(), family["p"].to_numpy(), alpha)
        named = family.assign(adjusted=adjusted, name=[_part_name(row) for row in family.itertuples()])
        why = which_parts(named, verdict, alpha, "parts", "higher")
    maps = rows[rows["source"] != MAP_INVENTORY]
    texts = [_date_text(str(label), part) for label, part in maps.groupby("date_label", sort=False)]
    texts += [
        f"inventory: {row.mean_high:.3g} landslides per km2 within {_reach(row)} of a shore vs "
        f"{row.mean_rest:.3g} beyond ([{row.low:+.3g}, {row.high:+.3g}])"
        for row in rows[rows["source"] == MAP_INVENTORY].itertuples()
    ]
    return verdict, "; ".join(texts), why


# How the C4 summary names the source of a part.
PART_NAMES = {
    MAP_MODEL: "high class",
    MAP_TRUTH: "truth's zone",
    MAP_MODEL_AT_TRUTH_SHARE: "overlap with the truth's zone",
    MAP_INVENTORY: "inventory",
}


def _part_name(row: Any) -> str:
    date = f"{row.date_label} " if row.date_label else ""
    return f"{date}{PART_NAMES.get(row.source, row.source)} {row.quantity}"


def which_parts(family: pd.DataFrame, verdict: str, alpha: float, parts: str, better: str) -> str:
    """Which members of a claim's family carry its verdict, in one line (the family holds ``name``,
    ``difference``, ``p`` and Holm's ``adjusted`` p): all of them for *supported*, those
    significantly the other way for *contradicted*, those not significantly ``better`` on their own
    for *not significant*."""
    n = len(family)
    if verdict == SUPPORTED:
        return f"every one of the {n} {parts} significantly {better} on its own"
    if verdict == CONTRADICTED:
        against = family[(family["adjusted"] < alpha) & (family["difference"] < 0)]
        return f"significantly the other way after Holm over the {n} {parts}: {', '.join(against['name'])}"
    if verdict == UNTESTABLE:
        return f"a test of the {n} {parts} could not run"
    weak = family[~((family["p"] < alpha) & (family["difference"] > 0))]
    names = ", ".join(
        f"{name} ({'lower' if difference < 0 else 'higher'}, p {p:.2g})"
        for name, difference, p in zip(weak["name"], weak["difference"], weak["p"], strict=True)
    )
    return f"{len(weak)} of the {n} {parts} not significantly {better} on their own: {names}"


def _reach(row: Any) -> str:
    reach = float(getattr(row, "reach_m", np.nan))
    return f"{reach:.0f} m" if np.isfinite(reach) else "the reach"


def _means(row: Any) -> str:
    return f"{row.mean_high:.3g} vs {row.mean_rest:.3g} ([{row.low:+.3g}, {row.high:+.3g}])"


def _date_text(label: str, rows: pd.DataFrame) -> str:
    """What one map date's parts of C4 say: the model's high class, the truth's zone, their overlap."""
    model = rows[rows["source"] == MAP_MODEL]
    parts = [
        f"{row.quantity}: the same on every pixel of the map (one rain gauge or cell), so it cannot be tested"
        if row.constant
        else f"{row.quantity}: {_means(row)}"
        for row in model.itertuples()
    ]
    share = _share(model)
    date = str(model["date"].iloc[0]) if len(model) else ""
    head = f"{label} map ({date}): " if date else ""
    head += "high class" + (f" ({share} of the mapped area)" if share else "")
    text = head + " vs the rest, means (block-bootstrap interval): " + "; ".join(parts)
    truth = rows[rows["source"] == MAP_TRUTH]
    if len(truth):
        text += f"; the truth's high zone that day ({_share(truth)}): "
        text += "; ".join(f"{row.quantity} {_means(row)}" for row in truth.itertuples())
    overlap = rows[rows["source"] == MAP_MODEL_AT_TRUTH_SHARE]
    for row in overlap.itertuples():
        text += (
            f"; the map's highest {_share(overlap)}: {100 * row.mean_high:.0f} % of it in the truth's "
            f"zone, {100 * row.mean_rest:.0f} % of the rest "
            f"([{100 * row.low:+.0f}, {100 * row.high:+.0f}] pts)"
        )
    return text


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
        {"claim": claim, "verdict": verdict, "evidence": evidence, "why": why}
        for claim, (verdict, evidence, why) in zip(("C1", "C2", "C3", "C4"), (c1, c2, c3, c4), strict=True)
    ]
