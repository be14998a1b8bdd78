"""What the synthetic study knows: the true physics as a reference model, and the best any static
model could do (the static ceiling), scored on the same test samples as the runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lsm.data.samples import SampleSet
from lsm.evaluate.settings import EvaluationSettings
from lsm.names import (
    TEST,
)


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
    from lsm.synthetic.truth import failure_probability

    t = samples.table
    x, y, n = position_window(t, study_dir)
    p = failure_probability(study_dir, x, y, pd.concat([t["date"]] * n, ignore_index=True))
    return pd.DataFrame({"sample_id": t["sample_id"], "probability": any_fails(p, n), "label": t["label"]})


def position_window(table: pd.DataFrame, study_dir: Path) -> tuple[np.ndarray, np.ndarray, int]:
    """The centres of the cells within about two position errors of each sample (x, y, each the
    window's offsets in turn, then their number): where a mapped landslide may truly lie."""
    from lsm.data.io import read_yaml

    generator = read_yaml(study_dir / "study.yaml")["generator"]["parameters"]
    cell = float(generator["cell_size_m"])
    radius = max(1, int(np.ceil(2 * float(generator["position_error_m"]) / cell)))
    x, y = table.geometry.x.to_numpy(), table.geometry.y.to_numpy()
    offsets = [(dx, dy) for dx in range(-radius, radius + 1) for dy in range(-radius, radius + 1)]
    xs = np.concatenate([x + dx * cell for dx, _ in offsets])
    ys = np.concatenate([y + dy * cell for _, dy in offsets])
    return xs, ys, len(offsets)


def any_fails(probabilities: np.ndarray, window: int) -> np.ndarray:
    """The probability that at least one cell of each sample's window fails (independent cells),
    from the probabilities of :func:`position_window`'s cells in its order."""
    return 1.0 - np.prod(1.0 - probabilities.reshape(window, -1), axis=0)


def static_ceiling_probabilities(samples: SampleSet, study_dir: Path) -> pd.DataFrame | None:
    """The truth's yearly probability that a cell within the sample's position window fails (the
    window of the physics reference, so the two differ only in *when*): the best any model that sees
    only *where* could rank the samples (generated studies only)."""
    study_dir = Path(study_dir)
    path = study_dir / "truth" / "susceptibility.tif"
    if not path.is_file():
        return None
    import rasterio

    t = samples.table
    x, y, n = position_window(t, study_dir)
    with rasterio.open(path) as src:
        values = np.array([v[0] for v in src.sample(zip(x, y, strict=True))], dtype="float64")
    return pd.DataFrame(
        {"sample_id": t["sample_id"], "probability": any_fails(values, n), "label": t["label"]}
    )


def reference_metrics(
    references: dict[str, pd.DataFrame | None], splits: pd.DataFrame, summary: pd.DataFrame
) -> pd.DataFrame:
    """Per scheme: the AUC of the physics reference and of the static ceiling on the test samples,
    and every model's mean AUC beside them with its skill above chance as a share of the
    reference's, (AUC - 0.5) / (reference AUC - 0.5): a ratio of AUCs would credit every model with
    the half that chance gives."""
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
        frame["skill_of_reference"] = skill_above_chance(frame["auc"], frame["physics_reference_auc"])
    return frame


def skill_above_chance(auc: pd.Series | float, reference_auc: pd.Series | float) -> pd.Series | float:
    """(AUC - 0.5) / (reference AUC - 0.5): how much of the reference's skill above chance a model
    reaches (1 = all of it, 0 = chance, negative = worse than chance)."""
    return (auc - 0.5) / (reference_auc - 0.5)


PHYSICS = "physics"  # the model column of the truth's own rows in time_ablation.csv
RAIN_TOTALS_ONLY = "rain_totals_only"  # the rain of the window as its daily mean, not retrained


def physics_time_ablation(
    samples: SampleSet, splits: pd.DataFrame, study_dir: Path, patch_m: float, settings: EvaluationSettings
) -> pd.DataFrame:
    """The truth's own answer to "does the order of days matter?", on each scheme's test samples:
    the AUC of the true hazard at the sample's cell and day with the rain of its window as recorded,
    rotated (the models' ``shuffled_rain_days``) and as its daily mean (totals only), and the drop
    from the first with a 95 % interval over spatial clusters of test samples. What the models lose
    under the same change is read against it: a model cannot owe more to timing than the world does
    (generated studies with daily rain only; empty otherwise)."""
    study_dir = Path(study_dir)
    if (
        not (study_dir / "truth" / "physics.yaml").is_file()
        or samples.sequences is None
        or "rain_mm" not in samples.sequence_names
    ):
        return pd.DataFrame()
    from lsm.data.sequences import window_totals_only
    from lsm.evaluate.ablation import rotate_series
    from lsm.evaluate.comparisons import held_out
    from lsm.evaluate.stats import two_level_bootstrap
    from lsm.names import SERIES_CHANNELS
    from lsm.synthetic.truth import hazard_with_windows

    names = list(SERIES_CHANNELS["rain"])

    def as_series(rain: np.ndarray) -> np.ndarray:  # (samples, days) -> (samples, days, [value, change])
        return np.stack([rain, np.diff(rain, axis=1, prepend=rain[:, :1])], axis=-1)

    def as_recorded(rain: np.ndarray) -> np.ndarray:
        return rain

    def rotated(rain: np.ndarray) -> np.ndarray:
        return rotate_series(as_series(rain), names, "rain", settings.seed)[:, :, 0]

    def totals_only(rain: np.ndarray) -> np.ndarray:
        return window_totals_only(as_series(rain), names, "rain")[:, :, 0]

    variants = {"as recorded": as_recorded, "shuffled_rain_days": rotated, RAIN_TOTALS_ONLY: totals_only}
    t = samples.table
    window = samples.sequences.shape[1]
    hazard = hazard_with_windows(study_dir, t.geometry.x, t.geometry.y, t["date"], window, variants)
    rows = []
    for scheme in [s for s in splits.columns if s in ("random", "spatial", "temporal")]:
        test = splits[scheme].to_numpy() == TEST
        if not test.any():
            continue
        tests = held_out(samples, splits, scheme, patch_m)
        scores = {name: h[test][None, :] for name, h in hazard.items()}
        boot = two_level_bootstrap(tests.labels, scores, tests.clusters, settings.bootstrap, settings.seed)
        for variant in ("shuffled_rain_days", RAIN_TOTALS_ONLY):
            drop, replicates = boot.difference("as recorded", variant)
            low, high = np.quantile(replicates, [0.025, 0.975])
            rows.append(
                {
                    "scheme": scheme,
                    "model": PHYSICS,
                    "variant": variant,
                    "auc": boot.observed[variant],
                    "drop": drop,
                    "drop_lo": float(low),
                    "drop_hi": float(high),
                    "seeds": 0,
                }
            )
    return pd.DataFrame(rows)
