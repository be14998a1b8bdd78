"""The area of applicability of a map (Meyer & Pebesma 2021, "Predicting into unknown space?", the
method of R's CAST::aoa): where a pixel's predictors are as like the training samples' as the training
samples are like each other, so that the map there is backed by what the model learned.

A pixel's dissimilarity index (DI) is its distance to the nearest training sample in the predictor
space, each predictor standardised with the training mean and deviation and weighted by the model's
permutation importance, divided by the mean distance between training samples. The threshold is the
upper whisker of the training samples' own DI (Tukey's: the largest value within 1.5 interquartile
ranges of the upper hinge, as R's ``boxplot.stats``), each computed against the training samples of
the other spatial folds, so that a sample is not its own neighbour and a cluster not its own
support. Pixels with a DI above it lie outside the area of applicability.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import rasterio
from sklearn.metrics import pairwise_distances_chunked, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import NearestNeighbors
from tqdm import tqdm

from lsm.data.forcing import DayForcing
from lsm.data.io import write_text
from lsm.data.samples import SampleSet
from lsm.maps.stream import SurveyedArea, scratch_path, tiff_profile, write_cog
from lsm.maps.windows import FactorRaster, iter_windows, make_window, read_halo
from lsm.names import SPATIAL, TEST, TRAIN

log = logging.getLogger(__name__)

WHISKER = 1.5  # Tukey's fence, in interquartile ranges (R's boxplot.stats coef)
FOLDS = 5  # spatial folds of the training samples' own DI (blocks of the spatial split's size)
INSIDE, OUTSIDE = 1, 2  # values of the mask raster (0: not mapped)


def upper_whisker(values: np.ndarray, coef: float = WHISKER) -> float:
    """The upper whisker of a box plot as R draws it: the largest value not above the upper hinge
    plus ``coef`` times the hinge spread (Tukey's hinges, R's ``fivenum``)."""
    x = np.sort(np.asarray(values, dtype="float64")[np.isfinite(values)])
    n = x.size
    if n == 0:
        raise ValueError("no finite values to draw a box plot of")
    n4 = np.floor((n + 3) / 2) / 2
    lower_d, upper_d = n4, n + 1 - n4  # 1-based depths of the hinges
    lower = 0.5 * (x[int(np.floor(lower_d)) - 1] + x[int(np.ceil(lower_d)) - 1])
    upper = 0.5 * (x[int(np.floor(upper_d)) - 1] + x[int(np.ceil(upper_d)) - 1])
    return float(x[x <= upper + coef * (upper - lower)].max())


def column_weights(
    columns: Sequence[str], group_of_column: Mapping[str, str], importance: Mapping[str, float]
) -> tuple[np.ndarray, bool]:
    """Each column weighted by the permutation importance (AUC drop) of its factor or series, negative
    drops as zero, as CAST does; (weights, whether they are equal because no drop was above zero)."""
    weights = np.array([max(float(importance.get(group_of_column.get(c, ""), 0.0)), 0.0) for c in columns])
    if not (weights > 0).any():
        return np.ones(len(columns)), True
    return weights, False


def spatial_folds(x: np.ndarray, y: np.ndarray, block_m: float, folds: int) -> np.ndarray:
    """The fold of each sample: square blocks of ``block_m`` metres, whole blocks per fold."""
    blocks = np.unique(
        np.column_stack([np.floor(x / block_m), np.floor(y / block_m)]), axis=0, return_inverse=True
    )[1]
    blocks = np.asarray(blocks).ravel()
    n = min(folds, len(np.unique(blocks)))
    if n < 2:
        raise ValueError(f"the training samples sit in one {block_m:g} m block: no folds to compare")
    fold = np.empty(len(x), dtype=int)
    for k, (_, held) in enumerate(GroupKFold(n_splits=n).split(x, groups=blocks)):
        fold[held] = k
    return fold


@dataclass(frozen=True)
class Applicability:
    """The training samples in the weighted predictor space, and the DI threshold they set."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    reference: np.ndarray  # training rows, standardised and weighted
    mean_distance: float  # mean distance between two different training samples
    training_di: np.ndarray  # each training sample's DI to the other folds
    threshold: float
    neighbours: NearestNeighbors = field(repr=False, compare=False)  # fitted on ``reference``

    @classmethod
    def fit(cls, rows: np.ndarray, weights: np.ndarray, folds: np.ndarray) -> Applicability:
        """From the training rows (samples x columns), the columns' weights and each row's fold."""
        rows = np.asarray(rows, dtype="float64")
        if not np.isfinite(rows).all():
            raise ValueError("training rows with missing values: the area of applicability needs them whole")
        mean = rows.mean(axis=0)
        scale = rows.std(axis=0)
        scale[scale == 0] = 1.0  # a constant column: every sample alike in it, distance 0
        weights = np.asarray(weights, dtype="float64")
        reference = (rows - mean) / scale * weights
        n = len(reference)
        total = sum(chunk.sum() for chunk in pairwise_distances_chunked(reference))
        mean_distance = float(total / (n * (n - 1)))
        if mean_distance <= 0:
            raise ValueError("every training sample is alike: no scale for the dissimilarity index")
        nearest = np.empty(n)
        for fold in np.unique(folds):
            held = folds == fold
            others = NearestNeighbors(n_neighbors=1).fit(reference[~held])
            nearest[held] = others.kneighbors(reference[held])[0][:, 0]
        training_di = nearest / mean_distance
        threshold = upper_whisker(training_di)
        neighbours = NearestNeighbors(n_neighbors=1).fit(reference)
        return cls(mean, scale, weights, reference, mean_distance, training_di, threshold, neighbours)

    def dissimilarity(self, rows: np.ndarray) -> np.ndarray:
        """The DI of each row (NaN where a value is missing)."""
        rows = np.asarray(rows, dtype="float64")
        out = np.full(len(rows), np.nan)
        whole = np.isfinite(rows).all(axis=1)
        if whole.any():
            points = (rows[whole] - self.mean) / self.scale * self.weights
            nearest = self.neighbours.kneighbors(points)[0][:, 0]
            out[whole] = nearest / self.mean_distance
        return out


@dataclass(frozen=True)
class ModelSpace:
    """One model's predictor space: its tabular columns (indices into the samples' columns) and the
    area of applicability fitted on its training samples."""

    columns: list[int]
    applicability: Applicability


def map_dissimilarity(
    raster: FactorRaster,
    forcing: DayForcing | None,
    radius: int,
    min_valid: float,
    tabular_names: list[str],
    spaces: Mapping[str, ModelSpace],
    scratch: Mapping[str, Path],
    window_size: int,
    surveyed: SurveyedArea | None,
) -> dict[str, tuple[int, int]]:
    """Write each model's DI (float32 GeoTIFF, NaN where the map has no value) to ``scratch[model]``,
    window by window over the pixels the maps cover; per model (pixels outside, pixels mapped) counted
    in the surveyed area (the whole map without one)."""
    grid = raster.grid
    base = {"width": grid.width, "crs": grid.crs}
    profile = tiff_profile(base, grid.height, grid.transform, "float32", float("nan"))
    counts = {model: [0, 0] for model in spaces}
    windows = list(iter_windows(grid.height, grid.width, window_size))
    with ExitStack() as stack:
        src = stack.enter_context(rasterio.open(raster.path))
        outs = {m: stack.enter_context(rasterio.open(scratch[m], "w", **profile)) for m in spaces}
        for window in tqdm(windows, desc="area of applicability", unit="window"):
            mw = make_window(raster, read_halo(src, window, radius), window, radius, forcing, min_valid)
            counted = np.ones(mw.fits.shape, bool) if surveyed is None else surveyed.mask(window)
            rows = mw.tabular(tabular_names) if mw.fits.any() else None
            mapped = mw.fits & counted
            for model, space in spaces.items():
                di = np.full(mw.fits.shape, np.nan, dtype="float32")
                if rows is not None:
                    di[mw.fits] = space.applicability.dissimilarity(rows[:, space.columns])
                outs[model].write(di, 1, window=window)
                counts[model][0] += int((di[mapped] > space.applicability.threshold).sum())
                counts[model][1] += int(mapped.sum())
    return {model: (outside, mapped) for model, (outside, mapped) in counts.items()}


def inside_outside_auc(
    labels: np.ndarray, probabilities: np.ndarray, inside: np.ndarray
) -> dict[str, float | int]:
    """ROC AUC of the test samples inside and outside the area of applicability (NaN where one side
    lacks a landslide or a non-landslide), with their counts."""
    out: dict[str, float | int] = {}
    for name, chosen in (("inside", inside), ("outside", ~inside)):
        y = labels[chosen]
        out[f"n_{name}"] = int(chosen.sum())
        out[f"auc_{name}"] = (
            float(roc_auc_score(y, probabilities[chosen])) if len(np.unique(y)) == 2 else float("nan")
        )
    return out


def write_mask(dissimilarity_tif: Path, target: str | Path, threshold: float, scratch_folder: Path) -> None:
    """The mask COG of a DI raster: 1 inside the area of applicability, 2 outside, 0 not mapped."""
    with rasterio.open(dissimilarity_tif) as src, scratch_path(scratch_folder, ".tif") as tmp:
        profile = {**src.profile, "dtype": "uint8", "nodata": 0}
        with rasterio.open(tmp, "w", **profile) as dst:
            for _, window in src.block_windows(1):
                di = src.read(1, window=window)
                mask = np.where(np.isnan(di), 0, np.where(di <= threshold, INSIDE, OUTSIDE)).astype("uint8")
                dst.write(mask, 1, window=window)
        write_cog(tmp, target, "MODE")


# -- the workflow's job (rule applicability) -------------------------------------------------------


def applicability_job(
    factors_tif: str,
    samples_paths: tuple[str, str, str],
    splits_csv: str,
    splits_info: str,
    importance_csv: str,
    study_dir: str,
    date_label: str,
    mapping: dict[str, Any],
    spatial_predictions: dict[str, list[str]],
    out_dissimilarity: dict[str, str],
    out_masks: dict[str, str],
    out_table: str,
) -> None:
    """Every model's area of applicability at one reference date: its DI and mask as COGs, and a
    table of thresholds, the share of the area outside, and the spatial test samples' AUC inside and
    outside (the spatial scheme's runs, each seed's AUC, averaged)."""
    from lsm.data.samples import load_samples
    from lsm.learn.models import tabular_columns
    from lsm.maps.importance import sample_feature_groups
    from lsm.maps.jobs import reference_day, surveyed_area

    samples = load_samples(*samples_paths)
    summary = samples.summary
    raster = FactorRaster.open(factors_tif)
    window = int(mapping["window_days"])
    series, day, iso = reference_day(study_dir, date_label, window, bool(summary["temporal"]))
    forcing = DayForcing(series, raster.grid, day, window) if series is not None and day is not None else None
    splits = pd.read_csv(splits_csv).set_index("sample_id").loc[samples.table["sample_id"]]
    block_m = float(json.loads(Path(splits_info).read_text()).get("spatial_block_m", mapping["block_m"]))
    importance = pd.read_csv(importance_csv)
    groups = sample_feature_groups(raster, samples)
    group_of_column = {samples.tabular_names[i]: g.name for g in groups for i in g.tabular}
    x, y = samples.table.geometry.x.to_numpy(), samples.table.geometry.y.to_numpy()

    def fitted(model: str, scheme: str) -> tuple[ModelSpace, bool]:
        drops = importance[importance["model"] == model].set_index("group")["drop_mean"].to_dict()
        columns = tabular_columns(model, samples.tabular_names)
        weights, equal = column_weights([samples.tabular_names[i] for i in columns], group_of_column, drops)
        train = splits[scheme].to_numpy() == TRAIN
        folds = spatial_folds(x[train], y[train], block_m, FOLDS)
        return ModelSpace(
            columns, Applicability.fit(samples.tabular[train][:, columns], weights, folds)
        ), equal

    spaces, equal_weights = {}, {}
    for model in out_dissimilarity:
        spaces[model], equal_weights[model] = fitted(model, mapping["scheme"])
    surveyed = surveyed_area(study_dir, raster)
    folder = Path(out_table).parent
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with ExitStack() as stack:
        scratch = {m: stack.enter_context(scratch_path(folder, ".tif")) for m in spaces}
        counts = map_dissimilarity(
            raster,
            forcing,
            int(summary["patch_size"]) // 2,
            float(summary["patch_min_valid"]),
            samples.tabular_names,
            spaces,
            scratch,
            int(mapping["window"]),
            surveyed,
        )
        for model, space in spaces.items():
            write_cog(scratch[model], out_dissimilarity[model], "AVERAGE")
            write_mask(scratch[model], out_masks[model], space.applicability.threshold, folder)
            outside, mapped = counts[model]
            row: dict[str, Any] = {
                "model": model,
                "date_label": date_label,
                "date": iso,
                "scheme": mapping["scheme"],
                "threshold": space.applicability.threshold,
                "weights": "equal" if equal_weights[model] else "importance",
                "outside_percent": 100 * outside / mapped if mapped else float("nan"),
                "pixels": mapped,
                "surveyed_only": surveyed is not None,
            }
            row.update(_spatial_test(model, spatial_predictions.get(model, []), samples, splits, fitted))
            rows.append(row)
            log.info(
                "%s: %.1f %% of the mapped area outside the area of applicability",
                model,
                row["outside_percent"],
            )
    # Full precision: the threshold decides pixels whose index lies within a rounding of it.
    write_text(out_table, pd.DataFrame(rows).to_csv(index=False))


def _spatial_test(
    model: str,
    prediction_files: list[str],
    samples: SampleSet,
    splits: pd.DataFrame,
    fitted: Callable[[str, str], tuple[ModelSpace, bool]],
) -> dict[str, Any]:
    """The spatial scheme's test samples inside and outside the area of applicability fitted on its
    training samples: counts and ROC AUC per side, averaged over the seeds' predictions (NaN and no
    seeds where the study has no spatial runs)."""
    if not prediction_files or SPATIAL not in splits.columns:
        nan = float("nan")
        return {
            "spatial_threshold": nan,
            "n_inside": 0,
            "n_outside": 0,
            "auc_inside": nan,
            "auc_outside": nan,
            "seeds": 0,
        }
    space, _ = fitted(model, SPATIAL)
    test = splits[SPATIAL].to_numpy() == TEST
    di = space.applicability.dissimilarity(samples.tabular[test][:, space.columns])
    inside = pd.Series(di <= space.applicability.threshold, index=samples.table["sample_id"].to_numpy()[test])
    per_seed = []
    for path in prediction_files:
        predictions = pd.read_csv(path).set_index("sample_id")
        chosen = inside.loc[predictions.index].to_numpy()
        per_seed.append(
            inside_outside_auc(predictions["label"].to_numpy(), predictions["probability"].to_numpy(), chosen)
        )
    frame = pd.DataFrame(per_seed)
    return {
        "spatial_threshold": space.applicability.threshold,
        "n_inside": int(frame["n_inside"].iloc[0]),
        "n_outside": int(frame["n_outside"].iloc[0]),
        "auc_inside": float(frame["auc_inside"].mean()),
        "auc_outside": float(frame["auc_outside"].mean()),
        "seeds": len(frame),
    }
