"""The seeds' part of a map on cases with known answers: spread, disagreement, calibrated mean, style."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from lsm.evaluate.calibration import Platt
from lsm.maps.style import ramp_style
from lsm.maps.uncertainty import SeedCalibration, seed_spread, seeds_disagree


def test_seed_spread_is_the_sample_standard_deviation() -> None:
    seeds = np.array([[[0.1, np.nan]], [[0.3, np.nan]], [[0.5, np.nan]]], dtype="float32")
    spread = seed_spread(seeds)
    assert spread[0, 0] == pytest.approx(0.2)  # sd of 0.1, 0.3, 0.5 with ddof 1
    assert np.isnan(spread[0, 1])
    assert seed_spread(seeds[:1])[0, 0] == 0.0 and np.isnan(seed_spread(seeds[:1])[0, 1])


def test_seeds_disagree_where_any_seed_crosses_a_break() -> None:
    breaks = np.array([0.3, 0.6])
    seeds = np.array([[[0.1, 0.5, 0.7, np.nan]], [[0.2, 0.65, 0.9, np.nan]]])
    assert seeds_disagree(seeds, breaks).tolist() == [[False, True, False, False]]


def test_calibrated_mean_applies_each_seeds_own_calibrator() -> None:
    table = pd.DataFrame(
        {
            "model": ["rf", "rf", "svm"],
            "seed": [2, 1, 1],
            "slope": [1.0, 2.0, 5.0],
            "intercept": [0.0, 0.0, 5.0],
            "sample_prevalence": [0.25, 0.25, 0.25],
        }
    )
    calibration = SeedCalibration.from_table(table, "rf", [1, 2])
    seeds = np.array([[[0.25]], [[0.25]]])
    expected = (Platt(2.0, 0.0).apply(np.array(0.25)) + 0.25) / 2  # seed 1 sharpened, seed 2 as is
    assert calibration.mean(seeds)[0, 0] == pytest.approx(expected, abs=1e-7)
    shifted = SeedCalibration.from_table(table, "rf", [1, 2], prevalence=0.25)
    assert shifted.mean(seeds)[0, 0] == pytest.approx(expected, abs=1e-7)  # at its own prevalence: same
    with pytest.raises(ValueError, match="seed"):
        SeedCalibration.from_table(table, "rf", [1, 3])


def test_ramp_style_is_an_interpolated_qgis_colour_ramp() -> None:
    root = ET.fromstring(ramp_style(0.2, "sd").split("\n", 1)[1])
    renderer = root.find("./pipe/rasterrenderer")
    assert renderer is not None and renderer.get("type") == "singlebandpseudocolor"
    items = root.findall("./pipe/rasterrenderer/rastershader/colorrampshader/item")
    assert [float(i.get("value")) for i in items] == pytest.approx([0, 0.05, 0.1, 0.15, 0.2])
    with pytest.raises(ValueError, match="positive"):
        ramp_style(0.0, "sd")
