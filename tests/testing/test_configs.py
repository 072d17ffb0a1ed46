"""authority_configs() draws configs that compile; classification under them is monotone and safe."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import assessments, authorities, authority_configs
from earlyhelp_core.thresholds import AuthorityConfig, compile_config
from earlyhelp_core.thresholds._load import _sources

SIGNIFICANT = [f.id for f in eh.vocabulary.significant_harm()]
VOCABULARY = sorted(eh.vocabulary.ids())


@settings(max_examples=120, deadline=None)
@given(authority_configs())
def test_every_drawn_config_compiles(config: AuthorityConfig) -> None:
    authority = compile_config(config)  # raises ConfigError on any problem
    levels = config.levels
    assert 2 <= len(levels) <= 6
    assert [lv.rank for lv in levels] == sorted({lv.rank for lv in levels})
    for low, high in itertools.pairwise(levels):
        assert low.prevention <= high.prevention
        assert low.response <= high.response
    assert levels[-1].response is eh.Response.SECTION_47
    # every vocabulary factor is mapped or not applicable, never both
    assert set(config.factors) | set(config.not_applicable) == set(VOCABULARY)
    assert not set(config.factors) & set(config.not_applicable)
    for factor in SIGNIFICANT:
        assert authority.level(config.factors[factor].level).response is eh.Response.SECTION_47
    for local in config.local_factors:
        assert local.id.startswith(f"{config.id}:")
    assert len(config.escalation) <= 3
    for rule in config.escalation:
        assert authority.level(rule.then).rank > authority.level(rule.when.at_level).rank
    # every source is declared, and every declared source is cited
    cited = {ref.ref for _, ref in _sources(config)}
    assert cited == {s.id for s in config.sources}
    params = config.parameters
    for name in type(params).model_fields:
        param = getattr(params, name)
        assert (param.value is None) == (param.source is None)
        assert param.value is not None or param.note
    ages = (params.child_age_max.value, params.send_age_max.value)
    assert None in ages or ages[0] <= ages[1]
    framework = params.supporting_families_framework.value
    least = params.supporting_families_min_headlines.value
    assert (framework is None) == (least is None)
    assert framework is None or least is None or 1 <= least <= len(framework.headlines)


FEATURES = {
    "six levels": lambda c: len(c.levels) == 6,
    "factors not applicable": lambda c: bool(c.not_applicable),
    "local factors": lambda c: bool(c.local_factors),
    "escalation rules": lambda c: bool(c.escalation),
    "validation overrides": lambda c: bool(c.validation),
    "an unset child age": lambda c: c.parameters.child_age_max.value is None,
    "a set child age": lambda c: c.parameters.child_age_max.value is not None,
    "Troubled Families phase 2": lambda c: (
        c.parameters.supporting_families_framework.value
        is eh.vocabulary.SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2
    ),
    "Supporting Families 2022": lambda c: (
        c.parameters.supporting_families_framework.value
        is eh.vocabulary.SupportingFamiliesFramework.SUPPORTING_FAMILIES_2022
    ),
    "no Supporting Families framework": lambda c: (
        c.parameters.supporting_families_framework.value is None
    ),
    "two section 47 levels": lambda c: (
        sum(lv.response is eh.Response.SECTION_47 for lv in c.levels) > 1
    ),
}


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_the_strategy_reaches(feature: str) -> None:
    """The strategy can draw each shape of config the tests above rely on meeting."""
    found = find(
        authority_configs(),
        FEATURES[feature],
        settings=settings(
            max_examples=2_000, database=None, deadline=None, phases=[Phase.generate]
        ),
    )
    assert FEATURES[feature](found)
    compile_config(found)


@settings(max_examples=20, deadline=None)
@given(authority_configs(min_levels=1, max_levels=1))
def test_one_level_is_enough(config: AuthorityConfig) -> None:
    authority = compile_config(config)
    assert len(authority.levels) == 1
    assert authority.levels[0].response is eh.Response.SECTION_47
    assert not config.escalation


@settings(max_examples=20, deadline=None)
@given(authority_configs(min_levels=5, max_levels=5, escalation=False))
def test_levels_and_escalation_follow_the_arguments(config: AuthorityConfig) -> None:
    assert len(compile_config(config).levels) == 5
    assert config.escalation == ()


@settings(max_examples=15, deadline=None)
@given(authority_configs())
def test_a_drawn_config_loads_from_a_file(config: AuthorityConfig) -> None:
    """The JSON Schema check that files go through accepts them too."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{config.id}.json"
        path.write_text(json.dumps(config.model_dump(mode="json")), "utf-8")
        loaded = eh.load_authority(path)
    assert loaded.fingerprint == compile_config(config).fingerprint


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_classification_under_drawn_matrices_is_monotone_and_safe(data: st.DataObject) -> None:
    authority = data.draw(authorities(), label="authority")
    assessment = data.draw(assessments(authority), label="assessment")
    local = [lf.id for lf in authority.config.local_factors]
    extra = data.draw(st.sampled_from(VOCABULARY + local), label="extra")
    before = authority.classify(assessment)
    more = assessment.model_copy(
        update={"factors": (*assessment.factors, eh.FactorObservation(factor=extra))}
    )
    after = authority.classify(more)
    # adding a factor never lowers the level
    assert after.computed_level.rank >= before.computed_level.rank
    assert after.level.rank >= before.level.rank
    # a significant-harm factor always gives the section-47 response
    harm = data.draw(st.sampled_from(SIGNIFICANT), label="harm")
    with_harm = assessment.model_copy(
        update={"factors": (*assessment.factors, eh.FactorObservation(factor=harm))}
    )
    decided = authority.classify(with_harm)
    assert decided.computed_level.response is eh.Response.SECTION_47
    assert decided.response is eh.Response.SECTION_47
    # and the matrix explains itself
    assert before.reasons
    assert before.level in authority.levels


@settings(max_examples=10, deadline=None)
@given(st.from_type(AuthorityConfig), st.from_type(eh.Authority))
def test_from_type_gives_valid_configs_and_matrices(config, authority) -> None:
    assert compile_config(config).id == config.id
    assert isinstance(authority, eh.Authority)


@settings(max_examples=25, deadline=None)
@given(authorities())
def test_every_drawn_authority_keeps_the_invariants(authority) -> None:
    from earlyhelp_core.testing import check_authority

    assert check_authority(authority) == []
