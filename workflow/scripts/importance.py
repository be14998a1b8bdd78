"""Snakemake script: permutation feature importance of every model (lsm.maps.importance)."""

from lsm.logs import run_logged
from lsm.maps.importance import importance_job


def main(smk) -> None:
    importance_job(
        {model: list(dirs) for model, dirs in smk.params.run_dirs.items()},
        (smk.input.samples, smk.input.tensors, smk.input.summary),
        smk.input.splits,
        smk.input.factors,
        smk.params.scheme,
        int(smk.params.repeats),
        int(smk.params.seed),
        smk.output.runs,
        smk.output.summary,
    )


run_logged(snakemake.log[0], main, snakemake)
