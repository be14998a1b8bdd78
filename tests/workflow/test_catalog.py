"""The Snakemake workflow catalog's conventions: `.snakemake-workflow-catalog.yml` says how to run the
workflow, and its usage page `config/README.md` documents every block of params.yaml and only those."""

from __future__ import annotations

import re
import shlex

import yaml

from tests.helpers import REPO, run

CATALOG = REPO / ".snakemake-workflow-catalog.yml"
USAGE = REPO / "config" / "README.md"


def test_the_catalog_file_has_the_catalogs_keys() -> None:
    usage = yaml.safe_load(CATALOG.read_text())["usage"]
    assert set(usage) <= {"mandatory-flags", "software-stack-deployment", "report"}
    assert usage["mandatory-flags"]["desc"].strip() and usage["mandatory-flags"]["flags"].strip()
    deployment = usage["software-stack-deployment"]
    assert set(deployment) <= {"conda", "singularity", "singularity+conda"} and any(deployment.values())
    assert usage["report"] is True


def test_the_mandatory_flags_make_a_dry_run_of_the_default_study() -> None:
    """The catalog's flags, run as its usage page shows them, plan the whole default study."""
    flags = shlex.split(yaml.safe_load(CATALOG.read_text())["usage"]["mandatory-flags"]["flags"])
    out = run(["snakemake", "-n", "--nolock", "--cores", "1", *flags], REPO).stdout
    assert "This was a dry-run" in out and re.search(r"^total\s+\d+$", out, flags=re.M), out[-2000:]


def test_the_usage_page_documents_every_block_of_params_yaml() -> None:
    blocks = list(yaml.safe_load((REPO / "params.yaml").read_text()))
    documented = re.findall(r"^\| `([a-z_]+)` \|", USAGE.read_text(), flags=re.M)
    assert documented == blocks, "config/README.md's table of blocks differs from params.yaml's blocks"
