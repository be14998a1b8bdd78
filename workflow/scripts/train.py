"""Snakemake script: train one run (lsm.train.run_training)."""

from pathlib import Path

import pandas as pd

from lsm.logs import run_logged
from lsm.provenance import config_seeds, write_folder_manifest
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
    # The run folder's provenance, with the run's own seed, written last so that it lists every file.
    provenance = Path(smk.output.provenance)
    seeds = {**config_seeds(smk.config), "run": int(w.seed)}
    write_folder_manifest(provenance.parent, smk.config, seeds=seeds, root=Path.cwd(), target=provenance)


run_logged(snakemake.log[0], train, snakemake)
