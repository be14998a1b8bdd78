"""The README's timing paragraphs, rendered from what ``benchmarks/newcomer.py`` measured.

Each ``benchmarks/measured/<target>.yaml`` is one measurement of a README command (``make replicate``,
``make test``) from a fresh clone, with its commit, date and machine. The README holds a block per
record between ``<!-- measured <target> ... -->`` and ``<!-- /measured <target> -->``;
``python -m lsm readme`` rewrites the blocks and ``--check`` (a test) fails when a block differs from
its record, so a time in the README is never typed and always says when and where it was measured.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml
from lsm.errors import InputError

BLOCK = re.compile(r"<!-- measured ([a-z_]+)[^\n]*-->\n(?:.*?\n)?<!-- /measured \1 -->", re.S)


def minutes(seconds: float) -> str:
    """``1213`` as ``20 min 13 s``."""
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def _when(record: dict[str, Any]) -> str:
    return (
        f"measured {record['date']} at commit {str(record['commit'])[:7]} on {record['machine']}; "
        f"{record['conditions']}"
    )


def render(record: dict[str, Any]) -> str:
    """The paragraph of one measurement."""
    target = record["target"]
    status = (
        "" if record.get("exit_status") == 0 else f", and it failed (exit status {record['exit_status']})"
    )
    head = (
        f"`make {target}` took **{minutes(record['run_s'])}** after a set-up of "
        f"{minutes(record['setup_s'])} ({_when(record)}){status}"
    )
    if target == "replicate":
        parts = [f"{head}: {record.get('jobs')} jobs"]
        if record.get("snakemake_cpu_s") is not None:
            parts.append(
                f"Snakemake's own process used {record['snakemake_cpu_s']:,.0f} CPU-seconds against its "
                f"jobs' {record['jobs_cpu_s']:,.0f} ({record['snakemake_share']:.1%})"
            )
        if record.get("cpu_utilisation") is not None:
            parts.append(f"the jobs kept the cores {record['cpu_utilisation']:.0%} busy")
        if record.get("verify"):
            parts.append(f"the check against the reference: {record['verify']}")
        rules = [f"{r['rule']} {r['wall_s']:,} s ({r['jobs']} jobs)" for r in record.get("per_rule") or []]
        where = "Where the time goes (job seconds summed per kind of job; two run at a time): "
        return "; ".join(parts) + "." + _sentence(where, ", ", rules[:8])
    slow = [f"`{s['test']}` ({s['phase']}) {s['seconds']} s" for s in record.get("slowest") or []]
    return f"{head}: {record.get('pytest')}." + _sentence("The slowest: ", "; ", slow[:6])


def _sentence(lead: str, separator: str, entries: list[str]) -> str:
    """`` <lead><entries joined>.``, or nothing without entries."""
    return f" {lead}{separator.join(entries)}." if entries else ""


def _markers(target: str) -> tuple[str, str]:
    return (
        f"<!-- measured {target}: written by `python -m lsm readme` from "
        f"benchmarks/measured/{target}.yaml, do not edit -->",
        f"<!-- /measured {target} -->",
    )


def rendered_blocks(readme: str, measured: Path) -> str:
    """``readme`` with every measured block rendered from ``measured/<target>.yaml``."""

    def block(match: re.Match[str]) -> str:
        target = match.group(1)
        path = measured / f"{target}.yaml"
        if not path.is_file():
            raise InputError(
                path,
                "missing, but README.md has a block for it",
                f"run `python benchmarks/newcomer.py {target}`",
            )
        start, end = _markers(target)
        return f"{start}\n{render(read_yaml(path))}\n{end}"

    return BLOCK.sub(block, readme)
