"""Permutation feature importance on the test samples: how much AUC a model loses when one factor
(all its channels, patch and tabular forms alike) or one series is shuffled across samples.

Factors are permuted as groups because a model sees one factor through several inputs (aspect as
northness and eastness; land use one-hot; rain as a sequence and as window totals). scikit-learn's
``permutation_importance`` permutes single columns of one array, so it cannot do this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lsm.data.factors import channel_names
from lsm.data.samples import SampleSet
from lsm.maps.predictors import Ensemble, SampleInputs
from lsm.maps.windows import FactorRaster
from lsm.metrics import mean_interval
from lsm.names import ABLATION_VARIANTS, SERIES_CHANNELS, SERIES_FEATURES, SKLEARN_MODELS, TEMPORAL_MODELS


@dataclass(frozen=True)
class FeatureGroup:
    """One factor or series and the indices of its inputs in the patches, tabular rows and sequences."""

    name: str
    kind: str  # "factor" or "series"
    channels: tuple[int, ...]
    tabular: tuple[int, ...]
    sequence: tuple[int, ...]


def feature_groups(
    factor_names: list[str],
    landuse_classes: pd.DataFrame,
    channels: list[str],
    tabular: list[str],
    sequence: list[str],
) -> list[FeatureGroup]:
    """One group per factor and per series, with the indices of its inputs in each array."""
    groups = []
    for factor in factor_names:
        own = channel_names([factor], landuse_classes)
        tab = [*own, "landuse_code"] if factor == "landuse" else own
        groups.append(
            FeatureGroup(
                factor,
                "factor",
                tuple(channels.index(c) for c in own if c in channels),
                tuple(tabular.index(c) for c in tab if c in tabular),
                (),
            )
        )
    for series, features in SERIES_CHANNELS.items():
        seq = tuple(sequence.index(f) for f in features if f in sequence)
        if not seq:
            continue
        prefix = f"{series}_"  # the window totals of the tabular rows (rain_3d_mm, level_change_window_m)
        columns = tuple(i for i, c in enumerate(tabular) if c.startswith(prefix) and c not in channels)
        groups.append(FeatureGroup(SERIES_FEATURES[series], "series", (), columns, seq))
    return groups


def sample_feature_groups(raster: FactorRaster, samples: SampleSet) -> list[FeatureGroup]:
    """:func:`feature_groups` of a factor raster's factors in the samples' arrays."""
    return feature_groups(
        raster.names,
        raster.landuse_classes,
        samples.channel_names,
        samples.tabular_names,
        samples.sequence_names,
    )


def reads(model: str, group: FeatureGroup) -> bool:
    """Whether ``model`` reads any input of ``group``: the networks read the patches (the standalone
    LSTM their centre pixel) and, where they have an LSTM branch, the sequences; scikit-learn's models
    read the tabular rows. A group a model does not read has no importance, not an importance of 0
    (the CNN alone never sees the rain)."""
    if model in SKLEARN_MODELS:
        return bool(group.tabular)
    temporal = model in TEMPORAL_MODELS or model in ABLATION_VARIANTS
    return bool(group.channels) or (temporal and bool(group.sequence))


def permute(inputs: SampleInputs, group: FeatureGroup, order: np.ndarray) -> SampleInputs:
    """The inputs with ``group``'s features of sample i taken from sample ``order[i]``."""
    patches, tabular = inputs.patches.copy(), inputs.tabular.copy()
    sequences = None if inputs.sequences is None else inputs.sequences.copy()
    if group.channels:
        ch = list(group.channels)
        patches[:, ch] = inputs.patches[order][:, ch]
    if group.tabular:
        cols = list(group.tabular)
        tabular[:, cols] = inputs.tabular[order][:, cols]
    if group.sequence and sequences is not None:
        feats = list(group.sequence)
        sequences[:, :, feats] = np.asarray(inputs.sequences)[order][:, :, feats]
    return SampleInputs(patches, sequences, tabular)


def permutation_importance(
    ensemble: Ensemble,
    inputs: SampleInputs,
    labels: np.ndarray,
    groups: list[FeatureGroup],
    repeats: int,
    seed: int,
) -> pd.DataFrame:
    """Rows of (group, kind, repeat, auc, drop); the same permutations for every model and seed."""
    base = roc_auc_score(labels, ensemble.predict(inputs))
    rows = []
    for g, group in enumerate(groups):
        rng = np.random.default_rng([seed, g])
        for repeat in range(repeats):
            order = rng.permutation(len(labels))
            score = roc_auc_score(labels, ensemble.predict(permute(inputs, group, order)))
            rows.append(
                {
                    "group": group.name,
                    "kind": group.kind,
                    "repeat": repeat,
                    "auc": score,
                    "drop": base - score,
                }
            )
    return pd.DataFrame(rows).assign(base_auc=base)


def summarise_importance(per_seed: pd.DataFrame) -> pd.DataFrame:
    """Mean AUC drop per model and group with its interval over seeds (repeats averaged first)."""
    by_seed = per_seed.groupby(["model", "group", "kind", "seed"], sort=False)["drop"].mean().reset_index()
    rows = []
    for (model, group, kind), g in by_seed.groupby(["model", "group", "kind"], sort=False):
        mean, sd, low, high = mean_interval(g["drop"])
        rows.append(
            {
                "model": model,
                "group": group,
                "kind": kind,
                "drop_mean": mean,
                "drop_sd": sd,
                "drop_low": low,
                "drop_high": high,
                "seeds": len(g),
            }
        )
    frame = pd.DataFrame(rows)
    frame["rank"] = frame.groupby("model")["drop_mean"].rank(ascending=False, method="min").astype(int)
    return frame


def importance_job(
    run_dirs: dict[str, list[str]],
    samples_paths: tuple[str, str, str],
    splits_csv: str,
    factors_tif: str,
    scheme: str,
    repeats: int,
    seed: int,
    out_runs: str,
    out_summary: str,
) -> None:
    """Importance of every factor and series for every model (seed by seed) on ``scheme``'s test samples."""
    from pathlib import Path

    from lsm.data.io import write_text
    from lsm.data.samples import load_samples
    from lsm.names import TEST

    samples = load_samples(*samples_paths)
    splits = pd.read_csv(splits_csv)
    test = np.flatnonzero(splits[scheme].to_numpy() == TEST)
    inputs = SampleInputs(
        samples.patches[test],
        None if samples.sequences is None else samples.sequences[test],
        samples.tabular[test],
    )
    labels = samples.table["label"].to_numpy()[test]
    raster = FactorRaster.open(factors_tif)
    groups = sample_feature_groups(raster, samples)
    frames = []
    for model, dirs in run_dirs.items():
        for run_dir in dirs:
            ensemble = Ensemble([Path(run_dir)], samples.tabular_names)
            seed_of_run = int(Path(run_dir).name.removeprefix("seed"))
            read = [group for group in groups if reads(model, group)]
            frame = permutation_importance(ensemble, inputs, labels, read, repeats, seed)
            frames.append(frame.assign(model=model, seed=seed_of_run, scheme=scheme))
    per_run = pd.concat(frames, ignore_index=True)
    write_text(out_runs, per_run.to_csv(index=False, float_format="%.6g"))
    write_text(out_summary, summarise_importance(per_run).to_csv(index=False, float_format="%.6g"))
