"""Strategies for the documents: families, assessments, plans and referrals."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

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
from ..models._base import ID_PATTERN
from ._checks import (
    check_authority,
    check_choice,
    check_date,
    check_factors,
    check_id,
    check_int,
    check_optional_bool,
    check_order,
)

if TYPE_CHECKING:
    from ..thresholds import Authority

__all__ = ["assessments", "families", "members", "plans", "referrals", "texts"]

_EARLIEST = date(2000, 1, 1)
_LATEST = date(2035, 12, 31)
_ids = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)
_ID_RE = re.compile(ID_PATTERN)


def texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Free text as people write it: letters, digits, punctuation, symbols, spaces.

    Args:
        max_size: the longest text, at least 1.
    """
    check_int("max_size", max_size, min_value=1)
    return _texts(max_size)


def _texts(max_size: int = 60) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=max_size,
    )


def members(role: Role | str, *, on: date, member_id: str) -> st.SearchStrategy[Member]:
    """A member of ``role`` with dates that make sense on the date ``on``.

    A child is 0-18 on ``on`` (up to 25 with SEND support), an adult 16-70, and an unborn
    child is expected within 270 days.

    Args:
        role: a `Role` or its value (``"child"``).
        on: the day the member's age is measured on.
        member_id: the member's id (``c1``).
    """
    if isinstance(role, str) and not isinstance(role, Role):
        if role not in set(Role):
            raise ValueError(
                f"role={role!r} is not a role; roles are {', '.join(r.value for r in Role)}"
            )
        role = Role(role)
    elif not isinstance(role, Role):
        raise TypeError(f"role={role!r} must be an earlyhelp_core.Role, not {type(role).__name__}")
    return _members(role, on=check_date("on", on), member_id=check_id("member_id", member_id))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@st.composite
def _members(draw: st.DrawFn, role: Role, *, on: date, member_id: str) -> Member:
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
        youngest = (on - _years_before(on, 16)).days
        oldest = (on - _years_before(on, 71)).days - 1  # at most 70 on ``on``
        dob = on - timedelta(days=draw(st.integers(youngest, oldest)))
    name = draw(st.none() | _texts(30))
    return Member(id=member_id, role=role, name=name, date_of_birth=dob, send=send)


def families(
    *,
    on: date | None = None,
    min_children: int = 1,
    max_children: int = 4,
    unborn: bool | None = None,
) -> st.SearchStrategy[Family]:
    """A family with 1-2 adults and ``min_children``-``max_children`` children.

    Args:
        on: the day ages are measured on; drawn from 2000-2035 when ``None``.
        min_children: the fewest born children, at least 0.
        max_children: the most born children, at least ``min_children``.
        unborn: ``True`` always adds an unborn child, ``False`` never, ``None`` sometimes.
    """
    if on is not None:
        check_date("on", on)
    check_int("min_children", min_children, min_value=0)
    check_int("max_children", max_children, min_value=0)
    check_order("min_children", min_children, "max_children", max_children)
    check_optional_bool("unborn", unborn)
    return _families(on=on, min_children=min_children, max_children=max_children, unborn=unborn)


_PREFIX = {
    Role.CHILD: "c",
    Role.UNBORN: "u",
    Role.PARENT: "p",
    Role.CARER: "k",
    Role.OTHER_ADULT: "a",
}


@st.composite
def _families(
    draw: st.DrawFn,
    *,
    on: date | None = None,
    min_children: int = 1,
    max_children: int = 4,
    unborn: bool | None = None,
) -> Family:
    on = on if on is not None else draw(st.dates(_EARLIEST, _LATEST))
    roles: list[Role] = [Role.PARENT]
    roles += draw(
        st.lists(st.sampled_from([Role.PARENT, Role.CARER, Role.OTHER_ADULT]), max_size=1)
    )
    roles += [Role.CHILD] * draw(st.integers(min_children, max_children))
    if unborn or (unborn is None and draw(st.booleans())):
        roles.append(Role.UNBORN)
    people = [
        draw(_members(role, on=on, member_id=f"{_PREFIX[role]}{i + 1}"))
        for i, role in enumerate(roles)
    ]
    return Family(id=f"F-{draw(_ids)}", members=tuple(people))


@functools.cache
def _vocabulary_ids() -> tuple[str, ...]:
    return tuple(sorted(vocabulary.ids()))


def _pool(factor_ids: tuple[str, ...] | None) -> list[str]:
    return list(_vocabulary_ids() if factor_ids is None else factor_ids)


def _observations(
    draw: st.DrawFn,
    family: Family,
    factor_ids: list[str],
    on: date,
    max_size: int,
    *,
    cells: Mapping[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """Observations of factors; where ``cells`` gives a factor's cell levels, most name
    one of them and some name none (the authority's default applies)."""
    chosen = (
        draw(st.lists(st.sampled_from(factor_ids), max_size=max_size, unique=True))
        if factor_ids and max_size
        else []
    )
    out = []
    for factor in chosen:
        about = draw(st.lists(st.sampled_from(family.member_ids), max_size=2, unique=True))
        noted = draw(st.none() | st.dates(on - timedelta(days=365), on))
        evidence = draw(st.none() | _texts())
        row = {"factor": factor, "about": tuple(about), "noted_on": noted, "evidence": evidence}
        options = (cells or {}).get(factor)
        if options:
            row["cell"] = draw(st.none() | st.sampled_from(options))
        out.append(row)
    return out


def _professional(draw: st.DrawFn) -> dict[str, str]:
    return {"name": draw(_texts(30)), "agency": draw(_texts(30)), "role": draw(_texts(30))}


def _cell_levels(authority: Authority | None) -> dict[str, list[str]]:
    """Each factor with indicator cells -> the level ids of its cells (that a document may
    name)."""
    if authority is None:
        return {}
    return {
        factor: [c.level for c in cells if _ID_RE.match(c.level)]
        for factor, cells in authority.cells.items()
    }


def _level_ids(authority: Authority | None) -> list[str]:
    """The authority's level ids that a document may name (document ids are at most 64)."""
    if authority is None:
        return []
    return [lv.id for lv in authority.levels if _ID_RE.match(lv.id)]


def _authority_id(authority: Authority | None) -> str | None:
    return authority.id if authority is not None and _ID_RE.match(authority.id) else None


def _first_day(authority: Authority | None) -> date:
    """Documents under an authority's matrix are dated from when it takes effect."""
    if authority is None:
        return _EARLIEST
    return min(max(_EARLIEST, authority.config.effective_from), _LATEST)


def _level_choice(level_ids: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of the authority's levels; sometimes an id it does not know."""
    return st.sampled_from(level_ids) | _ids if level_ids else _ids


def assessments(
    authority: Authority | None = None,
    *,
    factors: Sequence[str] | None = None,
    max_factors: int = 8,
    recorded_level: str = "any",
) -> st.SearchStrategy[Assessment]:
    """Early help assessments, each observing up to ``max_factors`` factors.

    Args:
        authority: a compiled [`Authority`][earlyhelp_core.Authority]. When given, factors
            are drawn from the ids its matrix places (its `factors` and `local_factors`),
            the assessment names it (`authority`), is dated from its `effective_from`,
            and a recorded level is mostly one of its levels.
        factors: the factor ids to draw from. Without ``authority``, vocabulary ids or
            local ids (``bedford:relay-notification``); defaults to every vocabulary
            factor. With ``authority``, a subset of what it places.
        max_factors: the most factors one assessment observes, at least 0.
        recorded_level: ``"any"`` (none, one of the authority's levels, now and then an
            id it does not know), ``"known"`` (none, or one of its levels: needs
            ``authority``) or ``"none"`` (never a recorded level: the matrix's level is
            the decision's).
    """
    checked = check_authority(authority)
    factor_ids = check_factors(factors, checked)
    check_int("max_factors", max_factors, min_value=0)
    check_choice("recorded_level", recorded_level, ("any", "known", "none"))
    if recorded_level == "known" and checked is None:
        raise ValueError("recorded_level='known' needs an authority: its levels are the known ones")
    return _assessments(checked, factor_ids, max_factors, recorded_level)


@st.composite
def _assessments(
    draw: st.DrawFn,
    authority: Authority | None,
    factor_ids: tuple[str, ...] | None,
    max_factors: int,
    recorded_level: str = "any",
) -> Assessment:
    on = draw(st.dates(_first_day(authority), _LATEST))
    family = draw(_families(on=on))
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
            "summary": draw(_texts()),
        }
        for m in family.members
        if m.role is Role.CHILD and draw(st.booleans())
    ]
    levels = _level_ids(authority)
    choice = st.sampled_from(levels) if recorded_level == "known" else _level_choice(levels)
    recorded = (
        None
        if recorded_level == "none"
        else draw(
            st.none() | st.fixed_dictionaries({"level": choice}, optional={"rationale": _texts()})
        )
    )
    return Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": f"EHA-{draw(_ids)}",
            "authority": _authority_id(authority),
            "assessed_on": on,
            "assessor": _professional(draw),
            "consent": consent,
            "family": family,
            "factors": _observations(
                draw, family, _pool(factor_ids), on, max_factors, cells=_cell_levels(authority)
            ),
            "strengths": draw(st.lists(_texts(), max_size=3)),
            "voice": voice,
            "recorded_level": recorded,
        }
    )


def plans(
    authority: Authority | None = None, *, factors: Sequence[str] | None = None
) -> st.SearchStrategy[Plan]:
    """Team-around-the-family plans with outcomes, actions, reviews and steps.

    Args:
        authority: a compiled [`Authority`][earlyhelp_core.Authority]. When given,
            outcomes address factors its matrix places, steps move between its levels
            and the plan names it.
        factors: the factor ids outcomes address (as for
            [`assessments`][earlyhelp_core.testing.assessments]).
    """
    checked = check_authority(authority)
    return _plans(checked, check_factors(factors, checked))


@st.composite
def _plans(
    draw: st.DrawFn, authority: Authority | None, factor_ids: tuple[str, ...] | None
) -> Plan:
    pool = _pool(factor_ids)
    start = draw(st.dates(_first_day(authority), _LATEST))
    family = draw(_families(on=start))
    outcome_ids = draw(st.lists(_ids, max_size=4, unique=True))
    outcomes = [
        {
            "id": oid,
            "description": draw(_texts()),
            "addresses": draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
            if pool
            else [],
            "measure": draw(st.none() | _texts()),
            "baseline": draw(st.none() | st.integers(0, 100) | _texts()),
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
    level_ids = _level_ids(authority)
    steps = []
    for _ in range(draw(st.integers(0, 2))):
        if len(level_ids) >= 2:
            low, high = sorted(
                draw(st.lists(st.sampled_from(level_ids), min_size=2, max_size=2, unique=True)),
                key=level_ids.index,
            )
        else:
            low, high = draw(st.lists(_ids, min_size=2, max_size=2, unique=True))
        direction = draw(st.sampled_from(["step-up", "step-down"]))
        on = draw(st.dates(start, start + timedelta(days=365)))
        step: dict[str, Any] = {
            "on": on,
            "direction": direction,
            "from": low if direction == "step-up" else high,
            "to": high if direction == "step-up" else low,
            "reason": draw(_texts()),
        }
        if direction == "step-up" and draw(st.booleans()):
            # a strategy discussion, and often the initial conference some weeks after it
            step["strategy_discussion_on"] = on
            if draw(st.booleans()):
                step["conference_on"] = on + timedelta(days=draw(st.integers(0, 40)))
        steps.append(step)
    actions = [
        {
            "description": draw(_texts()),
            "owner": draw(_texts(30)),
            "due": draw(st.dates(start, start + timedelta(days=365))),
            "status": draw(st.sampled_from(["not-started", "in-progress", "done", "cancelled"])),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Plan.model_validate(
        {
            "kind": "plan",
            "id": f"TAF-{draw(_ids)}",
            "authority": _authority_id(authority),
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


def referrals(
    authority: Authority | None = None, *, factors: Sequence[str] | None = None
) -> st.SearchStrategy[Referral]:
    """Referrals, professional or self-referrals, decided or waiting, with aware times.

    Args:
        authority: a compiled [`Authority`][earlyhelp_core.Authority]. When given, the
            referral's factors are ones its matrix places and the referral names it.
        factors: the factor ids to draw from (as for
            [`assessments`][earlyhelp_core.testing.assessments]).
    """
    checked = check_authority(authority)
    return _referrals(checked, check_factors(factors, checked))


@st.composite
def _referrals(
    draw: st.DrawFn, authority: Authority | None, factor_ids: tuple[str, ...] | None
) -> Referral:
    first = datetime.combine(_first_day(authority), time())
    received = draw(st.datetimes(first, datetime(2035, 12, 31), timezones=st.just(UTC)))
    family = draw(_families(on=received.date()))
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
        "authority": _authority_id(authority),
        "route": draw(st.sampled_from(["front-door", "mash", "marf"])),
        "referrer": referrer,
        "family": family,
        "received_at": received,
        "factors": _observations(draw, family, _pool(factor_ids), received.date(), 4),
    }
    if draw(st.booleans()):
        data["decision"] = draw(st.sampled_from(ReferralDecision))
        data["decided_at"] = received + timedelta(minutes=draw(st.integers(0, 60 * 24 * 5)))
        if data["decision"] is ReferralDecision.SECTION_17_ASSESSMENT and draw(st.booleans()):
            # the assessment's end, some 0-90 days after the referral
            data["assessment_completed_on"] = received.date() + timedelta(
                days=draw(st.integers(0, 90))
            )
    if draw(st.booleans()):
        data["outcome_communicated_at"] = received + timedelta(
            minutes=draw(st.integers(0, 60 * 24 * 5))
        )
    return Referral.model_validate(data)
