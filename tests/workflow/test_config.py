"""params.yaml validation: strict schema, one-line errors that name the key."""

from __future__ import annotations

import copy

import pytest
import yaml

from lsm.config import load_config, validate_config
from lsm.errors import ConfigError
from tests.helpers import REPO, TINY_PARAMS, run

PARAMS = yaml.safe_load((REPO / "params.yaml").read_text())


def test_repository_params_are_valid() -> None:
    validate_config(PARAMS)
    assert load_config(REPO / "params.yaml", [TINY_PARAMS])["study"] == "tiny"


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        (lambda p: p.update(studdy="x"), "studdy", "unknown key"),
        (lambda p: p["figures"].update(dpx=3), "figures.dpx", "unknown key"),
        (lambda p: p["figures"].update(dpi="high"), "figures.dpi", "must be an integer"),
        (lambda p: p["figures"].update(dpi=5), "figures.dpi", "out of range"),
        (lambda p: p.pop("study"), "study", "required key is missing"),
        (lambda p: p.update(study="has space"), "study", "does not match"),
        (lambda p: p["grid"].update(crs="EPSG:326400"), "grid.crs", "'EPSG:326400' is not a known CRS"),
        (lambda p: p["grid"].update(crs="EPSG:4326"), "grid.crs", "is geographic (degrees)"),
        (lambda p: p["synthetic"].update(crs="EPSG:2229"), "synthetic.crs", "is in US survey foot"),
        (lambda p: p["synthetic"].update(crs="EPSG:4326"), "synthetic.crs", "not a projected CRS in metres"),
    ],
)
def test_malformed_params_name_the_key(edit, key: str, words: str) -> None:
    params = copy.deepcopy(PARAMS)
    edit(params)
    with pytest.raises(ConfigError) as info:
        validate_config(params)
    message = str(info.value)
    assert "\n" not in message
    assert f"key '{key}'" in message
    assert words in message
    assert "Fix:" in message


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("studdy: x\n", "studdy"),
        ("figures:\n  dpi: high\n", "figures.dpi"),
        ("grid:\n  crs: 'EPSG:326400'\n", "grid.crs"),
    ],
)
def test_snakemake_stops_with_one_line(tmp_path, override: str, key: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(override)
    proc = run(["snakemake", "-n", "--configfile", str(bad)], REPO, check=False)
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    assert f"key '{key}'" in errors[0]
    assert str(bad) in errors[0]
    assert "Traceback" not in proc.stderr
