"""Snakemake script: tune one model on one scheme's training samples (lsm.learn.tuning.tuning_job)."""

import json
from pathlib import Path

import pandas as pd

from lsm.data.samples import load_samples
from lsm.learn.tuning import TuningSettings, tuning_job
from lsm.logs import run_logged


def tune(smk) -> None:
    samples = load_samples(smk.input.samples, smk.input.tensors, smk.input.summary)
    tuning_job(
        samples,
        pd.read_csv(smk.input.splits),
        smk.wildcards.scheme,
        smk.wildcards.model,
        dict(smk.params.models),
        TuningSettings.from_config(smk.params.tuning),
        float(json.loads(Path(smk.input.splits_info).read_text())["patch_overlap_m"]),
        dict(smk.output.items()),
    )


run_logged(snakemake.log[0], tune, snakemake)
