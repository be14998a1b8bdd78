"""Snakemake script: train one run (lsm.train.run_training)."""

from pathlib import Path

import pandas as pd

from lsm.logs import run_logged
from lsm.sampling import load_samples
from lsm.train import run_training


def train(smk) -> None:
    samples = load_samples(smk.input.samples, smk.input.tensors, smk.input.summary)
    splits = pd.read_csv(smk.input.splits)
    w = smk.wildcards
    run_training(
        samples,
        splits,
        w.scheme,
        w.model,
        int(w.seed),
        dict(smk.params.models),
        Path(smk.output.metrics).parent,
        progress=True,
    )


run_logged(snakemake.log[0], train, snakemake)
