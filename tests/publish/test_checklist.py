"""The reproducibility checklist is answered from the run's own records: each answer carries the
numbers of the file it names, and a changed record changes the answer."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lsm.publish.checklist import COLUMNS, checklist
from tests.helpers import PARAMS

STUDY = {"description": "A test study.", "files": {"dem.tif": {"licence": "CC-BY-4.0"}, "inventory.gpkg": {}}}
PLAN = {
    "factors": ["slope", "twi"],
    "omitted_factors": {"dist_road": "no roads.gpkg"},
    "models": ["cnn_lstm", "rf"],
    "skipped_models": {},
    "skipped_schemes": {"temporal": "no dates"},
    "seeds": [1, 2, 3],
    "tuned": True,
}
SAMPLES = {
    "positives": 90,
    "landslides_in_inventory": 100,
    "negatives_by_kind": {"random": 180},
    "landslides_left_out": {"on the DEM's nodata": 10},
    "buffer_m": 250.0,
    "buffer_days": 90,
}
SPLITS = {
    "random": {"train": 189, "test": 81, "buffer": 0},
    "spatial": {"train": 150, "test": 70, "buffer": 50, "block_m": 3000.0},
}
PROXIMITY = pd.DataFrame(
    {
        "scheme": ["random", "spatial"],
        "test_landslides": [27, 23],
        "median_distance_m": [120.0, 4500.0],
        "share_patch_overlaps_training_landslide": [0.63, 0.0],
    }
)
PROVENANCE = pd.DataFrame(
    {
        "git_commit": ["abc1234"],
        "git_dirty": [False],
        "params_sha256": ["f00d"],
        "python": ["3.11.7"],
        "torch": ["2.13.0"],
    }
)
CLAIMS = pd.DataFrame({"claim": ["C1", "C4"], "verdict_random": ["supported", "cannot be tested"]})
SETTINGS = {
    "sampling_seed": PARAMS["sampling"]["seed"],
    "split_seed": PARAMS["splits"]["seed"],
    "tuning": PARAMS["tuning"],
    "evaluation": PARAMS["evaluation"],
}


def answers(**changed) -> dict[str, str]:
    inputs = (
        dict(
            study=STUDY,
            plan=PLAN,
            samples=SAMPLES,
            splits=SPLITS,
            proximity=PROXIMITY,
            provenance=PROVENANCE,
            claims=CLAIMS,
            settings=SETTINGS,
        )
        | changed
    )
    table = checklist(**inputs)
    assert list(table.columns) == COLUMNS and table["answer"].str.len().min() > 0
    return {row.item.split(" ")[0]: row.answer for row in table.itertuples()}


def test_each_answer_is_the_records_own() -> None:
    found = answers()
    assert found["2a"] == "dem.tif: CC-BY-4.0; inventory.gpkg: no licence stated"
    assert found["2b"].startswith("git commit abc1234; configuration SHA-256 f00d")
    assert "torch 2.13.0" in found["2c"] and "training seeds 1, 2, 3" in found["2d"]
    assert found["3b"].startswith("90 landslide samples of 100 in the inventory")
    assert found["4a"] == "landslides left out: on the DEM's nodata (10 landslides)"
    assert "omitted: dist_road (no roads.gpkg)" in found["4b"]
    assert f"{PARAMS['tuning']['trials']} trials per model and scheme" in found["5b"]
    assert (
        "spatial: 150 train / 70 test, blocks of 3000.0 m, 50 samples in the buffer left out" in found["6a"]
    )
    assert "random: 63% of 27 test landslides (median distance 120 m)" in found["6b"]
    assert "over 3 seeds" in found["7a"]
    assert found["8a"] == "schemes skipped: temporal (no dates); claims that cannot be tested: C4 (random)"


def test_a_changed_record_changes_its_answer() -> None:
    closer = PROXIMITY.assign(share_patch_overlaps_training_landslide=[0.9, 0.0])
    assert "random: 90% of 27" in answers(proximity=closer)["6b"]
    assert answers(plan=PLAN | {"tuned": False})["5b"].startswith("not tuned")
    assert "uncommitted changes" in answers(provenance=PROVENANCE.assign(git_dirty=[True]))["2b"]


@pytest.mark.integration
def test_the_tiny_runs_checklist_reads_its_files(tiny_results: Path) -> None:
    table = pd.read_csv(tiny_results / "checklist.csv").set_index("item")
    proximity = pd.read_csv(tiny_results / "metrics" / "proximity.csv").set_index("scheme")
    leakage = table.loc[next(i for i in table.index if i.startswith("6b")), "answer"]
    share = proximity.loc["random", "share_patch_overlaps_training_landslide"]
    assert f"random: {share:.0%} of {proximity.loc['random', 'test_landslides']} test landslides" in leakage
    summary = json.loads((tiny_results / "samples" / "summary.json").read_text())
    sample = table.loc[next(i for i in table.index if i.startswith("3b")), "answer"]
    assert sample.startswith(
        f"{summary['positives']} landslide samples of {summary['landslides_in_inventory']}"
    )
    seeds = yaml.safe_load((tiny_results.parents[1] / "params.yaml").read_text())["models"]["seeds"]
    assert (
        f"training seeds {', '.join(map(str, seeds))};"
        in table.loc[next(i for i in table.index if i.startswith("2d")), "answer"]
    )
    assert "CC0-1.0" in table.loc[next(i for i in table.index if i.startswith("2a")), "answer"]
