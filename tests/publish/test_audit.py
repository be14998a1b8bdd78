"""Spot-checks without a rerun (``python -m lsm audit``): a file compares as identical, equal in content
(only its stamps differ) or different; the draw takes one job of every rule first; re-executed jobs of
the tiny run make what the run holds, and a tampered output is caught with a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lsm.publish.audit import (
    DIFFERENT,
    EQUAL,
    IDENTICAL,
    NOT_COMPARED,
    auditable,
    choose_jobs,
    compare_file,
)
from lsm.workflow_dag import JobNode
from tests.helpers import finished_copy, git_init, run


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_identical_stamped_and_different_files(tmp_path: Path) -> None:
    made, held = tmp_path / "made", tmp_path / "held"
    made.mkdir(), held.mkdir()
    same = json.dumps({"x": 1, "created": "2026-01-01"})
    assert compare_file(write(made / "a.json", same), write(held / "a.json", same))[0] == IDENTICAL
    stamped = {"x": 1, "created": "2026-02-02", "git_commit": "abc"}
    assert compare_file(made / "a.json", write(held / "a.json", json.dumps(stamped)))[0] == EQUAL
    assert compare_file(made / "a.json", write(held / "a.json", json.dumps({"x": 2})))[0] == DIFFERENT
    pdf = b"%PDF-1.4 body /CreationDate (D:20260101000000Z) end"
    later = pdf.replace(b"20260101", b"20261231")
    assert compare_file(write(made / "f.pdf", pdf), write(held / "f.pdf", later))[0] == EQUAL
    changed = later.replace(b"body", b"BODY")
    assert compare_file(made / "f.pdf", write(held / "f.pdf", changed))[0] == DIFFERENT
    table = pd.DataFrame({"model": ["cnn", "svm"], "auc": [0.7, 0.8], "seconds": [1.0, 2.0]})
    table.to_csv(made / "t.csv", index=False)
    table.assign(seconds=[3.0, 4.0]).to_csv(held / "t.csv", index=False)
    assert compare_file(made / "t.csv", held / "t.csv")[0] == EQUAL  # a duration is a stamp
    table.assign(auc=[0.7, 0.81]).to_csv(held / "t.csv", index=False)
    assert compare_file(made / "t.csv", held / "t.csv")[0] == DIFFERENT
    assert compare_file(write(made / "m.skops", b"1"), write(held / "m.skops", b"2"))[0] == NOT_COMPARED
    status, why = compare_file(made / "t.csv", held / "absent.csv")
    assert status == DIFFERENT and "does not hold it" in why


def test_the_draw_takes_every_rule_first_and_is_seeded() -> None:
    jobs = [
        JobNode(f"{rule}[i={i}]", rule, (), (f"{rule}{i}.out",), None, ())
        for rule in ("train", "map", "figure")
        for i in range(5)
    ] + [JobNode("all[]", "all", (), (), None, ())]
    first = choose_jobs(jobs, 3, seed=1)
    assert sorted(j.rule for j in first) == ["figure", "map", "train"]
    assert choose_jobs(jobs, 3, seed=1) == first
    many = choose_jobs(jobs, 7, seed=1)
    assert len(many) == 7 and len({j.key for j in many}) == 7 and many[:3] == first
    assert all(j.rule != "all" for j in choose_jobs(jobs, 100, seed=2))
    assert len(choose_jobs(jobs, 100, seed=2)) == 15


def test_jobs_of_temporary_files_are_left_out_of_the_draw_and_counted() -> None:
    """A finished run no longer holds its map tiles (temp()): the tile jobs and the gather that reads
    them cannot be re-executed alone, and are said to be left out; a table missing is a run unfinished."""
    tiles = [
        JobNode(f"map_tile[t={t}]", "map_tile", ("runs",), (f"tile{t}.tif",), None, (), (), (f"tile{t}.tif",))
        for t in (0, 1)
    ]
    gather = JobNode("map_gather[]", "map_gather", ("tile0.tif", "tile1.tif"), ("map.tif",), None, ())
    table = JobNode("tab02[]", "tab02", ("claims.csv",), ("tab02.csv",), None, ())
    held = {"runs", "map.tif", "claims.csv", "tab02.csv"}
    pool = auditable([*tiles, gather, table], held.__contains__)
    assert [job.rule for job in pool.jobs] == ["tab02"] and pool.missing == []
    assert pool.temporary == {"map_tile": 2, "map_gather": 1}
    assert pool.note().endswith(
        "3 left out because they write or read temporary files that a finished "
        "run no longer holds (map_gather: 1, map_tile: 2)"
    )
    unfinished = auditable([*tiles, gather, table], (held - {"tab02.csv"}).__contains__)
    assert unfinished.missing == ["tab02.csv"]
    kept = auditable([*tiles, gather, table], (held | {"tile0.tif", "tile1.tif"}).__contains__)
    assert len(kept.jobs) == 4 and kept.note() == ""  # a run that kept its tiles: every job is drawn


@pytest.fixture(scope="module")
def audited(tiny_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git clone-like copy of the finished tiny run (the audit reads the working tree from git)."""
    repo = finished_copy(tiny_run, tmp_path_factory.mktemp("audit") / "repo")
    git_init(repo)
    return repo


AUDITED_RULES = ("splits", "fig00_paper_reported", "tab02_claims")


@pytest.mark.integration
def test_reexecuted_jobs_of_the_tiny_run_make_what_it_holds(audited: Path) -> None:
    rules = [arg for rule in AUDITED_RULES for arg in ("--rule", rule)]
    out = run(["python", "-m", "lsm", "audit", "--sample", "3", "--seed", "4", *rules], audited).stdout
    lines = out.strip().splitlines()
    summary = lines[-1]
    assert summary.startswith("audit: 3 jobs of 3 rules re-executed"), out
    assert summary.endswith(" 0 different"), out
    checked = [line for line in lines if line.split(":")[0] in (IDENTICAL, EQUAL, NOT_COMPARED)]
    assert any("fig00_paper_reported.png" in line for line in checked), out
    assert any("tab02_claims.csv" in line and line.startswith(IDENTICAL) for line in checked), out


@pytest.mark.integration
def test_the_audit_runs_on_a_finished_run_whose_tiles_are_gone(audited: Path) -> None:
    """The tiny run, finished as make replicate leaves it (its map tiles removed): the tile and
    gather jobs are left out of the draw and said to be, the rest re-executed."""
    assert not list(audited.glob("results/*/maps/*/tiles/*.tif"))
    rules = [arg for rule in ("map_tile", "map_gather", "tab02_claims") for arg in ("--rule", rule)]
    out = run(["python", "-m", "lsm", "audit", "--sample", "3", *rules], audited).stdout
    assert "left out because they write or read temporary files" in out and "map_tile:" in out, out
    assert out.strip().splitlines()[-1].startswith("audit: 1 jobs of 1 rules re-executed"), out
    assert out.strip().splitlines()[-1].endswith(" 0 different"), out


@pytest.mark.integration
def test_a_tampered_output_is_caught(audited: Path, tmp_path: Path) -> None:
    repo = finished_copy(audited, tmp_path / "repo")
    study = yaml.safe_load((repo / "params.yaml").read_text())["study"]
    claims = repo / "results" / study / "tables" / "tab02_claims.csv"
    table = pd.read_csv(claims)
    was = table.loc[0, "verdict_random"]
    table.loc[0, "verdict_random"] = "supported" if was != "supported" else "contradicted"
    table.to_csv(claims, index=False)
    proc = run(["python", "-m", "lsm", "audit", "--rule", "tab02_claims", "--sample", "1"], repo, check=False)
    assert proc.returncode != 0
    assert f"{DIFFERENT}: results/{study}/tables/tab02_claims.csv" in proc.stdout, proc.stdout
    assert proc.stdout.strip().splitlines()[-1].endswith(" 1 different"), proc.stdout
    assert "an audited job made something other than what the results hold" in proc.stderr
