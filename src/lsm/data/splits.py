"""Train/test splits per validation scheme (the normalisation fitted on the training side is in
:mod:`lsm.data.normalise`).

Every scheme holds out ``test_fraction`` of the positives and of all samples within ``TOLERANCE``
(a fraction is test / (train + test); ``buffer`` samples are neither), or refuses with one line that
says what to change; a split that misses its fraction would make the schemes' scores incomparable.

- ``random``: stratified by label, grouped by cell (a landslide and its same-place negatives go to
  the same side, so no patch sits in both); whole folds of a StratifiedGroupKFold (ten, or a few more
  when ten cannot make the fraction), the combination of folds nearest the target.
- ``spatial``: a compact region of whole square blocks held out; training samples whose patch would
  overlap a test patch are set aside as ``buffer``. Seeded growths from several start blocks; the one
  nearest the target wins, ties to the fewest buffered samples (a compact region loses fewer to its
  buffer than scattered blocks). Blocks shrink, to no less than a patch, while no growth meets the
  target; as a last resort surplus negatives of one side go to ``buffer``.
- ``temporal``: samples before a cutoff date train, on or after it test; the cutoff leaves
  ``test_fraction`` of the landslides for testing. Negatives' dates follow the sampling design, not
  the landslides, so surplus negatives of an over-full side go to ``buffer`` when needed. The
  landscape is shared by design: a place may appear in both periods, a (place, day) sample never does.

One module of about 500 lines on purpose: the three schemes keep one promise (the checks and the
balancing of negatives at the top), and the spatial scheme's search for a compact region is most of
the length.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree
from sklearn.model_selection import StratifiedGroupKFold

from lsm.errors import InputError
from lsm.names import BUFFER, SCHEMES, TEST, TRAIN

PART = "<U6"  # wide enough for all three names (np.where on "train"/"test" alone would truncate "buffer")
TOLERANCE = 0.05  # largest |achieved - requested| test fraction, for positives and for all samples
POINTS = f"{100 * TOLERANCE:g} percentage points"
WITHIN = TOLERANCE + 1e-9  # so that 0.20 for 0.25 (0.05000000000000002 in floats) counts as within
BALANCE_MARGIN = 0.01  # balancing aims this far inside the tolerance, not at its edge
MIN_POSITIVES = 10  # fewer landslides cannot be split into a meaningful train and test set
MIN_FOLDS, MAX_FOLDS = 10, 20
SPATIAL_STARTS = 16  # seeded start blocks tried per block size
BLOCK_SHRINK = 0.8  # each smaller block size tried is this share of the previous one


@dataclass(frozen=True)
class SplitSettings:
    """``splits:`` of params.yaml (values only there)."""

    test_fraction: float
    spatial_block_m: float
    seed: int
    temporal_from: str | None  # the temporal split by date: test on and after this day

    def __post_init__(self) -> None:
        if self.temporal_from is not None:  # a YAML date or a quoted string
            object.__setattr__(self, "temporal_from", f"{pd.Timestamp(str(self.temporal_from)):%Y-%m-%d}")

    @classmethod
    def from_config(cls, block: Mapping[str, Any]) -> SplitSettings:
        """From the validated block (the schema rejects unknown and missing keys first)."""
        return cls(**block)


# -- what every scheme promises -------------------------------------------------------------------
def _refuse(scheme: str, problem: str, fix: str, source: str = "splits") -> InputError:
    return InputError(source, f"the {scheme} split {problem}", fix)


def _require_landslides(scheme: str, labels: np.ndarray) -> None:
    positives = int((labels == 1).sum())
    if positives < MIN_POSITIVES:
        raise _refuse(
            scheme,
            f"needs at least {MIN_POSITIVES} landslides in the samples, there are {positives}",
            "bring an inventory with more landslides (samples/summary.json says how many were dropped)",
        )


def _counts(part: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One row of [positives in test, samples in test, positives in train, samples in train]."""
    positive, test, train = labels == 1, part == TEST, part == TRAIN
    return np.array([[(test & positive).sum(), test.sum(), (train & positive).sum(), train.sum()]])


def _fractions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Test fractions of positives and of all samples, per row of ``counts``."""
    pt, tt, pr, tr = counts.T.astype(float)
    return pt / np.maximum(pt + pr, 1.0), tt / np.maximum(tt + tr, 1.0)


def _negatives_to_move(counts: np.ndarray, target: float) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``counts``: how many negatives must go to ``buffer`` so that the test fraction of
    all samples comes within the tolerance (0 when it is; -1 when the side has too few), and whether
    they come from test (else from train)."""
    pt, tt, pr, tr = counts.T.astype(float)
    _, share = _fractions(counts)
    from_test = share > target
    aim = np.where(from_test, target + TOLERANCE - BALANCE_MARGIN, target - TOLERANCE + BALANCE_MARGIN)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(from_test, np.ceil(tt - aim / (1 - aim) * tr), np.ceil(tt + tr - tt / aim))
    need = np.where(np.abs(share - target) <= WITHIN, 0.0, np.maximum(need, 0.0))
    available = np.where(from_test, tt - pt, tr - pr)
    return np.where(need > available, -1, need).astype(int), from_test


def _balance_negatives(
    scheme: str, part: np.ndarray, labels: np.ndarray, target: float, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Move the fewest randomly chosen negatives of the over-full side to ``buffer`` (the positives'
    fraction is already met), and say what moved."""
    need, from_test = _negatives_to_move(_counts(part, labels), target)
    if need[0] == 0:
        return part, None
    if need[0] < 0:
        raise _refuse(
            scheme,
            f"cannot bring the test share of all samples within {POINTS} of test_fraction "
            "by setting negatives aside",
            "set splits.test_fraction in params.yaml nearer the share the landslides allow",
            "params.yaml",
        )
    side = TEST if from_test[0] else TRAIN
    moved = rng.choice(np.flatnonzero((part == side) & (labels == 0)), size=need[0], replace=False)
    part = part.astype(PART)  # a copy, wide enough for "buffer"
    part[moved] = BUFFER
    return part, {"side": side, "negatives_moved_to_buffer": int(need[0])}


def check_split(scheme: str, part: np.ndarray, labels: np.ndarray, target: float) -> dict[str, Any]:
    """Refuse a split with no landslide on a side or a fraction off target (the promise every scheme
    keeps); else its counts and achieved test fractions."""
    unknown = set(np.unique(part)) - {TRAIN, TEST, BUFFER}
    if unknown:
        raise ValueError(f"{scheme} split has parts {sorted(unknown)}, not {TRAIN}/{TEST}/{BUFFER}")
    counts = _counts(part, labels)
    if counts[0, 0] == 0 or counts[0, 2] == 0:
        side = TEST if counts[0, 0] == 0 else TRAIN
        raise _refuse(
            scheme,
            f"leaves no landslide in {side}",
            "bring landslides spread over more places and days, or change splits.test_fraction",
        )
    positives, share = (float(f[0]) for f in _fractions(counts))
    for what, value in (("landslides", positives), ("samples", share)):
        if abs(value - target) > WITHIN:
            raise _refuse(
                scheme,
                f"holds out {value:.0%} of the {what} for a test_fraction of {target:.0%}",
                f"set splits.test_fraction in params.yaml nearer {value:.2f}",
                "params.yaml",
            )
    kept = {k: int((part == k).sum()) for k in (TRAIN, TEST, BUFFER)}
    return kept | {"test_fraction_positives": round(positives, 4), "test_fraction_all": round(share, 4)}


# -- random ----------------------------------------------------------------------------------------
def _fold_plan(test_fraction: float, most_folds: int) -> tuple[int, int]:
    """Number of folds and of test folds: ten, or the fewest more whose whole folds come at least a
    point nearer ``test_fraction`` (0.25 takes 3 of 12 folds, not 2 or 3 of 10)."""
    best: tuple[float, int, int] | None = None
    for folds in range(MIN_FOLDS, max(MIN_FOLDS, min(MAX_FOLDS, most_folds)) + 1):
        test_folds = min(max(round(test_fraction * folds), 1), folds - 1)
        error = abs(test_folds / folds - test_fraction)
        if best is None or error < best[0] - 0.01:
            best = (error, folds, test_folds)
    assert best is not None
    return best[1], best[2]


def _nearest_folds(fold_of: np.ndarray, labels: np.ndarray, test_folds: int, target: float) -> np.ndarray:
    """The ``test_folds`` folds whose union comes nearest ``target`` for positives and all samples."""
    folds = int(fold_of.max()) + 1
    positives = np.bincount(fold_of[labels == 1], minlength=folds)
    samples = np.bincount(fold_of, minlength=folds)
    combos = np.array(list(itertools.combinations(range(folds), test_folds)))
    worst = np.maximum(
        np.abs(positives[combos].sum(1) / positives.sum() - target),
        np.abs(samples[combos].sum(1) / samples.sum() - target),
    )
    return combos[int(np.argmin(worst))]


def random_split(
    labels: np.ndarray, groups: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, dict[str, Any]]:
    """Stratified by label, grouped by cell, ``test_fraction`` in test in whole folds."""
    _require_landslides("random", labels)
    n_groups = len(np.unique(groups))
    if n_groups < MIN_FOLDS:
        raise _refuse(
            "random",
            f"needs samples in at least {MIN_FOLDS} cells (one per fold), they sit in {n_groups}",
            "bring landslides at more places",
        )
    smallest_class = int(min((labels == 1).sum(), (labels != 1).sum()))
    folds, test_folds = _fold_plan(test_fraction, min(n_groups, smallest_class))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    fold_of = np.empty(len(labels), dtype=int)
    for k, (_, test) in enumerate(splitter.split(np.zeros(len(labels)), labels, groups)):
        fold_of[test] = k
    test = np.isin(fold_of, _nearest_folds(fold_of, labels, test_folds, test_fraction))
    return np.where(test, TEST, TRAIN).astype(PART), {
        "folds": folds,
        "test_folds": test_folds,
        "balanced": None,
    }


# -- spatial ---------------------------------------------------------------------------------------
def _overlapping_patches(x: np.ndarray, y: np.ndarray, overlap_m: float) -> sparse.csr_matrix:
    """Which samples' patches overlap: centres closer than a patch (Chebyshev), as a sparse matrix."""
    n = len(x)
    # Centres sit on cell centres, so distances are whole cells: just under ``overlap_m`` is strict.
    pairs = cKDTree(np.column_stack([x, y])).query_pairs(
        overlap_m * (1 - 1e-6), p=np.inf, output_type="ndarray"
    )
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


@dataclass
class _Blocks:
    """Samples grouped into square blocks of one size, and which samples each block's patches reach."""

    size_m: float
    block_of: np.ndarray  # block index per sample
    centres: np.ndarray  # (blocks, 2), in block units
    members: list[np.ndarray]
    reach: list[np.ndarray]  # the members and every sample whose patch overlaps one of theirs

    @classmethod
    def build(cls, x: np.ndarray, y: np.ndarray, size_m: float, overlaps: sparse.csr_matrix) -> _Blocks:
        keys = np.column_stack([(x - x.min()) // size_m, (y - y.min()) // size_m]).astype(np.int64)
        centres, block_of = np.unique(keys, axis=0, return_inverse=True)
        block_of = block_of.ravel()
        membership = sparse.csr_matrix(
            (np.ones(len(x)), (block_of, np.arange(len(x)))), shape=(len(centres), len(x))
        )
        reach = (membership @ overlaps + membership).tocsr()
        order = np.argsort(block_of, kind="stable")
        members = np.split(order, np.cumsum(np.bincount(block_of))[:-1])
        reached = [reach.indices[reach.indptr[b] : reach.indptr[b + 1]] for b in range(len(centres))]
        return cls(size_m, block_of, centres.astype(float), members, reached)

    def part(self, region: np.ndarray) -> np.ndarray:
        """Train/test/buffer when the blocks of ``region`` are held out."""
        near = np.zeros(len(self.block_of), dtype=bool)
        near[np.concatenate([self.reach[b] for b in region])] = True
        test = np.isin(self.block_of, region)
        return np.where(test, TEST, np.where(near, BUFFER, TRAIN)).astype(PART)


def _grow(blocks: _Blocks, labels: np.ndarray, order: np.ndarray, target: float) -> np.ndarray:
    """Counts (rows as in ``_counts``) after each block of ``order`` joins the test region; stops
    once the positives' fraction is past the target (it only grows)."""
    state = np.zeros(len(labels), dtype=np.int8)  # 0 train, 1 test, 2 buffer
    positive = labels == 1
    pt, tt, pr, tr = 0, 0, int(positive.sum()), len(labels)
    rows = []
    for b in order:
        reach = blocks.reach[b]
        leaving = reach[state[reach] == 0]
        state[leaving] = 2
        pr, tr = pr - int(positive[leaving].sum()), tr - len(leaving)
        members = blocks.members[b]
        state[members] = 1
        pt, tt = pt + int(positive[members].sum()), tt + len(members)
        rows.append((pt, tt, pr, tr))
        if pr == 0 or pt / (pt + pr) - target > WITHIN:
            break
    return np.array(rows, dtype=int)


@dataclass
class _Region:
    """One candidate test region and how it ranks."""

    blocks: _Blocks
    region: np.ndarray
    rank: tuple[float, int]


def _candidates(
    blocks: _Blocks, labels: np.ndarray, target: float, rng: np.random.Generator
) -> tuple[_Region | None, _Region | None]:
    """The best compact region of seeded growths (smallest worst deviation to the point, then fewest
    buffered), and the best for balancing (positives within tolerance, fewest samples lost)."""
    n_blocks, n = len(blocks.centres), len(labels)
    best: _Region | None = None
    resort: _Region | None = None
    for start in rng.choice(n_blocks, size=min(SPATIAL_STARTS, n_blocks), replace=False):
        distance = np.hypot(*(blocks.centres - blocks.centres[start]).T)
        order = np.lexsort((rng.random(n_blocks), distance))
        counts = _grow(blocks, labels, order, target)
        positives, share = _fractions(counts)
        worst = np.maximum(np.abs(positives - target), np.abs(share - target))
        buffered = n - counts[:, 1] - counts[:, 3]
        both_sides = (counts[:, 0] > 0) & (counts[:, 2] > 0)
        for i in np.flatnonzero(both_sides & (worst <= WITHIN)):
            rank = (round(float(worst[i]), 2), int(buffered[i]))
            if best is None or rank < best.rank:
                best = _Region(blocks, order[: i + 1], rank)
        need, _ = _negatives_to_move(counts, target)
        for i in np.flatnonzero(both_sides & (np.abs(positives - target) <= WITHIN) & (need >= 0)):
            rank = (int(buffered[i] + need[i]), 0)
            if resort is None or rank < resort.rank:
                resort = _Region(blocks, order[: i + 1], rank)
    return best, resort


def _block_sizes(block_m: float, overlap_m: float) -> list[float]:
    sizes = [block_m]
    while sizes[-1] > overlap_m * (1 + 1e-9):
        sizes.append(max(overlap_m, round(sizes[-1] * BLOCK_SHRINK)))
    return sizes


def spatial_split(
    x: np.ndarray,
    y: np.ndarray,
    labels: np.ndarray,
    block_m: float,
    overlap_m: float,
    test_fraction: float,
    seed: int,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Whole blocks to test so that both fractions meet ``test_fraction``; train samples closer than
    ``overlap_m`` (Chebyshev) to a test sample become ``buffer``."""
    _require_landslides("spatial", labels)
    span = max(np.ptp(x), np.ptp(y))
    if span < 2 * overlap_m:
        raise _refuse(
            "spatial",
            f"needs samples spread over at least two patches ({2 * overlap_m:g} m), they span {span:g} m",
            "bring a larger study area, or set a smaller sampling.patch_size in params.yaml",
        )
    rng = np.random.default_rng(seed)
    overlaps = _overlapping_patches(x, y, overlap_m)
    fallback: _Region | None = None
    for size in _block_sizes(block_m, overlap_m):
        blocks = _Blocks.build(x, y, size, overlaps)
        best, resort = _candidates(blocks, labels, test_fraction, rng)
        if best is not None:
            return best.blocks.part(best.region), {"block_m": round(float(size), 2), "balanced": None}
        if resort is not None and (fallback is None or resort.rank < fallback.rank):
            fallback = resort
    if fallback is None:
        raise _refuse(
            "spatial",
            f"cannot hold out {test_fraction:.0%} of the landslides within {POINTS} in whole "
            f"blocks, even blocks of one patch ({overlap_m:g} m): the landslides sit in too few places",
            "change splits.test_fraction or set a smaller sampling.patch_size in params.yaml",
            "params.yaml",
        )
    part = fallback.blocks.part(fallback.region)
    part, balanced = _balance_negatives("spatial", part, labels, test_fraction, rng)
    return part, {"block_m": round(float(fallback.blocks.size_m), 2), "balanced": balanced}


# -- temporal --------------------------------------------------------------------------------------
def _sample_days(dates: pd.Series | np.ndarray) -> np.ndarray:
    days = pd.to_datetime(pd.Series(np.asarray(dates)), errors="coerce")
    missing = int(days.isna().sum())
    if missing:
        raise _refuse(
            "temporal",
            f"needs a date for every sample, {missing} have none",
            "give every landslide a date, or set sampling.temporal: false in params.yaml",
        )
    return days.to_numpy()


def _cutoff_counts(days: np.ndarray, labels: np.ndarray, cutoffs: np.ndarray) -> np.ndarray:
    """Counts (rows as in ``_counts``) when samples on or after each cutoff test."""
    positive_days, all_days = np.sort(days[labels == 1]), np.sort(days)
    pt = len(positive_days) - np.searchsorted(positive_days, cutoffs, side="left")
    tt = len(all_days) - np.searchsorted(all_days, cutoffs, side="left")
    return np.column_stack([pt, tt, len(positive_days) - pt, len(all_days) - tt])


def temporal_split(
    dates: pd.Series | np.ndarray, labels: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, pd.Timestamp, dict[str, Any]]:
    """Before the cutoff trains, on or after it tests. The cutoff is the day whose positives' fraction
    is nearest ``test_fraction`` (among days giving the same fraction, the one that sets the fewest
    negatives aside); then surplus negatives of the over-full side go to ``buffer``."""
    _require_landslides("temporal", labels)
    days = _sample_days(dates)
    landslide_days = np.unique(days[labels == 1])
    if len(landslide_days) < 2:
        raise _refuse(
            "temporal",
            f"needs landslides on at least two dates, to put some before and some after a cutoff; all "
            f"{int((labels == 1).sum())} fall on {pd.Timestamp(landslide_days[0]):%Y-%m-%d}",
            "bring landslides dated on several days, or set sampling.temporal: false in params.yaml",
        )
    cutoffs = np.unique(days[(days > landslide_days[0]) & (days <= landslide_days[-1])])
    counts = _cutoff_counts(days, labels, cutoffs)
    positives, share = _fractions(counts)
    need, _ = _negatives_to_move(counts, test_fraction)
    miss = np.abs(positives - test_fraction)
    best = int(
        np.lexsort((np.abs(share - test_fraction), np.where(need < 0, len(days), need), miss.round(2)))[0]
    )
    if miss[best] > WITHIN:
        allowed = ", ".join(f"{p:.2f}" for p in np.unique(positives.round(2)))
        raise _refuse(
            "temporal",
            f"cannot hold out {test_fraction:.0%} of the landslides within {POINTS} with one cutoff: "
            f"their {len(landslide_days)} dates allow test shares of {allowed}",
            "set splits.test_fraction in params.yaml to one of those, or sampling.temporal: false",
            "params.yaml",
        )
    part = np.where(days < cutoffs[best], TRAIN, TEST).astype(PART)
    part, balanced = _balance_negatives("temporal", part, labels, test_fraction, np.random.default_rng(seed))
    cutoff = pd.Timestamp(days[part == TEST].min())
    return part, cutoff, {"cutoff": f"{cutoff:%Y-%m-%d}", "balanced": balanced}


def temporal_split_from(
    dates: pd.Series | np.ndarray, labels: np.ndarray, first_test_day: str, seed: int
) -> tuple[np.ndarray, dict[str, Any]]:
    """A prospective test: samples before ``first_test_day`` train, those on or after it test
    (``splits.temporal_from``). The day, not a fraction, decides the landslides' test share; the
    negatives are then balanced to that share, so that both sides hold the same class balance."""
    _require_landslides("temporal", labels)
    days = _sample_days(dates)
    cutoff = pd.Timestamp(first_test_day)
    part = np.where(days < np.datetime64(cutoff), TRAIN, TEST).astype(PART)
    positive_days = days[labels == 1]
    before, after = (
        int((positive_days < np.datetime64(cutoff)).sum()),
        int((positive_days >= np.datetime64(cutoff)).sum()),
    )
    if before == 0 or after == 0:
        side = "before" if before == 0 else "on or after"
        raise _refuse(
            "temporal",
            f"from {cutoff:%Y-%m-%d} leaves no landslide {side} that day (landslides from "
            f"{pd.Timestamp(positive_days.min()):%Y-%m-%d} to {pd.Timestamp(positive_days.max()):%Y-%m-%d})",
            "set splits.temporal_from in params.yaml to a day between the first and the last landslide",
            "params.yaml",
        )
    share = after / (before + after)
    part, balanced = _balance_negatives("temporal", part, labels, share, np.random.default_rng(seed))
    return part, {
        "cutoff": f"{cutoff:%Y-%m-%d}",
        "cutoff_from": "splits.temporal_from",
        "test_fraction_asked": share,
        "balanced": balanced,
    }


# -- all schemes -----------------------------------------------------------------------------------
def make_splits(
    table: pd.DataFrame,
    cell: float,
    patch_size: int,
    temporal: bool,
    settings: SplitSettings,
    schemes: Sequence[str] = SCHEMES,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One column per scheme of ``schemes`` (train/test/buffer), indexed like ``table``; plus, per
    scheme, the counts, the achieved test fractions (positives and all samples) and what was
    balanced. Only the listed schemes are made, so one the run plan does not use cannot stop it."""
    labels = table["label"].to_numpy().astype(int)
    groups = (table["row"].astype(str) + "_" + table["col"].astype(str)).to_numpy()
    x, y = table.geometry.x.to_numpy(), table.geometry.y.to_numpy()
    target = settings.test_fraction
    out = pd.DataFrame({"sample_id": table["sample_id"]})
    # Two patches of width P cells overlap when their centres are closer than P cells (Chebyshev).
    overlap_m = patch_size * cell
    # Blocks no larger than a third of the sampled extent (else one block is everything), and no
    # smaller than a patch.
    extent = min(np.ptp(x), np.ptp(y))
    block_m = max(overlap_m, min(settings.spatial_block_m, extent / 3))
    details: dict[str, dict[str, Any]] = {}
    info: dict[str, Any] = {"test_fraction": target, "tolerance": TOLERANCE, "patch_overlap_m": overlap_m}
    if "random" in schemes:
        out["random"], details["random"] = random_split(labels, groups, target, settings.seed)
    if "spatial" in schemes:
        out["spatial"], details["spatial"] = spatial_split(
            x, y, labels, block_m, overlap_m, target, settings.seed
        )
        info["spatial_block_m"] = details["spatial"]["block_m"]
    targets = dict.fromkeys(details, target)
    if temporal and "temporal" in schemes and settings.temporal_from is not None:
        out["temporal"], details["temporal"] = temporal_split_from(
            table["date"], labels, settings.temporal_from, settings.seed
        )
        targets["temporal"] = details["temporal"]["test_fraction_asked"]
        info["temporal_cutoff"] = details["temporal"]["cutoff"]
    elif temporal and "temporal" in schemes:
        out["temporal"], _, details["temporal"] = temporal_split(table["date"], labels, target, settings.seed)
        targets["temporal"] = target
        info["temporal_cutoff"] = details["temporal"]["cutoff"]
    for scheme, extra in details.items():
        info[scheme] = check_split(scheme, out[scheme].to_numpy(), labels, targets[scheme]) | extra
    return out, info
