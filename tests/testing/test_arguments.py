"""Every public strategy checks its arguments when it is built, naming what was given."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

import earlyhelp_core as eh
from earlyhelp_core.testing import (
    assessments,
    authorities,
    authority_configs,
    families,
    members,
    plans,
    referrals,
    texts,
)

ON = date(2024, 3, 1)

BAD_CALLS = [
    # (call, exception, the message must contain)
    (
        lambda: assessments(recorded_level="sometimes"),
        ValueError,
        "recorded_level='sometimes' must be one of ('any', 'known', 'none')",
    ),
    (lambda: assessments(recorded_level=None), TypeError, "recorded_level=None must be one of"),
    (
        lambda: assessments(recorded_level="known"),
        ValueError,
        "recorded_level='known' needs an authority",
    ),
    (lambda: texts(max_size=0), ValueError, "max_size=0 must be at least 1"),
    (lambda: texts(max_size=2.5), TypeError, "max_size=2.5 must be an int"),
    (lambda: texts(max_size=True), TypeError, "max_size=True must be an int"),
    (lambda: members("aunt", on=ON, member_id="c1"), ValueError, "role='aunt' is not a role"),
    (lambda: members(3, on=ON, member_id="c1"), TypeError, "role=3 must be an earlyhelp_core.Role"),
    (
        lambda: members(eh.Role.CHILD, on="2024-03-01", member_id="c1"),
        TypeError,
        "on='2024-03-01' must be a datetime.date",
    ),
    (
        lambda: members(eh.Role.CHILD, on=datetime(2024, 3, 1), member_id="c1"),
        TypeError,
        "on=datetime.datetime(2024, 3, 1, 0, 0) must be a datetime.date",
    ),
    (
        lambda: members(eh.Role.CHILD, on=date(1066, 10, 14), member_id="c1"),
        ValueError,
        "on=datetime.date(1066, 10, 14) must be between",
    ),
    (
        lambda: members(eh.Role.CHILD, on=ON, member_id="c 1"),
        ValueError,
        "member_id='c 1' is not a valid id",
    ),
    (lambda: members(eh.Role.CHILD, on=ON, member_id=1), TypeError, "member_id=1 must be a str"),
    (
        lambda: families(min_children=3, max_children=1),
        ValueError,
        "Cannot have max_children=1 < min_children=3",
    ),
    (lambda: families(min_children=-1), ValueError, "min_children=-1 must be at least 0"),
    (lambda: families(max_children="4"), TypeError, "max_children='4' must be an int"),
    (lambda: families(unborn="yes"), TypeError, "unborn='yes' must be True, False or None"),
    (lambda: families(on="today"), TypeError, "on='today' must be a datetime.date"),
    (lambda: assessments(max_factors=-1), ValueError, "max_factors=-1 must be at least 0"),
    (lambda: assessments(max_factors=None), TypeError, "max_factors=None must be an int"),
    (
        lambda: assessments(factors="neglect"),
        TypeError,
        "factors='neglect' must be a sequence of factor ids, not a single string",
    ),
    (lambda: assessments(factors=[1]), TypeError, "factors=[1] contains 1"),
    (lambda: assessments(factors=3), TypeError, "factors=3 must be a sequence of factor ids"),
    (
        lambda: assessments(factors=["neglectt"]),
        ValueError,
        "factors=['neglectt'] has ids not in the vocabulary: ['neglectt'] (did you mean 'neglect'?)",
    ),
    (
        lambda: assessments(factors=["Bedford:x"]),
        ValueError,
        "factors=['Bedford:x'] has malformed local factor ids",
    ),
    (
        lambda: assessments(authority="bromley"),
        TypeError,
        "authority='bromley' must be an earlyhelp_core.Authority; load it first: authority=earlyhelp_core.load_authority('bromley')",
    ),
    (
        lambda: assessments(authority=42),
        TypeError,
        "authority=42 must be an earlyhelp_core.Authority",
    ),
    (
        lambda: assessments(eh.load_authority("bromley").config),
        TypeError,
        "must be an earlyhelp_core.Authority; compile it first",
    ),
    (
        lambda: assessments(eh.load_authority("bromley"), factors=["bedford:relay-notification"]),
        ValueError,
        "factors=['bedford:relay-notification'] has ids that authority 'bromley' does not place at a level: ['bedford:relay-notification']",
    ),
    (
        lambda: plans(authority="bromley"),
        TypeError,
        "authority='bromley' must be an earlyhelp_core.Authority",
    ),
    (lambda: plans(factors=["nope"]), ValueError, "factors=['nope'] has ids not in the vocabulary"),
    (
        lambda: referrals(authority=object),
        TypeError,
        "authority=<class 'object'> must be an earlyhelp_core.Authority",
    ),
    (
        lambda: referrals(factors="persistent-absence"),
        TypeError,
        "factors='persistent-absence' must be a sequence",
    ),
    (lambda: authority_configs(min_levels=0), ValueError, "min_levels=0 must be at least 1"),
    (
        lambda: authority_configs(min_levels=4, max_levels=3),
        ValueError,
        "Cannot have max_levels=3 < min_levels=4",
    ),
    (lambda: authority_configs(max_levels=2.0), TypeError, "max_levels=2.0 must be an int"),
    (lambda: authority_configs(escalation=1), TypeError, "escalation=1 must be True or False"),
    (
        lambda: authorities(min_levels=5, max_levels=2),
        ValueError,
        "Cannot have max_levels=2 < min_levels=5",
    ),
    (lambda: authorities(escalation=None), TypeError, "escalation=None must be True or False"),
]


@pytest.mark.parametrize(
    ("call", "error", "message"), BAD_CALLS, ids=[m[:40] for _, _, m in BAD_CALLS]
)
def test_a_bad_argument_fails_when_the_strategy_is_built(call, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_every_public_strategy_has_a_bad_call_tested() -> None:
    from earlyhelp_core import testing

    names = {m for _, _, m in BAD_CALLS}
    for name, argument in {
        "texts": "max_size=",
        "members": "member_id=",
        "families": "max_children=",
        "assessments": "max_factors=",
        "plans": "authority=",
        "referrals": "factors=",
        "authority_configs": "min_levels=",
        "authorities": "escalation=",
    }.items():
        assert name in testing.__all__
        assert any(argument in m for m in names), name
    assert len([n for n in testing.__all__ if n not in {"check_authority", "Violation"}]) == 8


@pytest.mark.parametrize(
    "call",
    [
        lambda: texts(1),
        lambda: members("child", on=ON, member_id="c1"),
        lambda: members(eh.Role.UNBORN, on=ON, member_id="u1"),
        lambda: families(on=ON, min_children=0, max_children=0, unborn=False),
        lambda: assessments(factors=(), max_factors=0),
        lambda: assessments(recorded_level="none"),
        lambda: assessments(eh.load_authority("bromley"), recorded_level="known"),
        lambda: assessments(factors={"household-domestic-abuse", "bedford:relay-notification"}),
        lambda: plans(eh.load_authority("bedford"), factors=["persistent-absence"]),
        lambda: referrals(factors=["persistent-absence"]),
        lambda: authority_configs(1, 1, escalation=False),
        lambda: authorities(min_levels=6, max_levels=6),
    ],
)
def test_good_arguments_build_a_strategy(call) -> None:
    assert call() is not None
