"""JsonLines writes each result as json.dumps of its to_dict would, whatever it holds: the
texts it encodes once are put back exactly where they belong."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.cohorts import JsonLines, _json
from earlyhelp_core.testing import assessments

from .thresholds.conftest import make_config

AUTHORITIES = {a: eh.load_authority(a) for a in eh.list_authorities()}


def plain(result: eh.RecordResult, texts: bool = True) -> str:
    return json.dumps(result.to_dict(texts=texts), ensure_ascii=False)


@pytest.fixture(scope="module")
def testshire(tmp_path_factory: pytest.TempPathFactory) -> eh.Authority:
    """An authority with an escalation rule and indicator cells (reasons built for each
    decision, never kept)."""
    path = tmp_path_factory.mktemp("cfg") / "testshire.yaml"
    path.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    name=st.sampled_from(sorted(AUTHORITIES)),
    other=st.sampled_from(sorted(AUTHORITIES)),
    texts=st.booleans(),
)
def test_each_line_is_the_result_encoded_whole(
    data: st.DataObject, name: str, other: str, texts: bool
) -> None:
    authority, compared = AUTHORITIES[name], AUTHORITIES[other]
    docs = data.draw(st.lists(assessments(authority), min_size=1, max_size=6))
    writer = JsonLines(texts=texts)  # one for the run: later records use what earlier ones kept
    for result in eh.classify_many(authority, docs, compared_with=compared):
        assert writer.line(result) == plain(result, texts)


@settings(max_examples=40, deadline=None)
@given(docs=st.lists(assessments(), min_size=1, max_size=6), texts=st.booleans())
def test_cells_and_escalation_reasons_are_encoded_with_their_record(
    testshire: eh.Authority, docs: list[eh.Assessment], texts: bool
) -> None:
    writer = JsonLines(texts=texts)
    for result in eh.classify_many(testshire, docs):
        assert writer.line(result) == plain(result, texts)


@settings(max_examples=10, deadline=None)
@given(doc=assessments(AUTHORITIES["bromley"]))
def test_a_record_that_cannot_be_read_and_a_changed_row(doc: eh.Assessment) -> None:
    bromley = AUTHORITIES["bromley"]
    writer = JsonLines()
    bad, missing = eh.classify_many(
        bromley, ['{"kind": "plan"', json.dumps({"kind": "early-help-assessment"})]
    )
    assert writer.line(bad) == plain(bad)
    assert writer.line(missing) == plain(missing)
    (result,) = eh.classify_many(bromley, [doc])
    row: dict[str, Any] = result.to_dict()
    row["id"] = "renamed"
    line = json.loads(writer.line(result, row))
    assert line["id"] == "renamed"
    assert row == {**result.to_dict(), "id": "renamed"}  # the caller's row is left alone
    assert line["decision"] == json.loads(plain(result))["decision"]


@settings(max_examples=10, deadline=None)
@given(docs=st.lists(assessments(AUTHORITIES["bromley"]), min_size=20, max_size=20))
def test_what_is_kept_is_bounded_and_lines_stay_right(docs: list[eh.Assessment]) -> None:
    bromley = AUTHORITIES["bromley"]
    writer = JsonLines()
    most = _json._MOST
    try:
        _json._MOST = 2
        for result in eh.classify_many(bromley, docs):
            assert writer.line(result) == plain(result)
    finally:
        _json._MOST = most
    assert len(writer._texts) <= 2


def test_without_texts_a_level_is_what_identifies_it() -> None:
    bromley = AUTHORITIES["bromley"]
    doc = eh.load_document("examples/assessment-complex-needs.yaml")
    assert isinstance(doc, eh.Assessment)
    (result,) = eh.classify_many(bromley, [doc])
    brief = json.loads(JsonLines(texts=False).line(result))["decision"]
    full = json.loads(JsonLines().line(result))["decision"]
    level = bromley.level(brief["level"]["id"])
    assert brief["level"] == {
        "id": level.id,
        "title": level.title,
        "rank": level.rank,
        "prevention": level.prevention.value,
        "response": level.response.value,
    }
    assert full["level"] == level.to_dict()
    assert level.description
    assert level.description not in json.dumps(brief)
    # the rest of the decision is the same
    dropped = {"next_step", "next_step_source"}
    assert set(full) - set(brief) == dropped
    same = set(brief) - {"level", "computed_level", "recorded_level"}
    assert {k: brief[k] for k in same} == {k: full[k] for k in same}
