"""Check data against a shipped JSON Schema and report violations as located problems.

The schemas in ``schemas/`` are the contract editors and other languages use; loaders
check files against them first, so a file the schema accepts is exactly a file whose
shape the library accepts. jsonschema is imported on first use (it is slow to import).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from ._errors import Problem, more_problems
from ._located import MAX_PROBLEMS, describe, did_you_mean, too_many, unknown_key, unshown_keys
from ._reader import SourceMap
from ._resources import data_dir

__all__ = ["schema_problems"]

_TYPES = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing (null)",
}


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema  # noqa: PLC0415 - slow import, only needed when a config is loaded

    text = (data_dir("schemas") / f"{name}.schema.json").read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def _jsonable(value: Any) -> Any:
    """YAML gives dates; the schema (like JSON) speaks of ISO text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _expected(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(_TYPES.get(str(k), str(k)) for k in kind)
    if isinstance(kind, str):
        return _TYPES.get(kind, kind)
    if "$ref" in schema:
        return "a mapping"
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    return "a valid value"


def _leaves(error: Any) -> Iterator[Any]:
    """The most specific errors: inside ``anyOf``/``oneOf``, the alternatives' own errors,
    keeping only those of the alternative whose type matched (if one did)."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        yield error
        return
    typed = [e for e in error.context if e.validator != "type"]
    yield from typed if typed else [error]


def _translate(error: Any) -> tuple[tuple[str | int, ...], str, str, bool]:
    path = tuple(error.absolute_path)
    value = error.instance
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        extra = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        key = str(extra[0]) if extra else "?"
        return (*path, key), unknown_key(key, allowed), "unknown-key", True
    if kind == "required":
        missing = [k for k in error.validator_value if isinstance(value, dict) and k not in value]
        if len(missing) > 1:  # an older file meets new required keys all at once: name them all
            keys = ", ".join(repr(k) for k in missing)
            return path, f"missing required keys {keys}", "missing", False
        return path, f"missing required key {missing[0]!r}", "missing", False
    if kind in ("anyOf", "oneOf"):
        names = [_expected(alt) for alt in schema.get(kind, []) if isinstance(alt, dict)]
        names = [n for n in names if n != "a valid value"] or ["a valid value"]
        return path, f"expected {' or '.join(names)}, found {describe(value)}", "type", False
    if kind == "type":
        # text where a mapping or a list belongs is described, never echoed: it may be
        # anything (a name, a date of birth) written in the wrong place
        wanted = error.validator_value
        types = {wanted} if isinstance(wanted, str) else set(wanted)
        container = bool(types & {"object", "array"})
        return (
            path,
            f"expected {_expected(schema)}, found {describe(value, personal=container)}",
            "type",
            False,
        )
    if kind in ("enum", "const"):
        choices = [
            str(c) for c in (error.validator_value if kind == "enum" else [error.validator_value])
        ]
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        listed = ", ".join(repr(c) for c in choices)
        return path, f"expected one of {listed}, found {describe(value)}{hint}", "choice", False
    if kind == "pattern":
        return (
            path,
            f"{describe(value)} does not have the expected form (pattern {error.validator_value})",
            "value",
            False,
        )
    if kind in ("maxItems", "maxProperties"):
        found = len(value) if isinstance(value, list | dict) else None
        return path, too_many(path, found, error.validator_value), "limit", False
    bounds = {
        "minimum": "must be at least {}",
        "maximum": "must be at most {}",
        "minLength": "must have at least {} characters",
        "maxLength": "must have at most {} characters",
        "minItems": "must have at least {} items",
        "maxItems": "must have at most {} items",
    }
    if kind in bounds:
        rule = bounds[kind].format(error.validator_value)
        return path, f"{rule}, found {describe(value)}", "value", False
    return path, error.message, kind, False


def schema_problems(
    name: str, data: Any, *, source: str = "<data>", where: SourceMap | None = None
) -> list[Problem]:
    """Every violation of ``schemas/<name>.schema.json`` by ``data``, located."""
    problems: dict[tuple[tuple[str | int, ...], str], Problem] = {}
    errors = _validator(name).iter_errors(_jsonable(data))
    for error in itertools.islice(errors, MAX_PROBLEMS):
        for leaf in _leaves(error):
            path, message, kind, at_key = _translate(leaf)
            pos = where.locate(path, key=at_key) if where is not None else None
            line, col = pos if pos is not None else (None, None)
            shown = unshown_keys(path)
            problems.setdefault((shown, message), Problem(message, shown, source, line, col, kind))
    found = list(problems.values())
    if next(errors, None) is not None:  # more, not counted: finding them all can take seconds
        found.append(more_problems(None, source))
    return found
