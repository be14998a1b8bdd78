"""Snakemake script: evaluation across runs and the replication scorecard (lsm.evaluate.scorecard)."""

from pathlib import Path

import pandas as pd

from lsm.evaluate.scorecard import evaluate_all, read_inputs
from lsm.evaluate.settings import EvaluationSettings
from lsm.logs import run_logged


def evaluate(smk) -> None:
    contrast = list(smk.input.contrast)
    inputs = read_inputs(
        smk.input,
        smk.params,
        contrasts=pd.read_csv(contrast[0]) if contrast else None,
        ablation_runs=pd.read_csv(smk.input.ablation_runs),
    )
    out = {name: Path(path) for name, path in smk.output.items()}
    evaluate_all(Path(smk.input.runs), inputs, EvaluationSettings.from_config(smk.params.evaluation), out)


run_logged(snakemake.log[0], evaluate, snakemake)
