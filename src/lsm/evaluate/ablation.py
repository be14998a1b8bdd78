"""Does the order of days matter? The series shuffled inside each window at test time, the
retrained window-total variants of the CNN-LSTM, and the "where" and "when" AUCs (among samples
of one place, among samples of one day).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lsm.data.samples import SampleSet
from lsm.evaluate.comparisons import compare, held_out
from lsm.evaluate.runs import Runs
from lsm.evaluate.settings import EvaluationSettings
from lsm.evaluate.stats import within_group_bootstrap
from lsm.metrics import mean_interval
from lsm.names import (
    HYBRID,
    SERIES_CHANNELS,
    TEMPORAL_MODELS,
    TEST,
)

# -- does the order of days matter? -------------------------------------------------------------------


def shuffle_series(
    sequences: np.ndarray, names: list[str], series: str, seed: int, months: np.ndarray | None = None
) -> np.ndarray:
    """Every window's timing of one series scrambled, leaving windows that could occur.

    Every other channel is untouched (issue 25: a random order of a level's days made daily changes
    of 15 m where the record's largest are a few metres):

    - rain: each window rotated by a random 1 to W - 1 days (:func:`rotate_series`): the same days'
      amounts and total, the storm on another day; rain has no continuity a rotation could break;
    - the reservoir level: each window swapped, level and change together, for another test window
      of the same calendar month (:func:`swap_windows_within_season`): a real stretch of the record
      in the same season, with another history.
    """
    if series == "level":
        if months is None:
            raise ValueError("swapping level windows within a season needs each window's month")
        return swap_windows_within_season(sequences, names, series, months, seed)
    return rotate_series(sequences, names, series, seed)


def rotate_series(sequences: np.ndarray, names: list[str], series: str, seed: int) -> np.ndarray:
    """Every window's days of one series rotated by a random 1 to W - 1 days, its day-to-day change
    recomputed from the rotated values (the day before the window kept)."""
    value, change = (names.index(c) for c in SERIES_CHANNELS[series])
    out = sequences.copy()
    n, days = sequences.shape[:2]
    rng = np.random.default_rng(seed)
    shift = np.asarray(rng.integers(1, days, size=n))
    order = (np.arange(days)[None, :] - shift[:, None]) % days
    rotated = np.take_along_axis(sequences[:, :, value], order, axis=1)
    before = sequences[:, 0, value] - sequences[:, 0, change]  # the day before the window
    out[:, :, value] = rotated
    out[:, :, change] = np.diff(np.concatenate([before[:, None], rotated], axis=1), axis=1)
    return out


def swap_windows_within_season(
    sequences: np.ndarray, names: list[str], series: str, months: np.ndarray, seed: int
) -> np.ndarray:
    """Every window's series (value and change) taken from another window of the same calendar
    month, drawn at random without replacement among them (a window alone in its month keeps its
    own)."""
    channels = [names.index(c) for c in SERIES_CHANNELS[series]]
    out = sequences.copy()
    rng = np.random.default_rng(seed)
    months = np.asarray(months)
    for month in np.unique(months):
        members = np.flatnonzero(months == month)
        donors = rng.permutation(members)
        for channel in channels:
            out[members, :, channel] = sequences[donors, :, channel]
    return out


def time_ablation(runs: Runs, samples: SampleSet, splits: pd.DataFrame) -> pd.DataFrame:
    """Test AUC of the sequence models with the timing of one series scrambled (:func:`shuffle_series`)."""
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
        months = pd.to_datetime(samples.table["date"].to_numpy()[test]).month.to_numpy()
        present = [s for s, (c, _) in SERIES_CHANNELS.items() if c in samples.sequence_names]
        for seed in runs.seeds(scheme, model):
            net, normaliser, _ = load_torch_run(runs.folder(scheme, model, seed), device)
            base = roc_auc_score(labels, predict_torch(net, normaliser, patches, sequences, device))
            for series in present:
                shuffled = shuffle_series(sequences, samples.sequence_names, series, seed, months)
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
    """The shuffle ablation per model, scheme and series: mean AUC drop over seeds with its interval."""
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
    like every comparison (two-level bootstrap of seeds and spatial clusters)."""
    from lsm.names import ABLATION_VARIANTS

    rows: list[dict[str, Any]] = []
    if variants.empty:
        return pd.DataFrame(rows)
    both = Runs(pd.concat([runs.table, variants], ignore_index=True), runs.root)
    for (scheme, variant), g in variants.groupby(["scheme", "model"], sort=False):
        ref = runs.table[(runs.table["scheme"] == scheme) & (runs.table["model"] == HYBRID)]
        if ref.empty:
            continue
        paired = ref.set_index("seed")["auc"] - g.set_index("seed")["auc"]
        drop = mean_interval(paired.dropna())
        tested = compare(
            both, held_out(samples, splits, scheme, linkage_m), scheme, HYBRID, variant, settings
        )
        rows.append(
            {
                "scheme": scheme,
                "model": HYBRID,
                "variant": f"retrained_{ABLATION_VARIANTS[variant]}_totals_only",
                "auc": float(g["auc"].mean()),
                "drop": drop[0],
                "drop_lo": drop[2],
                "drop_hi": drop[3],
                "seeds": int(paired.notna().sum()),
                "boot_low": tested["boot_low"],
                "boot_high": tested["boot_high"],
                "p": tested["p"],
            }
        )
    return pd.DataFrame(rows)


def where_when(runs: Runs, samples: SampleSet, settings: EvaluationSettings) -> pd.DataFrame:
    """AUC among samples at the same place on different days ("when") and among samples on the
    same day at different places ("where"), averaged over seeds (as every AUC here), each with a
    95 % interval drawing the places (or days) and the seeds (:func:`within_group_bootstrap`)."""
    t = samples.table.set_index("sample_id")
    cell = (t["row"].astype(str) + "_" + t["col"].astype(str)).rename("cell")
    rows = []
    for (scheme, model), _ in runs.table.groupby(["scheme", "model"], sort=False):
        first = runs.predictions(scheme, model, runs.seeds(scheme, model)[0])
        ids = pd.Index(first["sample_id"])
        matrix = runs.seed_matrix(scheme, model, ids)
        labels = first["label"].to_numpy()
        row: dict[str, Any] = {"scheme": scheme, "model": model}
        for name, groups in (("when", cell.loc[ids]), ("where", t.loc[ids, "date"])):
            result = within_group_bootstrap(
                labels, matrix, groups.to_numpy(), settings.bootstrap, settings.seed
            )
            column = "when_auc_same_place" if name == "when" else "where_auc_same_day"
            row.update(
                {
                    column: result.auc,
                    f"{name}_lo": result.low,
                    f"{name}_hi": result.high,
                    f"{name}_pairs": result.pairs,
                    f"{name}_groups": result.groups,
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


# -- is the reservoir level a calendar? -----------------------------------------------------------------
def level_calendar(samples: SampleSet, reach_m: float) -> pd.DataFrame:
    """How well the window's level change alone (last day minus first) separates landslide samples
    from negatives, beyond the reservoir's reach and within it, against all negatives and against
    random ones; beside it the window's rain total alone and the two's correlation.

    Beyond the reach the physics gives the level no effect, so an AUC there far from 0.5 says that
    the level tells the season (a calendar), not the banks' pore pressure (issue 25). AUCs are
    direction-free (max(AUC, 1 - AUC)): a calendar cue can point either way. Empty for a study
    without a reservoir level or without the distance to its shore among the tabular factors.
    """
    names = samples.sequence_names
    if samples.sequences is None or "level_m" not in names or "dist_shore" not in samples.tabular_names:
        return pd.DataFrame()
    level = samples.sequences[:, :, names.index("level_m")]
    change = level[:, -1] - level[:, 0]
    rain = samples.sequences[:, :, names.index("rain_mm")].sum(axis=1)
    shore = samples.tabular[:, samples.tabular_names.index("dist_shore")]
    kind = samples.table["kind"].to_numpy()
    labels = samples.table["label"].to_numpy().astype(int)
    rows = []
    for where, inside in (("beyond the reach", shore >= reach_m), ("within the reach", shore < reach_m)):
        every = np.ones(kind.size, dtype=bool)
        for negatives, keep in (("all", every), ("random", np.isin(kind, ["positive", "random"]))):
            part = inside & keep
            if labels[part].min(initial=1) == labels[part].max(initial=0):  # one class or none
                continue
            rows.append(
                {
                    "where": where,
                    "negatives": negatives,
                    "samples": int(part.sum()),
                    "positives": int(labels[part].sum()),
                    "auc_level_change": _free_auc(labels[part], change[part]),
                    "auc_rain_window": _free_auc(labels[part], rain[part]),
                    "r_level_change_rain": float(np.corrcoef(change[part], rain[part])[0, 1]),
                }
            )
    return pd.DataFrame(rows)


def _free_auc(labels: np.ndarray, values: np.ndarray) -> float:
    """The AUC of one quantity alone, whichever way it points."""
    auc = float(roc_auc_score(labels, values))
    return max(auc, 1.0 - auc)
