"""``params.yaml``: the one configuration of the workspace, shared by Snakemake and DVC.

Validation is strict (unknown keys and wrong types are rejected) and reports the first problem as
one line naming the key, because a silent typo in a parameter would quietly change the science.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema

from lsm.errors import ConfigError
from lsm.io import read_yaml

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "params.schema.yaml"

_TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
    "null": "empty",
}


def _dotted(path: Any) -> str:
    return ".".join(str(part) for part in path) or "<top level>"


def _describe(error: jsonschema.ValidationError) -> tuple[str, str, str]:
    """Turn a jsonschema error into (key, problem, fix)."""
    key = _dotted(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        name = unknown[0] if unknown else "?"
        full = f"{key}.{name}" if error.absolute_path else name
        return full, "unknown key", f"remove or rename it (allowed here: {', '.join(allowed)})"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        full = f"{key}.{missing}" if error.absolute_path else missing
        return full, "required key is missing", "add it (see params.yaml of the repository for an example)"
    if error.validator == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        names = " or ".join(_TYPE_NAMES.get(w, w) for w in wanted)
        return key, f"must be {names}, got {error.instance!r}", f"set '{key}' to {names}"
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return key, f"{error.instance!r} is not one of: {choices}", "use one of the listed values"
    if error.validator in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        return key, f"{error.instance!r} is out of range ({error.message})", "choose a value inside the range"
    return key, error.message, "see workflow/schemas/params.schema.yaml for what is allowed"


def validate_config(
    config: Mapping[str, Any], schema_path: str | Path = SCHEMA_PATH, source: str = "params.yaml"
) -> None:
    """Raise :class:`ConfigError` (one line, naming the key) if ``config`` breaks the schema."""
    schema = read_yaml(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(dict(config)), key=lambda e: (len(e.absolute_path), str(e.path)))
    if errors:
        key, problem, fix = _describe(errors[0])
        extra = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ConfigError(source, f"key '{key}': {problem}{extra}", fix)
    _check_consistency(config, source)


def _check_consistency(config: Mapping[str, Any], source: str) -> None:
    """Rules that JSON schema cannot express."""
    sampling = config.get("sampling", {})
    size = sampling.get("patch_size")
    if isinstance(size, int) and size % 2 == 0:
        raise ConfigError(
            source,
            f"key 'sampling.patch_size': {size} is even",
            f"use an odd size ({size - 1} or {size + 1})",
        )
    size_ok = isinstance(size, int)
    models = config.get("models", {})
    layers = len(models.get("torch", {}).get("conv_channels", []))
    if size_ok and layers and size - 2 * layers < 1:
        raise ConfigError(
            source,
            f"key 'models.torch.conv_channels': {layers} valid 3x3 convolutions "
            f"leave nothing of a {size}-px patch",
            "use fewer convolutions or a larger sampling.patch_size",
        )
    scheme = config.get("mapping", {}).get("scheme")
    if scheme and scheme not in models.get("schemes", [scheme]):
        raise ConfigError(
            source,
            f"key 'mapping.scheme': {scheme!r} is not among models.schemes, so no run is trained on it",
            "use one of models.schemes",
        )
    mix = sampling.get("negative_mix", {})
    if mix and sum(mix.values()) <= 0:
        raise ConfigError(source, "key 'sampling.negative_mix': all shares are zero", "give one kind a share")
    synthetic = config.get("synthetic", {})
    presets = synthetic.get("presets", {})
    if synthetic.get("preset") not in presets:
        raise ConfigError(
            source,
            f"key 'synthetic.preset': {synthetic.get('preset')!r} is not one of the presets",
            f"use one of: {', '.join(presets)}",
        )
    low, high = presets[synthetic["preset"]]["elevation_m"]
    if not low < high:
        raise ConfigError(
            source,
            f"key 'synthetic.presets.{synthetic['preset']}.elevation_m': needs [low, high]",
            "swap them",
        )


def load_config(path: str | Path, overrides: list[str | Path] = ()) -> dict[str, Any]:
    """Load ``params.yaml`` plus override files (merged recursively, like Snakemake's --configfile)."""
    config = read_yaml(path) or {}
    for override in overrides:
        deep_update(config, read_yaml(override) or {})
    validate_config(config, source=str(path))
    return config


def deep_update(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into ``base`` recursively (mappings merge, everything else replaces)."""
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            deep_update(base[key], value)
        else:
            base[key] = value
    return base
