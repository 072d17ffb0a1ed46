"""The OpenAPI document is generated from the same models as the answers, is committed
without drift, and describes what the service really sends and takes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

import earlyhelp_core as eh
from earlyhelp_core.service import Served, create_app

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "openapi.json"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def _validator(document: dict[str, Any], component: str) -> jsonschema.Draft202012Validator:
    root = {"components": document["components"], "$ref": f"#/components/schemas/{component}"}
    return jsonschema.Draft202012Validator(root)


def test_the_committed_document_has_no_drift(served: Served) -> None:
    generated = create_app(served).openapi()
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == generated, (
        "schemas/openapi.json is stale: run `make schemas`"
    )


def test_the_command_prints_the_committed_document() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "earlyhelp_core.cli", "serve", "--openapi"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == COMMITTED.read_text(encoding="utf-8")


def test_the_document_is_served(client: TestClient, document: dict[str, Any]) -> None:
    assert client.get("/openapi.json").json() == document


def test_every_schema_in_it_is_valid_json_schema(document: dict[str, Any]) -> None:
    for body in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(body)


def test_every_refusal_is_described_as_a_failure(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Failure"}, (method, path)


@pytest.mark.parametrize(
    "example", sorted(EXAMPLES.glob("assessment-*.yaml")), ids=lambda p: p.stem
)
def test_what_is_sent_and_answered_satisfies_the_document(
    client: TestClient, document: dict[str, Any], example: Path
) -> None:
    sent = json.loads(eh.load_document(example).model_dump_json(by_alias=True))
    _validator(document, "Document.Assessment").validate(sent)
    answer = client.post("/authorities/bedford/assess", json=sent)
    _validator(document, "DecisionOut").validate(answer.json())
    report = client.post("/authorities/bedford/validate", json=sent)
    _validator(document, "ReportOut").validate(report.json())
    refused = client.post("/authorities/bedford/assess", json={**sent, "family": 3})
    _validator(document, "Failure").validate(refused.json())


def test_the_read_answers_satisfy_the_document(
    client: TestClient, document: dict[str, Any]
) -> None:
    for url, component in [
        ("/health", "Health"),
        ("/authorities/gloucestershire", "AuthorityDetail"),
        ("/vocabulary", "VocabularyOut"),
        ("/translate?from=city-of-london&level=tier-3&to=bromley", "TranslationOut"),
    ]:
        _validator(document, component).validate(client.get(url).json())
    for row in client.get("/authorities").json():
        _validator(document, "AuthoritySummary").validate(row)
