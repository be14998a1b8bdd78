"""Snakemake script: train every seed of one model on one scheme (lsm.learn.train.run_training), each into
its own run folder with its own provenance."""

from pathlib import Path

import pandas as pd

from lsm.data.samples import load_samples
from lsm.learn.train import run_training
from lsm.learn.tuning import tuned_models_config
from lsm.logs import run_logged
from lsm.publish.provenance import write_folder_manifest


def train(smk) -> None:
    samples = load_samples(smk.input.samples, smk.input.tensors, smk.input.summary)
    splits = pd.read_csv(smk.input.splits)
    w = smk.wildcards
    tuned = list(smk.input.tuned)
    models = tuned_models_config(smk.params.models, w.model, tuned[0] if tuned else None)
    for metrics in smk.output.metrics:
        run_dir = Path(metrics).parent
        seed = int(run_dir.name.removeprefix("seed"))
        run_training(samples, splits, w.scheme, w.model, seed, models, run_dir, progress=True)
        # The run folder's provenance: the settings it ran with (what the rule declares) and its seed,
        # written last so that it lists every file.
        provenance = run_dir / "provenance.json"
        write_folder_manifest(run_dir, models, seeds={"run": seed}, root=Path.cwd(), target=provenance)


run_logged(snakemake.log[0], train, snakemake)
