"""Snakemake script: run the rule's notebook through papermill (see lsm.publish.notebooks)."""

from lsm.publish.notebooks import run_notebook_from_rule

run_notebook_from_rule(snakemake)
