"""Snakemake script: evaluation across runs and the replication scorecard (lsm.evaluate.scorecard)."""

import json
from pathlib import Path

import pandas as pd

from lsm.data.sampling import load_samples
from lsm.evaluate.scorecard import EvaluationInputs, EvaluationSettings, evaluate_all
from lsm.logs import run_logged


def evaluate(smk) -> None:
    contrast = list(smk.input.contrast)
    inputs = EvaluationInputs(
        samples=load_samples(smk.input.samples, smk.input.tensors, smk.input.summary),
        splits=pd.read_csv(smk.input.splits),
        study_dir=Path(smk.params.study_dir),
        reported_yaml=Path(smk.input.reported),
        patch_m=float(json.loads(Path(smk.input.splits_info).read_text())["patch_overlap_m"]),
        contrasts=pd.read_csv(contrast[0]) if contrast else None,
        map_scheme=smk.params.map_scheme,
        skipped=dict(smk.params.skipped),
        study=smk.params.study,
        ablation_runs=pd.read_csv(smk.input.ablation_runs),
    )
    out = {name: Path(path) for name, path in smk.output.items()}
    evaluate_all(Path(smk.input.runs), inputs, EvaluationSettings.from_config(smk.params.evaluation), out)


run_logged(snakemake.log[0], evaluate, snakemake)
