"""Logging for workflow steps: everything (progress bars included) to the job's log file, and a
user error as one line on the terminal."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsm.errors import InputError

T = TypeVar("T")
log = logging.getLogger("lsm")


def run_logged(log_path: str | Path, step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``step`` with logging and stderr (tqdm) going to ``log_path``.

    An :class:`InputError` is logged with its traceback, printed as one line on the real stderr,
    and ends the process with status 2 (Snakemake then reports the job as failed).
    """
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8") as stream, contextlib.redirect_stderr(stream):
        logging.basicConfig(
            stream=stream,
            level=logging.INFO,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
            force=True,
        )
        try:
            return step(*args, **kwargs)
        except InputError as err:
            log.error("input error", exc_info=True)
            print(f"error: {err}", file=sys.__stderr__)
            raise SystemExit(2) from None
