"""Snakemake script: results/<study>/checklist.csv, the reproducibility checklist (lsm.publish.checklist)."""

import json
from pathlib import Path

import pandas as pd

from lsm.data.io import read_yaml, write_text
from lsm.logs import run_logged
from lsm.publish.checklist import checklist


def answer(smk) -> None:
    def load(path: str) -> dict:
        return json.loads(Path(path).read_text())

    table = checklist(
        study=read_yaml(smk.input.study),
        plan=load(smk.input.plan),
        samples=load(smk.input.samples),
        splits=load(smk.input.splits),
        proximity=pd.read_csv(smk.input.proximity),
        provenance=pd.read_csv(smk.input.provenance),
        claims=pd.read_csv(smk.input.claims),
        settings=smk.params.settings,
    )
    write_text(smk.output.table, table.to_csv(index=False))


run_logged(snakemake.log[0], answer, snakemake)
