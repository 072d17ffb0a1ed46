"""The committed JSON Schemas are generated from the models and agree with them."""

from __future__ import annotations

import json

import jsonschema
import pytest

import earlyhelp_core as eh
from earlyhelp_core._reader import read_path
from earlyhelp_core._schemas import SCHEMAS, schema, schema_text

from .conftest import EXAMPLES, ROOT


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_model(name: str) -> None:
    committed = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(name), (
        f"schemas/{name}.schema.json is stale: run `make schemas`"
    )


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_unknown_schema_name() -> None:
    with pytest.raises(
        ValueError, match="expected one of assessment, authority, plan, referral, vocabulary"
    ):
        schema("assesment")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.*")), ids=lambda p: p.name)
def test_examples_satisfy_their_json_schema(path) -> None:
    doc = eh.load_document(path)
    name = {"early-help-assessment": "assessment"}.get(doc.kind, doc.kind)
    instance = json.loads(doc.model_dump_json())
    jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.FormatChecker()
    ).validate(instance)
    raw = read_path(path).data
    assert raw["kind"] == doc.kind


def test_personal_fields_are_marked_in_the_schema() -> None:
    member = schema("assessment")["$defs"]["Member"]["properties"]
    assert member["name"]["x-personal"] is True
    assert member["date_of_birth"]["x-personal"] is True
    assert "x-personal" not in member["id"]
