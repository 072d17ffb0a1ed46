"""Bedford Borough's config encodes what its Early Help Strategy 2015-18 states (sources/002...)."""

from __future__ import annotations

import re

import pytest

import earlyhelp_core as eh

from ..conftest import EXAMPLES, ROOT

STRATEGY = (ROOT / "sources" / "002_5690c2041d93ffbe.txt").read_text(encoding="utf-8")


def says(phrase: str) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", s).lower()  # noqa: E731
    return norm(phrase) in norm(STRATEGY)


@pytest.fixture(scope="module")
def bedford() -> eh.Authority:
    return eh.load_authority("bedford")


@pytest.mark.parametrize(
    ("level", "prevention", "response", "strategy_says"),
    [
        ("community", "primary", "universal", "Primary Prevention"),
        ("universal", "secondary", "universal", "Secondary Prevention"),
        ("universal-plus", "secondary", "single-agency", "Single agency response"),
        ("targeted-early-help", "tertiary", "multi-agency", "Tertiary Prevention"),
        ("child-in-need", "tertiary", "section-17", "statutory services"),
        ("child-protection", "tertiary", "section-47", "section 47 of the Children Act 1989"),
    ],
)
def test_levels_follow_the_munro_table(bedford, level, prevention, response, strategy_says) -> None:
    assert says(strategy_says)
    lv = bedford.level(level)
    assert (lv.prevention.value, lv.response.value) == (prevention, response)


def test_levels_are_in_the_strategy_order(bedford) -> None:
    assert [lv.id for lv in bedford.levels] == [
        "community",
        "universal",
        "universal-plus",
        "targeted-early-help",
        "child-in-need",
        "child-protection",
    ]


# §8.2 "What's happening for these families?", in the strategy's words
INDICATORS = [
    ("Special Educational Need and or Disability", "special-educational-needs", "universal-plus"),
    ("Low level attendance issues", "low-level-attendance-issues", "universal-plus"),
    ("Potential/risk of being NEET", "risk-of-neet", "universal-plus"),
    ("Low level health needs", "low-level-health-needs", "universal-plus"),
    ("Risk of substance misuse or domestic violence", "risk-of-substance-misuse", "universal-plus"),
    ("Risk of substance misuse or domestic violence", "risk-of-domestic-abuse", "universal-plus"),
    ("School exclusion or persistent absence", "school-exclusion", "targeted-early-help"),
    ("School exclusion or persistent absence", "persistent-absence", "targeted-early-help"),
    ("Disability/SEN", "complex-send", "targeted-early-help"),
    ("Chronic health needs", "child-physical-disability-or-illness", "targeted-early-help"),
    ("Offending", "offending", "targeted-early-help"),
    ("Substance misuse", "child-drug-misuse", "targeted-early-help"),
    ("Substance misuse", "child-alcohol-misuse", "targeted-early-help"),
    ("Mental health concerns", "child-mental-health", "targeted-early-help"),
]


@pytest.mark.parametrize(("phrase", "factor", "level"), INDICATORS)
def test_each_indicator_maps_to_the_offer_that_names_it(bedford, phrase, factor, level) -> None:
    assert says(phrase)
    mapping = bedford.config.factors[factor]
    assert mapping.level == level
    assert (mapping.source.ref, mapping.source.basis) == ("bedford-strategy", "stated")


def test_referrer_told_the_outcome_within_24_hours(bedford) -> None:
    assert says("informed of the outcome of their referral for Early Help within 24 hrs")
    param = bedford.config.parameters.referral_feedback_hours
    assert (param.value, param.source.basis) == (24, "stated")


def test_no_referral_ends_in_no_further_action(bedford) -> None:
    assert says("No referral into MASH will receive a 'no further action' outcome")
    param = bedford.config.parameters.no_further_action_allowed
    assert (param.value, param.source.basis) == (False, "stated")


def test_escalation_counts_are_not_invented(bedford) -> None:
    assert bedford.config.escalation == ()
    assert "escalation" in (bedford.config.note or "").lower()


def test_every_significant_harm_factor_is_child_protection(bedford) -> None:
    for factor in eh.vocabulary.significant_harm():
        assert bedford.config.factors[factor.id].level == "child-protection"


@pytest.mark.parametrize(
    ("example", "level"),
    [
        ("assessment-no-needs.yaml", "community"),
        ("assessment-single-agency.yaml", "universal-plus"),
        ("assessment-significant-harm.yaml", "child-protection"),
    ],
)
def test_golden_examples(bedford, example, level) -> None:
    doc = eh.load_document(EXAMPLES / example)
    assert bedford.classify(doc).level.id == level
