"""Shared base model and field types for the input documents.

Strict where it matters: ``"yes"`` is not a boolean, ``1`` is not a date, ``"3"`` is not
a number. Dates are accepted as ``date`` objects (YAML) or ``YYYY-MM-DD`` text (JSON);
date-times must carry a timezone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .._errors import Path

__all__ = [
    "ID_PATTERN",
    "Day",
    "FactorId",
    "Flag",
    "Id",
    "Instant",
    "Measure",
    "Model",
    "Text",
    "personal",
    "raise_problems",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
"""Ids of documents, families, members, outcomes: letters, digits and ``- . _ /``."""

FACTOR_ID_PATTERN = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*:)?[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A vocabulary id (``persistent-absence``) or a local one (``bedford:relay-notification``)."""

_NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Model(BaseModel):
    """Base of every document model: frozen, unknown keys rejected, input kept out of errors."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        hide_input_in_errors=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        use_enum_values=False,
    )


def _day(value: Any) -> Any:
    if type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_value", "not a real date; expected YYYY-MM-DD", {}
            ) from None
    raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)", {})


def _instant(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 16 and _ISO_DATE.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "datetime_type",
        "expected a date and time with a timezone, e.g. 2024-03-01T09:30:00+00:00",
        {},
    )


Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN)]
FactorId = Annotated[str, StringConstraints(strict=True, pattern=FACTOR_ID_PATTERN, max_length=96)]
Text = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=10_000, pattern=_NO_CONTROL)
]
Flag = StrictBool
Day = Annotated[date, BeforeValidator(_day)]
Instant = Annotated[AwareDatetime, BeforeValidator(_instant)]
Measure = StrictInt | StrictFloat | Text
"""A baseline or target: a number (``82``) or words (``"attends every week"``)."""


def personal(**kwargs: Any) -> Any:
    """A field holding personal data: kept out of ``repr`` and out of error messages."""
    return Field(repr=False, json_schema_extra={"x-personal": True}, **kwargs)


def raise_problems(title: str, problems: Iterable[tuple[Path, str, str, Any]]) -> None:
    """Raise one pydantic ``ValidationError`` holding every ``(path, type, message, input)``.

    Used by consistency checks that look across fields; pydantic prefixes each path
    with where the model sits, so paths here are relative to the model.
    """
    details = [
        InitErrorDetails(
            type=PydanticCustomError(kind, message, {}),
            loc=path,
            input=value,
        )
        for path, kind, message, value in problems
    ]
    if details:
        raise ValidationError.from_exception_data(title, details, hide_input=True)
