"""The practitioners' page, through the app without a browser: it decides as the library
decides, shows only what each authority's config has, and escapes whatever it is sent."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from itertools import pairwise

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from earlyhelp_core import vocabulary
from earlyhelp_core.models import Assessment, parse_document
from earlyhelp_core.service import Limits, Served, create_app
from earlyhelp_core.thresholds import Authority

from ..conftest import EXAMPLES
from ._html import Node, parse

SERVED = Served.load()
IDS = SERVED.ids
HARM = [f.id for f in vocabulary.factors() if f.significant_harm]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(SERVED)) as test_client:
        yield test_client


def _family(needs: Sequence[str], cells: Mapping[str, str] | None = None) -> Assessment:
    """The same needs as an assessment, built here rather than by the page."""
    cells = cells or {}
    doc = parse_document(
        {
            "kind": "early-help-assessment",
            "id": "EHA-TEST",
            "assessed_on": date.today().isoformat(),
            "family": {"id": "F-TEST", "members": [{"id": "c1", "role": "parent"}]},
            "factors": [{"factor": n, **({"cell": cells[n]} if n in cells else {})} for n in needs],
        }
    )
    assert isinstance(doc, Assessment)
    return doc


def _decide(client: TestClient, authority: str, needs: Sequence[str], **cells: str) -> Node:
    form: dict[str, str | list[str]] = {"authority": authority, "need": list(needs)}
    form.update({f"cell-{factor}": level for factor, level in cells.items()})
    response = client.post("/page/decide", data=form)
    assert response.status_code == 200, response.text
    return parse(response.text)


def _level_shown(page: Node) -> str:
    result = page.by_id("result")
    assert result is not None, "no result region"
    summary = result.find("dl", class_="summary")
    assert summary is not None
    level = summary.find("dd")
    assert level is not None
    return level.text


def _compared(page: Node) -> dict[str, list[str]]:
    table = page.find("table", class_="compared")
    assert table is not None, "no side-by-side table"
    body = table.find("tbody")
    assert body is not None
    rows = {}
    for row in body.find_all("tr"):
        cells = [c.text for c in row.walk() if c.tag in ("th", "td")]
        rows[cells[0].removesuffix(" (chosen)")] = cells[1:]
    return rows


NEED_SETS = [
    (),
    ("persistent-absence",),
    ("persistent-absence", "parental-mental-health", "housing-need"),
    ("neglect",),
    ("early-development-delay", "not-making-expected-progress", "child-mental-health"),
]


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("authority", IDS)
def test_the_page_renders_for_each_served_authority(client: TestClient, authority: str) -> None:
    response = client.get("/", params={"authority": authority})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = parse(response.text)
    chosen = page.find("select", id="authority")
    assert chosen is not None
    selected = [o["value"] for o in chosen.find_all("option") if "selected" in o.attrs]
    assert selected == [authority]
    assert [o["value"] for o in chosen.find_all("option")] == list(IDS)
    boxes = {i["value"] for i in page.find_all("input", type="checkbox", name="need")}
    assert boxes == vocabulary.ids()
    legends = [legend.text for legend in page.find_all("legend")]
    assert "Health" in legends
    assert "Housing" in legends
    headings = [h.text for h in page.find_all("h3")]
    for domain in (
        "The child's developmental needs",
        "Parenting capacity",
        "Family and environmental factors",
    ):
        assert domain in headings


def test_every_control_has_a_label(client: TestClient) -> None:
    page = parse(client.get("/", params={"authority": "bromley"}).text)
    labelled = {label["for"] for label in page.find_all("label")}
    controls = [
        n for n in page.walk() if n.tag in ("input", "select", "textarea") and n["type"] != "hidden"
    ]
    assert controls
    for control in controls:
        assert control["id"] in labelled, control.attrs


def test_headings_go_down_one_level_at_a_time(client: TestClient) -> None:
    page = parse(_decide_text(client, "bromley", ["neglect"]))
    levels = [int(n.tag[1]) for n in page.walk() if n.tag in ("h1", "h2", "h3", "h4")]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, levels


def _decide_text(client: TestClient, authority: str, needs: Sequence[str]) -> str:
    return client.post("/page/decide", data={"authority": authority, "need": list(needs)}).text


def test_an_unknown_authority_shows_the_page_with_a_notice(client: TestClient) -> None:
    response = client.get("/", params={"authority": "nowhere"})
    assert response.status_code == 404
    page = parse(response.text)
    assert "not served here" in page.text
    assert page.find("select", id="authority") is not None


def test_the_page_is_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(p.startswith("/page") for p in paths)


def test_the_style_sheet_is_served(client: TestClient) -> None:
    response = client.get("/page/page.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in response.text


# --------------------------------------------------------------------------- deciding


@pytest.mark.parametrize("authority", IDS)
@pytest.mark.parametrize("needs", NEED_SETS, ids=lambda n: "+".join(n) or "none")
def test_ticked_needs_give_the_librarys_level(
    client: TestClient, authority: str, needs: tuple[str, ...]
) -> None:
    page = _decide(client, authority, needs)
    decision = SERVED.get(authority).classify(_family(needs))
    assert _level_shown(page).startswith(decision.level.title)
    result = page.by_id("result")
    assert result is not None
    text = result.text
    assert decision.prevention.value in text
    assert decision.response.value in text
    assert " ".join(decision.next_step.split()) in text
    for reason in decision.reasons:
        assert " ".join(reason.source.split()) in text


@pytest.mark.parametrize("authority", IDS)
def test_the_table_covers_every_other_served_authority(client: TestClient, authority: str) -> None:
    needs = ("persistent-absence", "parental-drug-misuse", "early-development-delay")
    rows = _compared(_decide(client, authority, needs))
    family = _family(needs)
    others = [a for a in SERVED.authorities.values() if a.id != authority]
    assert len(rows) == len(SERVED.ids)
    for other in [SERVED.get(authority), *others]:
        decision = other.classify(family)
        assert rows[other.name] == [
            decision.level.title,
            decision.prevention.value,
            decision.response.value,
        ]


@pytest.mark.parametrize("authority", IDS)
def test_cells_appear_only_where_the_config_has_them(client: TestClient, authority: str) -> None:
    found: Authority = SERVED.get(authority)
    page = parse(client.get("/", params={"authority": authority}).text)
    radios: dict[str, set[str]] = {}
    for radio in page.find_all("input", type="radio"):
        radios.setdefault(radio["name"].removeprefix("cell-"), set()).add(radio["value"])
    assert set(radios) == set(found.cells)
    for factor, cells in found.cells.items():
        assert radios[factor] == {"", *(c.level for c in cells)}


@pytest.mark.parametrize(
    ("authority", "factor"),
    [(a.id, f) for a in SERVED.authorities.values() for f in a.cells],
)
def test_a_chosen_cell_counts(client: TestClient, authority: str, factor: str) -> None:
    found = SERVED.get(authority)
    for cell in found.cells[factor]:
        page = _decide(client, authority, [factor], **{factor: cell.level})
        decision = found.classify(_family([factor], {factor: cell.level}))
        assert _level_shown(page).startswith(decision.level.title)
        chosen = page.by_id(f"cell-{factor}-{cell.level}")
        assert chosen is not None
        assert "checked" in chosen.attrs  # the form keeps what was chosen


def test_a_cell_for_a_need_not_ticked_is_not_counted(client: TestClient) -> None:
    found = SERVED.get("bromley")
    factor, cells = next(iter(found.cells.items()))
    page = _decide(client, "bromley", [], **{factor: cells[-1].level})
    assert _level_shown(page).startswith(found.levels[0].title)
    assert "was not counted" in page.text


def test_needs_outside_the_vocabulary_are_left_out(client: TestClient) -> None:
    page = _decide(client, "bedford", ["persistent-absence", "not-a-need", "<b>bold</b>"])
    decision = SERVED.get("bedford").classify(_family(["persistent-absence"]))
    assert _level_shown(page).startswith(decision.level.title)
    assert "2 of the needs sent are not in the national vocabulary" in page.text


@pytest.mark.parametrize("authority", IDS)
@pytest.mark.parametrize("harm", HARM[:3])
def test_significant_harm_is_unmistakable(client: TestClient, authority: str, harm: str) -> None:
    page = _decide(client, authority, ["persistent-absence", harm])
    decision = SERVED.get(authority).classify(_family(["persistent-absence", harm]))
    alert = page.find("section", class_="harm-alert")
    assert alert is not None
    assert "Significant harm" in alert.text
    assert vocabulary.get(harm).title in alert.text
    assert " ".join(decision.next_step.split()) in alert.text
    assert decision.response.value == "section-47"
    title = page.find("title")
    assert title is not None
    assert "significant harm" in title.text


def test_no_harm_alert_without_significant_harm(client: TestClient) -> None:
    page = _decide(client, "bromley", ["persistent-absence"])
    assert page.find("section", class_="harm-alert") is None


def test_what_would_change_the_level_is_shown(client: TestClient) -> None:
    needs = ["persistent-absence", "parental-drug-misuse"]
    page = _decide(client, "bromley", needs)
    result = page.by_id("result")
    assert result is not None
    assert "What would change the level" in result.text
    assert "Down to" in result.text or "Down: none" in result.text
    assert "Up to" in result.text or "Up: none" in result.text


def test_the_ticked_needs_stay_ticked(client: TestClient) -> None:
    page = _decide(client, "gloucestershire", ["neglect", "persistent-absence"])
    ticked = {i["value"] for i in page.find_all("input", type="checkbox") if "checked" in i.attrs}
    assert ticked == {"neglect", "persistent-absence"}


def test_showing_another_authority_keeps_the_needs(client: TestClient) -> None:
    response = client.post("/page/show", data={"authority": "bromley", "need": ["neglect"]})
    assert response.status_code == 200
    page = parse(response.text)
    box = page.by_id("need-neglect")
    assert box is not None
    assert "checked" in box.attrs
    assert page.by_id("result") is None  # showing is not deciding


# --------------------------------------------------------------------------- checking


def _check(
    client: TestClient, authority: str, text: str = "", file: tuple[str, bytes] | None = None
) -> tuple[int, Node]:
    files = {"file": file or ("", b"")}
    response = client.post(
        "/page/check", data={"authority": authority, "document": text}, files=files
    )
    return response.status_code, parse(response.text)


@pytest.mark.parametrize("authority", IDS)
def test_a_pasted_document_gets_its_report(client: TestClient, authority: str) -> None:
    from earlyhelp_core import validate
    from earlyhelp_core._reader import read_text

    text = (EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8")
    status, page = _check(client, authority, text)
    assert status == 200
    loaded = read_text(text, source="x")
    doc = parse_document(loaded.data, source="x", where=loaded.where)
    report = validate(SERVED.get(authority), doc, where=loaded.where.locate, file="x")
    result = page.by_id("result")
    assert result is not None
    table = result.find("table", class_="findings")
    rows = table.find_all("tr")[1:] if table is not None else []  # after the head row
    shown = [row.find_all("th")[0].text for row in rows]
    assert shown == [f.code for f in report.findings]
    for finding in report.findings:
        assert " ".join(finding.message.split()) in result.text
        assert " ".join(finding.citation.split()) in result.text
        if finding.line is not None:
            assert f"{finding.line}:{finding.col}" in result.text
        if finding.hint:
            assert " ".join(finding.hint.split()) in result.text
    for skipped in report.not_checked:
        assert skipped.code in result.text
        assert " ".join(skipped.reason.split()) in result.text


def test_an_uploaded_file_is_checked(client: TestClient) -> None:
    raw = (EXAMPLES / "referral-mash.json").read_bytes()
    status, page = _check(client, "bromley", file=("referral-mash.json", raw))
    assert status == 200
    heading = page.by_id("result-heading")
    assert heading is not None
    assert "error" in heading.text
    assert "referral" in page.text


def test_a_file_wins_over_a_paste_and_says_so(client: TestClient) -> None:
    raw = (EXAMPLES / "assessment-no-needs.yaml").read_bytes()
    status, page = _check(client, "bromley", "not: a document", file=("a.yaml", raw))
    assert status == 200
    assert "the file was checked" in page.text
    assert "EHA-2024-0101" in page.text


def test_a_bad_paste_shows_its_located_problems(client: TestClient) -> None:
    text = "kind: early-help-assessment\nid: EHA-1\nfamily: [unclosed\n"
    status, page = _check(client, "bedford", text)
    assert status == 422
    result = page.by_id("result")
    assert result is not None
    assert "could not be read" in result.text
    assert "line " in result.text


def test_a_document_missing_keys_names_them(client: TestClient) -> None:
    status, page = _check(client, "bromley", "kind: early-help-assessment\nid: EHA-1\n")
    assert status == 422
    assert "assessed_on" in page.text
    assert "line 1, column 1" in page.text


def test_an_empty_paste_asks_for_a_document(client: TestClient) -> None:
    status, page = _check(client, "bromley", "   \n")
    assert status == 422
    assert "nothing to check" in page.text


def test_a_file_that_is_not_utf8_is_a_problem(client: TestClient) -> None:
    status, page = _check(client, "bromley", file=("doc.yaml", b"kind: \xff\xfe oops\n"))
    assert status == 422
    assert "not UTF-8" in page.text


LIMIT = 4_000


@pytest.fixture(scope="module")
def small() -> Iterator[TestClient]:
    with TestClient(create_app(SERVED, limits=Limits(max_body_bytes=LIMIT))) as test_client:
        yield test_client


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), 1_000):
        yield body[start : start + 1_000]


def _multipart(text: str) -> tuple[bytes, str]:
    boundary = "pageboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="authority"\r\n\r\nbromley\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"\r\n\r\n{text}\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_oversized_paste_names_the_limit(small: TestClient) -> None:
    # sent without a length (as it streams), the page itself says what the limit is
    body, media = _multipart("x" * (LIMIT + 10))
    response = small.post("/page/check", content=_chunks(body), headers={"content-type": media})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    result = page.by_id("result")
    assert result is not None
    assert "max_body_bytes" in result.text
    assert f"{LIMIT:,}" in result.text
    assert "--max-body-bytes" in result.text


def test_an_oversized_body_with_its_length_is_refused_naming_the_limit(
    small: TestClient,
) -> None:
    # with a Content-Length over the limit, the service refuses before the page reads it
    response = small.post(
        "/page/check", data={"authority": "bromley", "document": "x" * (LIMIT + 10)}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")  # a page, for a browser
    assert "max_body_bytes" in response.text


def test_the_paste_box_says_the_limit(small: TestClient) -> None:
    page = parse(small.get("/").text)
    box = page.by_id("document")
    assert box is not None
    assert box["maxlength"] == str(LIMIT)
    assert f"{LIMIT:,} bytes" in page.text


def test_an_oversized_document_is_refused_by_the_check() -> None:
    from earlyhelp_core.service._page import _check as check_document

    status, shown = check_document(SERVED.get("bromley"), "é" * 600, None, 1_000)
    assert status == 413
    assert "1,200 bytes" in shown["refused"]
    assert "1,000 bytes" in shown["refused"]


# --------------------------------------------------------------------------- hostile input

HOSTILE = "<script>alert('x')</script>"


def test_html_in_a_pasted_document_is_escaped(client: TestClient) -> None:
    text = (
        "kind: early-help-assessment\n"
        f'id: "{HOSTILE}"\n'
        "assessed_on: 2024-01-01\n"
        "family:\n"
        "  id: F-1\n"
        f'  members: [{{id: c1, role: "{HOSTILE}"}}]\n'
        f'"{HOSTILE}": 1\n'
    )
    status, _ = _check(client, "bromley", text)
    response = client.post(
        "/page/check", data={"authority": "bromley", "document": text}, files={"file": ("", b"")}
    )
    assert response.status_code == status == 422
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_html_in_a_readable_document_is_escaped(client: TestClient) -> None:
    text = (EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8")
    text = text.replace("evidence: ", f"evidence: {HOSTILE} ", 1)
    response = client.post(
        "/page/check", data={"authority": "bromley", "document": text}, files={"file": ("", b"")}
    )
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text  # the paste box gives the text back, escaped


def test_html_in_a_file_name_and_form_fields_is_not_echoed(client: TestClient) -> None:
    response = client.post(
        "/page/check",
        data={"authority": HOSTILE, "document": ""},
        files={"file": (f"{HOSTILE}.yaml", b"kind: [")},
    )
    assert "<script>" not in response.text
    decided = client.post("/page/decide", data={"authority": HOSTILE, "need": [HOSTILE]})
    assert decided.status_code == 200
    assert "<script>" not in decided.text
    shown = client.get("/", params={"authority": HOSTILE, "need": HOSTILE})
    assert "<script>" not in shown.text


def test_what_is_posted_is_never_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Jane-Doe-born-2015-03-04"
    text = (EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8")
    with caplog.at_level(logging.DEBUG):
        client.post(
            "/page/check",
            data={
                "authority": "bromley",
                "document": text.replace("evidence: ", f"evidence: {secret} "),
            },
            files={"file": ("", b"")},
        )
        client.post(
            "/page/check",
            data={"authority": "bromley", "document": f"{secret}: ["},
            files={"file": ("", b"")},
        )
        client.post("/page/decide", data={"authority": "bromley", "need": [secret]})
    assert secret not in caplog.text


def test_a_json_paste_is_read_as_json(client: TestClient) -> None:
    raw = (EXAMPLES / "referral-mash.json").read_text(encoding="utf-8")
    status, page = _check(client, "bedford", raw)
    assert status == 200
    assert json.loads(raw)["id"] in page.text


def test_needs_are_never_taken_from_the_address(client: TestClient) -> None:
    page = parse(client.get("/", params={"authority": "bromley", "need": "neglect"}).text)
    box = page.by_id("need-neglect")
    assert box is not None
    assert "checked" not in box.attrs
    form = page.find("form", class_="decide")
    assert form is not None
    assert form["method"] == "post"
    assert all(b["formmethod"] in ("", "post") for b in form.find_all("button"))
