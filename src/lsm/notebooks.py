"""Run a jupytext notebook with papermill, parameters passed as data (a YAML file).

The pattern every figure and table uses: ``notebooks/<name>.py`` (jupytext percent format, with a
cell tagged ``parameters``) is converted in memory, executed by papermill with the parameters read
from a YAML file, and the executed ``.ipynb`` (which records the parameters in its papermill
metadata) is written atomically.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jupytext
import papermill

from lsm.errors import InputError
from lsm.io import atomic_path, read_yaml, write_yaml
from lsm.logs import run_logged

log = logging.getLogger(__name__)


def has_parameters_cell(notebook: Any) -> bool:
    """True if a code cell is tagged ``parameters`` (papermill injects after it)."""
    return any("parameters" in cell.get("metadata", {}).get("tags", []) for cell in notebook.cells)


def run_notebook(
    notebook: str | Path,
    parameters_yaml: str | Path,
    output: str | Path,
    cwd: str | Path | None = None,
    kernel_name: str = "python3",
) -> None:
    """Execute ``notebook`` (jupytext ``.py``) with the parameters in ``parameters_yaml``.

    The executed notebook goes to ``output`` only if every cell ran; on failure the partial notebook
    is kept beside it as ``<name>.failed.ipynb`` for debugging and the error propagates.
    """
    notebook, output = Path(notebook), Path(output)
    parameters = read_yaml(parameters_yaml) or {}
    if not isinstance(parameters, Mapping):
        raise InputError(parameters_yaml, "parameters must be a YAML mapping", "write key: value pairs")
    nb = jupytext.read(notebook)
    if not has_parameters_cell(nb):
        raise InputError(
            notebook,
            "no cell tagged 'parameters'",
            'start the parameters cell with: # %% tags=["parameters"]',
        )
    nb.metadata["kernelspec"] = {"name": kernel_name, "display_name": "Python 3", "language": "python"}
    nb.metadata.setdefault("jupytext", {})["source_file"] = str(notebook)
    log.info("running %s with %s", notebook, parameters_yaml)
    with atomic_path(output) as tmp:
        try:
            papermill.execute_notebook(
                nb,
                str(tmp),
                parameters=dict(parameters),
                kernel_name=kernel_name,
                cwd=str(cwd or Path.cwd()),
                log_output=True,
                progress_bar=False,
                report_mode=False,
            )
        except Exception:
            failed = output.with_suffix(".failed.ipynb")
            if tmp.exists():
                os.replace(tmp, failed)
                log.error("notebook failed; partial notebook kept in %s", failed)
            raise
    failed = output.with_suffix(".failed.ipynb")
    failed.unlink(missing_ok=True)


def _paths(value: Any) -> str | list[str]:
    """A named input as a path, or as a list of paths when the rule gave it several files."""
    return str(value) if isinstance(value, str | os.PathLike) else [str(v) for v in value]


def run_notebook_from_rule(smk: Any) -> None:
    """Entry point for a Snakemake ``script:``: write the parameters YAML, then run the notebook.

    The parameters are the rule's named inputs (``inputs``), named outputs (``outputs``) and named
    ``params``; the inputs ``notebook``/``code`` and the outputs ``notebook``/``parameters`` are
    plumbing.
    """
    inputs = {k: _paths(v) for k, v in smk.input.items() if k not in {"notebook", "code"}}
    outputs = {k: str(v) for k, v in smk.output.items() if k not in {"notebook", "parameters"}}
    parameters: dict[str, Any] = {"inputs": inputs, "outputs": outputs, **dict(smk.params.items())}
    write_yaml(smk.output.parameters, parameters)
    run_logged(smk.log[0], run_notebook, smk.input.notebook, smk.output.parameters, smk.output.notebook)
