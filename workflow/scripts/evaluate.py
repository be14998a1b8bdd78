"""Snakemake script: evaluation across runs and the replication scorecard (lsm.scorecard)."""

from pathlib import Path

import pandas as pd

from lsm.logs import run_logged
from lsm.sampling import load_samples
from lsm.scorecard import evaluate_all


def evaluate(smk) -> None:
    samples = load_samples(smk.input.samples, smk.input.tensors, smk.input.summary)
    splits = pd.read_csv(smk.input.splits)
    out = {name: Path(path) for name, path in smk.output.items()}
    evaluate_all(
        Path(smk.input.runs), samples, splits, Path(smk.params.study_dir), Path(smk.input.reported), out
    )


run_logged(snakemake.log[0], evaluate, snakemake)
