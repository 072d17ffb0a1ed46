"""Gloucestershire's config encodes the GSCP Levels of Intervention as the council's pages
state them (sources/threshold-documents/gloucestershire.md), the Offer of Early Help
(sources/004_...) for what it says, and records where the pages disagree.
"""

from __future__ import annotations

import re

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import main
from earlyhelp_core.thresholds import ReasonKind

from ..conftest import EXAMPLES, ROOT

OFFER = (ROOT / "sources" / "004_68220bc6fbd93d19.txt").read_text(encoding="utf-8")
NOTES = (ROOT / "sources" / "threshold-documents" / "gloucestershire.md").read_text(
    encoding="utf-8"
)


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("*", "")
    return re.sub(r"\s+", " ", text).lower()


def in_notes(phrase: str) -> bool:
    return norm(phrase) in norm(NOTES)


def offer_line(n: int) -> str:
    return norm(OFFER.splitlines()[n - 1])


@pytest.fixture(scope="module")
def glos() -> eh.Authority:
    return eh.load_authority("gloucestershire")


def _assessment(*factors: str | dict[str, str]) -> eh.Assessment:
    return eh.Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": "EHA-GLOS",
            "authority": "gloucestershire",
            "assessed_on": "2024-03-01",
            "assessor": {"name": "A Practitioner", "agency": "School", "role": "teacher"},
            "consent": {"given": True, "given_on": "2024-03-01"},
            "family": {
                "id": "F-1",
                "members": [
                    {"id": "c1", "role": "child", "date_of_birth": "2014-01-10"},
                    {"id": "p1", "role": "parent", "date_of_birth": "1985-05-05"},
                ],
            },
            "factors": [f if isinstance(f, dict) else {"factor": f} for f in factors],
        }
    )


def test_bundled_and_listed(capsys) -> None:
    assert "gloucestershire" in eh.list_authorities()
    assert main(["authorities"]) == 0
    assert "gloucestershire" in capsys.readouterr().out


def test_check_config_passes_and_prints_the_basis_counts(capsys) -> None:
    assert main(["check-config", str(ROOT / "configs" / "gloucestershire.yaml")]) == 0
    out = capsys.readouterr().out
    assert ": ok: gloucestershire" in out
    # three of the guidance's levels are stated; the split of level 4 and every
    # prevention level are readings
    assert "stated/reading: levels 3/7" in out


def test_the_four_levels_with_level_4_split_in_two(glos) -> None:
    assert in_notes("four levels: 1. Universal; 2. additional; 3. intensive; and 4. specialist")
    assert [(lv.id, lv.rank) for lv in glos.levels] == [
        ("universal", 1),
        ("additional", 2),
        ("intensive", 3),
        ("specialist", 4),
        ("specialist-child-protection", 5),
    ]
    assert [lv.title.split(" ")[1] for lv in glos.levels] == ["1", "2", "3", "4", "4"]


@pytest.mark.parametrize(
    ("level", "words", "prevention", "response"),
    [
        ("universal", "Children with no additional needs (universal)", "secondary", "universal"),
        (
            "universal",
            "needs are being met through universal service, no Plan needed",
            "secondary",
            "universal",
        ),
        (
            "additional",
            "additional needs identified and met through a graduated response (My Plan)",
            "secondary",
            "single-agency",
        ),
        ("additional", "either single or multi-agency", "secondary", "single-agency"),
        ("intensive", "more complex additional needs", "tertiary", "multi-agency"),
        ("intensive", "range, depth or significance", "tertiary", "multi-agency"),
    ],
)
def test_levels_1_to_3_in_the_guidance_words(glos, level, words, prevention, response) -> None:
    assert in_notes(words)
    lv = glos.level(level)
    config = glos.config.levels[lv.rank - 1]
    assert norm(words) in norm(config.description)
    assert (lv.prevention.value, lv.response.value) == (prevention, response)
    assert config.source.basis == "stated"
    assert config.mapping_source is not None
    assert config.mapping_source.basis == "reading"  # no source uses Munro's levels


def test_plans_of_the_pathway_name_the_levels(glos) -> None:
    assert "My Plan" in glos.level("additional").title
    assert "My Assessment" in glos.level("intensive").title
    assert "My Plan+" in glos.level("intensive").title
    assert "Multi-agency approach" in glos.config.levels[2].source.section


def test_level_4_is_statutory_and_its_split_is_a_reading(glos) -> None:
    assert in_notes("Specialist interventions involving statutory and planning")
    specialist, protection = glos.config.levels[3], glos.config.levels[4]
    assert (specialist.response, protection.response) == (
        eh.Response.SECTION_17,
        eh.Response.SECTION_47,
    )
    for level in (specialist, protection):
        assert level.source.basis == "reading"
        assert "split" in level.source.section
        assert level.prevention is eh.PreventionLevel.TERTIARY
    assert "LEVEL 4 SPLIT" in (glos.config.note or "")


def test_may_be_required_is_used_and_is_required_is_recorded(glos) -> None:
    assert in_notes("a statutory response may be required")
    assert in_notes("a statutory response is required")
    specialist = glos.config.levels[3]
    assert "a statutory response may be required" in specialist.description
    assert "'is required'" in (specialist.note or "")
    assert "would be considered" in (specialist.note or "")


def test_level_4_goes_to_the_front_door_on_a_marf_and_the_conflict_is_recorded(glos) -> None:
    assert in_notes("Children's Single Point of Access (C-SPA)")
    assert in_notes("Multi Agency Safeguarding Hub (MASH)")
    step = glos.config.levels[3].next_step
    assert step is not None
    assert "Multi-Agency Referral Form (MARF)" in step.text
    assert "Children's Single Point of Access (C-SPA)" in step.text
    assert "EHC needs assessment" in step.text
    assert "each stage of the Graduated Pathway" in step.text
    assert (step.source.ref, step.source.basis) == ("gcc-graduated-pathway", "stated")
    assert "Multi Agency Safeguarding Hub (MASH)" in (step.note or "")
    assert "MASH" in glos.level("specialist-child-protection").next_step


def test_consent_exception_for_a_child_at_risk(glos) -> None:
    assert in_notes("would place the child at increased risk of significant harm")
    step = glos.level("specialist-child-protection").next_step
    assert "unless that would place the child at increased risk of significant harm" in step


def test_each_level_has_its_next_step_from_the_pages(glos) -> None:
    for level in glos.levels:
        assert level.next_step_source is not None, level.id
        assert level.next_step_source.endswith("(stated)"), level.id
    assert "every 6 weeks" in glos.level("additional").next_step
    assert "Notification Form" in glos.level("intensive").next_step


def test_review_interval_is_the_guidance_6_weeks_and_termly_is_recorded(glos) -> None:
    assert in_notes("reviewed on a 6-weekly cycle")
    param = glos.config.parameters.review_interval_weeks
    assert param.source is not None
    assert (param.value, param.source.ref) == (6, "gcc-graduated-pathway")
    assert "6-weekly cycle" in param.source.section
    # stated for My Plan only; applied to every plan, so a reading
    assert param.source.basis == "reading"
    assert "'termly'" in (param.note or "")
    assert "at regular intervals" in (param.note or "")


def test_no_decision_time_is_invented_from_the_front_door_ratings(glos) -> None:
    assert in_notes("within 4 hours")
    assert in_notes("up to 72 hours")
    param = glos.config.parameters.referral_decision_working_days
    assert param.value is None
    assert "72 hours" in (param.note or "")
    assert "4 hours" in (param.note or "")
    assert "EH074" in {n.code for n in eh.rules_not_run(glos)}


def test_consent_is_required_as_the_pages_state(glos) -> None:
    assert "Early Help support is voluntary" in OFFER
    param = glos.config.parameters.consent_required
    assert param.source is not None
    assert (param.value, param.source.basis) == (True, "stated")
    assert "is required" in param.source.section


def test_ages_are_national_readings(glos) -> None:
    assert not re.search(r"\b(18|25)\b", OFFER)  # the Offer gives no age
    params = glos.config.parameters
    for name, value in (("child_age_max", 18), ("send_age_max", 25)):
        param = getattr(params, name)
        assert param.source is not None
        assert (param.value, param.source.ref, param.source.basis) == (
            value,
            "ages-and-definitions",
            "reading",
        )


def test_silent_parameters_say_so(glos) -> None:
    params = glos.config.parameters
    for name in (
        "referral_feedback_hours",
        "no_further_action_allowed",
        "voice_max_age_days",
        "review_score_min",
        "review_score_max",
        "supporting_families_framework",
        "supporting_families_min_headlines",
    ):
        param = getattr(params, name)
        assert param.value is None, name
        assert param.note, name


def test_the_guidance_body_is_recorded_as_not_read(glos) -> None:
    sources = {s.id: s for s in glos.config.sources}
    guidance = sources["gscp-levels-of-intervention"]
    assert "V7 DEC 2021" in (guidance.note or "")
    assert "NOT READ" in (guidance.note or "")
    assert "indicators" in (guidance.note or "")
    assert "NOT READ" in (glos.config.note or "")
    assert str(glos.config.effective_from) == "2021-12-01"
    # no factor claims the guidance states its level
    assert all(m.source.basis == "reading" for m in glos.config.factors.values())


def test_the_offer_is_cited_for_what_it_says(glos) -> None:
    assert "emerging parental mental health issues or drug and alcohol misuse" in offer_line(13)
    assert "has returned home to their family from care" in offer_line(13)
    assert "graduated pathway of early help and support" in offer_line(18)
    factors = glos.config.factors
    for factor, line in (
        ("emerging-parental-substance-misuse", "l. 13"),
        ("returning-home-from-care", "l. 13"),
        ("other-need", "l. 18"),
    ):
        assert factors[factor].source.ref == "gloucestershire-offer", factor
        assert line in factors[factor].source.section, factor
    # the Offer names no levels
    for name in ("Universal", "Intensive", "Specialist", "My Plan"):
        assert name not in OFFER


def test_an_ehc_plan_is_level_4_and_complex_send_defaults_to_intensive(glos) -> None:
    cells = {c.level: c for c in glos.cells["complex-send"]}
    assert set(cells) == {"intensive", "specialist"}
    assert cells["specialist"].source.endswith("(stated)")
    assert cells["intensive"].source.endswith("(reading)")
    assert glos.classify(_assessment("complex-send")).level.id == "intensive"
    named = glos.classify(_assessment({"factor": "complex-send", "cell": "specialist"}))
    assert named.level.id == "specialist"
    assert named.reasons[0].kind is ReasonKind.CELL


def test_several_additional_needs_ask_about_a_my_assessment(glos) -> None:
    doc = _assessment("housing-need", "young-carer", "parental-conflict")
    decision = glos.classify(doc)
    assert decision.level.id == "additional"  # the level is not changed
    (item,) = decision.considerations
    assert (item.id, item.level) == ("range-of-needs", "intensive")
    assert "range, depth or significance" in item.message
    assert "EH036" in eh.validate(glos, doc).codes


def test_the_five_needs_family_is_asked_about_a_statutory_response(glos) -> None:
    doc = _assessment(
        "parental-drug-misuse",
        "household-domestic-abuse",
        "parental-mental-health",
        "basic-care-not-consistently-met",
        "inadequate-supervision-or-home-safety",
    )
    decision = glos.classify(doc)
    assert decision.level.id == "intensive"
    (item,) = decision.considerations
    assert (item.id, item.level) == ("complex-and-enduring-needs", "specialist")
    assert "a statutory response may be required" in item.message
    assert set(item.factors) == {
        "parental-drug-misuse",
        "household-domestic-abuse",
        "basic-care-not-consistently-met",
    }


def test_two_needs_raise_no_question(glos) -> None:
    assert glos.classify(_assessment("housing-need", "young-carer")).considerations == ()


def test_counts_are_not_invented(glos) -> None:
    assert glos.config.escalation == ()
    for rule in glos.config.considerations:
        assert rule.source.basis == "reading"
        assert "three needs is this config's reading" in rule.source.section


def test_every_significant_harm_factor_is_the_child_protection_level(glos) -> None:
    for factor in eh.vocabulary.significant_harm():
        assert glos.config.factors[factor.id].level == "specialist-child-protection"


def test_children_needing_statutory_social_care_are_specialist(glos) -> None:
    for factor in ("unaccompanied-asylum-seeking-child", "child-domestic-abuse"):
        assert glos.placements[factor].id == "specialist", factor


@pytest.mark.parametrize(
    ("example", "level"),
    [
        ("assessment-no-needs.yaml", "universal"),
        ("assessment-significant-harm.yaml", "specialist-child-protection"),
    ],
)
def test_golden_examples(glos, example, level) -> None:
    assert glos.classify(eh.load_document(EXAMPLES / example)).level.id == level


def test_translate_to_bedford_is_exact_at_every_level(glos) -> None:
    bedford = eh.load_authority("bedford")
    expected = {
        "universal": "universal",
        "additional": "universal-plus",
        "intensive": "targeted-early-help",
        "specialist": "child-in-need",
        "specialist-child-protection": "child-protection",
    }
    for level, target in expected.items():
        found = glos.translate(level, to=bedford)
        assert found.exact, level
        assert [t.id for t in found.targets] == [target]
