"""Snakemake script: run the rule's notebook through papermill (see lsm.notebooks)."""

from lsm.notebooks import run_notebook_from_rule

run_notebook_from_rule(snakemake)
