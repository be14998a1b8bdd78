"""Every split scheme keeps its test fraction (positives and all samples, within 5 points) on the tiny
study and on crafted sample sets, keeps its invariants, is deterministic, and refuses a degenerate
split with one line naming the scheme."""

from __future__ import annotations

import datetime
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml

from lsm.data.factors import compute_factors
from lsm.data.io.study import Study
from lsm.data.normalise import Normaliser
from lsm.data.sampling import SamplingSettings, build_samples
from lsm.data.splits import (
    SplitSettings,
    check_split,
    make_splits,
    random_split,
    spatial_split,
    temporal_split,
)
from lsm.errors import InputError
from lsm.names import ALL_FACTORS, BUFFER, SCHEMES, TEST, TRAIN
from tests.helpers import REPO, RIVER_AREA_KM2, from_params

CELL, PATCH = 30.0, 15


def crafted_table(rows, cols, labels, dates) -> gpd.GeoDataFrame:
    """Samples as `build_samples` writes them: cell indices, cell-centre points, ISO dates."""
    rows, cols = np.asarray(rows), np.asarray(cols)
    return gpd.GeoDataFrame(
        {
            "sample_id": [f"S{i:05d}" for i in range(len(rows))],
            "label": np.asarray(labels, dtype=int),
            "date": [f"{d:%Y-%m-%d}" for d in pd.to_datetime(dates)],
            "row": rows,
            "col": cols,
        },
        geometry=gpd.points_from_xy(500_000 + (cols + 0.5) * CELL, 4_000_000 - (rows + 0.5) * CELL),
    )


def random_days(rng: np.random.Generator, n: int, start: str = "2015-01-01", span: int = 1000):
    return pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, span, n), "D")


def clustered_corner(seed: int = 0) -> gpd.GeoDataFrame:
    """60 landslides in the 1.2 km corner of a 6 km square, 120 negatives uniform over it."""
    rng = np.random.default_rng(seed)
    rows = np.r_[rng.integers(0, 40, 60), rng.integers(0, 200, 120)]
    cols = np.r_[rng.integers(0, 40, 60), rng.integers(0, 200, 120)]
    return crafted_table(rows, cols, np.r_[np.ones(60), np.zeros(120)], random_days(rng, 180))


def apart(seed: int = 1) -> gpd.GeoDataFrame:
    """Landslides in the western strip, negatives in the eastern one: no block holds both."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, 200, 180)
    cols = np.r_[rng.integers(0, 50, 60), rng.integers(150, 200, 120)]
    return crafted_table(rows, cols, np.r_[np.ones(60), np.zeros(120)], random_days(rng, 180))


def few_dates(seed: int = 2) -> gpd.GeoDataFrame:
    """Landslides on four days (the last holds 30 %), negatives dated mostly after the third."""
    table = clustered_corner(seed)
    days = pd.to_datetime(["2016-03-01", "2016-09-10", "2017-02-02", "2017-11-20"])
    rng = np.random.default_rng(seed)
    dates = np.r_[np.repeat(days, [15, 15, 12, 18]), random_days(rng, 120, "2017-06-01", 400)]
    return table.assign(date=[f"{d:%Y-%m-%d}" for d in pd.to_datetime(dates)])


CRAFTED = {"clustered_corner": clustered_corner, "apart": apart, "few_dates": few_dates}


@pytest.fixture(scope="module")
def tiny_samples(tiny_study_dir) -> gpd.GeoDataFrame:
    study = Study(tiny_study_dir, {"crs": None, "resolution_m": CELL})
    stack = compute_factors(study, list(ALL_FACTORS), RIVER_AREA_KM2)
    settings = from_params(SamplingSettings, "sampling", seed=3, buffer_m=300.0, buffer_days=60)
    return build_samples(stack, study, settings, progress=False).table


def fractions(part: pd.Series, labels: pd.Series) -> tuple[float, float]:
    """Test / (train + test), for positives and for all samples, counted from the split itself."""
    kept = part != BUFFER
    positive = labels == 1
    return (
        float((part[positive] == TEST).sum() / (kept & positive).sum()),
        float((part == TEST).sum() / kept.sum()),
    )


def assert_promises(table: gpd.GeoDataFrame, splits: pd.DataFrame, info: dict, target: float) -> None:
    """Fractions within 5 points; no train patch overlaps a test patch (spatial); test only after
    train (temporal); the info dict tells the truth."""
    for scheme in SCHEMES:
        positives, share = fractions(splits[scheme], table["label"])
        worst = max(abs(positives - target), abs(share - target))
        assert worst <= 0.05 + 1e-9, (scheme, positives, share)  # floats: 0.25 - 0.20 > 0.05
        assert info[scheme]["test_fraction_positives"] == pytest.approx(positives, abs=1e-4)
        assert info[scheme]["test_fraction_all"] == pytest.approx(share, abs=1e-4)
        assert sum(info[scheme][k] for k in (TRAIN, TEST, BUFFER)) == len(table)
    train, test = (table[splits["spatial"] == part] for part in (TRAIN, TEST))
    dr = np.abs(train["row"].to_numpy()[:, None] - test["row"].to_numpy()[None, :])
    dc = np.abs(train["col"].to_numpy()[:, None] - test["col"].to_numpy()[None, :])
    assert (np.maximum(dr, dc) >= PATCH).all()
    dates = pd.to_datetime(table["date"])
    assert dates[splits["temporal"] == TEST].min() > dates[splits["temporal"] == TRAIN].max()
    assert dates[splits["temporal"] == TEST].min() == pd.Timestamp(info["temporal_cutoff"])


@pytest.mark.parametrize("seed", [0, 5, 11])
def test_every_scheme_meets_its_test_fraction_on_the_tiny_study(tiny_samples, seed: int) -> None:
    splits, info = make_splits(
        tiny_samples, CELL, PATCH, True, from_params(SplitSettings, "splits", seed=seed)
    )
    assert_promises(tiny_samples, splits, info, 0.3)
    assert PATCH * CELL <= info["spatial"]["block_m"] <= 3000.0
    assert json.loads(json.dumps(info)) == info  # written as samples/splits.json


@pytest.mark.parametrize("name", list(CRAFTED))
@pytest.mark.parametrize("target", [0.3, 0.25])
def test_every_scheme_meets_its_test_fraction_on_crafted_samples(name: str, target: float) -> None:
    table = CRAFTED[name]()
    splits, info = make_splits(
        table, CELL, PATCH, True, from_params(SplitSettings, "splits", test_fraction=target, seed=4)
    )
    assert_promises(table, splits, info, target)


def test_a_quarter_takes_whole_folds_of_twelve() -> None:
    """Ten folds cannot make 25 % (2 or 3 of 10 are 5 points off): twelve can."""
    table = clustered_corner()
    _, info = make_splits(
        table, CELL, PATCH, False, from_params(SplitSettings, "splits", test_fraction=0.25, seed=1)
    )
    assert (info["random"]["folds"], info["random"]["test_folds"]) == (12, 3)
    assert abs(info["random"]["test_fraction_positives"] - 0.25) < 0.02


def test_balancing_moves_surplus_negatives_of_one_side_and_says_so() -> None:
    # Landslides west, negatives east: any region holding 30 % of the landslides holds too many or
    # too few negatives, so negatives of the over-full side go to buffer.
    table = apart()
    splits, info = make_splits(table, CELL, PATCH, False, from_params(SplitSettings, "splits", seed=2))
    balanced = info["spatial"]["balanced"]
    assert balanced is not None and balanced["negatives_moved_to_buffer"] > 0
    # Negatives dated mostly after the cutoff: the test side is over-full.
    table = few_dates()
    splits, info = make_splits(table, CELL, PATCH, True, from_params(SplitSettings, "splits", seed=2))
    assert info["temporal"]["balanced"]["side"] == TEST
    moved = info["temporal"]["balanced"]["negatives_moved_to_buffer"]
    buffered = splits["temporal"] == BUFFER
    assert buffered.sum() == moved > 0
    assert (table.loc[buffered, "label"] == 0).all()
    # Without the balancing the test side would hold far more than 35 % of the samples.
    assert (splits["temporal"] != TRAIN).sum() / len(table) > 0.4
    assert info["random"]["balanced"] is None


def test_splits_are_deterministic_for_a_seed() -> None:
    table = few_dates()
    first, info = make_splits(table, CELL, PATCH, True, from_params(SplitSettings, "splits", seed=8))
    again, info_again = make_splits(table, CELL, PATCH, True, from_params(SplitSettings, "splits", seed=8))
    pd.testing.assert_frame_equal(first, again)
    assert info == info_again
    other, _ = make_splits(table, CELL, PATCH, True, from_params(SplitSettings, "splits", seed=9))
    assert not other["random"].equals(first["random"])
    assert not other["spatial"].equals(first["spatial"])


def refusal(call) -> str:
    with pytest.raises(InputError) as error:
        call()
    message = str(error.value)
    assert "\n" not in message and "Fix: " in message
    return message


def test_too_few_landslides_are_refused_by_every_scheme() -> None:
    table = clustered_corner()
    few = table[(table["label"] == 0) | (np.arange(len(table)) < 7)].reset_index(drop=True)
    labels, x, y = few["label"].to_numpy(), few.geometry.x.to_numpy(), few.geometry.y.to_numpy()
    calls = {
        "random": lambda: random_split(labels, few["row"].to_numpy(), 0.3, 0),
        "spatial": lambda: spatial_split(x, y, labels, 1000.0, PATCH * CELL, 0.3, 0),
        "temporal": lambda: temporal_split(few["date"], labels, 0.3, 0),
    }
    for scheme, call in calls.items():
        message = refusal(call)
        assert f"the {scheme} split needs at least 10 landslides" in message and "there are 7" in message
    assert "the random split" in refusal(
        lambda: make_splits(few, CELL, PATCH, True, from_params(SplitSettings, "splits"))
    )


def test_random_split_refuses_fewer_cells_than_folds() -> None:
    rng = np.random.default_rng(0)
    cells = rng.integers(0, 6, 36)  # 12 landslides and 24 negatives on 6 cells
    table = crafted_table(cells, cells, np.r_[np.ones(12), np.zeros(24)], random_days(rng, 36))
    message = refusal(lambda: make_splits(table, CELL, PATCH, False, from_params(SplitSettings, "splits")))
    assert "the random split needs samples in at least 10 cells" in message and "sit in 6" in message


def test_temporal_split_refuses_one_date_and_too_few_dates() -> None:
    table = clustered_corner()
    one_day = table.assign(date=np.where(table["label"] == 1, "2016-05-04", table["date"]))
    message = refusal(lambda: make_splits(one_day, CELL, PATCH, True, from_params(SplitSettings, "splits")))
    assert "the temporal split needs landslides on at least two dates" in message
    assert "all 60 fall on 2016-05-04" in message and "sampling.temporal: false" in message
    halves = np.where(np.arange(len(table)) % 2 == 0, "2016-05-04", "2017-05-04")
    two_days = table.assign(date=np.where(table["label"] == 1, halves, table["date"]))
    message = refusal(lambda: make_splits(two_days, CELL, PATCH, True, from_params(SplitSettings, "splits")))
    assert message.startswith("params.yaml: the temporal split cannot hold out 30% of the landslides")
    assert "allow test shares of 0.50" in message


def test_spatial_split_refuses_a_small_extent_and_a_single_cluster() -> None:
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 20, 90), rng.integers(0, 25, 90)  # 600 x 750 m, under two patches
    small = crafted_table(rows, cols, np.r_[np.ones(30), np.zeros(60)], random_days(rng, 90))
    message = refusal(lambda: make_splits(small, CELL, PATCH, False, from_params(SplitSettings, "splits")))
    assert "the spatial split needs samples spread over at least two patches (900 m)" in message
    # Every landslide within one patch of the others: none can be tested without its neighbours'
    # patches overlapping, so no split has landslides on both sides.
    rows = np.r_[rng.integers(0, 10, 30), rng.integers(0, 200, 60)]
    cols = np.r_[rng.integers(0, 10, 30), rng.integers(0, 200, 60)]
    cluster = crafted_table(rows, cols, np.r_[np.ones(30), np.zeros(60)], random_days(rng, 90))
    message = refusal(lambda: make_splits(cluster, CELL, PATCH, False, from_params(SplitSettings, "splits")))
    assert "the spatial split cannot hold out 30% of the landslides" in message


def test_a_split_without_landslides_on_one_side_is_refused() -> None:
    labels = np.r_[np.ones(20, dtype=int), np.zeros(40, dtype=int)]
    part = np.where(np.arange(60) < 20, TRAIN, TEST)  # every landslide in train
    assert "the spatial split leaves no landslide in test" in refusal(
        lambda: check_split("spatial", part, labels, 0.3)
    )


@pytest.mark.parametrize("first_test_day", ["2016-01-01", datetime.date(2016, 1, 1)])
def test_a_temporal_split_by_date_tests_on_and_after_that_day(first_test_day) -> None:
    """``splits.temporal_from``: a YAML date or a quoted string; the day, not a fraction, decides."""
    table = clustered_corner()
    splits, info = make_splits(
        table,
        CELL,
        PATCH,
        True,
        from_params(SplitSettings, "splits", temporal_from=first_test_day),
        ("random", "temporal"),
    )
    days = pd.to_datetime(table["date"])
    part = splits["temporal"]
    assert (part[days < "2016-01-01"] != "test").all() and (part[days >= "2016-01-01"] != "train").all()
    positives = table["label"] == 1
    share = (days[positives] >= "2016-01-01").mean()
    assert info["temporal"]["cutoff"] == "2016-01-01" and info["temporal_cutoff"] == "2016-01-01"
    assert info["temporal"]["test_fraction_positives"] == pytest.approx(share, abs=1e-4)
    # negatives balanced to the landslides' share: the same class balance on both sides
    used = part != "buffer"
    assert abs((part[used] == "test").mean() - share) <= 0.05
    assert (part[positives] != "buffer").all()


def test_a_temporal_split_by_date_refuses_a_day_that_empties_a_side() -> None:
    table = clustered_corner()
    for day, side in (("2010-01-01", "before"), ("2030-01-01", "on or after")):
        message = refusal(
            lambda day=day: make_splits(
                table, CELL, PATCH, True, from_params(SplitSettings, "splits", temporal_from=day)
            )
        )
        assert message.startswith(f"params.yaml: the temporal split from {day} leaves no landslide {side}")
        assert "splits.temporal_from" in message


def test_the_schema_takes_a_yaml_date_or_a_quoted_day_and_refuses_other_text() -> None:
    from lsm.config import validate_config
    from lsm.errors import ConfigError

    params = yaml.safe_load((REPO / "params.yaml").read_text())
    for value in (datetime.date(2005, 1, 1), "2005-01-01", None):
        params["splits"]["temporal_from"] = value
        validate_config(params)
    params["splits"]["temporal_from"] = "1st of May"
    with pytest.raises(ConfigError, match=r"splits\.temporal_from"):
        validate_config(params)


def test_normaliser_ignores_patch_cells_without_data_and_feeds_them_the_training_mean() -> None:
    """A coastal patch's cells on the sea are NaN: they take no part in the training statistics and
    enter the network as 0, the training mean of their channel."""
    rng = np.random.default_rng(2)
    patches = rng.normal(5.0, 2.0, (40, 3, 5, 5)).astype("float32")
    patches[:10, :, :, :2] = np.nan  # ten samples by the sea
    train = np.arange(40) < 30
    norm = Normaliser.fit(patches, rng.normal(size=(40, 2)), None, train)
    kept = patches[train].transpose(1, 0, 2, 3).reshape(3, -1)
    np.testing.assert_allclose(norm.patch_mean, np.nanmean(kept, axis=1), rtol=1e-6)
    np.testing.assert_allclose(norm.patch_std, np.nanstd(kept, axis=1), rtol=1e-5)
    scaled = norm.patches(patches)
    assert np.isfinite(scaled).all()
    assert (scaled[:10, :, :, :2] == 0).all()
    np.testing.assert_allclose(
        scaled[10:],
        (patches[10:] - norm.patch_mean[:, None, None]) / norm.patch_std[:, None, None],
        rtol=1e-6,
    )
