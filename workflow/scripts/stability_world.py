"""Snakemake script: one generated world of the stability target, run as its own Snakemake run."""

import shutil
import subprocess
import sys
from pathlib import Path

from lsm.data.io import atomic_path, write_yaml
from lsm.logs import run_logged


def run_world(smk) -> None:
    config = dict(smk.params.config)
    params = Path(smk.output.params)
    write_yaml(params, config)
    claims = f"results/{config['study']}/metrics/claims.csv"
    command = [sys.executable, "-m", "snakemake", "--nolock", "--cores", str(smk.threads)]
    command += ["--configfile", str(params), "--rerun-incomplete", claims]
    with open(smk.log[0], "a", encoding="utf-8") as log:
        subprocess.run(command, check=True, stdout=log, stderr=subprocess.STDOUT)
    with atomic_path(smk.output.claims) as tmp:
        shutil.copyfile(claims, tmp)


run_logged(snakemake.log[0], run_world, snakemake)
