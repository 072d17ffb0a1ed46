"""A property: personal text put where a mapping or a list belongs, anywhere in any drawn
document, never comes back, whichever way the cohort path reports the record (its result
as JSON Lines, and the CSV row's problems)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.cli._jsonl import _decision_row
from earlyhelp_core.testing import assessments, plans, referrals

from ..models.test_documents import _containers

BROMLEY = eh.load_authority("bromley")

NAMES = st.from_regex(r"[A-Z][a-z]{4,9} [A-Z][a-z]{4,9}", fullmatch=True)
DATES = st.dates().map(lambda d: d.isoformat())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=st.one_of(assessments(BROMLEY), plans(), referrals()),
    name=NAMES,
    born=DATES,
    data=st.data(),
)
def test_personal_text_in_any_slot_of_any_document_never_comes_back(
    doc: eh.Document, name: str, born: str, data: st.DataObject
) -> None:
    raw: Any = json.loads(doc.model_dump_json(by_alias=True))
    path = data.draw(st.sampled_from(_containers(raw)), label="slot")
    changed = copy.deepcopy(raw)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(
        st.sampled_from([f"{name}, born {born}", [f"{name} {born}"], {name: born}]),
        label="what was written there",
    )
    line = json.dumps(changed)
    (validated,) = eh.validate_many(BROMLEY, [line])
    (classified,) = eh.classify_many(BROMLEY, [line])
    shown = json.dumps([validated.to_dict(), classified.to_dict()], ensure_ascii=False)
    shown += json.dumps(_decision_row(classified, comparing=False), ensure_ascii=False)
    shown += "\n".join(str(p) for p in (*validated.problems, *classified.problems))
    assert name not in shown, (path, shown)
    assert born not in shown, (path, shown)


SECRET = "Jane Smith"


def _problems(path: tuple[Any, ...], value: Any, example: str) -> str:
    from earlyhelp_core._reader import read_path

    from ..conftest import EXAMPLES

    data: Any = read_path(EXAMPLES / example).data
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        eh.parse_document(data)
    except eh.DocumentError as exc:
        return str(exc) + json.dumps([p.to_dict() for p in exc.problems])
    raise AssertionError("the document was read")


@pytest.mark.parametrize(
    ("path", "value", "example"),
    [
        (("family",), {SECRET: "2011-11-11"}, "assessment-multi-agency.yaml"),
        (("family", "members", 0), {SECRET: 1}, "assessment-multi-agency.yaml"),
        (("reviews", 0, "scores"), {SECRET: 3}, "plan-team-around-the-family.yaml"),
        (("factors", 0, "about"), [SECRET], "assessment-multi-agency.yaml"),
        (("outcomes", 0, "addresses"), [SECRET], "plan-team-around-the-family.yaml"),
        (("family", "members", 0, "id"), SECRET, "assessment-multi-agency.yaml"),
    ],
    ids=["key-in-family", "key-in-member", "key-in-scores", "id", "factor", "member-id"],
)
def test_a_name_as_a_key_or_an_id_is_described_not_echoed(
    path: tuple[Any, ...], value: Any, example: str
) -> None:
    shown = _problems(path, value, example)
    assert "Jane" not in shown
    assert "2011" not in shown
    assert "not shown" in shown or "text of 10 characters" in shown


def test_a_mistyped_key_is_still_shown_with_the_nearest() -> None:
    shown = _problems(
        ("family", "members", 0, "date_of_brith"), "2015-01-01", "assessment-multi-agency.yaml"
    )
    assert "unknown key 'date_of_brith' (did you mean 'date_of_birth'?)" in shown
