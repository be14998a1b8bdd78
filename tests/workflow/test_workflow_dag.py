"""The adapter to Snakemake's job graph (lsm.workflow_dag) on a small workflow of its own: every call
it makes into Snakemake, private ones included, is exercised here, so a Snakemake that changes them
fails this file by name before the costs table, the audit or the no-stale tests break obscurely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lsm.workflow_dag import dry_run, dry_run_dag, parsed_workflow, rules, workflow_jobs

# raw.txt -> a.txt -> b.txt (temporary) -> c.txt, with a parameter on c and a benchmark on a.
SNAKEFILE = """
rule all:
    input: "c.txt"

rule a:
    input: "raw.txt"
    output: "a.txt"
    log: "logs/a.log"
    benchmark: "benchmarks/a.tsv"
    shell: "cp {input} {output}"

rule b:
    input: "a.txt"
    output: temp("b.txt")
    shell: "cp {input} {output}"

rule c:
    input: "b.txt"
    output: "c.txt"
    params: word=config.get("word", "one")
    shell: "cat {input} > {output} && echo {params.word} >> {output}"
"""


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "raw.txt").write_text("raw\n")
    return tmp_path


def snakemake(folder: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", *args], cwd=folder, check=True)


def test_the_jobs_of_a_forced_run_with_what_each_needs_and_writes(workflow: Path) -> None:
    jobs = {job.key: job for job in workflow_jobs(workflow)}
    assert set(jobs) == {"all[]", "a[]", "b[]", "c[]"}
    a, b, c = jobs["a[]"], jobs["b[]"], jobs["c[]"]
    assert (a.inputs, a.outputs, a.needs) == (("raw.txt",), ("a.txt",), ())
    assert a.written == ("a.txt", "logs/a.log", "benchmarks/a.tsv")
    assert (b.needs, b.temporary, c.needs, c.benchmark) == (("a[]",), ("b.txt",), ("b[]",), None)
    assert jobs["all[]"].needs == ("c[]",)


def test_the_dry_run_sees_changed_files_and_params(workflow: Path) -> None:
    with parsed_workflow(workflow) as parsed:
        assert {rule.name for rule in rules(parsed)} == {"all", "a", "b", "c"}
        assert dry_run(parsed).needrun == {"all:", "a:a.txt", "b:b.txt", "c:c.txt"}
        assert len(list(dry_run_dag(parsed, forceall=True).jobs)) == 4
    snakemake(workflow)
    assert not (workflow / "b.txt").exists()  # temporary: removed once c.txt was made
    with parsed_workflow(workflow) as parsed:
        done = dry_run(parsed)
        assert done.needrun == set()
        assert done.downstream["a:a.txt"] == {"b:b.txt"} and done.downstream["c:c.txt"] == {"all:"}
        assert done.params["c:c.txt"][0] == repr({"word": "one"})
        # A changed raw file: a reruns, and b only to make again the temporary file c consumes.
        (workflow / "raw.txt").write_text("raw, changed\n")
        changed = dry_run(parsed)  # the same parse: the DAG is built from the files afresh
        assert changed.needrun == {"all:", "a:a.txt", "b:b.txt", "c:c.txt"}
        assert changed.regenerated == {"b:b.txt"}
    override = workflow / "word.yaml"
    override.write_text("word: two\n")
    snakemake(workflow)
    with parsed_workflow(workflow, configfiles=[override]) as parsed:
        plan = dry_run(parsed)
        assert plan.params["c:c.txt"][0] == repr({"word": "two"})
        assert "c:c.txt" in plan.needrun and "a:a.txt" not in plan.needrun
