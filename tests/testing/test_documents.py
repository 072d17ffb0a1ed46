"""The document strategies: documents that parse, under a given authority's matrix."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import (
    assessments,
    authorities,
    families,
    members,
    plans,
    referrals,
    texts,
)

BROMLEY = eh.load_authority("bromley")
BROMLEY_PLACES = set(BROMLEY.config.factors) | {lf.id for lf in BROMLEY.config.local_factors}


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@settings(max_examples=60, deadline=None)
@given(assessments(BROMLEY))
def test_assessments_under_an_authority_observe_only_what_it_places(a: eh.Assessment) -> None:
    assert a.factor_ids <= BROMLEY_PLACES
    assert a.authority == "bromley"
    assert a.assessed_on >= BROMLEY.config.effective_from
    assert not BROMLEY.classify(a).unmapped_factors
    assert eh.parse_document(a.model_dump(mode="json")) == a


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_factors_narrow_what_the_authority_places(data: st.DataObject) -> None:
    authority = data.draw(authorities())
    placed = sorted(authority.config.factors) + [lf.id for lf in authority.config.local_factors]
    chosen = data.draw(st.lists(st.sampled_from(placed), max_size=3, unique=True))
    a = data.draw(assessments(authority=authority, factors=chosen, max_factors=2))
    assert a.factor_ids <= set(chosen)
    assert len(a.factors) <= 2
    assert not authority.classify(a).unmapped_factors
    p = data.draw(plans(authority))
    r = data.draw(referrals(authority))
    levels = {lv.id for lv in authority.levels}
    for step in p.steps:
        if len(levels) >= 2:
            assert {step.from_level, step.to_level} <= levels
    assert {o.factor for o in r.factors} <= set(placed)
    for doc in (a, p, r):
        assert not any("internal error" in f.message for f in eh.validate(authority, doc).findings)


@settings(max_examples=40, deadline=None)
@given(assessments())
def test_without_an_authority_every_vocabulary_factor_may_appear(a: eh.Assessment) -> None:
    assert a.factor_ids <= eh.vocabulary.ids()
    assert a.authority is None
    assert len(a.factors) <= 8


@settings(max_examples=50, deadline=None)
@given(families(on=date(2024, 3, 1), min_children=2, max_children=3, unborn=False))
def test_families_follow_their_arguments(f: eh.Family) -> None:
    children = [m for m in f.members if m.role is eh.Role.CHILD]
    assert 2 <= len(children) <= 3
    assert not any(m.role is eh.Role.UNBORN for m in f.members)
    for m in f.members:
        if m.role is eh.Role.CHILD:
            assert m.date_of_birth is not None
            age = _age(m.date_of_birth, date(2024, 3, 1))
            assert 0 <= age <= (25 if m.send is not eh.Send.NONE else 18)
        else:
            assert 16 <= _age(m.date_of_birth, date(2024, 3, 1)) <= 70


@settings(max_examples=30, deadline=None)
@given(members("unborn", on=date(2024, 3, 1), member_id="u1"), texts(max_size=5))
def test_members_and_texts(m: eh.Member, text: str) -> None:
    assert m.role is eh.Role.UNBORN
    assert m.expected_on is not None
    assert m.expected_on > date(2024, 3, 1)
    assert 1 <= len(text) <= 5


@settings(max_examples=30, deadline=None)
@given(
    assessments(factors=["neglect", "bedford:relay-notification"], max_factors=2),
    st.from_type(eh.Member),
    st.from_type(eh.Family),
)
def test_local_ids_and_more_registered_types(a, member, family) -> None:
    assert a.factor_ids <= {"neglect", "bedford:relay-notification"}
    assert isinstance(member, eh.Member)
    assert isinstance(family, eh.Family)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_recorded_levels_drawn_as_asked(data) -> None:
    bromley = eh.load_authority("bromley")
    known = {lv.id for lv in bromley.levels}
    none = data.draw(assessments(bromley, recorded_level="none"))
    assert none.recorded_level is None
    drawn = data.draw(assessments(bromley, recorded_level="known"))
    assert drawn.recorded_level is None or drawn.recorded_level.level in known
    assert bromley.classify(drawn).judgement.value != "unknown-level"
