"""What would change the level (``eh.explain``): exact against a brute force on drawn
matrices, escalation rules included; significant harm always said; bounded."""

from __future__ import annotations

import json
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import authorities
from earlyhelp_core.thresholds import _explain

from ..conftest import EXAMPLES
from .conftest import assessment, make_config


@pytest.fixture(scope="module")
def testshire() -> eh.Authority:
    return eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(make_config()))


def _level(authority: eh.Authority, needs: dict[str, str | None]) -> int:
    """The level index of needs (factor -> cell level id or None), the public way."""
    cells = {f: c for f, c in needs.items() if c is not None}
    return authority.levels.index(authority.level_for(needs, cells=cells))


def _brute_down(authority: eh.Authority, needs: dict[str, str | None], target: int) -> set:
    """Every smallest set of needs whose removal gives ``target`` or below."""
    mapped = [f for f in needs if f in authority.placements]
    for size in range(len(mapped) + 1):
        found = {
            frozenset(gone)
            for gone in combinations(mapped, size)
            if _level(authority, {f: c for f, c in needs.items() if f not in gone}) <= target
        }
        if found:
            return found
    raise AssertionError("removing every need must reach the lowest level")


def _brute_up(authority: eh.Authority, needs: dict[str, str | None], goal: int) -> set:
    """Every single need (factor, cell) whose addition gives exactly ``goal``."""
    found = set()
    for factor in authority.placements:
        cells = authority.cells.get(factor, ())
        options = [c.level for c in cells] if cells else [None]
        for cell in options:
            if factor in needs and (cell is None or cell == needs[factor]):
                continue
            if factor in needs and cells:
                have = needs[factor] or authority.placements[factor].id
                if authority.levels.index(authority.level(cell)) <= authority.levels.index(
                    authority.level(have)
                ):
                    continue  # not a higher cell of a need the family has
            if _level(authority, {**needs, factor: cell}) == goal:
                found.add((factor, cell))
    return found


@st.composite
def _family(draw: st.DrawFn) -> tuple[eh.Authority, dict[str, str | None]]:
    authority = draw(authorities(max_levels=4))
    factors = sorted(authority.placements)
    chosen = draw(st.lists(st.sampled_from(factors), max_size=7, unique=True))
    needs: dict[str, str | None] = {}
    for factor in chosen:
        cells = authority.cells.get(factor, ())
        needs[factor] = draw(st.sampled_from([c.level for c in cells])) if cells else None
    return authority, needs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=_family())
def test_the_explanation_is_exact_against_a_brute_force(drawn) -> None:
    authority, needs = drawn
    doc = assessment(*[(f, c) if c else f for f, c in needs.items()])
    decision = eh.explain(authority, doc)
    explanation = decision.explanation
    assert explanation is not None
    index = authority.levels.index(decision.computed_level)
    assert explanation.level == decision.computed_level
    assert [d.target for d in explanation.down] == list(reversed(authority.levels[:index]))
    for step in explanation.down:
        target = authority.levels.index(step.target)
        got = {frozenset(n.factor for n in o.needs) for o in step.options}
        expected = _brute_down(authority, needs, target)
        if step.complete:
            assert got == expected
        else:  # more smallest sets than the bound: the first ones, all of the smallest size
            assert got < expected
            assert len(got) == _explain.MAX_OPTIONS
        for option in step.options:  # the level and reasons that would then apply
            kept = {f: c for f, c in needs.items() if f not in {n.factor for n in option.needs}}
            assert authority.levels.index(option.level) == _level(authority, kept)
            assert authority.levels.index(option.level) <= target
            assert option.reasons
    if index + 1 == len(authority.levels):
        assert explanation.up is None
    else:
        assert explanation.up is not None
        got_up = {(a.needs[0].factor, a.needs[0].cell) for a in explanation.up.additions}
        assert got_up == _brute_up(authority, needs, index + 1)
        assert all(a.level == explanation.up.level for a in explanation.up.additions)


@settings(max_examples=60, deadline=None)
@given(drawn=_family())
def test_significant_harm_is_always_said(drawn) -> None:
    authority, needs = drawn
    doc = assessment(*[(f, c) if c else f for f, c in needs.items()])
    explanation = eh.explain(authority, doc).explanation
    assert explanation is not None
    significant = {f.id for f in eh.vocabulary.significant_harm()}
    changes = [o for d in explanation.down for o in d.options]
    changes += list(explanation.up.additions) if explanation.up else []
    for change in changes:
        for need in change.needs:
            assert need.significant_harm is (need.factor in significant)
            if need.significant_harm:
                assert "significant harm" in str(need)


def test_a_family_with_a_significant_harm_need_is_told_it_resolves_only_by_enquiries() -> None:
    bromley = eh.load_authority("bromley")
    doc = eh.load_document(EXAMPLES / "assessment-significant-harm.yaml")
    decision = eh.explain(bromley, doc)
    assert decision.level.id == "tier-4"
    assert decision.explanation is not None
    first = decision.explanation.down[0]
    assert [n.factor for n in first.options[0].needs] == ["physical-abuse"]
    assert first.options[0].needs[0].significant_harm
    text = str(decision.explanation)
    assert (
        "physical-abuse [significant harm: resolved only when enquiries find the child safe]"
        in (text)
    )
    assert "up: none (this is the highest level)" in text


def test_cells_count_up_and_down(testshire: eh.Authority) -> None:
    # testshire: early-development-delay has cells at level-2 (default) and level-3
    doc = assessment(("early-development-delay", "level-2"))
    explanation = eh.explain(testshire, doc).explanation
    assert explanation is not None
    up = {(a.needs[0].factor, a.needs[0].cell) for a in explanation.up.additions}
    assert ("early-development-delay", "level-3") in up
    assert explanation.down[0].options[0].needs[0].cell == "level-2"  # the cell named
    assert explanation.down[0].options[0].level.id == "level-1"


def test_without_needs_only_up_is_explained(testshire: eh.Authority) -> None:
    decision = eh.explain(testshire, assessment())
    assert decision.explanation is not None
    assert decision.explanation.down == ()
    assert "down: none (this is the lowest level)" in str(decision.explanation)


def test_the_decision_is_the_same_with_or_without_the_explanation() -> None:
    bromley = eh.load_authority("bromley")
    for path in sorted(EXAMPLES.glob("assessment-*.yaml")):
        doc = eh.load_document(path)
        plain = bromley.classify(doc)
        explained = eh.explain(bromley, doc)
        assert plain.explanation is None
        assert explained.level == plain.level
        assert explained.reasons == plain.reasons
        data = explained.to_dict()
        assert data["explanation"]["level"] == plain.computed_level.id
        assert plain.to_dict()["explanation"] is None
        json.dumps(data)  # plain data all the way down


def test_the_search_is_bounded_and_says_so(monkeypatch, testshire: eh.Authority) -> None:
    # testshire escalates 3 needs at level-2 or above across 2 domains to level-3 (see
    # tests/thresholds/conftest.py); with a bound of 1 try the search must stop and say so
    monkeypatch.setattr(_explain, "MAX_TRIES", 1)
    level_2 = [f for f, lv in testshire.placements.items() if lv.id == "level-2"]
    by_domain: dict[Any, list[str]] = {}
    for f in level_2:
        by_domain.setdefault(testshire.factor_domains[f], []).append(f)
    picked = [fs[i] for fs in by_domain.values() for i in range(min(2, len(fs)))][:5]
    doc = assessment(*picked)
    decision = eh.explain(testshire, doc)
    if not testshire.escalation_rules or decision.computed_level.id != "level-3":
        pytest.skip("testshire's escalation rule did not fire for these needs")
    explanation = decision.explanation
    assert explanation is not None
    assert not explanation.complete
    assert "the search stopped at its bound" in str(explanation)


def test_earlyhelp_assess_explain(capsys) -> None:
    from earlyhelp_core.cli import main

    path = EXAMPLES / "assessment-multi-agency.yaml"
    assert main(["assess", str(path), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "What would change the level (tier-2" in out
    assert "down to tier-1: resolve housing-need, parental-conflict, persistent-absence" in out
    assert main(["assess", str(path), "--explain", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["explanation"]["down"][0]["target"] == "tier-1"
    assert main(["assess", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["explanation"] is None
