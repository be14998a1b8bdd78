"""Provenance of what the workflow makes: which code, configuration, packages and seeds.

Every output folder of ``results/<study>/`` (and every training run's folder) gets a small
``provenance.json``: the git commit of the workspace (and whether the tree had uncommitted
changes), a SHA-256 of the whole configuration, the seeds, the versions of Python and of the
packages that compute the numbers, and the SHA-256 of every file in the folder. The report shows a
table of them (``results/<study>/provenance.csv``) and the manuscript states them
(:func:`lsm.publish.macros.provenance_tex`: kept there, so that every job that writes a manifest
does not import the manuscript's code).

A folder's manifest is written when the folder's contents change, so the commit it names is the one
of the workspace when the folder last changed; a folder untouched by a later commit keeps its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from lsm.data.io import write_json

MANIFEST_NAME = "provenance.json"
# The packages whose versions can change the numbers, figures or maps.
PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "torch",
    "rasterio",
    "geopandas",
    "xarray",
    "pyflwdir",
    "mapclassify",
    "matplotlib",
    "seaborn",
    "papermill",
    "snakemake",
)
NOT_A_REPOSITORY = "unknown (not a git repository)"


def git_state(root: str | Path = ".") -> dict[str, Any]:
    """The commit checked out at ``root`` and whether tracked files differ from it."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": NOT_A_REPOSITORY, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def params_digest(config: Mapping[str, Any]) -> str:
    """SHA-256 of the configuration as canonical JSON (key order and formatting do not matter)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """The installed version of each package ("not installed" where it is missing)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def config_seeds(config: Mapping[str, Any]) -> dict[str, Any]:
    """Every seed of the configuration, by the block it seeds."""
    seeds: dict[str, Any] = {}
    for block in ("synthetic", "sampling", "splits", "mapping"):
        if isinstance(config.get(block), Mapping) and "seed" in config[block]:
            seeds[block] = config[block]["seed"]
    if isinstance(config.get("models"), Mapping) and "seeds" in config["models"]:
        seeds["models"] = list(config["models"]["seeds"])
    return seeds


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative names, sorted), leaving out manifests of
    the folder itself and temporary files of writers still at work."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or ".part" in path.name:
            continue
        if path.parent == folder and path.name == MANIFEST_NAME:
            continue
        files[str(path.relative_to(folder))] = file_digest(path)
    return files


def record(
    config: Mapping[str, Any], seeds: Mapping[str, Any] | None = None, root: str | Path = "."
) -> dict[str, Any]:
    """What made an output: commit, configuration digest, seeds, Python and package versions."""
    git = git_state(root)
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git["commit"],
        "git_dirty": git["dirty"],
        "params_sha256": params_digest(config),
        "seeds": dict(seeds) if seeds is not None else config_seeds(config),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": package_versions(),
    }


def write_folder_manifest(
    folder: str | Path,
    config: Mapping[str, Any],
    seeds: Mapping[str, Any] | None = None,
    root: str | Path = ".",
    target: str | Path | None = None,
) -> dict[str, Any]:
    """Write ``<folder>/provenance.json`` (or ``target``): :func:`record` plus the folder's files."""
    folder = Path(folder)
    manifest = {"folder": folder.name, **record(config, seeds, root), "files": folder_files(folder)}
    write_json(target or folder / MANIFEST_NAME, manifest)
    return manifest


def read_manifests(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """The provenance manifests at ``paths``."""
    return [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]


def summary_table(manifests: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per folder: commit, uncommitted changes, configuration digest, files, versions."""
    rows = []
    for m in manifests:
        packages = m.get("packages", {})
        rows.append(
            {
                "folder": m["folder"],
                "created": m["created"],
                "git_commit": m["git_commit"],
                "git_dirty": m["git_dirty"],
                "params_sha256": m["params_sha256"][:12],
                "files": len(m.get("files", {})),
                "python": m["python"],
                "torch": packages.get("torch"),
                "scikit-learn": packages.get("scikit-learn"),
                "snakemake": packages.get("snakemake"),
            }
        )
    return pd.DataFrame(rows)
