"""Hypothesis strategies for earlyhelp_core documents, for your test suite and ours.

Install with ``pip install earlyhelp_core[testing]``. Every strategy produces documents
that parse, with realistic dates and ages::

    from hypothesis import given
    from earlyhelp_core.testing import assessments

    @given(assessments(factors=["persistent-absence", "domestic-abuse"]))
    def test_my_service_accepts_any_assessment(assessment):
        ...

Hypothesis loads this module's setup hook through its ``hypothesis`` entry point, so
``st.from_type(eh.Assessment)`` (and ``Plan``, ``Referral``, ``Family``) works without an
import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "earlyhelp_core.testing needs hypothesis: pip install 'earlyhelp_core[testing]'"
    ) from exc

from .. import vocabulary
from ..models import (
    Assessment,
    Family,
    Member,
    Plan,
    Referral,
    ReferralDecision,
    Role,
    Send,
)

__all__ = ["assessments", "families", "members", "plans", "referrals", "texts"]

_EARLIEST = date(2000, 1, 1)
_LATEST = date(2035, 12, 31)
_ids = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Free text as people write it: letters, digits, punctuation, symbols, spaces."""
    return st.text(
        alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=max_size,
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@st.composite
def members(draw: Any, role: Role, *, on: date, member_id: str) -> Member:
    """A member of ``role`` with dates that make sense on the date ``on``."""
    if role is Role.UNBORN:
        expected = on + timedelta(days=draw(st.integers(1, 270)))
        return Member(id=member_id, role=role, expected_on=expected)
    if role is Role.CHILD:
        age_days = draw(st.integers(0, 18 * 365 + 4))
        send = draw(st.sampled_from(Send))
        if send is not Send.NONE and draw(st.booleans()):
            age_days = draw(st.integers(0, 25 * 365 + 6))  # SEND: up to 25
        dob = on - timedelta(days=age_days)
    else:
        send = Send.NONE
        dob = on - timedelta(days=draw(st.integers(16 * 365, 70 * 365)))
    name = draw(st.none() | texts(30))
    return Member(id=member_id, role=role, name=name, date_of_birth=dob, send=send)


@st.composite
def families(
    draw: Any,
    *,
    on: date | None = None,
    min_children: int = 1,
    max_children: int = 4,
    unborn: bool | None = None,
) -> Family:
    """A family with 1-2 adults and ``min_children``-``max_children`` children on the date ``on``.

    ``unborn=True`` always adds an unborn child, ``False`` never, ``None`` sometimes.
    """
    if not 0 <= min_children <= max_children:
        raise ValueError(
            f"need 0 <= min_children <= max_children, got {min_children=}, {max_children=}"
        )
    on = on if on is not None else draw(st.dates(_EARLIEST, _LATEST))
    roles: list[Role] = [Role.PARENT]
    roles += draw(
        st.lists(st.sampled_from([Role.PARENT, Role.CARER, Role.OTHER_ADULT]), max_size=1)
    )
    roles += [Role.CHILD] * draw(st.integers(min_children, max_children))
    if unborn or (unborn is None and draw(st.booleans())):
        roles.append(Role.UNBORN)
    prefix = {
        Role.CHILD: "c",
        Role.UNBORN: "u",
        Role.PARENT: "p",
        Role.CARER: "k",
        Role.OTHER_ADULT: "a",
    }
    people = [
        draw(members(role, on=on, member_id=f"{prefix[role]}{i + 1}"))
        for i, role in enumerate(roles)
    ]
    return Family(id=f"F-{draw(_ids)}", members=tuple(people))


def _factor_ids(factors: Sequence[str] | None) -> list[str]:
    if factors is None:
        return sorted(vocabulary.ids())
    known = vocabulary.ids()
    unknown = [f for f in factors if ":" not in f and f not in known]
    if unknown:
        raise ValueError(f"factors={list(factors)!r} has ids not in the vocabulary: {unknown}")
    return list(factors)


def _observations(
    draw: Any, family: Family, factor_ids: list[str], on: date, max_size: int
) -> list[dict[str, Any]]:
    chosen = (
        draw(st.lists(st.sampled_from(factor_ids), max_size=max_size, unique=True))
        if factor_ids
        else []
    )
    out = []
    for factor in chosen:
        about = draw(st.lists(st.sampled_from(family.member_ids), max_size=2, unique=True))
        noted = draw(st.none() | st.dates(on - timedelta(days=365), on))
        evidence = draw(st.none() | texts())
        out.append(
            {"factor": factor, "about": tuple(about), "noted_on": noted, "evidence": evidence}
        )
    return out


def _professional(draw: Any) -> dict[str, str]:
    return {"name": draw(texts(30)), "agency": draw(texts(30)), "role": draw(texts(30))}


@st.composite
def assessments(
    draw: Any, *, factors: Sequence[str] | None = None, max_factors: int = 8
) -> Assessment:
    """Early help assessments, each observing up to ``max_factors`` of ``factors``.

    ``factors`` defaults to every vocabulary factor; name some to focus the search.
    """
    factor_ids = _factor_ids(factors)
    on = draw(st.dates(_EARLIEST, _LATEST))
    family = draw(families(on=on))
    adults = [m.id for m in family.members if m.role in (Role.PARENT, Role.CARER)]
    given = draw(st.sampled_from([True, True, True, False]))  # mostly given
    consent: dict[str, Any] = {"given": given}
    if given:
        consent["given_on"] = draw(st.none() | st.dates(on - timedelta(days=60), on))
        consent["by"] = draw(st.none() | st.sampled_from(adults))
    voice = [
        {
            "about": m.id,
            "recorded_on": draw(st.dates(on - timedelta(days=60), on)),
            "summary": draw(texts()),
        }
        for m in family.members
        if m.role is Role.CHILD and draw(st.booleans())
    ]
    recorded = draw(
        st.none() | st.fixed_dictionaries({"level": _ids}, optional={"rationale": texts()})
    )
    return Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": f"EHA-{draw(_ids)}",
            "assessed_on": on,
            "assessor": _professional(draw),
            "consent": consent,
            "family": family,
            "factors": _observations(draw, family, factor_ids, on, max_factors),
            "strengths": draw(st.lists(texts(), max_size=3)),
            "voice": voice,
            "recorded_level": recorded,
        }
    )


@st.composite
def plans(draw: Any, *, factors: Sequence[str] | None = None) -> Plan:
    """Team-around-the-family plans with outcomes, actions, reviews and steps."""
    factor_ids = _factor_ids(factors)
    start = draw(st.dates(_EARLIEST, _LATEST))
    family = draw(families(on=start))
    outcome_ids = draw(st.lists(_ids, max_size=4, unique=True))
    outcomes = [
        {
            "id": oid,
            "description": draw(texts()),
            "addresses": draw(st.lists(st.sampled_from(factor_ids), max_size=2, unique=True))
            if factor_ids
            else [],
            "measure": draw(st.none() | texts()),
            "baseline": draw(st.none() | st.integers(0, 100) | texts()),
            "target": draw(st.none() | st.integers(0, 100) | st.floats(0, 100, allow_nan=False)),
            "by": draw(st.none() | st.dates(start, start + timedelta(days=365))),
        }
        for oid in outcome_ids
    ]
    reviews = []
    held = start
    for _ in range(draw(st.integers(0, 3))):
        held = held + timedelta(days=draw(st.integers(1, 120)))
        reviews.append(
            {
                "held_on": held,
                "scores": {
                    oid: draw(st.integers(1, 10)) for oid in outcome_ids if draw(st.booleans())
                },
                "progress": draw(st.sampled_from(["positive-change", "no-change", "worse"])),
                "next_review_on": draw(
                    st.none() | st.dates(held + timedelta(days=1), held + timedelta(days=365))
                ),
            }
        )
    levels = draw(st.lists(_ids, min_size=2, max_size=2, unique=True))
    steps = [
        {
            "on": draw(st.dates(start, start + timedelta(days=365))),
            "direction": draw(st.sampled_from(["step-up", "step-down"])),
            "from": levels[0],
            "to": levels[1],
            "reason": draw(texts()),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    actions = [
        {
            "description": draw(texts()),
            "owner": draw(texts(30)),
            "due": draw(st.dates(start, start + timedelta(days=365))),
            "status": draw(st.sampled_from(["not-started", "in-progress", "done", "cancelled"])),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Plan.model_validate(
        {
            "kind": "plan",
            "id": f"TAF-{draw(_ids)}",
            "started_on": start,
            "family": family,
            "lead_professional": draw(st.none() | st.just(_professional(draw))),
            "team": [_professional(draw) for _ in range(draw(st.integers(0, 3)))],
            "outcomes": outcomes,
            "actions": actions,
            "reviews": reviews,
            "steps": steps,
        }
    )


@st.composite
def referrals(draw: Any, *, factors: Sequence[str] | None = None) -> Referral:
    """Referrals, professional or self-referrals, decided or waiting, with aware times."""
    factor_ids = _factor_ids(factors)
    received = draw(
        st.datetimes(datetime(2000, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC))
    )
    family = draw(families(on=received.date()))
    if draw(st.booleans()):
        referrer: dict[str, Any] = {
            "self_referral": True,
            "by": draw(st.none() | st.sampled_from(family.member_ids)),
        }
    else:
        referrer = _professional(draw)
    data: dict[str, Any] = {
        "kind": "referral",
        "id": f"REF-{draw(_ids)}",
        "route": draw(st.sampled_from(["front-door", "mash", "marf"])),
        "referrer": referrer,
        "family": family,
        "received_at": received,
        "factors": _observations(draw, family, factor_ids, received.date(), 4),
    }
    if draw(st.booleans()):
        data["decision"] = draw(st.sampled_from(ReferralDecision))
        data["decided_at"] = received + timedelta(minutes=draw(st.integers(0, 60 * 24 * 5)))
    if draw(st.booleans()):
        data["outcome_communicated_at"] = received + timedelta(
            minutes=draw(st.integers(0, 60 * 24 * 5))
        )
    return Referral.model_validate(data)


def _hypothesis_setup_hook() -> None:
    """Register the strategies for ``st.from_type`` (called by Hypothesis's entry point)."""
    st.register_type_strategy(Family, families())
    st.register_type_strategy(Assessment, assessments())
    st.register_type_strategy(Plan, plans())
    st.register_type_strategy(Referral, referrals())
