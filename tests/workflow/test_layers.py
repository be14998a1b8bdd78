"""The library's stage order (the import-linter contracts of pyproject.toml), on the real tree and on a
copy with an import planted against the order, which the check must catch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root/src`` with ``root/pyproject.toml``."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_library_keeps_its_stage_order() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def lint_with_planted_import(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on a copy of the library with ``line`` appended to ``module`` (a path in src)."""
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / "src" / module).open("a") as source:
        source.write(f"\n{line}\n")
    return lint_imports(tmp_path)


def test_an_import_against_the_stage_order_is_caught(tmp_path: Path) -> None:
    result = lint_with_planted_import(
        tmp_path, "lsm/learn/models.py", "from lsm.evaluate.stats import holm  # learn runs before evaluate"
    )
    assert result.returncode != 0
    assert "lsm.learn is not allowed to import lsm.evaluate" in result.stdout
    assert "lsm.learn.models -> lsm.evaluate.stats" in result.stdout


def test_an_import_circle_inside_a_package_is_caught(tmp_path: Path) -> None:
    result = lint_with_planted_import(
        tmp_path, "lsm/learn/results.py", "from lsm.learn.train import run_training  # train imports results"
    )
    assert result.returncode != 0
    assert "No cycles are allowed in lsm.learn" in result.stdout
