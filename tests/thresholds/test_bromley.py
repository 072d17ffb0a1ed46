"""Bromley's config encodes what its Early Help Strategy states (sources/001_...)."""

from __future__ import annotations

import re

import pytest

import earlyhelp_core as eh

from ..conftest import EXAMPLES, ROOT

STRATEGY = (ROOT / "sources" / "001_a91837fca6d6ef15.txt").read_text(encoding="utf-8")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


@pytest.mark.parametrize(
    ("level", "words"),
    [
        (
            "tier-1",
            "whose health and developmental needs can be met by universal services",
        ),
        ("tier-2", "a referral to children’s social care is NOT required"),
        (
            "tier-3",
            "Children with complex multiple needs who need statutory and specialist services",
        ),
        ("tier-4", "require immediate referral to children’s social care and/or the police"),
    ],
)
def test_each_tier_uses_the_strategy_words(bromley, level, words) -> None:
    assert norm(words) in norm(STRATEGY)
    described = norm(bromley.config.levels[bromley.level(level).rank - 1].description).replace(
        "'", "’"
    )
    assert norm(words) in described
    assert bromley.level(level).source.startswith("bromley-strategy")


def test_four_tiers_in_order(bromley) -> None:
    assert [(lv.id, lv.rank) for lv in bromley.levels] == [
        ("tier-1", 1),
        ("tier-2", 2),
        ("tier-3", 3),
        ("tier-4", 4),
    ]


def test_tier_1_is_universal_services(bromley) -> None:
    assert bromley.level("tier-1").response is eh.Response.UNIVERSAL


def test_tier_2_is_early_help_without_a_social_care_referral(bromley) -> None:
    assert bromley.level("tier-2").response < eh.Response.SECTION_17


def test_tier_3_requires_a_referral_to_childrens_social_care(bromley) -> None:
    assert bromley.level("tier-3").response is eh.Response.SECTION_17


def test_tier_4_is_immediate_referral_to_social_care_or_police(bromley) -> None:
    assert bromley.level("tier-4").response is eh.Response.SECTION_47


def test_prevention_levels_are_marked_as_a_reading(bromley) -> None:
    # the strategy does not use Munro's levels; the config says where they come from
    for level in bromley.config.levels:
        assert level.mapping_source is not None
        assert level.mapping_source.basis == "reading"


def test_children_from_birth_to_18(bromley) -> None:
    assert "aged from birth to 18" in norm(STRATEGY)
    param = bromley.config.parameters.child_age_max
    assert (param.value, param.source.basis) == (18, "stated")


def test_silent_parameters_say_so(bromley) -> None:
    params = bromley.config.parameters
    for name in ("review_interval_weeks", "referral_feedback_hours", "no_further_action_allowed"):
        param = getattr(params, name)
        assert param.value is None, name
        assert param.note, name


def test_complex_multiple_needs_count_is_not_invented(bromley) -> None:
    assert "complex multiple needs" in norm(STRATEGY)
    assert bromley.config.escalation == ()
    assert "escalation" in norm(bromley.config.note or "")


def test_every_significant_harm_factor_is_tier_4(bromley) -> None:
    for factor in eh.vocabulary.significant_harm():
        assert bromley.config.factors[factor.id].level == "tier-4"


@pytest.mark.parametrize(
    ("example", "level", "computed"),
    [
        ("assessment-no-needs.yaml", "tier-1", "tier-1"),
        ("assessment-multi-agency.yaml", "tier-2", "tier-2"),
        ("assessment-send-unborn.yaml", "tier-2", "tier-2"),
        # the practitioner records tier 3: judgement raises the decision
        ("assessment-complex-needs.yaml", "tier-3", "tier-2"),
        ("assessment-significant-harm.yaml", "tier-4", "tier-4"),
    ],
)
def test_golden_examples(bromley, example, level, computed) -> None:
    d = bromley.classify(eh.load_document(EXAMPLES / example))
    assert (d.level.id, d.computed_level.id) == (level, computed)


def test_translate_to_bedford(bromley) -> None:
    bedford = eh.load_authority("bedford")
    t4 = bromley.translate("tier-4", to=bedford)
    assert (t4.exact, [t.id for t in t4.targets]) == (True, ["child-protection"])
    t3 = bromley.translate("tier-3", to=bedford)
    assert [t.id for t in t3.targets] == ["child-in-need"]
    t2 = bromley.translate("tier-2", to=bedford)
    assert not t2.exact
    assert t2.explanation
