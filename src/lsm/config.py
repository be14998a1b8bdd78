"""``params.yaml``: the one configuration of the workspace, shared by Snakemake and DVC.

Validation is strict (unknown keys and wrong types are rejected) and reports the first problem as
one line naming the key, because a silent typo in a parameter would quietly change the science.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
from pyproj import CRS
from pyproj.exceptions import CRSError

from lsm.data.io import read_yaml
from lsm.errors import ConfigError

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
    if error.validator in ("oneOf", "anyOf") and error.context:
        # "auto or a list of factors": inside a list, say what is wrong with the item; otherwise
        # name the alternatives.
        deepest = max(error.context, key=lambda e: len(e.relative_path))
        fitting = [e for e in error.context if e.validator not in ("type", "const")]
        if deepest.relative_path or fitting:  # the value has the right kind; something else is wrong
            return _describe(deepest if deepest.relative_path else fitting[0])
        options = " or ".join(_alternative(alt) for alt in error.validator_value)
        return key, f"must be {options}, got {error.instance!r}", f"set '{key}' to {options}"
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
        names = " or ".join(_TYPE_NAMES.get(w) or str(w) for w in wanted)
        return key, f"must be {names}, got {error.instance!r}", f"set '{key}' to {names}"
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return key, f"{error.instance!r} is not one of: {choices}", "use one of the listed values"
    if error.validator in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        return key, f"{error.instance!r} is out of range ({error.message})", "choose a value inside the range"
    return key, error.message, "see workflow/schemas/params.schema.yaml for what is allowed"


def _alternative(schema: dict[str, Any]) -> str:
    if "const" in schema:
        return repr(schema["const"])
    kinds = schema.get("type", "value")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return " or ".join(_TYPE_NAMES.get(k) or str(k) for k in kinds)


def validate_config(
    config: Mapping[str, Any], schema_path: str | Path = SCHEMA_PATH, source: str = "params.yaml"
) -> None:
    """Raise :class:`ConfigError` (one line, naming the key) if ``config`` breaks the schema."""
    schema = read_yaml(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(_dates_as_text(dict(config))), key=lambda e: (len(e.absolute_path), str(e.path))
    )
    if errors:
        key, problem, fix = _describe(errors[0])
        extra = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ConfigError(source, f"key '{key}': {problem}{extra}", fix)
    _check_consistency(config, source)


def _dates_as_text(value: Any) -> Any:
    """YAML reads an unquoted 2005-01-01 as a date: the schema checks it as the ISO text it stands for."""
    if isinstance(value, Mapping):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return value


def _check_crs(config: Mapping[str, Any], source: str) -> None:
    """CRS strings must name a projected CRS in metres: checked here, not deep inside a run."""
    keys = {
        "grid.crs": config.get("grid", {}).get("crs"),
        "synthetic.crs": config.get("synthetic", {}).get("crs"),
    }
    for key, value in keys.items():
        if value is None:
            continue
        try:
            crs = CRS.from_user_input(value)
        except CRSError as err:
            raise ConfigError(
                source,
                f"key '{key}': {value!r} is not a known CRS",
                "use an EPSG code of a projected CRS in metres, e.g. 'EPSG:32640' (UTM zone 40N)",
            ) from err
        unit = crs.axis_info[0].unit_name if crs.axis_info else "no unit"
        if crs.is_projected and unit in ("metre", "meter"):
            continue
        if crs.is_geographic:
            kind = "geographic (degrees)"
        else:
            kind = f"in {unit}" if crs.is_projected else f"a {crs.type_name} ({unit})"
        raise ConfigError(
            source,
            f"key '{key}': {value!r} is {kind}, not a projected CRS in metres",
            "use a projected CRS in metres, e.g. the study's UTM zone (EPSG:326xx north, 327xx south)",
        )


def _check_consistency(config: Mapping[str, Any], source: str) -> None:
    """Rules that JSON schema cannot express."""
    _check_crs(config, source)
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
    stability = config.get("stability", {}).get("preset")
    if stability is not None and stability not in presets:
        raise ConfigError(
            source,
            f"key 'stability.preset': {stability!r} is not one of the presets",
            f"use one of: {', '.join(presets)}",
        )
    low, high = presets[synthetic["preset"]]["elevation_m"]
    if not low < high:
        raise ConfigError(
            source,
            f"key 'synthetic.presets.{synthetic['preset']}.elevation_m': needs [low, high]",
            "swap them",
        )


def load_config(path: str | Path, overrides: Sequence[str | Path] = ()) -> dict[str, Any]:
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
