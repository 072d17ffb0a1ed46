"""The rule language against a plain reading of it, on drawn matrices.

Each test here restates one part of the rule language as simply as possible from the config
alone (:func:`expected_level`, :func:`expected_translation`) and checks the engine agrees on
drawn configs. The factor sets are built to reach each condition on its own: an escalation
rule's count met without its domains, its domains met without its count, both; a level whose
prevention level or response (or both) has no match in the other authority.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import find, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import authorities, authority_configs
from earlyhelp_core.thresholds import (
    AuthorityConfig,
    MatchedOn,
    ReasonKind,
    compile_config,
    fingerprint,
)

from .conftest import assessment

# --------------------------------------------------------------------------- the plain reading


def _placed(config: AuthorityConfig) -> dict[str, str]:
    return {f: m.level for f, m in config.factors.items()} | {
        lf.id: lf.level for lf in config.local_factors
    }


def _domains(config: AuthorityConfig) -> dict[str, Any]:
    return {f.id: f.domain for f in eh.vocabulary.factors()} | {
        lf.id: lf.domain for lf in config.local_factors
    }


def fires(config: AuthorityConfig, rule_index: int, factors: Iterable[str]) -> bool:
    """Whether escalation rule ``rule_index`` fires: ``at_least`` distinct mapped factors at
    its level or above, spanning ``across_domains`` domains."""
    rule = config.escalation[rule_index]
    rank = {lv.id: i for i, lv in enumerate(config.levels)}
    placed, domain = _placed(config), _domains(config)
    counted = {f for f in factors if f in placed and rank[placed[f]] >= rank[rule.when.at_level]}
    return (
        len(counted) >= rule.when.at_least
        and len({domain[f] for f in counted}) >= rule.when.across_domains
    )


def expected_level(config: AuthorityConfig, factors: Iterable[str]) -> str:
    """The highest mapped level, raised by every rule that fires; the lowest if none."""
    factors = list(factors)
    rank = {lv.id: i for i, lv in enumerate(config.levels)}
    placed = _placed(config)
    level = max((rank[placed[f]] for f in factors if f in placed), default=0)
    for i, rule in enumerate(config.escalation):
        if fires(config, i, factors):
            level = max(level, rank[rule.then])
    return config.levels[level].id


def _agrees(authority: eh.Authority, factors: list[str]) -> None:
    expected = expected_level(authority.config, factors)
    assert authority.level_for(factors).id == expected
    decision = authority.classify(assessment(*factors))
    assert decision.computed_level.id == expected
    fired = {r.rule_id for r in decision.reasons if r.kind is ReasonKind.ESCALATION}
    for i, rule in enumerate(authority.config.escalation):
        # a rule that fires is a reason exactly when it gives the decided level
        gives = fires(authority.config, i, factors) and rule.then == expected
        assert (rule.id in fired) == gives, rule.id


# --------------------------------------------------------------------------- classification

_matrices = authorities(min_levels=2, max_levels=5)


@settings(max_examples=60, deadline=None)
@given(authority=_matrices, data=st.data())
def test_the_level_is_the_plain_reading_of_the_matrix(authority, data) -> None:
    pool = [*sorted(_placed(authority.config)), "elsewhere:not-mapped"]
    factors = data.draw(st.lists(st.sampled_from(pool), max_size=12))
    _agrees(authority, factors)


def _at_exactly(config: AuthorityConfig, level: str) -> dict[Any, list[str]]:
    """The factors placed at ``level``, by domain."""
    domain = _domains(config)
    by_domain: dict[Any, list[str]] = {}
    for f, at in sorted(_placed(config).items()):
        if at == level:
            by_domain.setdefault(domain[f], []).append(f)
    return by_domain


@st.composite
def _with_one_rule(draw: st.DrawFn) -> tuple[eh.Authority, int]:
    """A drawn matrix given one more escalation rule, counted at its fullest level so that
    a single domain there can meet the count: the rule's count and domains are drawn apart,
    and every case below is reached by construction."""
    config = draw(authority_configs(min_levels=2, max_levels=4))
    levels = [lv.id for lv in config.levels]
    at = max(levels[:-1], key=lambda lv: max(map(len, _at_exactly(config, lv).values()), default=0))
    largest = max(map(len, _at_exactly(config, at).values()), default=0)
    at_least = draw(st.integers(2, max(2, min(largest, 6))), label="at_least")
    rule = {
        "id": "drawn-rule",
        "when": {
            "at_least": at_least,
            "at_level": at,
            "across_domains": draw(st.integers(1, min(3, at_least)), label="across_domains"),
        },
        "then": draw(st.sampled_from(levels[levels.index(at) + 1 :]), label="then"),
        "source": config.levels[0].source.model_dump(),
    }
    data = config.model_dump(mode="json")
    data["escalation"] = [*data["escalation"], rule]
    return compile_config(AuthorityConfig.model_validate(data)), len(data["escalation"]) - 1


@settings(max_examples=80, deadline=None)
@given(drawn=_with_one_rule(), data=st.data())
def test_each_escalation_condition_is_needed_on_its_own(drawn, data) -> None:
    authority, i = drawn
    config = authority.config
    rule = config.escalation[i]
    by_domain = _at_exactly(config, rule.when.at_level)
    everything = [f for fs in by_domain.values() for f in fs]
    fullest = max(by_domain.values(), key=len)
    # the count met inside one domain: fires only when one domain is enough
    if len(fullest) >= rule.when.at_least:
        chosen = fullest[: rule.when.at_least]
        assert fires(config, i, chosen) == (rule.when.across_domains == 1)
        _agrees(authority, chosen)
    # one factor from each domain, one fewer than the count: never fires
    spread = [fs[0] for fs in by_domain.values()][: rule.when.at_least - 1]
    assert not fires(config, i, spread)
    _agrees(authority, spread)
    # any set of factors there
    chosen = data.draw(st.lists(st.sampled_from(everything), unique=True), label="factors")
    _agrees(authority, chosen)


# --------------------------------------------------------------------------- translation


def expected_translation(level: eh.thresholds.LevelInfo, to: eh.Authority) -> tuple[list[str], str]:
    """Target ids and which case: both, response, or nearest-not-lower."""
    both = [
        t.id for t in to.levels if (t.prevention, t.response) == (level.prevention, level.response)
    ]
    if both:
        return both, "both"
    response = [t.id for t in to.levels if t.response == level.response]
    if response:
        return response, "response"
    higher = [t for t in to.levels if t.response >= level.response]
    return [min(higher, key=lambda t: t.rank).id if higher else to.levels[-1].id], "nearest"


_PARAMETERS = list(type(eh.load_authority("bromley").config.parameters).model_fields)


@st.composite
def _ladders(draw: st.DrawFn) -> eh.Authority:
    """Matrices drawn for their levels alone (every factor at the top level): prevention
    levels and responses are each drawn in order, independently of each other, so any
    pairing of the two can occur."""
    n = draw(st.integers(1, 5))
    prevention = sorted(draw(st.lists(st.sampled_from(eh.PreventionLevel), min_size=n, max_size=n)))
    response = [
        *sorted(draw(st.lists(st.sampled_from(eh.Response), min_size=n - 1, max_size=n - 1))),
        eh.Response.SECTION_47,
    ]
    source = {"ref": "s", "section": "s", "basis": "stated"}
    top = f"level-{n}"
    config = {
        "id": "ladder",
        "name": "Ladder",
        "version": "1",
        "effective_from": "2024-01-01",
        "sources": [{"id": "s", "title": "s", "where": "s"}],
        "levels": [
            {
                "id": f"level-{i + 1}",
                "title": "t",
                "rank": i + 1,
                "description": "d",
                "prevention": prevention[i].value,
                "response": response[i].value,
                "source": source,
            }
            for i in range(n)
        ],
        "factors": {
            f.id: {"level": top, "source": source} for f in eh.vocabulary.significant_harm()
        },
        "parameters": {name: {"value": None, "note": "n"} for name in _PARAMETERS},
    }
    return compile_config(AuthorityConfig.model_validate(config))


_MATCHED_ON = {
    "both": MatchedOn.PREVENTION_AND_RESPONSE,
    "response": MatchedOn.RESPONSE,
    "nearest": MatchedOn.NEAREST_HIGHER_RESPONSE,
}


@settings(max_examples=150, deadline=None)
@given(source=_ladders(), target=_ladders())
def test_translation_is_the_plain_reading(source, target) -> None:
    for level in source.levels:
        t = source.translate(level.id, to=target)
        ids, case = expected_translation(level, target)
        assert [x.id for x in t.targets] == ids
        assert t.level == level
        assert t.exact == (case == "both" and len(ids) == 1)
        assert t.ambiguous == (case != "nearest" and len(ids) > 1)
        assert t.matched_on == _MATCHED_ON[case]
        data = t.to_dict()
        assert [x["id"] for x in data["targets"]] == ids
        assert (data["from"]["id"], data["to"], data["matched_on"]) == (
            level.id,
            target.id,
            _MATCHED_ON[case].value,
        )
        assert data["quality"] == t.quality
        assert repr(t).startswith(f"Translation({source.id} {level.id} -> {target.id} ")


@pytest.mark.parametrize(
    ("case", "many"),
    [("both", False), ("both", True), ("response", False), ("response", True), ("nearest", False)],
)
def test_translation_cases_are_all_drawn(case: str, many: bool) -> None:
    def holds(pair: tuple[eh.Authority, eh.Authority]) -> bool:
        source, target = pair
        return any(
            expected_translation(lv, target)[1] == case
            and (len(expected_translation(lv, target)[0]) > 1) == many
            for lv in source.levels
        )

    find(st.tuples(_ladders(), _ladders()), holds, settings=settings(database=None))


# --------------------------------------------------------------------------- fingerprint


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


def _changed(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return str(date.fromisoformat(value) + timedelta(days=1))
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x" if value[-1:] != "x" else value[:-1] + "y"
    return "x"  # None


@settings(max_examples=80, deadline=None)
@given(config=authority_configs(max_levels=4), data=st.data())
def test_changing_any_field_changes_the_fingerprint(config: AuthorityConfig, data) -> None:
    dumped = config.model_dump(mode="json")
    path = data.draw(st.sampled_from(_leaves(dumped)), label="field")
    try:
        changed = AuthorityConfig.model_validate(_with(dumped, path, _changed(_get(dumped, path))))
    except ValueError:  # the changed value is not valid there (an enum, a date): another field
        return
    assert fingerprint(changed) != fingerprint(config), path


def _with(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def test_every_top_level_field_is_in_the_fingerprint() -> None:
    """The first value under each field that can change and stay valid changes it."""
    config = eh.load_authority("bromley").config
    dumped = config.model_dump(mode="json")
    for name in AuthorityConfig.model_fields:
        for path in _leaves(dumped[name], (name,)):
            value = _get(dumped, path)
            # an unset optional field (effective_to) takes a value of its own kind
            candidates = [_changed(value)] if value is not None else ["x", "2099-12-31"]
            changed = None
            for candidate in candidates:
                try:
                    changed = AuthorityConfig.model_validate(_with(dumped, path, candidate))
                except ValueError:
                    continue
                break
            if changed is None:
                continue
            assert fingerprint(changed) != fingerprint(config), path
            break
        else:
            assert not _leaves(dumped[name]) or dumped[name] in ({}, []), name


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def test_a_compiled_matrix_carries_its_configs_fingerprint() -> None:
    config = eh.load_authority("bedford").config
    assert compile_config(config).fingerprint == fingerprint(config)


def test_the_vocabulary_version_is_in_the_fingerprint_and_the_decision() -> None:
    """The significant-harm set and the domains come from the vocabulary, so a decision
    names the vocabulary it was made under, and a new one changes the fingerprint."""
    config = eh.load_authority("bedford").config
    before = compile_config(config)
    decision = before.classify(assessment("persistent-absence"))
    assert decision.vocabulary == eh.vocabulary.version() == eh.vocabulary.catalogue().version
    assert decision.to_dict()["vocabulary"] == decision.vocabulary
    data = eh.vocabulary.catalogue().model_dump(mode="json", by_alias=True, exclude_none=True)
    newer = eh.vocabulary.Vocabulary.from_text(yaml.safe_dump({**data, "version": "2099.1"}))
    after = compile_config(config, vocabulary=newer)
    assert after.fingerprint == fingerprint(config, newer) != before.fingerprint
    assert before.fingerprint == fingerprint(config)
    assert after.classify(assessment("persistent-absence")).vocabulary == "2099.1"


@st.composite
def _many_rules(draw: st.DrawFn) -> eh.Authority:
    """A drawn matrix given 0-40 more escalation rules of every shape."""
    config = draw(authority_configs(min_levels=2, max_levels=5))
    levels = [lv.id for lv in config.levels]
    extra = []
    for i in range(draw(st.integers(0, 40), label="rules")):
        at = draw(st.sampled_from(levels[:-1]))
        extra.append(
            {
                "id": f"extra-{i}",
                "when": {
                    "at_least": draw(st.integers(2, 8)),
                    "at_level": at,
                    "across_domains": draw(st.integers(1, 3)),
                },
                "then": draw(st.sampled_from(levels[levels.index(at) + 1 :])),
                "source": config.levels[0].source.model_dump(),
            }
        )
    data = config.model_dump(mode="json")
    data["escalation"] = [*data["escalation"], *extra]
    return compile_config(AuthorityConfig.model_validate(data))


@settings(max_examples=60, deadline=None)
@given(authority=_many_rules(), data=st.data())
def test_the_indexed_rules_fire_exactly_as_each_rule_counted_alone(authority, data) -> None:
    """Escalation rules are grouped and searched, not scanned: the rules that fire, their
    order and what they counted are what counting each rule on its own gives."""
    factors = data.draw(
        st.lists(st.sampled_from(sorted(authority.placements)), max_size=12, unique=True)
    )
    index = {lv.id: i for i, lv in enumerate(authority.levels)}
    placed = {f: index[authority.placements[f].id] for f in factors}
    expected = []
    for rule in authority.escalation_rules:  # config order
        counted = sorted(f for f, at in placed.items() if at >= rule.at_index)
        domains = {authority.factor_domains[f] for f in counted}
        if len(counted) >= rule.at_least and len(domains) >= rule.across_domains:
            expected.append((rule.id, tuple(counted)))
    fired = authority.evaluate(factors).fired
    assert [(f.rule.id, f.factors) for f in fired] == expected
