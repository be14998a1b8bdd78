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


# A library parameter that takes a params.yaml value, by its name in the library and its key in
# params.yaml: its default may not repeat that value (config/README.md: one home for every default).
PARAMETER_KEYS = {
    "n_boot": "evaluation.bootstrap",
    "alpha": "evaluation.alpha",
    "window_size": "mapping.window",
    "sample_size": "mapping.breaks_sample",
    "dpi": "figures.dpi",
    "bins": "calibration.bins",
    "river_area_km2": "factors.river_area_km2",
}


def shadow_defaults(config: dict) -> list[str]:
    """Every parameter of a function of src/lsm whose default repeats the params.yaml value it stands for."""
    import ast

    from lsm.evaluate.open_choices import config_value

    found = []
    for path in sorted((REPO / "src" / "lsm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
            for arg, default in pairs:
                key = PARAMETER_KEYS.get(arg.arg)
                if key is None:
                    continue
                try:
                    value = ast.literal_eval(default)
                except ValueError:  # a named constant: resolved below
                    value = None
                if value == config_value(config, key) or isinstance(default, ast.Name):
                    name = path.relative_to(REPO).as_posix()
                    found.append(f"{name}:{node.lineno} {node.name}({arg.arg}=...) repeats {key}")
    return found


def test_no_library_default_repeats_a_params_value() -> None:
    config = yaml.safe_load((REPO / "params.yaml").read_text())
    assert shadow_defaults(config) == []


def test_the_schemas_lists_are_the_names_the_library_loops_over() -> None:
    """The schema spells the models, schemes, factors, negative kinds and class methods again (JSON
    Schema cannot import them): they must stay the lists of lsm.names and lsm.maps.classes."""
    from lsm.maps.classes import METHODS
    from lsm.names import ALL_FACTORS, ALL_MODELS, NEGATIVE_KINDS, SCHEMES

    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "params.schema.yaml").read_text())["properties"]
    assert schema["factors"]["properties"]["names"]["oneOf"][1]["items"]["enum"] == list(ALL_FACTORS)
    assert schema["models"]["properties"]["names"]["items"]["enum"] == list(ALL_MODELS)
    assert schema["models"]["properties"]["schemes"]["items"]["enum"] == list(SCHEMES)
    assert schema["evaluation"]["properties"]["ablation_schemes"]["items"]["enum"] == list(SCHEMES)
    assert schema["mapping"]["properties"]["scheme"]["enum"] == list(SCHEMES)
    assert schema["mapping"]["properties"]["classes"]["enum"] == list(METHODS)
    mix = schema["sampling"]["properties"]["negative_mix"]
    assert list(mix["properties"]) == list(NEGATIVE_KINDS)
