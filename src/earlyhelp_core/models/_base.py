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
from .._errors import Path
from .._located import did_you_mean
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
    "factors_not_in",
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
    the authority that defines them. The bundled ids and the local pattern are checked
    without calling Python; an id neither accepts is looked up in the context's
    vocabulary, and each document refuses a bundled id that vocabulary does not have
    (:func:`factors_not_in`).
    """

    @classmethod
    def _checks(cls) -> list[core_schema.CoreSchema | tuple[core_schema.CoreSchema, str]]:
        return [
            core_schema.literal_schema(sorted(vocabulary.ids())),
            core_schema.str_schema(
                strict=True, pattern=LOCAL_FACTOR_PATTERN, max_length=_LOCAL_MAX
            ),
        ]

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [*cls._checks(), core_schema.with_info_plain_validator_function(_in_context)],
            mode="left_to_right",
            custom_error_type="unknown_factor",
            custom_error_message="unknown factor id",
            # read only when an id is unknown, to suggest the nearest ones
            custom_error_context={"known": " ".join(sorted(vocabulary.ids()))},
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # the documents' schemas name the bundled vocabulary's ids
        return handler(core_schema.union_schema(cls._checks(), mode="left_to_right"))


_LOCAL_MAX = 96
_LOCAL_FACTOR = re.compile(LOCAL_FACTOR_PATTERN)


def _other_vocabulary(info: ValidationInfo) -> vocabulary.Vocabulary | None:
    """The vocabulary the validation's context gives, unless it is the bundled one."""
    words = info.context.get("vocabulary") if isinstance(info.context, dict) else None
    if words is None:
        return None
    if not isinstance(words, vocabulary.Vocabulary):
        raise TypeError(
            "the validation context's 'vocabulary' must be a Vocabulary, got "
            f"{type(words).__name__}"
        )
    return None if words is vocabulary.bundled() else words


def _in_context(value: Any, info: ValidationInfo) -> str:
    """An id the bundled vocabulary lacks: known to the context's vocabulary, or refused."""
    words = _other_vocabulary(info)
    if words is None or not isinstance(value, str) or value not in words.ids():
        raise PydanticCustomError("unknown_factor", "unknown factor id")
    return value


def vocabulary_of(info: ValidationInfo) -> vocabulary.Vocabulary:
    """The vocabulary a validation checks against: its context's, else the bundled one."""
    return _other_vocabulary(info) or vocabulary.bundled()


def factors_not_in(
    info: ValidationInfo, found: Iterable[tuple[Path, str]]
) -> list[tuple[Path, str, str, Any]]:
    """For a validation given another vocabulary: a problem for each ``(path, factor id)``
    that the bundled vocabulary knows (so the field accepted it) but that one does not."""
    words = _other_vocabulary(info)
    if words is None:
        return []
    known = words.ids()
    return [
        (path, "unknown_factor", f"unknown factor id {f!r}{did_you_mean(f, known)}", f)
        for path, f in found
        if f not in known and _LOCAL_FACTOR.fullmatch(f) is None
    ]


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
