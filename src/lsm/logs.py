"""Logging for workflow steps: everything (progress bars and child processes included) to the job's
log file, and a user error as one line on the terminal."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

from lsm.errors import InputError

T = TypeVar("T")
log = logging.getLogger("lsm")
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


@contextlib.contextmanager
def stderr_to(stream: TextIO) -> Iterator[None]:
    """Send stderr to ``stream`` at the file-descriptor level, so that child processes (a notebook
    kernel, GDAL) write there too; restore it afterwards."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(stream.fileno(), 2)
    try:
        with contextlib.redirect_stderr(stream):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def logging_to(stream: TextIO) -> Iterator[None]:
    """Send every log record (INFO and above) to ``stream`` alone for the duration of the block, then
    give the root logger back its own handlers and level: a handler left on the closed log file would
    turn every later record of the process into a "Logging error" on stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        handler.flush()
        root.handlers = handlers
        root.setLevel(level)


def run_logged(log_path: str | Path, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``step`` with logging and stderr going to ``log_path``.

    An :class:`InputError` is logged with its traceback, printed as one line on the terminal's
    stderr, and ends the process with status 2 (Snakemake then reports the job as failed).
    """
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    error: InputError | None = None
    with open(log_path, "a", encoding="utf-8") as stream, stderr_to(stream), logging_to(stream):
        try:
            return step(*args, **kwargs)
        except InputError as err:
            log.error("input error", exc_info=True)
            error = err
        except Exception:
            log.exception("step failed")  # a bug, not a user error: keep the traceback in the log
            raise
    print(f"error: {error}", file=sys.stderr)
    raise SystemExit(2)
