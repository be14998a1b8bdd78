"""Snakemake script: the provenance.json of one results folder (lsm.provenance)."""

from pathlib import Path

from lsm.logs import run_logged
from lsm.provenance import write_folder_manifest


def write(smk) -> None:
    # The configuration as Snakemake resolved it (params.yaml plus any --config/--configfile), read
    # here rather than passed as params, so that a new commit or config does not rewrite the
    # manifests of folders it did not change.
    manifest = Path(smk.output.manifest)
    write_folder_manifest(manifest.parent, smk.config, root=Path.cwd(), target=manifest)


run_logged(snakemake.log[0], write, snakemake)
