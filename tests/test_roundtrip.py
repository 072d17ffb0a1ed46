"""Every document survives JSON and YAML round trips unchanged (property tests)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core._reader import dump_yaml, read_text
from earlyhelp_core.testing import assessments, plans, referrals

documents = st.one_of(assessments(), plans(), referrals())


@settings(max_examples=150)
@given(documents)
def test_json_round_trip_is_lossless(doc: eh.Document) -> None:
    text = doc.model_dump_json()
    again = eh.parse_document(json.loads(text))
    assert again == doc
    assert again.model_dump_json() == text


@settings(max_examples=75)
@given(documents)
def test_yaml_round_trip_is_lossless(doc: eh.Document) -> None:
    text = dump_yaml(doc.model_dump(mode="json"))
    again = eh.parse_document(read_text(text).data)
    assert again == doc


@settings(max_examples=50)
@given(st.from_type(eh.Assessment), st.from_type(eh.Plan), st.from_type(eh.Referral))
def test_strategies_are_registered_for_from_type(a, p, r) -> None:
    assert (a.kind, p.kind, r.kind) == ("early-help-assessment", "plan", "referral")
