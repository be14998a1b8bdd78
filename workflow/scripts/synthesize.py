"""Snakemake script: generate the synthetic study (see lsm.synthetic)."""

from lsm.logs import run_logged
from lsm.synthetic.settings import SyntheticSettings
from lsm.synthetic.write import generate_study

settings = SyntheticSettings.from_config(snakemake.params.synthetic)
run_logged(snakemake.log[0], generate_study, settings, snakemake.params.folder, progress=True)
