"""Shared base model and field types for the input documents.

Strict where it matters: ``"yes"`` is not a boolean, ``1`` is not a date, ``"3"`` is not
a number. Dates are accepted as ``date`` objects (YAML) or ``YYYY-MM-DD`` text (JSON);
date-times must carry a timezone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationInfo,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from .. import vocabulary
from .._model import Flag, Model, Text, raise_problems

__all__ = [
    "AUTHORITY_ID_PATTERN",
    "ID_PATTERN",
    "AuthorityId",
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
    "vocabulary_of",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"
"""Ids of documents, families, members, outcomes: letters, digits and ``- . _ /``."""

AUTHORITY_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""An authority's id (``bromley``, ``city-of-london``): lowercase letters and digits joined by
``-``. No ``/`` or ``.``, so a document's ``authority`` can never be read as a file path."""

LOCAL_FACTOR_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*:[a-z0-9]+(?:-[a-z0-9]+)*$"
"""A local factor of an authority, namespaced: ``bedford:relay-notification``."""


def _either_type_or_iso_text(
    native: core_schema.CoreSchema,
    parse: core_schema.CoreSchema,
    pattern: str,
    kind: str,
    message: str,
) -> core_schema.CoreSchema:
    """``native`` objects as they are, or ISO text parsed by ``parse``; one error otherwise.

    Built from pydantic-core schemas so the whole check runs without a Python call.
    """
    return core_schema.custom_error_schema(
        core_schema.union_schema(
            [
                native,
                core_schema.chain_schema(
                    [core_schema.str_schema(strict=True, pattern=pattern), parse]
                ),
            ],
            mode="left_to_right",
        ),
        custom_error_type=kind,
        custom_error_message=message,
    )


class _DaySchema:
    """A calendar date: a ``date`` (as YAML gives) or ``YYYY-MM-DD`` text (as JSON gives).

    Never a number, never a date-time, never ``01/03/2024``.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _either_type_or_iso_text(
            core_schema.date_schema(strict=True),
            core_schema.date_schema(),
            r"^\d{4}-\d{2}-\d{2}$",
            "date_invalid",
            "expected a date (YYYY-MM-DD)",
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date"}


class _InstantSchema:
    """A moment: a timezone-aware ``datetime``, or ISO 8601 text with a timezone."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _either_type_or_iso_text(
            core_schema.datetime_schema(strict=True, tz_constraint="aware"),
            core_schema.datetime_schema(tz_constraint="aware"),
            r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}",
            "datetime_invalid",
            _AWARE,
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time"}


class _FactorIdSchema:
    """A vocabulary id (``persistent-absence``) or a local one (``bedford:...``).

    Vocabulary ids are checked against the bundled vocabulary (read when the first
    document model is built, not at import), or against the one a validation is given in
    its context (``Assessment.model_validate(data, context={"vocabulary": words})``, as
    :func:`~earlyhelp_core.parse_document` does with ``vocabulary=``); local ids are left to
    the authority that defines them.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        bundled = vocabulary.bundled()
        known = sorted(bundled.ids())
        against_bundled = core_schema.custom_error_schema(
            core_schema.union_schema(
                [
                    core_schema.literal_schema(known),
                    core_schema.str_schema(
                        strict=True, pattern=LOCAL_FACTOR_PATTERN, max_length=_LOCAL_MAX
                    ),
                ],
                mode="left_to_right",
            ),
            custom_error_type="unknown_factor",
            custom_error_message="unknown factor id",
            # read only when an id is unknown, to suggest the nearest ones
            custom_error_context={"known": " ".join(known)},
        )

        def factor_id(
            value: Any,
            check: core_schema.ValidatorFunctionWrapHandler,
            info: core_schema.ValidationInfo,
        ) -> Any:
            words = info.context.get("vocabulary") if isinstance(info.context, dict) else None
            if words is None or words is bundled:
                return check(value)
            if not isinstance(words, vocabulary.Vocabulary):
                raise TypeError(
                    "the validation context's 'vocabulary' must be a Vocabulary, got "
                    f"{type(words).__name__}"
                )
            if isinstance(value, str) and (
                value in words.ids()
                or (len(value) <= _LOCAL_MAX and _LOCAL_FACTOR.fullmatch(value) is not None)
            ):
                return value
            raise PydanticCustomError(
                "unknown_factor", "unknown factor id", {"known": " ".join(sorted(words.ids()))}
            )

        return core_schema.with_info_wrap_validator_function(factor_id, against_bundled)


_LOCAL_MAX = 96
_LOCAL_FACTOR = re.compile(LOCAL_FACTOR_PATTERN)


def vocabulary_of(info: ValidationInfo) -> vocabulary.Vocabulary:
    """The vocabulary a validation checks against: its context's, else the bundled one."""
    words = info.context.get("vocabulary") if isinstance(info.context, dict) else None
    return words if isinstance(words, vocabulary.Vocabulary) else vocabulary.bundled()


_AWARE = "expected a date and time with a timezone, e.g. 2024-03-01T09:30:00+00:00"


Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN)]
AuthorityId = Annotated[
    str, StringConstraints(strict=True, pattern=AUTHORITY_ID_PATTERN, max_length=64)
]
FactorId = Annotated[str, _FactorIdSchema]
Day = Annotated[date, _DaySchema]
Instant = Annotated[datetime, _InstantSchema]
Measure = StrictInt | StrictFloat | Text
"""A baseline or target: a number (``82``) or words (``"attends every week"``)."""


def personal(**kwargs: Any) -> Any:
    """A field holding personal data: kept out of ``repr`` and out of error messages."""
    return Field(repr=False, json_schema_extra={"x-personal": True}, **kwargs)
