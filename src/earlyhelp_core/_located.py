"""Turn pydantic validation errors into located :class:`Problem` s people can act on.

Each problem says where (``file:line:col`` and the path inside the data), what was
found and what was expected, and for unknown keys and values the nearest valid one.
Input values are echoed only for fields that do not hold personal data.
"""

from __future__ import annotations

import collections.abc
import functools
import re
import typing
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ._errors import MAX_PROBLEMS, Path, Problem, more_problems, quote
from ._reader import SourceMap

__all__ = [
    "MAX_PROBLEMS",
    "describe",
    "did_you_mean",
    "problems_from_validation",
    "too_many",
]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string.

    The answers are kept (the last :data:`_NEAREST_KEPT` words and choices), so that a
    cohort in which many records give the same unknown id (another authority's level)
    compares it with the choices once.
    """
    if len(word) > 100:  # nothing that long is a near miss, and comparing it is slow
        return ""
    return _nearest(word, tuple(choices))


_NEAREST_KEPT = 512


@functools.lru_cache(maxsize=_NEAREST_KEPT)
def _nearest(word: str, choices: tuple[str, ...]) -> str:
    import difflib  # noqa: PLC0415  (loaded with the first near miss, not on import)

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(value: Any, *, personal: bool = False) -> str:
    """Say what a value is, for 'found ...' (never echoing personal data)."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, datetime):
        return "a date and time" if personal else f"{value.isoformat()} (a date and time)"
    if isinstance(value, date):
        return "a date" if personal else f"{value.isoformat()} (a date)"
    if isinstance(value, int | float):
        return "a number" if personal else f"the number {value!r}"
    if isinstance(value, str):
        if personal:
            return f"text of {len(value)} characters"
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- model walking


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _is_mapping(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (dict, collections.abc.Mapping):
        return True
    return origin is not None and any(_is_mapping(a) for a in typing.get_args(annotation))


def _field(model: type[BaseModel], key: str | int) -> tuple[str, FieldInfo] | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return name, info
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _walk(
    root: type[BaseModel], path: Sequence[str | int]
) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model holding the last key of ``path``, and that key's field (if it is one)."""
    model: type[BaseModel] | None = root
    info: FieldInfo | None = None
    in_mapping = False
    for i, part in enumerate(path):
        if model is None:
            return None, None
        if isinstance(part, int) or in_mapping:
            in_mapping = False
            continue
        found = _field(model, part)
        if found is None:
            return (model, None) if i == len(path) - 1 else (None, None)
        info = found[1]
        if i == len(path) - 1:
            return model, info
        in_mapping = _is_mapping(info.annotation)
        inner = _models_in(info.annotation)
        model = inner[0] if inner else None
    return model, info


def _is_personal(info: FieldInfo | None) -> bool:
    extra = info.json_schema_extra if info is not None else None
    return isinstance(extra, dict) and bool(extra.get("x-personal"))


@functools.cache
def _model_holds_personal(model: type[BaseModel]) -> bool:
    """Whether ``model`` has a personal field anywhere below it (the models are a tree)."""
    return any(
        _is_personal(info) or any(_model_holds_personal(m) for m in _models_in(info.annotation))
        for info in model.model_fields.values()
    )


def _holds_personal(info: FieldInfo | None) -> bool:
    """Whether anything found in this field's place may be personal: the field is marked
    personal, or a model it holds has a personal field anywhere below it (a name written
    where the assessor's mapping belongs is still a name)."""
    if info is None:
        return False
    return _is_personal(info) or any(_model_holds_personal(m) for m in _models_in(info.annotation))


# --------------------------------------------------------------------------- messages

_AWARE = "expected a date and time with a timezone, e.g. 2024-03-01T09:30:00+00:00"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
_DATE_REASONS = frozenset(
    {"year 0 is out of range", "month must be in 1..12", "day is out of range for month"}
)
"""The reasons ``date.fromisoformat`` gives that name the wrong part, not the value."""
_QUOTED = re.compile(r"'([^']*)'")


_KEY_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_:./-]{0,95}$")
"""A key shaped like a field name or an id (a typo such as ``date_of_brith``, a factor id,
a rule code), shown as written. A key with spaces or that starts with a digit (``Jane
Smith``, ``2011-11-11``) may be personal data: it is not shown where personal fields
belong, nor in a path, and a value under it is described, not echoed."""

UNSHOWN_KEY = "<unknown key>"
"""The place of an unknown key that is not shown, in a problem's path."""

_CONTAINER_ERRORS = frozenset(
    {"dict_type", "model_type", "model_attributes_type", "tuple_type", "list_type"}
)


def _message(
    err: Any, root: type[BaseModel], factors: Collection[str] | None = None
) -> tuple[Path, str, str, bool]:
    """(path to report, message, kind, point at the key rather than the value)."""
    loc: Path = tuple(err["loc"])
    kind: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    parent, info = _walk(root, loc)
    # a value where a mapping or a list belongs may be anything written in the wrong place
    # (a name where the assessor's details belong): it is described, never echoed
    personal = _holds_personal(info) or kind in _CONTAINER_ERRORS or _under_odd_key(loc)
    if kind == "string_pattern_mismatch" and isinstance(value, str):
        # text with spaces where an id belongs is more likely a name than a mistyped id
        personal = personal or any(c.isspace() for c in value)
    found = describe(value, personal=personal)

    if kind == "missing":
        return loc[:-1], f"missing required key {loc[-1]!r}", "missing", False
    if kind == "extra_forbidden":
        choices = _keys(parent) if parent is not None else None
        return loc, unknown_key(str(loc[-1]), choices), "unknown-key", True
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", ""))
        hint = did_you_mean(value, _QUOTED.findall(expected)) if isinstance(value, str) else ""
        return loc, f"expected {expected}, found {found}{hint}", "choice", False
    simple = {
        "string_type": "expected text",
        "bool_type": "expected true or false",
        "int_type": "expected a whole number",
        "float_type": "expected a number",
        "dict_type": "expected a mapping",
        "model_type": "expected a mapping",
        "model_attributes_type": "expected a mapping",
        "tuple_type": "expected a list",
        "list_type": "expected a list",
        "date_type": "expected a date (YYYY-MM-DD)",
        "date_invalid": "expected a date (YYYY-MM-DD)",
        "datetime_type": _AWARE,
        "datetime_invalid": _AWARE,
        "timezone_aware": _AWARE,
    }
    if kind == "unknown_factor":
        if isinstance(value, str) and any(c.isspace() for c in value):
            # a factor id has no spaces: this is more likely a name or a note
            return (
                loc,
                f"expected a factor id, found {describe(value, personal=True)}",
                "type",
                False,
            )
        if isinstance(value, str) and "known" not in ctx:
            # a document's own check against another vocabulary: its message is complete
            return loc, str(err["msg"]), "unknown-factor", False
        if isinstance(value, str):
            known = factors if factors is not None else str(ctx.get("known", "")).split()
            hint = did_you_mean(value, known)
            return loc, f"unknown factor id {value!r}{hint}", "unknown-factor", False
        return loc, f"expected a factor id, found {found}", "type", False
    if kind == "date_invalid" and isinstance(value, str) and _ISO_DAY.match(value):
        why = ""
        try:
            date.fromisoformat(value)
        except ValueError as exc:  # says which part is wrong, never the value itself
            why = f" ({exc})" if str(exc) in _DATE_REASONS else ""
        return loc, f"{found} is not a real date{why}; expected YYYY-MM-DD", "date", False
    if kind in simple:
        return loc, f"{simple[kind]}, found {found}", "type", False
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "x00" in pattern:
            return loc, "contains a control character; remove it", "value", False
        what = (
            "a kebab-case id (lowercase letters and digits joined by '-')"
            if "a-z0-9]+" in pattern
            else ("an id of letters, digits and - . _ / (at most 64 characters)")
        )
        return loc, f"expected {what}, found {found}", "value", False
    if kind == "too_long":
        return loc, too_many(loc, ctx.get("actual_length"), ctx.get("max_length")), "limit", False
    if kind == "string_too_short":
        return loc, "must not be empty", "value", False
    if kind == "string_too_long":
        return loc, f"longer than {ctx.get('max_length')} characters", "value", False
    if kind == "too_short":
        n = ctx.get("min_length")
        return (
            loc,
            f"expected at least {n} item{'s' if n != 1 else ''}, found {ctx.get('actual_length')}",
            "value",
            False,
        )
    if kind.startswith(("greater_than", "less_than")):
        return (
            loc,
            f"{err['msg'].lower().replace('input should be', 'must be')}, found {found}",
            "value",
            False,
        )
    if not kind.endswith(("_type", "_parsing")):
        # our own consistency checks: the message is already complete
        return loc, str(err["msg"]), kind.replace("_", "-"), False
    return loc, f"{err['msg']}, found {found}", "type", False


def too_many(path: Sequence[str | int], found: object, most: object) -> str:
    """The message for a list or mapping past its limit (see the Limits page)."""
    what = f"`{path[-1]}`" if path and isinstance(path[-1], str) else "this list"
    count = f"{found:,}" if isinstance(found, int) else "more"
    return (
        f"{count} items, more than the {most} {what} may hold; the limit is fixed "
        "(see Limits in the documentation): check it is the right file"
    )


def unknown_key(key: str, choices: Sequence[str] | None) -> str:
    """The message for a key not among ``choices`` (None: not known), with the nearest. A
    key not shaped like one (it may be a name or a date) is said by its length only."""
    hint = ""
    if choices is not None:
        hint = did_you_mean(key, choices) or f" (expected one of: {', '.join(choices)})"
    if not _KEY_LIKE.match(key):
        return f"an unknown key (text of {len(key)} characters, not shown){hint}"
    return f"unknown key {quote(key)}{hint}"


def _odd(part: str | int) -> bool:
    return isinstance(part, str) and part != "[key]" and not _KEY_LIKE.match(part)


def _under_odd_key(path: Path) -> bool:
    """Whether a key on ``path`` is not shaped like a key (it may be a name)."""
    return any(_odd(part) for part in path)


def unshown_keys(path: Path) -> Path:
    """``path`` with each key not shaped like a key replaced by :data:`UNSHOWN_KEY`."""
    return tuple(UNSHOWN_KEY if _odd(part) else part for part in path)


def problems_from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    *,
    source: str = "<data>",
    where: SourceMap | None = None,
    prefix: Path = (),
    factors: Collection[str] | None = None,
) -> list[Problem]:
    """Every error of ``exc`` (raised validating ``model``) as a located :class:`Problem`;
    an unknown factor id is matched against ``factors`` (the vocabulary's ids the document
    was read in) when given."""
    errors = exc.errors(include_url=False)[:MAX_PROBLEMS]
    hidden = exc.error_count() - len(errors)
    # pydantic counts only the items that validated: a list whose items failed also
    # reports "too short", which would mislead; keep the items' own errors instead.
    inner = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
    problems = []
    for err in errors:
        if err["type"] == "too_short" and tuple(err["loc"]) in inner:
            continue
        path, message, kind, at_key = _message(err, model, factors)
        full = (*prefix, *unshown_keys(path))
        line = col = None
        if where is not None:
            pos = where.locate((*prefix, *tuple(err["loc"])), key=at_key)
            if pos is not None:
                line, col = pos
        problems.append(
            Problem(message=message, path=full, source=source, line=line, col=col, kind=kind)
        )
    if hidden > 0:
        problems.append(more_problems(hidden, source, prefix))
    return problems
