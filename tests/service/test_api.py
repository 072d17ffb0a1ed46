"""The JSON API answers what the library answers, and refuses bad input with the same
located problems the command line prints (never a stack trace, never what was sent)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core._reader import read_text
from earlyhelp_core.service import REQUEST, Limits, Served, create_app
from earlyhelp_core.service._wire import (
    AuthorityDetail,
    AuthoritySummary,
    BatchRecord,
    DecisionOut,
    Failure,
    Health,
    ReportOut,
    TranslationOut,
    VocabularyOut,
)
from earlyhelp_core.testing import assessments

from .conftest import small_client

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ASSESSMENTS = sorted(EXAMPLES.glob("assessment-*.yaml"))
DOCUMENTS = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*.json"))
YAML = {"content-type": "application/yaml"}
JSON = {"content-type": "application/json"}


def failure(response: Any, status: int) -> Failure:
    """The response is a refusal of ``status`` in the one error shape."""
    assert response.status_code == status, response.text
    return Failure.model_validate(response.json())


# --------------------------------------------------------------------------- reading


def test_health_names_the_served_authorities(client: TestClient, served: Served) -> None:
    body = Health.model_validate(client.get("/health").json())
    assert body.authorities == list(served.ids)
    assert body.version == eh.__version__


def test_authorities_are_listed_with_what_identifies_their_matrix(
    client: TestClient, served: Served
) -> None:
    rows = [AuthoritySummary.model_validate(r) for r in client.get("/authorities").json()]
    assert [r.id for r in rows] == list(served.ids)
    for row in rows:
        authority = served.get(row.id)
        assert (row.version, row.fingerprint) == (authority.version, authority.fingerprint)
        assert row.levels == [level.id for level in authority.levels]


@pytest.mark.parametrize(
    "authority_id", ["bromley", "bedford", "city-of-london", "gloucestershire"]
)
def test_an_authority_is_its_config_and_what_it_compiles_to(
    client: TestClient, served: Served, authority_id: str
) -> None:
    body = AuthorityDetail.model_validate(client.get(f"/authorities/{authority_id}").json())
    authority = served.get(authority_id)
    assert body.config == authority.config
    assert body.placements == {f: level.id for f, level in authority.placements.items()}


def test_translate_is_the_library_s_translation(client: TestClient, served: Served) -> None:
    response = client.get(
        "/translate", params={"from": "bromley", "level": "tier-2", "to": "bedford"}
    )
    assert response.status_code == 200
    TranslationOut.model_validate(response.json())
    expected = served.get("bromley").translate("tier-2", to=served.get("bedford")).to_dict()
    assert response.json() == expected


def test_translate_an_unknown_level_names_the_known_ones(client: TestClient) -> None:
    response = client.get(
        "/translate", params={"from": "bromley", "level": "tier-9", "to": "bedford"}
    )
    body = failure(response, 404)
    assert "tier-9" in body.problems[0].message
    assert "tier-2" in body.problems[0].message


def test_translate_without_its_parameters_says_which_are_missing(client: TestClient) -> None:
    body = failure(client.get("/translate", params={"from": "bromley"}), 422)
    assert {tuple(p.path) for p in body.problems} == {("query", "level"), ("query", "to")}


def test_vocabulary_is_the_package_s(client: TestClient) -> None:
    body = VocabularyOut.model_validate(client.get("/vocabulary").json())
    assert body.version == eh.vocabulary.version()
    assert [f.id for f in body.factors] == [f.id for f in eh.vocabulary.factors()]


@pytest.mark.parametrize("name", ["assessment", "plan", "referral", "authority", "vocabulary"])
def test_schemas_are_the_committed_ones(client: TestClient, name: str) -> None:
    committed = json.loads((EXAMPLES.parent / "schemas" / f"{name}.schema.json").read_text())
    assert client.get(f"/schemas/{name}").json() == committed


def test_an_unknown_schema_names_the_known_ones(client: TestClient) -> None:
    body = failure(client.get("/schemas/family"), 404)
    assert "assessment" in body.problems[0].message


@pytest.mark.parametrize(
    "spec", ["nope", "../../etc/passwd", "configs%2Fbromley.yaml", "Makefile", "bromley.yaml"]
)
def test_an_authority_is_only_ever_an_id_among_those_served(client: TestClient, spec: str) -> None:
    assert client.get(f"/authorities/{spec}").status_code == 404
    response = client.post(
        f"/authorities/{spec}/assess",
        content=(EXAMPLES / "assessment-no-needs.yaml").read_text(),
        headers=YAML,
    )
    assert response.status_code == 404
    assert "root:" not in response.text  # nothing of a file was read


def test_an_unknown_path_and_method_have_the_one_error_shape(client: TestClient) -> None:
    assert failure(client.get("/nothing-here"), 404).problems[0].kind == "http"
    assert failure(client.get("/authorities/bromley/assess"), 405).problems[0].kind == "http"


# --------------------------------------------------------------------------- deciding


@pytest.mark.parametrize("example", ASSESSMENTS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    "authority_id", ["bromley", "bedford", "city-of-london", "gloucestershire"]
)
def test_assess_is_the_library_s_decision_with_what_would_change_it(
    client: TestClient, served: Served, example: Path, authority_id: str
) -> None:
    response = client.post(
        f"/authorities/{authority_id}/assess", content=example.read_text(), headers=YAML
    )
    assert response.status_code == 200, response.text
    doc = eh.load_document(example)
    assert isinstance(doc, eh.Assessment)
    decision = eh.explain(served.get(authority_id), doc)
    assert response.json() == {"id": doc.id, **decision.to_dict()}
    assert DecisionOut.model_validate(response.json()).explanation is not None


def test_assess_without_explanation_is_classify(client: TestClient, served: Served) -> None:
    example = EXAMPLES / "assessment-complex-needs.yaml"
    response = client.post(
        "/authorities/bromley/assess",
        params={"explain": "false"},
        content=example.read_text(),
        headers=YAML,
    )
    doc = eh.load_document(example)
    assert isinstance(doc, eh.Assessment)
    assert response.json() == {"id": doc.id, **served.get("bromley").classify(doc).to_dict()}
    assert response.json()["explanation"] is None


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_assessment_sent_as_json_gets_the_decision_made_in_process(
    client: TestClient, served: Served, data: st.DataObject
) -> None:
    authority = served.get(data.draw(st.sampled_from(served.ids)))
    doc = data.draw(assessments(authority=authority))
    response = client.post(
        f"/authorities/{authority.id}/assess",
        params={"explain": "false"},
        content=doc.model_dump_json(by_alias=True),
        headers=JSON,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": doc.id, **authority.classify(doc).to_dict()}


@pytest.mark.parametrize("example", DOCUMENTS, ids=lambda p: p.name)
def test_validate_is_the_library_s_report_located_in_the_body(
    client: TestClient, served: Served, example: Path
) -> None:
    text = example.read_text()
    fmt = "json" if example.suffix == ".json" else "yaml"
    response = client.post(
        "/authorities/bromley/validate",
        content=text,
        headers={"content-type": f"application/{fmt}"},
    )
    assert response.status_code == 200, response.text
    loaded = read_text(text, source=REQUEST, fmt=fmt)
    doc = eh.parse_document(loaded.data, source=REQUEST, where=loaded.where)
    report = eh.validate(served.get("bromley"), doc, where=loaded.where.locate, file=REQUEST)
    assert response.json() == report.to_dict()
    ReportOut.model_validate(response.json())


def test_a_finding_is_located_at_its_line_in_the_body(client: TestClient) -> None:
    text = (EXAMPLES / "assessment-multi-agency.yaml").read_text()
    text = text.replace("assessed_on:", "assessed_on: 2030-01-01\nold_assessed_on:", 1)
    response = client.post("/authorities/bromley/validate", content=text, headers=YAML)
    body = failure(response, 422)  # an unknown key: the document is not read
    problem = body.problems[0]
    assert problem.source == REQUEST
    assert problem.kind == "unknown-key"
    assert problem.line == 1 + text.splitlines().index(
        next(line for line in text.splitlines() if line.startswith("old_assessed_on"))
    )


# --------------------------------------------------------------------------- refusing


@pytest.mark.parametrize(
    ("body", "kind", "line"),
    [
        ('{"kind": "early-help-assessment", "id": 3', "json-syntax", 1),
        ("kind: early-help-assessment\n\tid: x\n", "yaml-syntax", 2),
        ('{"kind": "early-help-plan"}', "choice", 1),
        ("[1, 2]", "type", 1),
    ],
)
def test_a_body_that_is_not_a_document_gets_located_problems(
    client: TestClient, body: str, kind: str, line: int
) -> None:
    headers = YAML if "\t" in body else JSON
    problems = failure(
        client.post("/authorities/bromley/assess", content=body, headers=headers), 422
    ).problems
    assert problems[0].source == REQUEST
    assert problems[0].kind == kind
    assert problems[0].line == line


def test_an_empty_body_is_refused(client: TestClient) -> None:
    body = failure(client.post("/authorities/bromley/assess", content=" \n", headers=JSON), 422)
    assert body.problems[0].kind == "empty"


def test_a_body_that_is_not_utf8_is_refused(client: TestClient) -> None:
    body = failure(
        client.post("/authorities/bromley/assess", content=b'{"id": "\xff"}', headers=JSON), 400
    )
    assert body.problems[0].kind == "encoding"


def test_a_plan_cannot_be_assessed(client: TestClient) -> None:
    text = (EXAMPLES / "plan-team-around-the-family.yaml").read_text()
    body = failure(client.post("/authorities/bromley/assess", content=text, headers=YAML), 422)
    assert body.problems[0].path == ["kind"]


@pytest.mark.parametrize("media", ["text/html", "application/xml", "multipart/form-data"])
def test_a_body_of_another_type_is_refused(client: TestClient, media: str) -> None:
    response = client.post(
        "/authorities/bromley/assess", content="{}", headers={"content-type": media}
    )
    assert failure(response, 415).problems[0].kind == "media-type"


def test_a_bad_query_parameter_has_the_one_error_shape(client: TestClient) -> None:
    text = (EXAMPLES / "assessment-no-needs.yaml").read_text()
    response = client.post(
        "/authorities/bromley/assess", params={"explain": "perhaps"}, content=text, headers=YAML
    )
    assert failure(response, 422).problems[0].path == ["query", "explain"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(served: Served) -> None:
    text = (EXAMPLES / "assessment-multi-agency.yaml").read_text()
    limit = len(text.encode()) - 1
    with small_client(served, Limits(max_body_bytes=limit)) as client:
        body = failure(client.post("/authorities/bromley/assess", content=text, headers=YAML), 413)
        assert "max_body_bytes" in body.problems[0].message
        assert "--max-body-bytes" in body.problems[0].message
        # without a Content-Length (chunked), the bytes are counted as they come
        chunks = iter([text.encode()[:100], text.encode()[100:]])
        response = client.post("/authorities/bromley/assess", content=chunks, headers=YAML)
        assert failure(response, 413).problems[0].kind == "too-large"
        # and a body within it still gets its answer
        within = (EXAMPLES / "assessment-no-needs.yaml").read_text()
        assert len(within.encode()) <= limit
        response = client.post("/authorities/bromley/assess", content=within, headers=YAML)
        assert response.status_code == 200


async def _slow_body(text: bytes, pause: float) -> Any:
    yield text[:50]
    await asyncio.sleep(pause)
    yield text[50:]


@pytest.mark.anyio
async def test_a_body_that_arrives_too_slowly_is_refused(served: Served) -> None:
    app = create_app(served, limits=Limits(body_seconds=0.2))
    text = (EXAMPLES / "assessment-no-needs.yaml").read_bytes()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/authorities/bromley/assess", content=_slow_body(text, 1.0), headers=YAML
        )
        assert failure(response, 408).problems[0].kind == "too-slow"
        response = await client.post(
            "/authorities/bromley/assess", content=_slow_body(text, 0.0), headers=YAML
        )
        assert response.status_code == 200


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --------------------------------------------------------------------------- privacy


PERSONAL = "Jane Smith, born 2011-11-11"


@pytest.mark.parametrize(
    "replace",
    [
        ("family", PERSONAL),
        ("assessor", PERSONAL),
        ("strengths", PERSONAL),
        ("factors", PERSONAL),
    ],
)
def test_personal_data_in_the_wrong_slot_is_never_echoed(
    client: TestClient, replace: tuple[str, str]
) -> None:
    doc = json.loads(
        eh.load_document(EXAMPLES / "assessment-multi-agency.yaml").model_dump_json(by_alias=True)
    )
    key, value = replace
    doc[key] = value
    response = client.post("/authorities/bromley/assess", content=json.dumps(doc), headers=JSON)
    assert response.status_code == 422
    assert "Jane" not in response.text
    assert "2011-11-11" not in response.text


def test_a_client_that_goes_away_is_not_an_error(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/authorities/bromley/assess",
        "raw_path": b"/authorities/bromley/assess",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
    }
    caplog.set_level("INFO", logger="earlyhelp_core.service")
    asyncio.run(create_app(served)(scope, gone, send))  # type: ignore[arg-type]
    assert "client went away" in caplog.text
    assert "internal error" not in caplog.text


def test_an_internal_error_is_one_line_without_what_was_sent(
    served: Served, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> Any:
        raise ValueError(PERSONAL)

    monkeypatch.setattr(eh.Authority, "classify", broken)
    # nothing reaches the server (which would log a traceback holding the message)
    with TestClient(create_app(served), raise_server_exceptions=True) as client:
        text = (EXAMPLES / "assessment-no-needs.yaml").read_text()
        response = client.post(
            "/authorities/bromley/assess", params={"explain": "false"}, content=text, headers=YAML
        )
    body = failure(response, 500)
    assert body.problems[0].kind == "internal"
    assert "Jane" not in response.text
    assert "Traceback" not in response.text
    assert "ValueError" in caplog.text
    assert "Jane" not in caplog.text


# --------------------------------------------------------------------------- batches


def _jsonl(*docs: str) -> str:
    return "".join(line + "\n" for line in docs)


@pytest.mark.parametrize("texts", [False, True])
def test_a_batch_answers_each_line_in_order_and_goes_on_past_a_bad_one(
    client: TestClient, served: Served, texts: bool
) -> None:
    docs = [eh.load_document(p) for p in ASSESSMENTS]
    lines = [d.model_dump_json(by_alias=True) for d in docs]
    body = _jsonl(lines[0], '{"kind": "early-help-assessment", "id": "broken"', "", *lines[1:])
    response = client.post(
        "/authorities/bromley/assess:batch" + ("?texts=true" if texts else ""),
        content=body,
        headers={"content-type": "application/x-ndjson"},
    )
    assert response.status_code == 200
    out = [BatchRecord.model_validate_json(line) for line in response.text.splitlines()]
    assert [r.index for r in out] == list(range(len(lines) + 2))
    bad, blank = out[1], out[2]
    assert (bad.ok, bad.problems[0].line) == (False, 2)
    assert (blank.ok, blank.problems[0].line) == (False, 3)
    good = [out[0], *out[3:]]
    bromley = served.get("bromley")
    for result, doc in zip(good, docs, strict=True):
        assert result.id == doc.id
        assert isinstance(doc, eh.Assessment)
        expected = bromley.classify(doc).to_dict(texts=texts)
        assert result.decision is not None
        assert result.decision.model_dump(exclude={"id"}) == expected
        # a level's texts are in each record only when asked for
        assert ("family_can_expect" in json.dumps(expected)) is texts


def test_a_batch_over_the_record_limit_is_refused(served: Served) -> None:
    line = eh.load_document(ASSESSMENTS[0]).model_dump_json(by_alias=True)
    with small_client(served, Limits(max_batch_records=3)) as client:
        headers = {"content-type": "application/x-ndjson"}
        ok = client.post(
            "/authorities/bromley/assess:batch", content=_jsonl(*[line] * 3), headers=headers
        )
        assert len(ok.text.splitlines()) == 3
        over = client.post(
            "/authorities/bromley/assess:batch", content=_jsonl(*[line] * 4), headers=headers
        )
        assert "max_batch_records" in failure(over, 413).problems[0].message


def test_a_batch_must_be_json_lines(client: TestClient) -> None:
    response = client.post("/authorities/bromley/assess:batch", content="{}", headers=YAML)
    assert failure(response, 415).problems[0].kind == "media-type"


# --------------------------------------------------------------------------- matching answers


def test_a_request_id_comes_back_and_a_strange_one_does_not(client: TestClient) -> None:
    assert (
        client.get("/health", headers={"x-request-id": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    strange = client.get("/health", headers={"x-request-id": "a b<script>"})
    assert "x-request-id" not in strange.headers


# --------------------------------------------------------------------------- what is served


def test_served_refuses_nothing_twice_and_needs_one(served: Served) -> None:
    bromley = served.get("bromley")
    with pytest.raises(ValueError, match="given twice"):
        Served([bromley, bromley])
    with pytest.raises(ValueError, match="at least one"):
        Served([])


def test_an_unknown_served_id_suggests_the_nearest(served: Served) -> None:
    with pytest.raises(eh.UnknownIdError, match="did you mean 'bromley'"):
        served.get("bromly")


def test_served_loads_only_what_the_operator_names() -> None:
    assert Served.load(["bedford"]).ids == ("bedford",)
    with pytest.raises(eh.UnknownIdError):
        Served.load(["nowhere"])


@pytest.mark.parametrize("field", ["max_body_bytes", "max_batch_records", "body_seconds"])
def test_limits_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Limits(**{field: 0})
