"""How far a CPU with other vector instructions moves the results: the measurement behind the
tolerances of ``paper/reference/<study>.yaml``.

Runs the study twice from clean copies of the working tree: natively, and with every numeric library
held to AVX2 (torch's kernels ``ATEN_CPU_CAPABILITY=avx2``, oneDNN ``ONEDNN_MAX_CPU_ISA=AVX2``,
OpenBLAS ``OPENBLAS_CORETYPE=Haswell``, NumPy's AVX-512 loops disabled), which is what the same code
meets on a machine without AVX-512. Compares the two runs' findings (``lsm.publish.findings.collect``)
item by item and prints, per group of items, how many differ and by how much at most; verdicts,
digests and counts of the inventory must not move at all, and any that does is listed.

With ``--write``, the reference's ``tolerances`` block becomes the measured groups: a group that did
not move is exact, one that did gets twice the largest difference seen (rounded up to two significant
digits; the factor 2 is a margin for CPUs further from this one than AVX2 is), with the measurement
as its reason. Linux, x86-64.

    python benchmarks/cpu_spread.py                     # the tiny study (about 12 min on 2 cores)
    python benchmarks/cpu_spread.py --study default     # the default study (about 40 min)
    python benchmarks/cpu_spread.py --study hongkong    # the real dated study, five seeds (about 50 min)
    python benchmarks/cpu_spread.py --keep /tmp/spread  # keep the copies; a finished one is reused
    python benchmarks/cpu_spread.py --write .test/reference/tiny.yaml

A CPU of another make or generation moves results further than the AVX2-only run on one machine
does (other BLAS kernels, other torch code paths). With ``--another-machine RESULTS``, a run finished
on another machine is measured against the reference itself, and each group's bound is widened to
twice the largest difference seen there, where that is larger; an item of a group that must not move
(a verdict, a claim) that moved is declared ``cpu-dependent`` with both values, the rest stays exact:

    python benchmarks/cpu_spread.py --another-machine results/tiny --write .test/reference/tiny.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lsm.config import deep_update  # noqa: E402
from lsm.names import ALL_MODELS, CPU_DEPENDENT  # noqa: E402
from lsm.publish.findings import collect  # noqa: E402
from lsm.publish.verify import EXACT, flatten, set_tolerances  # noqa: E402
from tests.helpers import HONGKONG, copy_repo, require_real_study, tool_env  # noqa: E402

AVX2_ONLY = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "Haswell",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR",
}
CPUS = {"native": {}, "avx2": AVX2_ONLY}
# What must not move at all: a verdict, a digest, the inventory, the run's settings, the map's words.
EXACT_GROUPS = (
    "*.verdict",
    "claims.*",
    "claims_untuned.*",
    "digests.*",
    "inventory.*",
    "made.*",
    "map_evidence",
)
MARGIN = 2.0
# The README's run of the real dated study: the default settings but for three (README, "The real
# dated study"), read in place through a symbolic link.
HONGKONG_SETTINGS = {
    "study": HONGKONG.name,
    "grid": {"resolution_m": None},
    "splits": {"temporal_from": "2005-01-01"},
}
STUDIES = ("tiny", "default", "hongkong")


def run_study(study: str, cpu: str, folder: Path) -> Path:
    """The results folder of one clean run of ``study`` under the ``cpu`` settings (reused if done)."""
    done = folder / "finished"
    repo = folder / "repo"
    if not done.is_file():
        if repo.exists():
            subprocess.run(["rm", "-rf", str(repo)], check=True)
        repo.mkdir(parents=True)
        copy_repo(repo, tiny=study == "tiny")
        if study == "hongkong":
            use_hongkong(repo)
        command = ["snakemake", "--cores", "all", "--workflow-profile", "workflow/profiles/default", "all"]
        print(f"running the {study} study ({cpu}) in {repo}", flush=True)
        with (folder / "run.log").open("w") as log:
            proc = subprocess.run(command, cwd=repo, env=tool_env() | CPUS[cpu], stdout=log, stderr=log)
        if proc.returncode != 0:
            raise SystemExit(f"the {cpu} run failed ({proc.returncode}): see {folder / 'run.log'}")
        done.write_text("ok\n")
    name = yaml.safe_load((repo / "params.yaml").read_text())["study"]
    return repo / "results" / name


def use_hongkong(repo: Path) -> None:
    """Point the copy in ``repo`` at the Hong Kong study, with the README's three settings."""
    require_real_study(HONGKONG)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    deep_update(params, HONGKONG_SETTINGS)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    (repo / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (repo / "data" / "raw" / HONGKONG.name).symlink_to(HONGKONG.resolve(), target_is_directory=True)


def group_of(item: str) -> str:
    """The tolerance group of an item: exact groups first, else its section and model, if any."""
    import fnmatch

    exact = next((g for g in EXACT_GROUPS if fnmatch.fnmatchcase(item, g)), None)
    if exact:
        return exact
    parts = item.split(".")
    at = next((i for i, p in enumerate(parts) if i > 0 and p in ALL_MODELS), None)
    if at is None:
        return f"{parts[0]}.*"
    # the section, the model and the item's last name, the rest as "*": a mean and the bounds of
    # its interval over a few seeds move differently, and a map's area shares (%) and landslide
    # counts are on two scales
    pattern = [parts[0], *(["*"] if at > 1 else []), parts[at]]
    if parts[0] == "performance" and at == len(parts) - 3:
        # the metric kept: an AUC and a thresholded metric (accuracy, F1 at 0.5) move on two scales
        return ".".join([*pattern, *parts[at + 1 :]])
    if at < len(parts) - 1:
        pattern += [*(["*"] if at < len(parts) - 2 else []), parts[-1]]
    return ".".join(pattern)


def round_up(value: float) -> float:
    """``value`` rounded up to two significant digits."""
    scale = 10 ** (math.floor(math.log10(value)) - 1)
    return math.ceil(value / scale - 1e-9) * scale


def measure(native: dict, avx2: dict, skip: tuple[str, ...] = ()) -> dict[str, dict]:
    """Per group: items, how many differ, the largest difference, and the items that moved (the
    items in ``skip`` left out: they changed with the code, not the CPU)."""
    a, b = flatten(native), flatten(avx2)
    groups: dict[str, dict] = defaultdict(lambda: {"items": 0, "differ": 0, "largest": 0.0, "moved": []})
    for item in a.keys() | b.keys():
        if item in ("made.commit", "made.created", "made.uncommitted_changes", *skip):
            continue
        g = groups[group_of(item)]
        g["items"] += 1
        x, y = a.get(item), b.get(item)
        if x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)):
            continue
        g["differ"] += 1
        g["moved"].append(f"{item}: {x!r} -> {y!r}")
        if isinstance(x, int | float) and isinstance(y, int | float):
            g["largest"] = max(g["largest"], abs(float(x) - float(y)))
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] not in EXACT_GROUPS, kv[0])))


def rules(groups: dict[str, dict], study: str, commit: str) -> list[dict]:
    """The tolerance rules the measurement supports."""
    when = f"the AVX2-only run of the {study} study at commit {commit[:7]} on {dt.date.today()}"
    out = []
    for pattern, g in groups.items():
        if pattern in EXACT_GROUPS or g["differ"] == 0:
            reason = (
                f"identical in {when} ({g['items']} items)"
                if g["differ"] == 0
                else f"must not move: {g['differ']} of {g['items']} moved in {when}"
            )
            out.append({"items": pattern, "within": EXACT, "reason": reason})
        else:
            out.append(
                {
                    "items": pattern,
                    "within": round_up(MARGIN * g["largest"]),
                    "reason": f"{MARGIN:g} x the largest difference ({g['largest']:.4g}; {g['differ']} of "
                    f"{g['items']} items moved) in {when}",
                }
            )
    return out


def cpu_name() -> str:
    """This machine's CPU model and widest vector instructions, for a tolerance's reason."""
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").is_file() else ""
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line), "?")
    widest = "AVX-512" if "avx512f" in info else "AVX2" if "avx2" in info else "no AVX2"
    return f"{model} ({widest})"


def widen(existing: list[dict], groups: dict[str, dict], where: str) -> list[dict]:
    """The reference's rules, each numeric group's bound widened to twice the largest difference a
    run on another machine showed, where that is larger; an item of an exact group that moved is
    declared CPU-dependent (verify shows it, apart); groups new to the reference are added."""
    by_pattern = {rule["items"]: dict(rule) for rule in existing if rule["within"] != CPU_DEPENDENT}
    dependent = {rule["items"]: dict(rule) for rule in existing if rule["within"] == CPU_DEPENDENT}
    for pattern, g in groups.items():
        rule = by_pattern.get(pattern)
        if g["differ"] == 0:
            if rule is None:
                by_pattern[pattern] = {
                    "items": pattern,
                    "within": EXACT,
                    "reason": f"identical in {where} ({g['items']} items)",
                }
            continue
        if pattern in EXACT_GROUPS:
            # A verdict (or a sentence of the map's evidence) that two CPUs gave differently is not
            # a property of the code and data alone: each such item is declared CPU-dependent, with
            # both values, and the rest of its group stays exact.
            for moved in g["moved"]:
                item, values = moved.split(": ", 1)
                dependent[item] = {
                    "items": item,
                    "within": CPU_DEPENDENT,
                    "reason": f"CPU-dependent: {values} in {where}",
                }
            continue
        needed = round_up(MARGIN * g["largest"])
        was = rule["within"] if rule and not isinstance(rule["within"], str) else 0.0
        if needed <= was:
            continue
        note = (
            f"{MARGIN:g} x the largest difference ({g['largest']:.4g}; {g['differ']} of {g['items']} items "
            f"moved) in {where}"
        )
        by_pattern[pattern] = {
            "items": pattern,
            "within": needed,
            "reason": f"{rule['reason']}; widened: {note}" if rule else note,
        }
    ordered = sorted(by_pattern.values(), key=lambda r: (r["items"] not in EXACT_GROUPS, r["items"]))
    return sorted(dependent.values(), key=lambda r: r["items"]) + ordered  # the most specific counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", choices=STUDIES, default="tiny")
    parser.add_argument("--keep", type=Path, help="keep the runs' copies here, and reuse finished ones")
    parser.add_argument("--write", type=Path, help="the reference file whose tolerances to rewrite")
    parser.add_argument(
        "--native-only", action="store_true", help="only the native run (a run to write a reference from)"
    )
    parser.add_argument(
        "--another-machine",
        type=Path,
        metavar="RESULTS",
        help="a finished run's results folder, made on another machine: widen --write's bounds to it",
    )
    parser.add_argument(
        "--measured-against",
        type=Path,
        metavar="REFERENCE",
        help="a reference written on another machine: rewrite --write's tolerances from the two",
    )
    parser.add_argument(
        "--changed-by-code",
        action="append",
        default=[],
        metavar="ITEM",
        help="with --measured-against: an item the code changed between the two runs (repeatable)",
    )
    args = parser.parse_args()
    if args.measured_against:
        measured_against(args.measured_against, args.write, tuple(args.changed_by_code))
        return
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    if args.another_machine:
        another_machine(args.another_machine, args.write, commit)
        return
    with tempfile.TemporaryDirectory(prefix="lsm-cpu-spread-") as temporary:
        scratch = args.keep or Path(temporary)
        if args.native_only:
            print(f"the native run: {run_study(args.study, 'native', scratch / f'{args.study}_native')}")
            return
        found = {cpu: collect(run_study(args.study, cpu, scratch / f"{args.study}_{cpu}")) for cpu in CPUS}
    groups = measure(found["native"], found["avx2"])
    print(f"the {args.study} study, native against AVX2-only, commit {commit[:7]}")
    print(f"{'group':44s} {'items':>6s} {'differ':>7s} {'largest':>9s}")
    for pattern, g in groups.items():
        print(f"{pattern:44s} {g['items']:6d} {g['differ']:7d} {g['largest']:9.4g}")
    broken = [m for p, g in groups.items() if p in EXACT_GROUPS for m in g["moved"]]
    for line in broken:
        print(f"moved, but must not: {line}")
    if args.write:
        set_tolerances(args.write, rules(groups, args.study, commit))
        print(f"wrote the tolerances of {args.write}")


def measured_against(other: Path, reference: Path | None, skip: tuple[str, ...]) -> None:
    """The tolerances of ``reference`` made anew from one measurement: its findings against those of
    ``other``, a reference written from a run of the same generator on another machine. Every rule
    of before is dropped (bounds measured on an earlier synthetic world say nothing of this one);
    items in ``skip`` changed with the code between the two runs and stay exact."""
    if reference is None or not reference.is_file():
        raise SystemExit("--measured-against needs --write REFERENCE: the reference file to rewrite")
    published, earlier = (yaml.safe_load(path.read_text()) for path in (reference, other))
    made = earlier["made"]
    where = f"the run at commit {str(made['commit'])[:7]} of {str(made['created'])[:10]} ({other.name})"
    groups = measure(
        {k: v for k, v in published.items() if k != "tolerances"},
        {k: v for k, v in earlier.items() if k != "tolerances"},
        skip,
    )
    for pattern, g in groups.items():
        if g["differ"]:
            print(f"{pattern:44s} {g['items']:6d} {g['differ']:7d} {g['largest']:9.4g}")
    set_tolerances(reference, widen([], groups, where))
    print(f"rewrote the tolerances of {reference} from {where}")


def another_machine(results: Path, reference: Path | None, commit: str) -> None:
    """Measure a run made on this machine against ``reference`` and widen its bounds to it."""
    if reference is None or not reference.is_file():
        raise SystemExit("--another-machine needs --write REFERENCE: the reference file to measure against")
    published = yaml.safe_load(reference.read_text())
    recorded = {k: v for k, v in published.items() if k != "tolerances"}
    groups = measure(recorded, collect(results))
    where = f"a run on {cpu_name()} at commit {commit[:7]} on {dt.date.today()}"
    print(f"{results} against {reference} ({where})")
    print(f"{'group':44s} {'items':>6s} {'differ':>7s} {'largest':>9s}")
    for pattern, g in groups.items():
        if g["differ"]:
            print(f"{pattern:44s} {g['items']:6d} {g['differ']:7d} {g['largest']:9.4g}")
    for line in (m for p, g in groups.items() if p in EXACT_GROUPS for m in g["moved"]):
        print(f"moved, but must not: {line}")
    set_tolerances(reference, widen(published.get("tolerances") or [], groups, where))
    print(f"widened the tolerances of {reference}")


if __name__ == "__main__":
    main()
