"""User-facing errors: one line that names the file, the problem and the fix."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A problem with something the user provided (a data file, a setting), not a bug in lsm.

    The command line prints ``str(error)`` as a single line and exits non-zero; the traceback goes
    to the log only.
    """

    def __init__(self, source: str | Path, problem: str, fix: str) -> None:
        self.source = str(source)
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}. Fix: {self.fix}"


class ConfigError(InputError):
    """A malformed ``params.yaml`` (unknown key, wrong type, value out of range)."""
