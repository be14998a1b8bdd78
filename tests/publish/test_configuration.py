"""The configuration reference (lsm.publish.configuration): every key of params.yaml on the page with
its value and the schema's description of it, and every key of the schema described."""

from __future__ import annotations

from typing import Any

from lsm.data.io import read_yaml
from lsm.publish.configuration import (
    BLOCK,
    BLOCK_VALUE,
    END,
    START,
    allowed,
    keys,
    reference_table,
    rendered_configuration,
)
from tests.helpers import REPO

SCHEMA_PATH = REPO / "workflow" / "schemas" / "params.schema.yaml"


def undescribed(node: Any, name: str = "") -> list[str]:
    """Every property of the schema (and of its definitions) without a description."""
    found = []
    for key, sub in node.get("properties", {}).items():
        path = f"{name}.{key}" if name else key
        if isinstance(sub, dict):
            if "description" not in sub and "$ref" not in sub:
                found.append(path)
            found += undescribed(sub, path)
    return found


def test_the_schema_describes_every_key() -> None:
    schema = read_yaml(SCHEMA_PATH)
    missing = undescribed(schema)
    for name, definition in schema["$defs"].items():
        missing += undescribed(definition, f"$defs.{name}")
        missing += [] if "description" in definition else [f"$defs.{name}"]
    assert missing == []


def test_every_key_of_params_is_on_the_page_with_its_value_and_description() -> None:
    schema, params = read_yaml(SCHEMA_PATH), read_yaml(REPO / "params.yaml")
    rows = list(keys(schema, schema, params))
    names = [name for name, _, _ in rows]
    assert names[:3] == ["study", "figures", "figures.dpi"]
    assert "sampling.negative_mix.same_time" in names and "synthetic.presets.tiny.rows" in names
    assert all(node and node.get("description") for _, _, node in rows), [
        n for n, _, node in rows if not node
    ]
    values = {name: value for name, value, _ in rows}
    assert values["sampling.patch_size"] == params["sampling"]["patch_size"]
    assert values["grid.crs"] is None and values["sampling"] is BLOCK_VALUE
    table = reference_table(schema, params)
    assert "| `grid.crs` | `null` |" in table and "| **sampling** |  |" in table
    assert "| `figures.dpi` | `200` | resolution of PNG figures | integer, >= 50, <= 1200 |" in table


def test_what_a_key_may_hold_reads_as_a_reader_writes_it() -> None:
    assert allowed({"enum": ["natural_breaks", "quantiles"]}) == "one of natural_breaks, quantiles"
    assert allowed({"type": ["number", "null"], "exclusiveMinimum": 0}) == "number or null, > 0"
    assert allowed({"oneOf": [{"const": "auto"}, {"type": "number", "minimum": 0}]}) == "auto or number, >= 0"


def test_the_documentation_page_is_rendered_from_the_schema(tmp_path) -> None:
    page = (REPO / "docs" / "configuration.md").read_text()
    assert BLOCK.search(page), "docs/configuration.md holds the generated block"
    params = REPO / "params.yaml"
    assert rendered_configuration(page, SCHEMA_PATH, params) == page, "run `lsm readme`"
    stale = f"before\n{START}\nSTALE ROW\n{END}\n"
    rendered = rendered_configuration(stale, SCHEMA_PATH, params)
    assert "STALE ROW" not in rendered and "`sampling.patch_size`" in rendered
