"""Snakemake script: the claims of the untuned grid (lsm.evaluate.scorecard.evaluate_claims)."""

from pathlib import Path

from lsm.evaluate.scorecard import evaluate_claims, read_inputs
from lsm.evaluate.settings import EvaluationSettings
from lsm.logs import run_logged


def evaluate(smk) -> None:
    inputs = read_inputs(
        smk.input,
        smk.params,
        skipped_also={"maps": "the maps are made from the tuned runs"},
        runs_root=Path(smk.params.runs_root),
    )
    out = {name: Path(path) for name, path in smk.output.items()}
    evaluate_claims(Path(smk.input.runs), inputs, EvaluationSettings.from_config(smk.params.evaluation), out)


run_logged(snakemake.log[0], evaluate, snakemake)
