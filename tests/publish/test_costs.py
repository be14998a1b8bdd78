"""The command and cost of every result (``results/<study>/costs.csv``): the jobs a result needs are
the closure Snakemake itself would run for it, and their costs are the sums of their benchmark files."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lsm.publish.costs import COLUMNS, costs_table, needed_jobs, read_benchmark
from lsm.workflow_dag import JobNode, workflow_jobs
from tests.helpers import run_in_shared

BENCHMARK_HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def job(key: str, needs: tuple[str, ...] = (), benchmark: str | None = None) -> JobNode:
    return JobNode(key, key, inputs=(), outputs=(f"{key}.out",), benchmark=benchmark, needs=needs)


def write_benchmark(path: Path, *rows: tuple[float, float, float]) -> str:
    """A benchmark file as Snakemake writes it: one line per repeat (wall s, max_rss MB, cpu s)."""
    lines = [f"{s}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n" for s, rss, cpu in rows]
    path.write_text(BENCHMARK_HEADER + "".join(lines))
    return path.name


def test_needed_jobs_is_the_transitive_closure() -> None:
    jobs = [job("a"), job("b", ("a",)), job("c", ("b",)), job("d", ("a",)), job("e")]
    assert {j.key for j in needed_jobs(jobs, "c.out")} == {"a", "b", "c"}
    assert {j.key for j in needed_jobs(jobs, "e.out")} == {"e"}
    with pytest.raises(KeyError, match=r"no job of the workflow makes nothing\.out"):
        needed_jobs(jobs, "nothing.out")


def test_costs_are_summed_over_the_closure_from_the_benchmark_files(tmp_path: Path) -> None:
    a = write_benchmark(tmp_path / "a.tsv", (10.0, 100.0, 8.0))
    b = write_benchmark(tmp_path / "b.tsv", (99.0, 999.0, 99.0), (2.5, 300.0, 4.5))  # the last repeat counts
    jobs = [job("a", benchmark=a), job("b", ("a",), benchmark=b), job("c", ("b",)), job("x", benchmark=a)]
    table = costs_table(jobs, {"the result": "c.out"}, tmp_path)
    assert list(table.columns) == COLUMNS
    row = table.iloc[0]
    assert row["command"] == "snakemake --cores all --forceall c.out"
    assert (row["jobs"], row["jobs_with_benchmark"]) == (3, 2)
    assert (row["wall_s_summed"], row["cpu_s"], row["peak_memory_mb"]) == (12.5, 12.5, 300.0)


def test_a_missing_or_empty_benchmark_counts_as_none(tmp_path: Path) -> None:
    assert read_benchmark(tmp_path / "absent.tsv") is None
    (tmp_path / "empty.tsv").write_text(BENCHMARK_HEADER)
    assert read_benchmark(tmp_path / "empty.tsv") is None
    table = costs_table([job("a", benchmark="absent.tsv")], {"r": "a.out"}, tmp_path)
    assert table.iloc[0]["jobs_with_benchmark"] == 0 and table.iloc[0]["cpu_s"] == 0.0


def dry_run_jobs(repo: Path, target: str) -> int:
    """How many jobs ``snakemake --forceall -n <target>`` would run (its job stats' total)."""
    out = run_in_shared(repo, ["snakemake", "-n", "--forceall", "--cores", "2", target])
    total = re.search(r"^total\s+(\d+)$", out.stdout + out.stderr, flags=re.M)
    assert total, out.stdout[-2000:]
    return int(total.group(1))


@pytest.mark.integration
def test_the_tiny_runs_costs_match_snakemakes_own_closure(tiny_run: Path) -> None:
    """Each result's job count is what Snakemake's own dry run of ``--forceall <target>`` counts (the
    closure read through its API is the one it runs), and the heavy results have measured costs."""
    study = yaml.safe_load((tiny_run / "params.yaml").read_text())["study"]
    table = pd.read_csv(tiny_run / "results" / study / "costs.csv")
    assert {"fig00_paper_reported", "tab01_performance", "claims C1-C4"} <= set(table["result"])
    for name in ("fig00_paper_reported", "claims C1-C4"):
        row = table.set_index("result").loc[name]
        assert row["jobs"] == dry_run_jobs(tiny_run, row["target"]), name
    claims = table.set_index("result").loc["claims C1-C4"]
    assert claims["jobs"] > 20 and claims["jobs_with_benchmark"] > 10
    assert claims["cpu_s"] > 10 and claims["peak_memory_mb"] > 50
    config = yaml.safe_load((tiny_run / "params.yaml").read_text())
    jobs = workflow_jobs(tiny_run, config=config)
    assert any(j.rule == "costs" for j in jobs) and all(j.key.startswith(f"{j.rule}[") for j in jobs)
