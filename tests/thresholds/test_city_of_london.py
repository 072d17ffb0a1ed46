"""The City of London's config encodes what its sources state, and marks the rest as reading.

The City's own Thresholds of Need could not be read; its partnership includes the London
Continuum of Need matrix "for reference" (sources/threshold-documents/city-of-london.md). The
levels are that matrix's tiers, a reading; what the City's strategy (sources/003_...) says
about ages, the MARF and the lead professional is stated.
"""

from __future__ import annotations

import re

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from ..conftest import EXAMPLES, ROOT

STRATEGY = (ROOT / "sources" / "003_ad7a1e81f3700b97.txt").read_text(encoding="utf-8")
NOTES = (ROOT / "sources" / "threshold-documents" / "city-of-london.md").read_text(encoding="utf-8")
LONDON = (ROOT / "sources" / "threshold-documents" / "london-continuum.md").read_text(
    encoding="utf-8"
)


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("*", "")
    return re.sub(r"\s+", " ", text).lower()


def on_lines(phrase: str, first: int, last: int) -> bool:
    lines = STRATEGY.splitlines()[first - 1 : last]
    return norm(phrase) in norm(" ".join(lines))


@pytest.fixture(scope="module")
def city() -> eh.Authority:
    return eh.load_authority("city-of-london")


def _assessment(*factors: str, **changes: object) -> eh.Assessment:
    doc = {
        "kind": "early-help-assessment",
        "id": "EHA-CITY",
        "authority": "city-of-london",
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
        "factors": [{"factor": f} for f in factors],
        **changes,
    }
    return eh.Assessment.model_validate(doc)


def test_bundled_and_listed(capsys) -> None:
    assert "city-of-london" in eh.list_authorities()
    assert main(["authorities"]) == 0
    assert "city-of-london" in capsys.readouterr().out


def test_check_config_passes_and_prints_the_basis_counts(capsys) -> None:
    assert main(["check-config", str(ROOT / "configs" / "city-of-london.yaml")]) == 0
    out = capsys.readouterr().out
    assert ": ok: city-of-london" in out
    # no City level is stated: the City's own thresholds document was not read
    assert "stated/reading: levels 0/8" in out


def test_four_london_tiers_in_order(city) -> None:
    assert [(lv.id, lv.rank) for lv in city.levels] == [
        ("tier-1", 1),
        ("tier-2", 2),
        ("tier-3", 3),
        ("tier-4", 4),
    ]


@pytest.mark.parametrize(
    ("level", "words", "prevention", "response"),
    [
        ("tier-1", "can be met by universal services", "secondary", "universal"),
        (
            "tier-2",
            "a referral to children's social care is NOT required",
            "secondary",
            "multi-agency",
        ),
        ("tier-3", "A referral to children's social care is required", "tertiary", "section-17"),
        (
            "tier-4",
            "Require immediate referral to children's social care and/or the police",
            "tertiary",
            "section-47",
        ),
    ],
)
def test_each_tier_is_the_london_tier_in_its_words(
    city, level, words, prevention, response
) -> None:
    assert norm(words) in norm(LONDON)  # what the London matrix heading says (notes)
    lv = city.level(level)
    config = city.config.levels[lv.rank - 1]
    assert norm(words) in norm(config.description)
    assert (lv.prevention.value, lv.response.value) == (prevention, response)
    # the words are London's; that they are the City's levels is a reading
    assert (config.source.ref, config.source.basis) == ("london-continuum", "reading")
    assert "for reference" in config.source.section
    assert config.mapping_source is not None
    assert config.mapping_source.basis == "reading"


def test_the_city_holds_the_london_matrix_for_reference_only(city) -> None:
    assert "is included for reference" in NOTES
    sources = {s.id: s for s in city.config.sources}
    assert "for reference" in (sources["chscp-city-page"].note or "")
    assert "pending agreement" in (sources["london-continuum"].note or "")


def test_what_could_not_be_read_is_recorded(city) -> None:
    sources = {s.id: s for s in city.config.sources}
    thresholds = sources["city-thresholds-of-need"]
    assert thresholds.note is not None
    assert thresholds.note.startswith("NOT READ")
    for source in (
        "chscp-city-page",
        "city-referrals",
        "city-fis-safeguarding",
        "london-continuum",
    ):
        assert "NOT READ" in (sources[source].note or ""), source
    # nothing is cited from the unread document
    cited = {m.source.ref for m in city.config.factors.values()}
    cited |= {lv.source.ref for lv in city.config.levels}
    assert "city-thresholds-of-need" not in cited


def test_hackney_tiers_are_not_the_citys(city) -> None:
    assert "Tier 2A" in NOTES  # Hackney's model, in the notes as what is not the City's
    assert not any("2a" in lv.id or "2b" in lv.id for lv in city.levels)
    assert "Hackney tiers" in (city.config.note or "")


def test_prevention_is_a_reading_the_strategy_has_no_munro_levels(city) -> None:
    for word in ("primary prevention", "secondary prevention", "tertiary prevention"):
        assert word not in norm(STRATEGY)
    assert "Munroe" in STRATEGY  # cited once, for a different point
    for level in city.config.levels:
        assert level.mapping_source is not None
        assert level.mapping_source.ref in {"munro-bedford", "children-act-1989"}
        assert level.mapping_source.basis == "reading"


def test_same_london_tiers_translate_exactly_to_bromley(city) -> None:
    bromley = eh.load_authority("bromley")
    for level in city.levels:
        found = city.translate(level.id, to=bromley)
        assert found.exact, level.id
        assert [t.id for t in found.targets] == [level.id]


def test_children_to_18_stated_by_the_strategy(city) -> None:
    assert on_lines("Early Help services are provided for ages 0–18 years", 259, 259)
    param = city.config.parameters.child_age_max
    assert param.source is not None
    assert (param.value, param.source.ref, param.source.basis) == (18, "city-strategy", "stated")
    assert "l. 259" in param.source.section


def test_send_up_to_25_stated_by_the_strategy(city) -> None:
    assert on_lines("up to the age of 25 for young people with special educational needs", 19, 19)
    assert on_lines("(25 years for young people with S.E.N.D)", 259, 259)
    param = city.config.parameters.send_age_max
    assert param.source is not None
    assert (param.value, param.source.ref, param.source.basis) == (25, "city-strategy", "stated")
    assert "l. 19" in param.source.section
    assert "l. 259" in param.source.section
    # the proposal to work with all young adults to 25 is recorded, not encoded
    assert on_lines("considering working with young adults up to the age of 25", 259, 259)
    assert "not a commitment" in (param.note or "")


@pytest.mark.parametrize(("send", "finding"), [("ehc-plan", False), ("none", True)])
def test_a_24_year_old_is_in_range_only_with_send(city, send, finding) -> None:
    doc = _assessment(
        "special-educational-needs",
        family={
            "id": "F-1",
            "members": [{"id": "c1", "role": "child", "date_of_birth": "2000-01-10", "send": send}],
        },
    )
    assert ("EH011" in eh.validate(city, doc).codes) is finding


def test_tier_2_next_step_is_the_marf_and_a_named_lead_professional(city) -> None:
    assert on_lines("Early Help will provide the first point of call for agencies using", 206, 208)
    assert on_lines(
        "Every family referred to the Early Help service will have a named lead", 232, 232
    )
    tier2 = city.config.levels[1]
    assert tier2.next_step is not None
    text = tier2.next_step.text
    assert "Multi Agency Referral Form (MARF)" in text
    assert "named lead professional" in text
    assert "consent" in text
    source = tier2.next_step.source
    assert (source.ref, source.basis) == ("city-strategy", "stated")
    assert "l. 206-208" in source.section


def test_tier_4_next_step_calls_999_in_immediate_danger(city) -> None:
    assert "Call 999" in NOTES
    assert "call 999" in city.level("tier-4").next_step
    assert city.level("tier-4").next_step_source.startswith("city-referrals,")


@pytest.mark.parametrize(
    ("factor", "phrase", "lines"),
    [
        ("housing-need", "Families with significant housing needs", (25, 25)),
        (
            "parental-mental-health",
            "a parent/carer is experiencing mental health difficulties",
            (26, 26),
        ),
        (
            "special-educational-needs",
            "Special Educational Needs such as Autism Spectrum Disorder",
            (27, 27),
        ),
        ("emotional-wellbeing-concerns", "experiencing stress and anxiety", (28, 28)),
        ("behaviour-that-challenges", "living with conduct and behaviour disorders", (29, 29)),
        ("young-carer", "(young carers)", (30, 30)),
    ],
)
def test_needs_the_strategy_names_are_early_help(city, factor, phrase, lines) -> None:
    """The strategy names these as needs early help can address (l. 23-30) and places none
    at a level: tier 2 (early help) is the reading."""
    assert on_lines(phrase, *lines)
    mapping = city.config.factors[factor]
    assert mapping.level == "tier-2"
    assert (mapping.source.ref, mapping.source.basis) == ("city-strategy", "reading")


def test_no_mapping_claims_to_be_stated(city) -> None:
    # no City indicator was read; only the London matrix's own cells are stated
    assert all(m.source.basis == "reading" for m in city.config.factors.values())
    for cells in city.cells.values():
        assert all(c.source.startswith("london-continuum,") for c in cells)


def test_several_needs_raise_the_complex_multiple_needs_question(city) -> None:
    decision = city.classify(_assessment("housing-need", "young-carer", "parental-conflict"))
    assert decision.level.id == "tier-2"  # the level is not changed
    (item,) = decision.considerations
    assert item.id == "complex-multiple-needs"
    assert item.level == "tier-3"
    assert "complex multiple needs" in item.message
    assert (
        "EH036"
        in eh.validate(city, _assessment("housing-need", "young-carer", "parental-conflict")).codes
    )


def test_two_needs_raise_no_question(city) -> None:
    assert city.classify(_assessment("housing-need", "young-carer")).considerations == ()


def test_three_is_marked_as_this_configs_reading(city) -> None:
    (rule,) = city.config.considerations
    assert rule.source.basis == "reading"
    assert "three needs is this config's reading" in rule.source.section
    assert city.config.escalation == ()


def test_a_child_caught_up_in_domestic_abuse_is_not_told_no_referral(city) -> None:
    assert city.placements["child-domestic-abuse"].response >= eh.Response.SECTION_17


def test_every_significant_harm_factor_is_tier_4(city) -> None:
    for factor in eh.vocabulary.significant_harm():
        assert city.config.factors[factor.id].level == "tier-4"


def test_silent_parameters_say_so(city) -> None:
    params = city.config.parameters
    for name in (
        "review_interval_weeks",
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


def test_impact_scores_are_named_but_their_scale_is_not(city) -> None:
    assert on_lines("Team Around the Family review plans and impact scores", 270, 270)
    note = city.config.parameters.review_score_min.note or ""
    assert "impact scores" in note
    assert "l. 270" in note


def test_consent_and_the_decision_time_are_readings(city) -> None:
    consent = city.config.parameters.consent_required
    assert consent.source is not None
    assert (consent.value, consent.source.ref, consent.source.basis) == (
        True,
        "city-fis-safeguarding",
        "reading",
    )
    decision = city.config.parameters.referral_decision_working_days
    assert decision.source is not None
    assert (decision.value, decision.source.ref, decision.source.basis) == (
        1,
        "working-together",
        "reading",
    )


@pytest.mark.parametrize(
    ("example", "level"),
    [
        ("assessment-no-needs.yaml", "tier-1"),
        ("assessment-multi-agency.yaml", "tier-2"),
        ("assessment-significant-harm.yaml", "tier-4"),
    ],
)
def test_golden_examples(city, example, level) -> None:
    assert city.classify(eh.load_document(EXAMPLES / example)).level.id == level
