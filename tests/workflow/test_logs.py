"""Workflow steps log everything to their log file; a user error is one line on the terminal."""

from __future__ import annotations

import logging
import subprocess

import pytest

from lsm.errors import InputError
from lsm.logs import run_logged


def failing_step() -> None:
    subprocess.run(["bash", "-c", "echo from-a-child-process >&2"], check=True)
    raise InputError("dem.tif", "has no CRS", "assign one")


def test_input_error_is_one_line_and_the_traceback_goes_to_the_log(tmp_path, capfd) -> None:
    log = tmp_path / "step.log"
    with pytest.raises(SystemExit) as info:
        run_logged(log, failing_step)
    assert info.value.code == 2
    captured = capfd.readouterr()
    assert captured.err.strip().splitlines() == ["error: dem.tif: has no CRS. Fix: assign one"]
    text = log.read_text()
    assert "from-a-child-process" in text and "Traceback" in text


def test_result_is_returned(tmp_path) -> None:
    assert run_logged(tmp_path / "ok.log", lambda x: x + 1, 41) == 42


def test_the_log_file_is_let_go_afterwards(tmp_path, capfd) -> None:
    """The root logger gets its own handlers back: a handler left on the closed log file made every
    later record of the process a "Logging error" with a traceback on stderr."""
    root = logging.getLogger()
    before = root.handlers[:]
    with pytest.raises(SystemExit):
        run_logged(tmp_path / "step.log", failing_step)
    assert root.handlers == before
    capfd.readouterr()
    logging.getLogger("lsm").warning("a record after the step")
    assert "Logging error" not in capfd.readouterr().err
