"""The README's timings are rendered from benchmarks/measured/, never typed: a record renders to its
paragraph, a time typed into the README's block is caught, and a block without its record is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lsm.errors import InputError
from lsm.publish.findings import update_readme
from lsm.publish.measured import minutes, render, rendered_blocks

REPLICATE = {
    "target": "replicate",
    "commit": "0123456789abcdef",
    "date": "2026-12-04",
    "machine": "AMD EPYC (AVX2), 2 cores, 23 GiB",
    "conditions": "a fresh clone, nothing else running (benchmarks/newcomer.py)",
    "setup_s": 97,
    "run_s": 1213,
    "exit_status": 0,
    "jobs": 128,
    "snakemake_cpu_s": 279.0,
    "jobs_cpu_s": 2000.0,
    "snakemake_share": 0.122,
    "cpu_utilisation": 0.824,
    "verify": "731 of 731 items reproduced (700 identical, 31 within tolerance), 0 differ",
    "per_rule": [{"rule": "train", "jobs": 44, "wall_s": 1312, "cpu_s": 844}],
}
TEST = {
    **{k: REPLICATE[k] for k in ("commit", "date", "machine", "conditions", "setup_s")},
    "target": "test",
    "run_s": 2208,
    "exit_status": 1,
    "pytest": "6 failed, 641 passed in 2208.30s (0:36:48)",
    "slowest": [{"seconds": 790, "phase": "setup", "test": "tests/workflow/test_slurm.py::test_x"}],
}


def test_minutes() -> None:
    assert (minutes(1213), minutes(59.4), minutes(59.6)) == ("20 min 13 s", "59 s", "1 min 0 s")


def test_a_record_renders_its_numbers_and_where_they_were_measured() -> None:
    text = render(REPLICATE)
    assert text.startswith("`make replicate` took **20 min 13 s** after a set-up of 1 min 37 s")
    assert "measured 2026-12-04 at commit 0123456 on AMD EPYC (AVX2), 2 cores, 23 GiB" in text
    assert "128 jobs" in text and "279 CPU-seconds against its jobs' 2,000 (12.2%)" in text
    assert "the jobs kept the cores 82% busy" in text
    assert "731 of 731 items reproduced" in text and "train 1,312 s (44 jobs)" in text
    failed = render(TEST)
    assert "and it failed (exit status 1): 6 failed, 641 passed" in failed
    assert "`tests/workflow/test_slurm.py::test_x` (setup) 790 s" in failed


def write_records(folder: Path) -> Path:
    folder.mkdir()
    for record in (REPLICATE, TEST):
        (folder / f"{record['target']}.yaml").write_text(yaml.safe_dump(record))
    return folder


def test_a_time_typed_into_the_block_is_caught(tmp_path: Path) -> None:
    measured = write_records(tmp_path / "measured")
    references = tmp_path / "paper" / "reference"
    references.mkdir(parents=True)
    readme = tmp_path / "README.md"
    readme.write_text(
        "Intro.\n\n<!-- measured replicate: x -->\n<!-- /measured replicate -->\n\n"
        "<!-- measured test: x -->\nold text\n<!-- /measured test -->\nEnd.\n"
    )
    assert not update_readme(readme, references, check=True, measured=measured)
    assert update_readme(readme, references, measured=measured)
    assert update_readme(readme, references, check=True, measured=measured)
    text = readme.read_text()
    assert render(REPLICATE) in text and render(TEST) in text and "old text" not in text
    assert text.startswith("Intro.") and text.endswith("End.\n")
    readme.write_text(text.replace("20 min 13 s", "11 min 40 s"))
    assert not update_readme(readme, references, check=True, measured=measured)


def test_a_block_without_its_record_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing, but README\.md has a block for it"):
        rendered_blocks("<!-- measured replicate: x -->\n<!-- /measured replicate -->", tmp_path)
