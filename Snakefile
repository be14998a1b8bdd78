"""Replication of Teng et al. (2026), CNN-LSTM landslide susceptibility mapping.

Run the whole replication with `snakemake --cores all` (or `make replicate`). Configuration:
params.yaml, validated against workflow/schemas/params.schema.yaml before anything runs.
"""

import os
import sys
from pathlib import Path

from snakemake.utils import min_version

min_version("9.0")

# The library lives in src/lsm; jobs (local, conda or cluster) import it through PYTHONPATH.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(p for p in (SRC, os.environ.get("PYTHONPATH")) if p)
)

from lsm.config import validate_config
from lsm.errors import ConfigError, InputError
from lsm.data.io.files import read_yaml

# Parse params.yaml ourselves first: a syntax error then names the file and the line in one line.
try:
    read_yaml(Path(workflow.basedir) / "params.yaml")
except InputError as err:
    sys.exit(f"error: {err}")


configfile: "params.yaml"


# Name the files the config came from, so the one-line error points at the right one.
CONFIG_SOURCES = " + ".join(
    sorted(
        dict.fromkeys(map(str, workflow.configfiles)), key=lambda f: f != "params.yaml"
    )
)

try:
    validate_config(config, source=CONFIG_SOURCES)
except ConfigError as err:
    sys.exit(f"error: {err}")


include: "workflow/rules/common.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/learn.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/maps.smk"
include: "workflow/rules/publish.smk"


# The report opens on the answer once the run has written its landing page (rule scorecard_page).
report: SCORECARD_PAGE if Path(SCORECARD_PAGE).is_file() else "workflow/report/workflow.rst"


# Jobs of a second or less that only gather files: on a cluster they run where Snakemake runs,
# instead of waiting in the queue.
localrules:
    all,
    runs_table,
    map_tables,
    provenance,
    provenance_table,
    paper_artefacts,
    paper_provenance,


rule all:
    default_target: True
    input:
        final_outputs(),
