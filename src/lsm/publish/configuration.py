"""The configuration reference of the documentation (docs/configuration.md): every key of params.yaml
with its value and what it does, rendered by ``lsm readme`` from the schema's descriptions
(workflow/schemas/params.schema.yaml), so that the page cannot drift from what the workflow
validates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lsm.data.io import read_yaml

START = (
    "<!-- configuration: written by `lsm readme` from workflow/schemas/params.schema.yaml, do not edit -->"
)
END = "<!-- /configuration -->"
BLOCK = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.DOTALL)
BLOCK_VALUE = object()  # the value of a block of keys in :func:`keys`
# JSON Schema's bounds, as a reader writes them
BOUNDS = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}


def _resolved(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with a local ``$ref`` ("#/$defs/name") followed."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return node
    return schema["$defs"][ref.removeprefix("#/$defs/")]


def child(schema: Mapping[str, Any], node: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """The schema of ``key`` inside ``node``: a named property, or what any other key must be."""
    node = _resolved(schema, node)
    properties = node.get("properties", {})
    if key in properties:
        return _resolved(schema, properties[key])
    extra = node.get("additionalProperties")
    return _resolved(schema, extra) if isinstance(extra, Mapping) else None


def keys(
    schema: Mapping[str, Any], node: Mapping[str, Any], values: Mapping[str, Any], prefix: str = ""
) -> Iterator[tuple[str, Any, Mapping[str, Any] | None]]:
    """Every key of ``values`` (params.yaml), depth first, with its value and its schema (None where
    the schema has none); a block is given before its keys, with BLOCK as its value."""
    for key, value in values.items():
        name = f"{prefix}{key}"
        sub = child(schema, node, key)
        described = (
            sub is not None
            and "properties" not in sub
            and not isinstance(sub.get("additionalProperties"), Mapping)
        )
        if isinstance(value, Mapping) and not described:
            yield name, BLOCK_VALUE, sub
            yield from keys(schema, sub or {}, value, f"{name}.")
        else:
            yield name, value, sub


def allowed(node: Mapping[str, Any] | None) -> str:
    """What a key may hold, in short: its choices, type and bounds."""
    if not node:
        return ""
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    if "oneOf" in node:
        return " or ".join(option.get("description") or allowed(option) for option in node["oneOf"])
    if "const" in node:
        return str(node["const"])
    kinds = node.get("type", "")
    parts = [" or ".join(kinds) if isinstance(kinds, list) else str(kinds)]
    parts += [f"{sign} {node[bound]}" for bound, sign in BOUNDS.items() if bound in node]
    items = node.get("items")
    if isinstance(items, Mapping) and "enum" in items:
        parts.append("of " + ", ".join(str(v) for v in items["enum"]))
    return ", ".join(p for p in parts if p)


def _shown(value: Any) -> str:
    if value is BLOCK_VALUE:
        return ""
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return f"`{text}`".replace("|", "\\|")


def reference_table(schema: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """The Markdown table of every key: its value in params.yaml, what it does, what it may hold."""
    lines = ["| key | value | what it does | allowed |", "|---|---|---|---|"]
    for name, value, node in keys(schema, schema, values):
        text = (node or {}).get("description", "")
        # a table cell: one line, no column break, and <study> shown, not read as an HTML tag
        text = " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        block = value is BLOCK_VALUE
        key = f"**{name}**" if block else f"`{name}`"
        lines.append(f"| {key} | {_shown(value)} | {text} | {'' if block else allowed(node)} |")
    return "\n".join(lines)


def rendered_configuration(text: str, schema_path: Path, params: Path) -> str:
    """``text`` with its configuration block (if any) rendered from the schema and params.yaml."""
    if not BLOCK.search(text):
        return text
    table = reference_table(read_yaml(schema_path), read_yaml(params))
    return BLOCK.sub(lambda _: f"{START}\n{table}\n{END}", text)
