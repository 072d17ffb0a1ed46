"""The base of every pydantic model in the package (documents, configs, the vocabulary file)
and the field types they share.

It sits below the vocabulary and the document models, so both can build on it without
importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ._errors import Path

__all__ = ["NO_CONTROL", "Flag", "Model", "Text", "raise_problems"]

NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
"""Text without control characters (tabs and newlines are allowed)."""


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
        defer_build=True,
    )


Text = Annotated[
    str, StringConstraints(strict=True, min_length=1, max_length=10_000, pattern=NO_CONTROL)
]
Flag = StrictBool


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
