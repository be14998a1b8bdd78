"""The conda env files mirror the pip lock, and every rule points at an env file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO

LOCK = REPO / "requirements" / "lock.txt"
ENV_FILES = sorted((REPO / "envs").glob("*.yaml"))
RULE_FILES = [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[normalise(name)] = version.strip()
    return pins


LOCK_PINS = parse_pins(LOCK.read_text().splitlines())


def env_pip_lines(path: Path) -> list[str]:
    env = yaml.safe_load(path.read_text())
    lines = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            lines += dep.get("pip", [])
    return lines


def test_lock_pins_every_direct_dependency() -> None:
    direct = [
        normalise(line.strip()) for line in (REPO / "requirements" / "direct.in").read_text().splitlines()
    ]
    missing = [name for name in direct if name and not name.startswith("#") and name not in LOCK_PINS]
    assert not missing, f"direct dependencies without a pin in lock.txt: {missing}"
    assert LOCK_PINS["torch"] == "2.13.0"
    assert LOCK_PINS["snakemake"].startswith("9.")
    assert LOCK_PINS["dvc"].startswith("3.")


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_env_file_mirrors_lock(env_file: Path) -> None:
    env = yaml.safe_load(env_file.read_text())
    assert "python=3.11" in env["dependencies"]
    lines = env_pip_lines(env_file)
    assert lines, f"{env_file.name} lists no packages"
    for line in lines:
        assert "==" in line, f"{env_file.name}: '{line}' is not pinned"
    pins = parse_pins(lines)
    disagree = {name: (v, LOCK_PINS.get(name)) for name, v in pins.items() if LOCK_PINS.get(name) != v}
    assert not disagree, f"{env_file.name} disagrees with requirements/lock.txt (env, lock): {disagree}"


def rule_blocks() -> list[tuple[Path, str, str]]:
    """(file, rule name, rule body) for every rule of the workflow."""
    blocks = []
    for path in RULE_FILES:
        text = path.read_text()
        for match in re.finditer(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", text, flags=re.M | re.S):
            blocks.append((path, match.group(1), match.group(2)))
        # The artefact rules: one definition in a loop over the manifest (workflow/rules/publish.smk).
        for match in re.finditer(r"^    rule:\n(.*?)(?=^\S|\Z)", text, flags=re.M | re.S):
            blocks.append((path, "<artefact>", match.group(1)))
    return blocks


def test_workflow_has_rules() -> None:
    names = {name for _, name, _ in rule_blocks()}
    assert {"all", "map_tile", "<artefact>"} <= names


def rule_problems(path: Path, name: str, body: str) -> list[str]:
    """What a rule lacks: a log, a conda env, or an env file that exists in envs/. A rule that only
    collects targets (``all``, ``verdict_stability``: no shell, script or run) needs neither."""
    runs = any(f"{k}:" in body for k in ("shell", "script", "run"))
    if name == "all" or not runs:
        return ["rule all must only collect targets"] if name == "all" and runs else []
    problems = []
    if not re.search(r"^\s+log:", body, flags=re.M):
        problems.append(f"rule {name} has no log:")
    conda = re.search(r"^\s+conda:\s*\n\s+\"([^\"]+)\"", body, flags=re.M)
    if not conda:
        return [*problems, f"rule {name} has no conda:"]
    env_path = (path.parent / conda.group(1)).resolve()
    if env_path not in {p.resolve() for p in ENV_FILES}:
        problems.append(f"rule {name}: conda env {conda.group(1)} is not a file in envs/")
    return problems


@pytest.mark.parametrize("block", rule_blocks(), ids=lambda b: b[1])
def test_rule_has_log_and_existing_conda_env(block: tuple[Path, str, str]) -> None:
    assert rule_problems(*block) == []


def test_rule_check_catches_missing_env_and_log() -> None:
    smk = REPO / "workflow" / "rules" / "x.smk"
    body = '    conda:\n        "../../envs/nope.yaml"\n    shell:\n        "true"\n'
    assert rule_problems(smk, "x", body) == [
        "rule x has no log:",
        "rule x: conda env ../../envs/nope.yaml is not a file in envs/",
    ]
    good = '    log:\n        "x.log"\n    conda:\n        "../../envs/geo.yaml"\n'
    assert rule_problems(smk, "x", good) == []


def imported_distributions() -> dict[str, set[str]]:
    """The distributions whose modules src/lsm imports (at any depth), with the importing files."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    providers = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "src" / "lsm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names}:
                if top in sys.stdlib_module_names or top == "lsm":
                    continue
                for dist in providers.get(top, [f"<no distribution provides {top}>"]):
                    found.setdefault(normalise(dist), set()).add(path.name)
    return found


def test_pyproject_declares_every_distribution_src_imports() -> None:
    import tomllib

    declared = {
        normalise(re.split(r"[<>=!~ \[;]", dep, maxsplit=1)[0])
        for dep in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    imported = imported_distributions()
    assert {"torch", "rasterio", "nbconvert"} <= set(imported)
    undeclared = {dist: sorted(files) for dist, files in imported.items() if dist not in declared}
    assert not undeclared, f"imported by src/lsm, not in pyproject.toml's dependencies: {undeclared}"
