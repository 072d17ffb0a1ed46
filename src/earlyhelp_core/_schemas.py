"""JSON Schemas generated from the models: the contract for other languages and editors."""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel

from .models import Assessment, Plan, Referral
from .thresholds._config import AuthorityConfig
from .vocabulary._model import VocabularyFile

__all__ = ["SCHEMAS", "schema", "schema_text"]

SCHEMAS: Final[dict[str, type[BaseModel]]] = {
    "assessment": Assessment,
    "authority": AuthorityConfig,
    "plan": Plan,
    "referral": Referral,
    "vocabulary": VocabularyFile,
}
"""Each schema name and the model it is generated from."""


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``name``, one of :data:`SCHEMAS`."""
    try:
        model = SCHEMAS[name]
    except KeyError:
        raise ValueError(
            f"unknown schema {name!r}; expected one of {', '.join(sorted(SCHEMAS))}"
        ) from None
    body = model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:earlyhelp-core:schema:{name}",
        **body,
    }


def schema_text(name: str) -> str:
    """:func:`schema` as the text committed in ``schemas/<name>.schema.json``."""
    return json.dumps(schema(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
