"""Argument checks for the public strategies, run when a strategy is built.

Every message names the argument and echoes what was given (``max_children=1``), in the
style of Hypothesis's own ``InvalidArgument`` messages, so a wrong call fails at once and
says where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .. import vocabulary
from .._located import did_you_mean
from ..models._base import ID_PATTERN, LOCAL_FACTOR_PATTERN

if TYPE_CHECKING:
    from ..thresholds import Authority

__all__ = [
    "check_authority",
    "check_bool",
    "check_choice",
    "check_date",
    "check_factors",
    "check_id",
    "check_int",
    "check_optional_bool",
    "check_order",
]

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
_LOCAL = re.compile(LOCAL_FACTOR_PATTERN)
_ID = re.compile(ID_PATTERN)
_LOCAL_MAX = 96  # a FactorId's longest local id


def check_int(name: str, value: Any, *, min_value: int | None = None) -> int:
    """``value`` as an int: ``TypeError`` if it is not one (a bool is not), ``ValueError`` if
    it is below ``min_value``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}={value!r} must be an int, not {type(value).__name__}")
    if min_value is not None and value < min_value:
        raise ValueError(f"{name}={value!r} must be at least {min_value}")
    return value


def check_order(low_name: str, low: int, high_name: str, high: int) -> None:
    """``ValueError`` unless ``low <= high``."""
    if high < low:
        raise ValueError(f"Cannot have {high_name}={high!r} < {low_name}={low!r}")


def check_bool(name: str, value: Any) -> bool:
    """``value`` as a bool (``TypeError`` for anything else, ``1`` included)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name}={value!r} must be True or False, not {type(value).__name__}")
    return value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` as one of ``choices`` (``TypeError`` for anything but text, ``ValueError``
    for text that is not one of them)."""
    if not isinstance(value, str):
        raise TypeError(f"{name}={value!r} must be one of {choices}, not {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name}={value!r} must be one of {choices}")
    return value


def check_optional_bool(name: str, value: Any) -> bool | None:
    """``value`` as a bool or None."""
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name}={value!r} must be True, False or None, not {type(value).__name__}")
    return value


def check_date(name: str, value: Any) -> date:
    """A calendar date (not a date-time) between 1900 and 2100."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(
            f"{name}={value!r} must be a datetime.date (not a datetime or text), "
            f"not {type(value).__name__}"
        )
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{name}={value!r} must be between {EARLIEST} and {LATEST}")
    return value


def check_id(name: str, value: Any) -> str:
    """A document or member id: letters, digits and ``- . _ /``, at most 64 characters."""
    if not isinstance(value, str):
        raise TypeError(f"{name}={value!r} must be a str, not {type(value).__name__}")
    if not _ID.match(value):
        raise ValueError(
            f"{name}={value!r} is not a valid id (letters, digits and '-._/', "
            "starting with a letter or digit, at most 64 characters)"
        )
    return value


def check_authority(value: Any, name: str = "authority") -> Authority | None:
    """``None`` or a compiled :class:`~earlyhelp_core.Authority`."""
    from ..thresholds import Authority, AuthorityConfig  # noqa: PLC0415 - kept off the hook path

    if value is None or isinstance(value, Authority):
        return value
    hint = ""
    if isinstance(value, str):
        hint = f"; load it first: {name}=earlyhelp_core.load_authority({value!r})"
    elif isinstance(value, AuthorityConfig):
        hint = f"; compile it first: {name}=earlyhelp_core.thresholds.compile_config(config)"
    raise TypeError(f"{name}={value!r} must be an earlyhelp_core.Authority{hint}")


def _materialise(factors: Any) -> list[str]:
    if isinstance(factors, str | bytes):
        raise TypeError(
            f"factors={factors!r} must be a sequence of factor ids, not a single string; "
            f"write factors=[{factors!r}]"
        )
    if not isinstance(factors, Iterable):
        raise TypeError(
            f"factors={factors!r} must be a sequence of factor ids, not {type(factors).__name__}"
        )
    items = list(factors)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(
                f"factors={factors!r} contains {item!r}, which is a "
                f"{type(item).__name__}, not a factor id (a str)"
            )
    if not isinstance(factors, Sequence):
        items.sort()  # a set has no order of its own; keep runs reproducible
    return list(dict.fromkeys(items))


def check_factors(factors: Any, authority: Authority | None) -> tuple[str, ...] | None:
    """The factor ids to draw from; ``None`` means every vocabulary factor.

    With ``authority``, the ids its matrix places (its ``factors`` and ``local_factors``),
    narrowed to ``factors`` when given (every one must be placed by the authority).
    Without it, vocabulary ids and well-formed local ids (``<authority>:<id>``).
    """
    if authority is not None:
        # a local id longer than a document's factor id can hold is never drawn
        placed = [f for f in authority.placements if ":" not in f or len(f) <= _LOCAL_MAX]
        if factors is None:
            return tuple(sorted(placed))
        chosen = _materialise(factors)
        known = set(placed)
        stray = [f for f in chosen if f not in known]
        if stray:
            hint = did_you_mean(stray[0], placed)
            raise ValueError(
                f"factors={factors!r} has ids that authority {authority.id!r} does not "
                f"place at a level: {stray}{hint}; it places the ids of its `factors` and "
                "`local_factors`"
            )
        return tuple(chosen)
    if factors is None:
        return None
    chosen = _materialise(factors)
    known_ids = vocabulary.ids()
    unknown = [f for f in chosen if ":" not in f and f not in known_ids]
    if unknown:
        hint = did_you_mean(unknown[0], known_ids)
        raise ValueError(f"factors={factors!r} has ids not in the vocabulary: {unknown}{hint}")
    malformed = [f for f in chosen if ":" in f and (len(f) > _LOCAL_MAX or not _LOCAL.match(f))]
    if malformed:
        raise ValueError(
            f"factors={factors!r} has malformed local factor ids: {malformed}; a local id "
            "is '<authority>:<kebab-case-id>', e.g. 'bedford:relay-notification'"
        )
    return tuple(chosen)
