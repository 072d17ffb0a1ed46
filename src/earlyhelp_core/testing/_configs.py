"""Strategies for authority configs that compile, and the matrices they compile to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hypothesis import strategies as st

from .. import vocabulary
from ..assessment._core import rules
from ..prevention import PreventionLevel, Response
from ..thresholds import Authority, AuthorityConfig, compile_config
from ..thresholds._config import PARAMETER_MAXIMA
from ..thresholds.config import (
    ClosuresParameter,
    CountParameter,
    FrameworkParameter,
    Parameters,
    RoutesParameter,
    SwitchParameter,
)
from ..vocabulary import Domain
from ._checks import check_bool, check_int, check_order
from ._documents import _texts

__all__ = ["authorities", "authority_configs"]

_kebab = st.from_regex(r"[a-z][a-z0-9]{1,9}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
_rarely = st.sampled_from([False, False, False, False, False, False, False, True])
"""``True`` about one time in eight; shrinks to ``False``."""


def authority_configs(
    min_levels: int = 2, max_levels: int = 6, escalation: bool = True
) -> st.SearchStrategy[AuthorityConfig]:
    """Valid authority configs: every one passes `compile_config`.

    Each config has ``min_levels``-``max_levels`` levels with strictly increasing ranks,
    prevention levels and responses that never fall as rank rises, and a top level whose
    response is ``section-47`` (lower levels may share it). Every vocabulary factor is
    mapped to a level, or (a few, now and then) marked not applicable with a reason;
    significant-harm factors are always mapped to a section-47 level. There are 0-3 local
    factors (``<id>:<name>``), 0-3 escalation rules (each counting two or more factors)
    whose ``then`` ranks above their ``at_level``, so every level is reachable; 0-3 factors
    with indicator cells at 1-3 levels, one of them the factor's default (a
    significant-harm factor's only at section-47 levels); 0-2 considerations asking about a
    level above the one they count at; every
    parameter set to a realistic value with a source (or, about one
    in eight, null with a note) with ``child_age_max <= send_age_max``,
    ``review_score_min <= review_score_max``, and a Supporting Families framework set
    together with a minimum of at most its number of headlines (or both null), sometimes
    validation overrides of
    registered rules, and every source declared and cited.

    Args:
        min_levels: the fewest levels, at least 1.
        max_levels: the most levels, at least ``min_levels``.
        escalation: ``False`` for configs with no escalation rules.
    """
    check_int("min_levels", min_levels, min_value=1)
    check_int("max_levels", max_levels, min_value=1)
    check_order("min_levels", min_levels, "max_levels", max_levels)
    check_bool("escalation", escalation)
    return _authority_configs(min_levels, max_levels, escalation)


def authorities(
    min_levels: int = 2, max_levels: int = 6, escalation: bool = True
) -> st.SearchStrategy[Authority]:
    """Compiled matrices: `authority_configs(...)` with the same arguments, mapped
    through `compile_config`.

    Args:
        min_levels: the fewest levels, at least 1.
        max_levels: the most levels, at least ``min_levels``.
        escalation: ``False`` for matrices with no escalation rules.
    """
    return authority_configs(min_levels, max_levels, escalation).map(compile_config)


def _ref(draw: st.DrawFn, source_id: str) -> dict[str, Any]:
    return {
        "ref": source_id,
        "section": draw(_texts(40)),
        "basis": draw(st.sampled_from(["stated", "reading"])),
    }


def _maybe(draw: st.DrawFn, max_size: int = 30) -> str | None:
    """Mostly nothing; sometimes a short text (for optional notes)."""
    return draw(_texts(max_size)) if draw(_rarely) else None


def _levels(draw: st.DrawFn, n: int, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = draw(
        st.one_of(
            st.sampled_from(["level", "tier"]).map(lambda p: [f"{p}-{i + 1}" for i in range(n)]),
            st.lists(_kebab, min_size=n, max_size=n, unique=True),
        )
    )
    if draw(st.booleans()):
        ranks = list(range(1, n + 1))
    else:
        ranks = sorted(draw(st.lists(st.integers(1, 10 * n), min_size=n, max_size=n, unique=True)))
    prevention = sorted(draw(st.lists(st.sampled_from(PreventionLevel), min_size=n, max_size=n)))
    response = [
        *sorted(draw(st.lists(st.sampled_from(Response), min_size=n - 1, max_size=n - 1))),
        Response.SECTION_47,
    ]
    return [
        {
            "id": ids[i],
            "title": draw(_texts(40)),
            "rank": ranks[i],
            "description": draw(_texts()),
            "prevention": prevention[i],
            "response": response[i],
            "family_can_expect": _maybe(draw, 60),
            "source": refs[i % len(refs)],  # every declared source is cited by some level
            "mapping_source": draw(st.sampled_from(refs)) if draw(_rarely) else None,
            "note": _maybe(draw),
        }
        for i in range(n)
    ]


def _factors(
    draw: st.DrawFn, levels: list[dict[str, Any]], refs: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every vocabulary factor mapped to a level or (a few) not applicable with a reason.

    One draw per factor (its level) keeps a config of a hundred factors quick to build;
    which factors are not applicable, carry a note or cite another source is drawn as
    a short list.
    """
    everything = vocabulary.factors()
    any_level = st.sampled_from([lv["id"] for lv in levels])
    floor = st.sampled_from([lv["id"] for lv in levels if lv["response"] is Response.SECTION_47])
    ordinary = [f.id for f in everything if not f.significant_harm]
    not_applicable = {
        key: {
            "reason": draw(_texts(40)),
            "source": draw(st.sampled_from(refs)) if draw(st.booleans()) else None,
        }
        for key in draw(st.lists(st.sampled_from(ordinary), max_size=6, unique=True))
    }
    ids = st.sampled_from([f.id for f in everything])
    noted = set(draw(st.lists(ids, max_size=3, unique=True)))
    cited = draw(st.sampled_from(refs))
    elsewhere = set(draw(st.lists(ids, max_size=3, unique=True))) if len(refs) > 1 else set()
    mapped: dict[str, Any] = {}
    for factor in everything:
        if factor.id in not_applicable:
            continue
        mapped[factor.id] = {
            "level": draw(floor if factor.significant_harm else any_level),
            "source": draw(st.sampled_from(refs)) if factor.id in elsewhere else cited,
            "note": draw(_texts(30)) if factor.id in noted else None,
        }
    _reach_every_level(mapped, levels)
    _add_cells(draw, mapped, levels, refs)
    return mapped, not_applicable


def _add_cells(
    draw: st.DrawFn,
    mapped: dict[str, Any],
    levels: list[dict[str, Any]],
    refs: list[dict[str, Any]],
) -> None:
    """Give a few factors indicator cells at 1-3 levels (a significant-harm factor only at
    section-47 levels), one of them the factor's level: the default when no cell is named.
    The default keeps its place, so every level stays reachable."""
    significant = {f.id for f in vocabulary.significant_harm()}
    for fid in draw(st.lists(st.sampled_from(sorted(mapped)), max_size=3, unique=True)):
        allowed = [
            lv["id"]
            for lv in levels
            if fid not in significant or lv["response"] is Response.SECTION_47
        ]
        at = draw(st.lists(st.sampled_from(allowed), min_size=1, max_size=3, unique=True))
        if mapped[fid]["level"] not in at:
            at[0] = mapped[fid]["level"]
        mapped[fid]["cells"] = [
            {"level": level, "text": draw(_texts(40)), "source": draw(st.sampled_from(refs))}
            for level in at
        ]


def _reach_every_level(mapped: dict[str, Any], levels: list[dict[str, Any]]) -> None:
    """Move an ordinary factor onto every level above the lowest that has none, taking it
    from the fullest level, so that every level is reachable (``check_authority``)."""
    significant = {f.id for f in vocabulary.significant_harm()}
    for level in levels[1:]:
        by_level: dict[str, list[str]] = {}
        for fid, m in mapped.items():
            if fid not in significant:
                by_level.setdefault(m["level"], []).append(fid)
        if level["id"] in by_level or not by_level:
            continue
        fullest = max(by_level.values(), key=len)
        if len(fullest) > 1:
            mapped[sorted(fullest)[0]]["level"] = level["id"]


def _local_factors(
    draw: st.DrawFn, authority_id: str, levels: list[dict[str, Any]], refs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    names = draw(st.lists(_kebab, max_size=3, unique=True))
    return [
        {
            "id": f"{authority_id}:{name}",
            "title": draw(_texts(40)),
            "description": draw(_texts()),
            "domain": draw(st.sampled_from(Domain)),
            "level": draw(st.sampled_from([lv["id"] for lv in levels])),
            "source": draw(st.sampled_from(refs)),
            "note": _maybe(draw),
        }
        for name in names
    ]


def _escalation(
    draw: st.DrawFn, levels: list[dict[str, Any]], refs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    n = len(levels)
    if n < 2:
        return []  # a rule must raise the level, so it needs two levels
    rules = []
    for rule_id in draw(st.lists(_kebab, max_size=3, unique=True)):
        at = draw(st.integers(0, n - 2))
        then = draw(st.integers(at + 1, n - 1))
        # two or more: a rule that one factor fires would make the levels it jumps
        # unreachable, which check_authority reports (see test_check.py)
        at_least = draw(st.integers(2, 6))
        rules.append(
            {
                "id": rule_id,
                "when": {
                    "at_least": at_least,
                    "at_level": levels[at]["id"],
                    "across_domains": draw(st.integers(1, min(3, at_least))),
                },
                "then": levels[then]["id"],
                "source": draw(st.sampled_from(refs)),
                "note": _maybe(draw),
            }
        )
    return rules


def _considerations(
    draw: st.DrawFn, levels: list[dict[str, Any]], refs: list[dict[str, Any]], taken: set[str]
) -> list[dict[str, Any]]:
    n = len(levels)
    if n < 2:
        return []  # a consideration asks about a higher level, so it needs two levels
    out = []
    for item_id in draw(st.lists(_kebab, max_size=2, unique=True)):
        if item_id in taken:
            continue  # escalation rules and considerations share ids
        at = draw(st.integers(0, n - 2))
        below = draw(st.integers(at + 1, n - 1))
        out.append(
            {
                "id": item_id,
                "when": {
                    "at_least": draw(st.integers(2, 6)),
                    "at_level": levels[at]["id"],
                    "across_domains": draw(st.integers(1, 3)),
                },
                "below": levels[below]["id"],
                "consider": draw(_texts(40)),
                "source": draw(st.sampled_from(refs)),
                "note": _maybe(draw),
            }
        )
    return out


_VALUES: dict[type[Any], Callable[[st.DrawFn, str], st.SearchStrategy[Any]]] = {
    CountParameter: lambda _, name: st.integers(1, PARAMETER_MAXIMA.get(name, 100)),
    SwitchParameter: lambda _, __: st.booleans(),
    FrameworkParameter: lambda _, __: st.sampled_from(
        [f.value for f in vocabulary.SupportingFamiliesFramework]
    ),
    ClosuresParameter: lambda draw, _: _closures(draw),
    RoutesParameter: lambda draw, _: _routes(draw),
}
"""How to draw a value of each kind of parameter: a parameter added to the config model is
drawn without a change here, as long as its kind is one of these."""

_REALISTIC: dict[str, tuple[int, int]] = {
    "review_interval_weeks": (2, 26),
    "referral_decision_working_days": (1, 10),
    "referral_feedback_hours": (1, 240),
    "assessment_working_days": (1, 60),
    "conference_working_days": (1, 30),
    "voice_max_age_days": (7, 365),
}
"""Counts drawn from a narrower range than their bounds, so that drawn documents meet the
values the rules compare with often, not only by chance."""


def _parameters(draw: st.DrawFn, refs: list[dict[str, Any]]) -> dict[str, Any]:
    def param(value: st.SearchStrategy[Any], *, nullable: bool = True) -> dict[str, Any]:
        if nullable and draw(_rarely):
            return {"value": None, "note": draw(_texts(40))}
        return {"value": draw(value), "source": draw(st.sampled_from(refs)), "note": _maybe(draw)}

    drawn: dict[str, Any] = {}
    for name, field in Parameters.model_fields.items():
        if name in _TOGETHER:
            continue
        values = _VALUES.get(field.annotation)  # type: ignore[arg-type]
        if values is None:
            raise TypeError(
                f"the testing kit cannot draw the parameter {name!r} of type "
                f"{field.annotation}: give its kind a strategy in _VALUES"
            )
        low_high = _REALISTIC.get(name)
        drawn[name] = param(st.integers(*low_high) if low_high else values(draw, name))
    child = drawn["child_age_max"] = param(st.integers(16, 19))
    drawn["send_age_max"] = param(st.integers(child["value"] or 18, 25))
    low = drawn["review_score_min"] = param(st.integers(1, 5))
    drawn["review_score_max"] = param(st.integers(max(low["value"] or 1, 5), 10))
    framework = drawn["supporting_families_framework"]
    if framework["value"] is None:
        drawn["supporting_families_min_headlines"] = {"value": None, "note": draw(_texts(40))}
    else:
        headlines = vocabulary.SupportingFamiliesFramework(framework["value"]).headlines
        least = param(st.integers(1, len(headlines)), nullable=False)
        drawn["supporting_families_min_headlines"] = least
    return {name: drawn[name] for name in Parameters.model_fields if name in drawn}


_TOGETHER: frozenset[str] = frozenset(
    {
        "child_age_max",
        "send_age_max",
        "review_score_min",
        "review_score_max",
        "supporting_families_min_headlines",
    }
)
"""Parameters drawn with another: the ages in order, the score range, and a framework's
minimum (at most its number of headlines), drawn after the framework."""


def _closures(draw: st.DrawFn) -> st.SearchStrategy[list[dict[str, Any]]]:
    """1-5 distinct closure days, each with why."""
    days = draw(st.lists(st.dates(), min_size=1, max_size=5, unique=True))
    return st.just([{"on": day.isoformat(), "why": draw(_texts(30))} for day in days])


def _routes(draw: st.DrawFn) -> st.SearchStrategy[list[dict[str, Any]]]:
    """1-4 referral routes with distinct ids, at most one of them the first point."""
    ids = draw(st.lists(_kebab, min_size=1, max_size=4, unique=True))
    first = draw(st.none() | st.sampled_from(ids))
    return st.just(
        [
            {
                "id": rid,
                "title": draw(_texts(30)),
                "referrers": draw(st.sampled_from(["professional", "self", "any"])),
                "first_point": rid == first,
            }
            for rid in ids
        ]
    )


def _validation(draw: st.DrawFn) -> dict[str, Any]:
    if not draw(_rarely):
        return {}
    codes = [r.code for r in rules()]
    overrides = {}
    for code in draw(st.lists(st.sampled_from(codes), min_size=1, max_size=2, unique=True)):
        enabled = draw(st.booleans())
        overrides[code] = {
            "enabled": enabled,
            "severity": None if not enabled else draw(st.sampled_from(["error", "warning"])),
            "reason": draw(_texts(40)),
        }
    return overrides


@st.composite
def _authority_configs(
    draw: st.DrawFn, min_levels: int, max_levels: int, escalation: bool
) -> AuthorityConfig:
    authority_id = draw(_kebab)
    n = draw(st.integers(min_levels, max_levels))
    source_ids = draw(st.lists(_kebab, min_size=1, max_size=min(4, n), unique=True))
    sources = [
        {
            "id": sid,
            "title": draw(_texts(40)),
            "where": draw(_texts(40)),
            "note": _maybe(draw),
        }
        for sid in source_ids
    ]
    refs = [_ref(draw, sid) for sid in source_ids]
    levels = _levels(draw, n, refs)
    factors, not_applicable = _factors(draw, levels, refs)
    rules_drawn = _escalation(draw, levels, refs) if escalation else []
    data = {
        "id": authority_id,
        "name": draw(_texts(40)),
        "version": draw(st.from_regex(r"20[0-3][0-9]\.[1-9][0-9]?", fullmatch=True)),
        "effective_from": draw(st.dates(date(2000, 1, 1), date(2035, 12, 31))),
        "note": _maybe(draw, 60),
        "sources": sources,
        "levels": levels,
        "factors": factors,
        "not_applicable": not_applicable,
        "local_factors": _local_factors(draw, authority_id, levels, refs),
        "escalation": rules_drawn,
        "considerations": _considerations(draw, levels, refs, {r["id"] for r in rules_drawn}),
        "parameters": _parameters(draw, refs),
        "validation": _validation(draw),
    }
    return AuthorityConfig.model_validate(data)
