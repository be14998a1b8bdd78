"""The synthetic world's forcing (lsm.synthetic.forcing): Kerman's seasonal rhythm and the ground
shaking of an earthquake, checked against their closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lsm.synthetic.forcing import peak_ground_acceleration, wet_season


def test_the_wet_season_peaks_in_mid_february_and_vanishes_in_august() -> None:
    dates = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    season = wet_season(dates)
    assert season.min() >= 0 and season.max() <= 1
    assert dates[np.argmax(season)] == pd.Timestamp("2021-02-14")  # day 45
    assert dates[np.argmin(season)].month == 8
    assert season[dates.month == 2].mean() > 0.9 > 0.1 > season[dates.month == 8].mean()


def test_ground_shaking_follows_its_attenuation_law() -> None:
    distance = np.array([0.0, 10_000.0, 50_000.0])
    pga = peak_ground_acceleration(6.0, distance)
    expected = np.exp(-3.5 + 0.9 * 6.0 - 1.2 * np.log(np.array([0.0, 10.0, 50.0]) + 10.0))
    np.testing.assert_allclose(pga, expected)
    assert pga[0] == pytest.approx(0.4, abs=0.05)  # a magnitude-6 rupture shakes its trace at ~0.4 g
    assert np.all(np.diff(pga) < 0)  # weaker with distance
    assert peak_ground_acceleration(7.0, distance)[1] > pga[1]  # stronger with magnitude
