"""The paper's open choices, read from ``paper/open_choices.yaml``: what Teng et al. leave unstated,
the value this workspace uses (read from its one home, never typed in the register), why, and the
range a careful replicator could have chosen. The documentation and the manuscript list them; the
multiverse of issue #44 will vary them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml
from lsm.errors import InputError

# The choices every register must hold: those the paper's results depend on most (issue #44).
REQUIRED = (
    "negative_ratio",
    "negative_mix",
    "buffer_m",
    "buffer_days",
    "patch_size",
    "window_days",
    "normalisation",
    "threshold",
    "lstm_inputs",
    "validation_part",
)
TEXT_FIELDS = ("id", "choice", "paper", "why")


@dataclass(frozen=True)
class OpenChoice:
    """One open choice; ``used`` is the value in force, ``home`` where it is set."""

    id: str
    choice: str
    paper: str
    used: Any
    home: str
    why: str
    range: tuple[Any, ...]
    source: str | None


def config_value(config: Mapping[str, Any], dotted: str) -> Any:
    """The value of ``dotted`` ("sampling.patch_size") in ``config``; KeyError names the missing part."""
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise KeyError(part)
        node = node[part]
    return node


def code_value(reference: str) -> Any:
    """The object ``module:name`` refers to (the module itself without ``:name``)."""
    module, _, name = reference.partition(":")
    found: Any = importlib.import_module(module)
    return getattr(found, name) if name else found


def _choice(entry: Mapping[str, Any], config: Mapping[str, Any], path: Path) -> OpenChoice:
    """One entry, its value resolved from ``config`` (``param``) or the code (``code``)."""
    where = f"{path} (choice {entry.get('id', '?')})"
    missing = [field for field in (*TEXT_FIELDS, "range") if not entry.get(field)]
    if missing or bool(entry.get("param")) == bool(entry.get("code")):
        problem = f"missing {', '.join(missing)}" if missing else "needs exactly one of param and code"
        raise InputError(where, problem, "give id, choice, paper, why, range and one of param or code")
    if entry.get("param"):
        try:
            used = config_value(config, entry["param"])
        except KeyError as missing_key:
            raise InputError(
                where, f"no key {entry['param']} in the configuration", "name a key of params.yaml"
            ) from missing_key
        home = f"params.yaml: {entry['param']}"
    else:
        try:
            value = code_value(entry["code"])
        except (ImportError, AttributeError) as absent:
            raise InputError(
                where, f"no {entry['code']} in the code", "name an existing module:name"
            ) from absent
        used = entry.get("used", value)
        if callable(value) and "used" not in entry:
            raise InputError(where, f"{entry['code']} is code, not a value", "describe it in 'used'")
        home = entry["code"].replace(":", ".")
    choices = tuple(entry["range"])
    if len(choices) < 2:
        raise InputError(where, "a range of fewer than two values", "list the alternatives")
    if entry.get("param") and used not in choices:
        raise InputError(where, f"the value used ({used!r}) is not in its range", "add it to the range")
    return OpenChoice(
        entry["id"], entry["choice"], entry["paper"], used, home, entry["why"], choices, entry.get("source")
    )


def load_open_choices(path: str | Path, config: Mapping[str, Any]) -> list[OpenChoice]:
    """Every open choice of the register at ``path``, with the values of ``config`` (params.yaml)."""
    path = Path(path)
    data = read_yaml(path)
    entries = data.get("choices") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise InputError(
            path, "needs a top-level 'choices' list", "restore the layout of paper/open_choices.yaml"
        )
    choices = [_choice(entry, config, path) for entry in entries]
    ids = [choice.id for choice in choices]
    absent = [name for name in REQUIRED if name not in ids]
    if absent or len(set(ids)) != len(ids):
        problem = f"lacks {', '.join(absent)}" if absent else "holds an id twice"
        raise InputError(path, problem, "keep one entry per open choice")
    return choices


def shown(value: Any) -> str:
    """A value as a reader reads it: a mix as "random 0.34, same_place 0.33", a list joined."""
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {shown(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    return f"{value:g}" if isinstance(value, float) else str(value)
