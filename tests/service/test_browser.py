"""The practitioners' page in a real browser: headless Chromium (Debian's package, never a
downloaded one) against a real server on a loopback port. ``make browser`` runs these.

A failed test leaves a screenshot of the page in ``test-artifacts/``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

uvicorn = pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api")

from earlyhelp_core import validate, vocabulary  # noqa: E402
from earlyhelp_core._reader import read_path  # noqa: E402
from earlyhelp_core.models import Assessment, parse_document  # noqa: E402
from earlyhelp_core.service import Served, create_app  # noqa: E402

from ..conftest import EXAMPLES, ROOT  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
SERVED = Served.load()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A real server for the served authorities, in a thread, on a free loopback port."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(SERVED), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _shoot_on_failure(request: pytest.FixtureRequest, page: sync_api.Page, failed: int) -> None:
    if request.session.testsfailed > failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser: sync_api.Browser, request: pytest.FixtureRequest) -> Iterator[sync_api.Page]:
    """A fresh page with scripts on; a screenshot in test-artifacts/ when the test fails."""
    context = browser.new_context()
    opened = context.new_page()
    failed = request.session.testsfailed
    yield opened
    _shoot_on_failure(request, opened, failed)
    context.close()


@pytest.fixture
def scriptless(
    browser: sync_api.Browser, request: pytest.FixtureRequest
) -> Iterator[sync_api.Page]:
    """A fresh page with JavaScript disabled."""
    context = browser.new_context(java_script_enabled=False)
    opened = context.new_page()
    failed = request.session.testsfailed
    yield opened
    _shoot_on_failure(request, opened, failed)
    context.close()


def _family(needs: list[str], cells: dict[str, str] | None = None) -> Assessment:
    cells = cells or {}
    doc = parse_document(
        {
            "kind": "early-help-assessment",
            "id": "EHA-TEST",
            "assessed_on": date.today().isoformat(),
            "family": {"id": "F-TEST", "members": [{"id": "p1", "role": "parent"}]},
            "factors": [{"factor": n, **({"cell": cells[n]} if n in cells else {})} for n in needs],
        }
    )
    assert isinstance(doc, Assessment)
    return doc


def _focused_id(page: sync_api.Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def _tab_to(page: sync_api.Page, element_id: str, most: int = 800) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if _focused_id(page) == element_id:
            return
    pytest.fail(f"Tab never reached #{element_id}")


def _compared(page: sync_api.Page) -> dict[str, list[str]]:
    rows = {}
    for row in page.locator("table.compared tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        rows[cells[0].removesuffix(" (chosen)")] = cells[1:]
    return rows


def _assert_decided(page: sync_api.Page, authority: str, needs: list[str], **cells: str) -> None:
    family = _family(needs, cells)
    decision = SERVED.get(authority).classify(family)
    sync_api.expect(page.locator("#result-heading")).to_contain_text(decision.level.title)
    sync_api.expect(page.locator("#result")).to_contain_text(decision.response.value)
    rows = _compared(page)
    assert set(rows) == {a.name for a in SERVED.authorities.values()}
    for other in SERVED.authorities.values():
        theirs = other.classify(family)
        assert rows[other.name] == [
            theirs.level.title,
            theirs.prevention.value,
            theirs.response.value,
        ]


def test_deciding_by_keyboard_alone(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")  # the skip link
    assert _focused_id(page) == "main"
    needs = ["persistent-absence", "parental-mental-health", "household-drug-misuse"]
    for need in needs:
        _tab_to(page, f"need-{need}")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "focus must be visible"
        page.keyboard.press("Space")
        assert page.locator(f"#need-{need}").is_checked()
    _tab_to(page, "decide-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _assert_decided(page, SERVED.ids[0], needs)
    sync_api.expect(page).to_have_title(re.compile(r"under"))


def test_choosing_a_cell(page: sync_api.Page, base_url: str) -> None:
    authority = next(a for a in SERVED.authorities.values() if a.cells)
    factor, cells = next(iter(authority.cells.items()))
    top = cells[-1]
    page.goto(f"{base_url}/?authority={authority.id}")
    page.get_by_label(vocabulary.get(factor).title, exact=True).check()
    page.locator(f"#cell-{factor}-{top.level}").check()
    page.get_by_role("button", name="Decide", exact=True).click()
    _assert_decided(page, authority.id, [factor], **{factor: top.level})
    sync_api.expect(page.locator(f"#cell-{factor}-{top.level}")).to_be_checked()


def test_significant_harm_in_the_browser(page: sync_api.Page, base_url: str) -> None:
    page.goto(f"{base_url}/?authority=bromley")
    page.get_by_label(vocabulary.get("physical-abuse").title, exact=True).check()
    page.get_by_role("button", name="Decide", exact=True).click()
    alert = page.locator(".harm-alert")
    sync_api.expect(alert).to_be_visible()
    decision = SERVED.get("bromley").classify(_family(["physical-abuse"]))
    sync_api.expect(alert).to_contain_text(decision.next_step)


def test_choosing_another_authority_without_scripts_keeps_the_needs(
    scriptless: sync_api.Page, base_url: str
) -> None:
    scriptless.goto(base_url + "/")
    scriptless.get_by_label(vocabulary.get("neglect").title, exact=True).check()
    scriptless.get_by_label("Authority whose thresholds to use").select_option("gloucestershire")
    scriptless.get_by_role("button", name="Show this authority's descriptions").click()
    sync_api.expect(scriptless.get_by_label("Authority whose thresholds to use")).to_have_value(
        "gloucestershire"
    )
    sync_api.expect(
        scriptless.get_by_label(vocabulary.get("neglect").title, exact=True)
    ).to_be_checked()
    assert scriptless.locator("input[name='cell-complex-send']").count() > 0


def test_the_core_flow_without_javascript(scriptless: sync_api.Page, base_url: str) -> None:
    scriptless.goto(f"{base_url}/?authority=bedford")
    needs = ["persistent-absence", "low-income"]
    for need in needs:
        scriptless.get_by_label(vocabulary.get(need).title, exact=True).check()
    scriptless.get_by_role("button", name="Decide", exact=True).click()
    _assert_decided(scriptless, "bedford", needs)


def _expected_codes(path: Path, authority: str) -> list[str]:
    loaded = read_path(path)
    doc = parse_document(loaded.data, source=str(path), where=loaded.where)
    return list(validate(SERVED.get(authority), doc).codes)


def test_pasting_a_document_shows_a_finding(page: sync_api.Page, base_url: str) -> None:
    path = EXAMPLES / "assessment-multi-agency.yaml"
    codes = _expected_codes(path, "bromley")
    assert codes, "the example should have a finding under bromley"
    page.goto(base_url + "/")
    page.get_by_label("Authority whose rules to check against").select_option("bromley")
    page.get_by_label("Document to check (YAML or JSON)").fill(path.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check the document").click()
    findings = page.locator("table.findings tbody tr th")
    sync_api.expect(findings).to_have_count(len(codes))
    assert [t.strip() for t in findings.all_inner_texts()] == codes


def test_pasting_a_broken_document_shows_where(page: sync_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Document to check (YAML or JSON)").fill("kind: [unclosed\n")
    page.get_by_role("button", name="Check the document").click()
    sync_api.expect(page.locator("#result-heading")).to_have_text("The document could not be read")
    sync_api.expect(page.locator("table.problems")).to_contain_text("line ")


def test_uploading_a_file(page: sync_api.Page, base_url: str) -> None:
    path = EXAMPLES / "referral-mash.json"
    codes = _expected_codes(path, "bedford")
    page.goto(base_url + "/")
    page.get_by_label("Authority whose rules to check against").select_option("bedford")
    page.get_by_label("Or a file to check (.yaml, .yml or .json)").set_input_files(str(path))
    page.get_by_role("button", name="Check the document").click()
    sync_api.expect(page.locator("#result-heading")).to_contain_text("error")
    assert page.locator("table.findings tbody tr").count() == len(codes)


def test_every_form_control_has_an_accessible_label(page: sync_api.Page, base_url: str) -> None:
    page.goto(f"{base_url}/?authority=bromley")
    controls = page.locator("input:not([type=hidden]), select, textarea, button")
    count = controls.count()
    assert count > len(vocabulary.factors())
    for i in range(count):
        sync_api.expect(controls.nth(i)).to_have_accessible_name(re.compile(r"\w"))
    for factor in vocabulary.factors():
        sync_api.expect(page.get_by_label(factor.title, exact=True)).to_have_count(1)
    for label in (
        "Authority whose thresholds to use",
        "Authority whose rules to check against",
        "Document to check (YAML or JSON)",
        "Or a file to check (.yaml, .yml or .json)",
    ):
        sync_api.expect(page.get_by_label(label, exact=True)).to_have_count(1)
