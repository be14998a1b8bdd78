"""A real one-node SLURM cluster on this host, for the SLURM test and benchmark.

:func:`local_slurm` writes a ``slurm.conf`` for this machine (select/cons_tres over its cores and
memory, no accounting database), starts ``munged``, ``slurmctld`` and ``slurmd`` with every file
(key, sockets, state, logs, pid files) in one folder, waits until the node is idle, yields the
environment in which ``sbatch``/``squeue`` talk to it (``SLURM_CONF``), and stops the daemons it
started. Nothing is mocked: jobs run under Debian's ``slurm-wlm`` as on a cluster. It needs root
(slurmd starts jobs as their user), the packages ``slurm-wlm`` and ``munge``, and no slurm.conf of
the host's own at /etc/slurm/slurm.conf (see DEFAULT_CONF).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DAEMONS = ("munged", "slurmctld", "slurmd")
# Where srun looks for the configuration inside a job. snakemake-executor-plugin-slurm-jobstep
# (0.6.1) removes SLURM_CONF from the environment of the srun it starts in each job, so a job's srun
# finds the configuration only at the compiled-in default path: the cluster links its slurm.conf
# there while it runs (and refuses to start on a host that has its own).
DEFAULT_CONF = Path("/etc/slurm/slurm.conf")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol")
PARTITION = "main"  # the partition of workflow/profiles/slurm


class SlurmUnavailable(RuntimeError):
    """This machine cannot run a local SLURM (what is missing is the message)."""


def missing() -> str | None:
    """Why a local cluster cannot run here (tools, root, the host's own configuration), or None if it
    can. A test cluster of ours that runs now (another worker's) does not count: it ends."""
    absent = [name for name in (*DAEMONS, *CLIENTS) if shutil.which(name) is None]
    if absent:
        return f"{', '.join(absent)} not installed (Debian packages slurm-wlm and munge)"
    if os.geteuid() != 0:
        return "a local SLURM needs root (slurmd starts jobs as their user)"
    remove_stale_link()
    if (DEFAULT_CONF.exists() or DEFAULT_CONF.is_symlink()) and not _ours(DEFAULT_CONF):
        return f"this host has its own {DEFAULT_CONF}: a throw-away test cluster will not replace it"
    return None


def _ours(link: Path) -> bool:
    """True if ``link`` points to the configuration of one of our test clusters (see slurm_conf):
    while one runs (another worker's test), SLURM is still available to this one."""
    target = link.readlink() if link.is_symlink() else None
    text = target.read_text(errors="replace") if target is not None and target.exists() else ""
    return re.search(r"^ClusterName=lsm\d+$", text, re.MULTILINE) is not None


def remove_stale_link() -> None:
    """Remove the link a killed test cluster left at DEFAULT_CONF: a link to a slurm.conf of ours
    (ClusterName lsm<port>, see slurm_conf) whose slurmctld is gone, or to nothing. A host's own
    configuration (a file, or a link to another cluster's) is kept."""
    if not DEFAULT_CONF.is_symlink():
        return
    target = DEFAULT_CONF.readlink()
    if not target.exists():
        DEFAULT_CONF.unlink()
        return
    starting = time.time() - target.stat().st_mtime < 120  # linked, daemons not started yet
    if _ours(DEFAULT_CONF) and not starting and not _alive(_pid(target.parent / "slurmctld.pid")):
        DEFAULT_CONF.unlink()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_facts() -> dict[str, str]:
    """This host as slurmd sees it (``slurmd -C``): NodeName, CPUs, RealMemory, ..."""
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"(\w+)=(\S+)", out.splitlines()[0]))


def slurm_conf(root: Path, node: str, cpus: int, memory_mb: int, ports: tuple[int, int]) -> str:
    """The configuration of a one-node cluster whose files all live under ``root``."""
    return "\n".join(
        [
            f"ClusterName=lsm{ports[0]}",
            f"SlurmctldHost={node}(127.0.0.1)",
            f"SlurmctldPort={ports[0]}",
            f"SlurmdPort={ports[1]}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={root}/munge/run/munge.socket",
            f"StateSaveLocation={root}/state",
            f"SlurmdSpoolDir={root}/spool",
            f"SlurmctldPidFile={root}/slurmctld.pid",
            f"SlurmdPidFile={root}/slurmd.pid",
            f"SlurmctldLogFile={root}/log/slurmctld.log",
            f"SlurmdLogFile={root}/log/slurmd.log",
            # No cgroups in containers: track processes by parent, bind nothing.
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MpiDefault=none",
            "SchedulerType=sched/backfill",
            # Finished jobs stay visible to squeue for two hours: without accounting, that is how
            # Snakemake's executor learns that a job completed, and how the test counts the jobs.
            "MinJobAge=7200",
            "ReturnToService=2",
            f"NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN",
            f"PartitionName={PARTITION} Nodes={node} Default=YES MaxTime=INFINITE State=UP",
            "",
        ]
    )


def _wait(condition, timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {p} ---\n{p.read_text(errors='replace')[-2000:]}" for p in logs if p.is_file())
    raise SlurmUnavailable(f"{what} within {timeout:.0f} s\n{tails}")


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def local_slurm(root: str | Path, memory_share: float = 0.8) -> Iterator[dict[str, str]]:
    """Run a one-node SLURM cluster under ``root`` for the duration of the block.

    Yields the environment (``os.environ`` plus ``SLURM_CONF``) for ``sbatch``, ``squeue`` and
    Snakemake's SLURM executor; the node offers all cores and ``memory_share`` of the memory.
    Stops the daemons afterwards, whatever happened in the block.
    """
    reason = missing()
    if reason:
        raise SlurmUnavailable(reason)
    if DEFAULT_CONF.is_symlink():
        raise SlurmUnavailable(f"another test cluster runs ({DEFAULT_CONF} -> {DEFAULT_CONF.readlink()})")
    root = Path(root).resolve()
    for sub in ("munge/key", "munge/run", "state", "spool", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "munge" / "key").chmod(0o700)
    key = root / "munge" / "key" / "munge.key"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o400)
    facts = node_facts()
    node, cpus = facts["NodeName"], int(facts["CPUs"])
    memory_mb = int(int(facts["RealMemory"]) * memory_share)
    conf = root / "slurm.conf"
    conf.write_text(slurm_conf(root, node, cpus, memory_mb, (_free_port(), _free_port())))
    DEFAULT_CONF.parent.mkdir(parents=True, exist_ok=True)
    DEFAULT_CONF.symlink_to(conf)
    env = {**os.environ, "SLURM_CONF": str(conf)}
    logs = [root / "log" / "munged.log", root / "log" / "slurmctld.log", root / "log" / "slurmd.log"]
    pid_files = [root / "slurmd.pid", root / "slurmctld.pid", root / "munge" / "munged.pid"]
    try:
        subprocess.run(
            [
                "munged",
                "--force",
                f"--socket={root}/munge/run/munge.socket",
                f"--key-file={key}",
                f"--log-file={logs[0]}",
                f"--pid-file={pid_files[2]}",
                f"--seed-file={root}/munge/munged.seed",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(["slurmctld", "-f", str(conf)], check=True, env=env, capture_output=True)
        subprocess.run(["slurmd", "-f", str(conf), "-N", node], check=True, env=env, capture_output=True)

        def idle() -> bool:
            state = subprocess.run(
                ["sinfo", "-h", "-N", "-o", "%T"], env=env, capture_output=True, text=True
            ).stdout.strip()
            return state == "idle"

        _wait(idle, 60, "the node did not become idle", logs)
        yield env
    finally:
        stop(env, pid_files)
        if DEFAULT_CONF.is_symlink() and DEFAULT_CONF.resolve() == conf:
            DEFAULT_CONF.unlink()


def stop(env: dict[str, str], pid_files: list[Path]) -> None:
    """Stop slurmd and slurmctld (``scontrol shutdown``, then signals if they linger) and munged."""
    subprocess.run(["scontrol", "shutdown"], env=env, capture_output=True, timeout=30)
    for path in pid_files:
        pid = _pid(path)
        # munged has no shutdown command: it is signalled at once, the SLURM daemons get 15 s.
        deadline = time.monotonic() + (0 if path.name == "munged.pid" else 15)
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if _alive(pid):
                os.kill(pid, sig)
                time.sleep(1)


# Options a site without an accounting database adds to the workflow's SLURM profile; the rest is
# the profile as shipped (the status checks only brought forward, for a run of small jobs on a
# cluster of one user: the queue is asked every 5 s instead of every 30 s).
SITE_OPTIONS = [
    "--slurm-no-account",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "2",
    "--seconds-between-status-checks",
    "5",
    "--slurm-keep-successful-logs",
    "--latency-wait",
    "10",
]


def slurm_command(*targets: str) -> list[str]:
    """Snakemake through the workflow's SLURM profile, with :data:`SITE_OPTIONS`."""
    return ["snakemake", "--workflow-profile", "workflow/profiles/slurm", *SITE_OPTIONS, *targets]


class SlurmSession:
    """Snakemake runs through the workflow's SLURM profile on a running local cluster, recorded for a
    test to check afterwards (:meth:`record`): the jobs each run planned (its dry run), what Snakemake
    printed, and every job the cluster ran (:func:`submitted_jobs`)."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        self.repo, self.env = repo, env
        self.planned: list[str] = []
        self.output: list[str] = []

    def make(self, targets: list[str]) -> None:
        """Make ``targets`` in the repository through SLURM (after a dry run that records the plan)."""
        from tests.helpers import run

        dry = run(["snakemake", "-n", "--cores", "2", *targets], self.repo)
        self.planned.append(dry.stdout + dry.stderr)
        done = run(slurm_command(*targets), self.repo, extra_env={"SLURM_CONF": self.env["SLURM_CONF"]})
        self.output.append(done.stdout + done.stderr)

    def record(self) -> dict[str, Any]:
        return {
            "planned": "\n".join(self.planned),
            "output": "\n".join(self.output),
            "jobs": submitted_jobs(self.env),
        }


@contextmanager
def slurm_session(repo: Path, cluster: Path) -> Iterator[SlurmSession]:
    """A local cluster under ``cluster`` for the duration of the block, and a :class:`SlurmSession`
    that runs Snakemake in ``repo`` on it (local runs in between are up to the caller)."""
    with local_slurm(cluster) as env:
        yield SlurmSession(repo, env)


def submitted_jobs(env: dict[str, str]) -> list[dict[str, str]]:
    """Every job the cluster still knows (MinJobAge keeps finished ones): id, name, state, comment."""
    out = subprocess.run(
        ["squeue", "-h", "-t", "all", "-o", "%i|%j|%T|%k"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = ("id", "name", "state", "comment")
    return [dict(zip(fields, line.split("|", 3), strict=True)) for line in out.splitlines() if line]
