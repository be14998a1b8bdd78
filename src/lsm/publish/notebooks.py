"""Run a jupytext notebook with papermill, parameters passed as data (a YAML file).

The pattern every figure and table uses: ``notebooks/<name>.py`` (jupytext percent format, with a
cell tagged ``parameters``) is converted in memory, executed by papermill with the parameters read
from a YAML file, and the executed ``.ipynb`` (which records the parameters in its papermill
metadata) is written atomically.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jupytext
import papermill
from traitlets.config import Config

from lsm.data.io import atomic_path, read_yaml, write_text, write_yaml
from lsm.errors import InputError
from lsm.logs import run_logged

log = logging.getLogger(__name__)


def has_parameters_cell(notebook: Any) -> bool:
    """True if a code cell is tagged ``parameters`` (papermill injects after it)."""
    return any("parameters" in cell.get("metadata", {}).get("tags", []) for cell in notebook.cells)


@contextmanager
def kernel_transport() -> Iterator[Config]:
    """The kernel's channels as Unix sockets in a private directory, removed afterwards.

    Over TCP (jupyter's default) the client picks five free ports, closes them and lets the kernel
    bind them a moment later; with notebooks running side by side (every figure job of the
    workflow) another process can take one of those ports in between and the kernel dies with
    "Address already in use". Unix sockets named after a fresh directory cannot collide. Where a
    socket cannot be made there (Windows, a temporary directory on a file system without sockets,
    or a path too long for one) the default TCP transport is kept.
    """
    with tempfile.TemporaryDirectory(prefix="lsm-kernel-") as folder:
        prefix = str(Path(folder) / "kernel")
        if can_bind_unix_socket(f"{prefix}-99999"):  # the longest name the kernel gives a channel
            yield Config({"KernelManager": {"transport": "ipc", "ip": prefix}})
        else:
            log.warning("no Unix socket can be made in %s; the kernel uses TCP", folder)
            yield Config()


def can_bind_unix_socket(path: str) -> bool:
    """True if a Unix socket can be bound at ``path`` (it is removed again)."""
    if not hasattr(socket, "AF_UNIX"):
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.bind(path)
    except OSError:
        return False
    finally:
        Path(path).unlink(missing_ok=True)
    return True


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
    with atomic_path(output) as tmp, kernel_transport() as transport:
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
                config=transport,
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
    outputs = {k: str(v) for k, v in smk.output.items() if k not in PLUMBING_OUTPUTS}
    parameters: dict[str, Any] = {"inputs": inputs, "outputs": outputs, **dict(smk.params.items())}
    write_yaml(smk.output.parameters, parameters)
    run_logged(smk.log[0], run_notebook, smk.input.notebook, smk.output.parameters, smk.output.notebook)
    html = dict(smk.output.items()).get("html")
    if html:  # the executed notebook, readable in the report
        write_text(html, notebook_html(smk.output.notebook, title=Path(smk.input.notebook).stem))


PLUMBING_OUTPUTS = {"notebook", "parameters", "html"}


# -- the executed notebook as one self-contained HTML page (for the report) ------------------------
# nbconvert renders the notebook (markdown, highlighted code, outputs with images embedded); its
# "basic" template gives the cells only, so each page carries this short style sheet instead of
# nbconvert's 270 kB one (the report embeds every page).
HTML_STYLE = """
body { font-family: DejaVu Sans, sans-serif; max-width: 60rem; margin: 1rem auto; color: #222; }
.cell { margin: 0.8rem 0; }
.input_area { background: #f5f5f5; border-left: 3px solid #0072B2; padding: 0.2rem 0.6rem; }
.prompt { display: none; }
pre { margin: 0; font-size: 0.8rem; white-space: pre-wrap; }
.output_area { padding: 0.3rem 0.6rem; overflow-x: auto; font-size: 0.8rem; }
img { max-width: 100%; }
.output_stderr, .output_error { background: #fde8e8; }
.meta { font-size: 0.8rem; color: #555; }
.celltag_injected-parameters .input_area::after {
  content: "parameters injected by papermill"; font-size: 0.8rem; color: #555;
}
table { border-collapse: collapse; font-size: 0.75rem; }
td, th { border: 1px solid #ccc; padding: 0.1rem 0.4rem; }
"""


def notebook_html(path: str | Path, title: str | None = None) -> str:
    """The executed notebook at ``path`` as one HTML page, rendered by nbconvert, headed by the
    papermill parameters it ran with."""
    import html
    import json

    import nbformat
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    notebook = nbformat.read(str(path), as_version=4)
    cells, _ = HTMLExporter(template_name="basic").from_notebook_node(notebook)
    papermill = notebook.metadata.get("papermill", {})
    ran_with = (
        f" (papermill, {html.escape(str(papermill.get('start_time', '')))}); parameters: "
        f"<code>{html.escape(json.dumps(papermill.get('parameters', {})))}</code>"
        if papermill
        else ""
    )
    style = HTML_STYLE + HtmlFormatter().get_style_defs(".highlight")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title or Path(path).stem)}</title><style>{style}</style></head><body>\n"
        f"<p class='meta'>Executed notebook <code>{html.escape(Path(path).name)}</code>{ran_with}</p>\n"
        f"{cells}\n</body></html>\n"
    )
