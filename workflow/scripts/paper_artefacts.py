"""Snakemake script: the floats of the manifest's artefacts for the manuscript (lsm.publish.paper)."""

from pathlib import Path

from lsm.data.io import write_text
from lsm.logs import run_logged
from lsm.publish.artefacts import load_manifest
from lsm.publish.paper import artefacts_tex


def write_artefacts(smk) -> None:
    root = Path(smk.input.manifest).resolve().parents[1]
    artefacts = load_manifest(smk.input.manifest, root)
    write_text(smk.output.artefacts, artefacts_tex(artefacts, root, dict(smk.params.skipped)))


run_logged(snakemake.log[0], write_artefacts, snakemake)
