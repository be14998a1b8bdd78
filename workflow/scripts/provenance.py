"""Snakemake script: the provenance.json of one results folder (lsm.publish.provenance)."""

from pathlib import Path

from lsm.logs import run_logged
from lsm.publish.provenance import write_folder_manifest


def write(smk) -> None:
    # The configuration as Snakemake resolved it (params.yaml plus any --config/--configfile), declared
    # by the rule: a changed key rewrites the folders' manifests (small jobs), so none states an old one.
    manifest = Path(smk.output.manifest)
    write_folder_manifest(manifest.parent, dict(smk.params.config), root=Path.cwd(), target=manifest)


run_logged(snakemake.log[0], write, snakemake)
