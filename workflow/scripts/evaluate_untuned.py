"""Snakemake script: the claims of the untuned grid (lsm.evaluate.scorecard.evaluate_claims)."""

import json
from pathlib import Path

import pandas as pd

from lsm.data.sampling import load_samples
from lsm.evaluate.scorecard import EvaluationInputs, EvaluationSettings, evaluate_claims
from lsm.logs import run_logged


def evaluate(smk) -> None:
    inputs = EvaluationInputs(
        samples=load_samples(smk.input.samples, smk.input.tensors, smk.input.summary),
        splits=pd.read_csv(smk.input.splits),
        study_dir=Path(smk.params.study_dir),
        reported_yaml=Path(smk.input.reported),
        patch_m=float(json.loads(Path(smk.input.splits_info).read_text())["patch_overlap_m"]),
        contrasts=None,
        map_scheme=smk.params.map_scheme,
        skipped={**dict(smk.params.skipped), "maps": "the maps are made from the tuned runs"},
        study=smk.params.study,
        runs_root=Path(smk.params.runs_root),
    )
    out = {name: Path(path) for name, path in smk.output.items()}
    evaluate_claims(Path(smk.input.runs), inputs, EvaluationSettings.from_config(smk.params.evaluation), out)


run_logged(snakemake.log[0], evaluate, snakemake)
