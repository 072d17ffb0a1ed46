"""The assessment rules, each: it fires on the case it is for and stays quiet otherwise."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.assessment.rules.ages import age_on
from earlyhelp_core.thresholds import Judgement

from ..thresholds.conftest import make_config
from .conftest import document


def assessment(fragment="") -> eh.Assessment:
    doc = document("early-help-assessment", fragment)
    assert isinstance(doc, eh.Assessment)
    return doc


GOOD = "recorded_level: {level: level-3, rationale: three needs across two domains}"


BUNDLED = [eh.load_authority(a) for a in ("bromley", "bedford")]


def _own_documents(authority: eh.Authority) -> set[str]:
    """The documents only this authority's config cites (its own strategy, not the
    national guidance both cite)."""

    def documents(a: eh.Authority) -> set[str]:
        return {s.where.split()[0] for s in a.config.sources}

    return documents(authority) - {
        d for other in BUNDLED if other.id != authority.id for d in documents(other)
    }


def _at_response(authority: eh.Authority, response: eh.Response) -> eh.Assessment:
    """An assessment that ``authority`` decides at its level with ``response``: a
    significant-harm factor for section 47, else that level recorded with a rationale."""
    if response is eh.Response.SECTION_47:
        harm = next(f.id for f in eh.vocabulary.factors() if f.significant_harm)
        return assessment(f"factors: [{{}}, {{factor: {harm}}}]\nrecorded_level: null")
    level = next(lv for lv in authority.levels if lv.response is response)
    return assessment(f"recorded_level: {{level: {level.id}, rationale: needs in every domain}}")


def found(authority, doc, code):
    return [f for f in eh.validate(authority, doc).findings if f.code == code]


def test_the_good_base_document_has_only_the_expected_finding(testshire) -> None:
    # three level-2 needs across two domains escalate to level-3 (section 17)
    assert eh.validate(testshire, assessment(GOOD)).codes == ("EH041",)


@pytest.fixture
def authority_with(tmp_path):
    def build(**params):
        cfg = make_config()
        for name, value in params.items():
            cfg["parameters"][name] = (
                {"value": None, "note": "silent"}
                if value is None
                else {"value": value, "source": cfg["levels"][0]["source"]}
            )
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
        return eh.load_authority(path)

    return build


# ---------------------------------------------------------------- consent


def test_eh001_consent_not_given(testshire, authority_with) -> None:
    doc = assessment("consent: {given: false, given_on: null, by: null}")
    (f,) = found(testshire, doc, "EH001")
    assert (f.path, f.severity) == (("consent", "given"), eh.Severity.ERROR)
    assert found(authority_with(consent_required=False), doc, "EH001") == []
    assert found(testshire, assessment(GOOD), "EH001") == []


def test_eh002_consent_after_assessment(testshire) -> None:
    (f,) = found(testshire, assessment("consent: {given_on: 2024-03-03}"), "EH002")
    assert f.message == "consent is dated 2 days after the assessment"
    assert found(testshire, assessment("consent: {given_on: 2024-03-01}"), "EH002") == []


def test_eh003_consent_undated_and_unnamed(testshire) -> None:
    fs = found(testshire, assessment("consent: {given_on: null, by: null}"), "EH003")
    assert sorted(f.message for f in fs) == [
        "consent does not say who gave it (`by`)",
        "consent has no date (`given_on`)",
    ]


# ---------------------------------------------------------------- ages


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2006, 3, 1), date(2024, 2, 29), 17),
        (date(2006, 3, 1), date(2024, 3, 1), 18),
        (date(2004, 2, 29), date(2022, 2, 28), 17),  # a leap-day birthday falls on 1 March
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
        (date(2024, 1, 1), date(2024, 1, 1), 0),
    ],
)
def test_age_on_counts_completed_years_across_leap_days(born, on, age) -> None:
    assert age_on(born, on) == age


def test_eh010_born_after_assessment(testshire) -> None:
    (f,) = found(testshire, assessment("family: {members: [{date_of_birth: 2024-03-02}]}"), "EH010")
    assert f.path == ("family", "members", 0, "date_of_birth")
    assert "2024" not in f.message


def test_eh010_born_on_the_assessment_day_is_not_after_it(testshire) -> None:
    same_day = assessment("family: {members: [{date_of_birth: 2024-03-01}]}")
    assert same_day.assessed_on == date(2024, 3, 1)
    assert found(testshire, same_day, "EH010") == []


@pytest.mark.parametrize(
    ("born", "send", "fires"),
    [
        ("2006-03-02", "none", False),  # 17 on 2024-03-01
        ("2006-03-01", "none", True),  # 18 that day
        ("2006-03-01", "sen-support", False),  # SEND: up to 25
        ("1999-03-02", "ehc-plan", False),  # 24
        ("1999-03-01", "ehc-plan", True),  # 25
    ],
)
def test_eh011_upper_age_with_and_without_send(testshire, born, send, fires) -> None:
    doc = assessment(f"family: {{members: [{{date_of_birth: {born}, send: {send}}}]}}")
    fs = found(testshire, doc, "EH011")
    assert bool(fs) is fires
    if fires:
        assert born[:4] not in fs[0].message


def test_eh012_unborn_date_passed(testshire) -> None:
    doc = assessment(
        "family: {members: [{}, {id: c2, role: unborn, date_of_birth: null, expected_on: 2024-02-29}]}"
    )
    (f,) = found(testshire, doc, "EH012")
    assert f.path == ("family", "members", 1, "expected_on")
    on_the_day = assessment(
        "family: {members: [{}, {id: c2, role: unborn, date_of_birth: null, expected_on: 2024-03-01}]}"
    )
    assert found(testshire, on_the_day, "EH012") == []


# ---------------------------------------------------------------- voice


def test_eh020_every_child_is_heard_but_not_the_unborn(testshire) -> None:
    base = assessment()
    only_c1 = base.model_copy(update={"voice": base.voice[:1]})
    (f,) = found(testshire, only_c1, "EH020")
    assert (f.input, f.path) == ("c2", ("family", "members", 1))
    unborn = assessment(
        "family: {members: [{}, {id: c2, role: unborn, date_of_birth: null, expected_on: 2024-05-01}]}"
    )
    unborn = unborn.model_copy(update={"voice": unborn.voice[:1]})
    assert found(testshire, unborn, "EH020") == []


def test_eh021_stale_voice_only_where_the_authority_sets_a_limit(testshire, authority_with) -> None:
    doc = assessment("voice: [{recorded_on: 2023-11-30}]")  # 92 days before 2024-03-01
    (f,) = found(testshire, doc, "EH021")
    assert f.message == "voice entry about 'c1' is 92 days old (limit 90)"
    assert found(authority_with(voice_max_age_days=None), doc, "EH021") == []
    assert found(testshire, assessment("voice: [{recorded_on: 2023-12-02}]"), "EH021") == []


def test_eh022_voice_after_assessment(testshire) -> None:
    (f,) = found(testshire, assessment("voice: [{recorded_on: 2024-03-02}]"), "EH022")
    assert f.path == ("voice", 0, "recorded_on")


# ---------------------------------------------------------------- recorded level


def test_eh030_unknown_level_suggests_the_nearest(testshire) -> None:
    (f,) = found(testshire, assessment("recorded_level: {level: levle-3}"), "EH030")
    assert f.hint == "did you mean 'level-3'?"
    (g,) = found(testshire, assessment("recorded_level: {level: tier-2}"), "EH030")
    assert g.hint == "levels: level-1, level-2, level-3, level-4"


def test_eh031_override_needs_a_rationale(testshire) -> None:
    (f,) = found(
        testshire, assessment("recorded_level: {level: level-4, rationale: null}"), "EH031"
    )
    assert "differs from the matrix's 'level-3'" in f.message
    assert (
        found(testshire, assessment("recorded_level: {level: level-4, rationale: why}"), "EH031")
        == []
    )
    assert (
        found(testshire, assessment("recorded_level: {level: level-3, rationale: null}"), "EH031")
        == []
    )


def test_eh031_a_lower_recorded_level_needs_a_rationale_too(testshire) -> None:
    lower = assessment("recorded_level: {level: level-2, rationale: null}")
    assert testshire.classify(lower).judgement is Judgement.LOWER
    (f,) = found(testshire, lower, "EH031")
    assert "recorded level 'level-2' differs from the matrix's 'level-3'" in f.message
    explained = assessment("recorded_level: {level: level-2, rationale: family now engaging}")
    assert found(testshire, explained, "EH031") == []


def test_eh031_a_level_below_the_safety_floor_needs_a_rationale(testshire) -> None:
    floor = assessment(
        "factors: [{factor: sexual-abuse}]\nrecorded_level: {level: level-1, rationale: null}"
    )
    assert testshire.classify(floor).judgement is Judgement.BELOW_SAFETY_FLOOR
    (f,) = found(testshire, floor, "EH031")
    assert "differs from the matrix's 'level-4'" in f.message


def test_eh032_below_the_safety_floor_is_an_error_and_not_applied(testshire) -> None:
    doc = assessment("factors: [{factor: sexual-abuse}]\nrecorded_level: {level: level-2}")
    report = eh.validate(testshire, doc)
    (f,) = [f for f in report.findings if f.code == "EH032"]
    assert f.severity is eh.Severity.ERROR
    assert "EH033" not in report.codes
    assert "EH040" in report.codes
    assert testshire.classify(doc).level.id == "level-4"


def test_eh033_lower_judgement_is_reported(testshire) -> None:
    (f,) = found(testshire, assessment("recorded_level: {level: level-2}"), "EH033")
    assert "the decision keeps 'level-3'" in f.message


@pytest.mark.parametrize("code", ["EH031", "EH033"])
def test_eh031_eh033_credit_working_together_only_with_what_it_says(code) -> None:
    # Working Together has safeguarding partners publish a threshold document (the early
    # help levels, the s17 and s47 criteria); it says nothing on recording the reasons for a
    # level that differs from it. The clause names the guidance and where it was read.
    (current,) = [r for r in eh.rules() if r.code == code]
    (clause,) = [c for c in current.citation.split(";") if "Working Together" in c]
    assert "threshold document" in clause
    assert "Working Together to Safeguard Children 2023" in clause
    assert "sources/README.md" in clause
    for claim in ("judgement", "reasons", "rationale", "replace"):
        assert claim not in clause


@pytest.mark.parametrize("authority", BUNDLED, ids=lambda a: a.id)
def test_eh031_eh033_cite_the_level_the_authority_gives(authority) -> None:
    lowest = authority.levels[0]
    lower = assessment(f"recorded_level: {{level: {lowest.id}, rationale: null}}")
    decision = authority.classify(lower)
    assert decision.judgement is Judgement.LOWER
    computed = decision.computed_level
    for code in ("EH031", "EH033"):
        (f,) = found(authority, lower, code)
        assert f"; {authority.id} level {computed.id!r}: {computed.source};" in f.citation
        for other in BUNDLED:
            if other.id != authority.id:
                for where in _own_documents(other):
                    assert where not in f.citation


# ---------------------------------------------------------------- statutory route


def test_eh040_section_47_points_at_the_factor(testshire) -> None:
    (f,) = found(testshire, assessment("factors: [{}, {factor: trafficking}]"), "EH040")
    assert f.path == ("factors", 1)
    assert f.severity is eh.Severity.ERROR


def test_eh040_section_47_from_a_recorded_level(testshire) -> None:
    (f,) = found(testshire, assessment("recorded_level: {level: level-4, rationale: why}"), "EH040")
    assert f.path == ("recorded_level",)


def test_eh041_section_17(testshire) -> None:
    (f,) = found(testshire, assessment(GOOD), "EH041")
    assert f.severity is eh.Severity.WARNING
    two_needs = assessment("factors: [{}, {factor: persistent-absence}, {factor: housing-need}]")
    assert found(testshire, two_needs, "EH041") == []


@pytest.mark.parametrize(
    ("code", "response"),
    [("EH040", eh.Response.SECTION_47), ("EH041", eh.Response.SECTION_17)],
)
@pytest.mark.parametrize("authority", BUNDLED, ids=lambda a: a.id)
def test_eh040_eh041_speak_in_the_words_of_the_authority_they_run_under(
    authority, code, response
) -> None:
    doc = _at_response(authority, response)
    level = authority.classify(doc).level
    assert level.response is response
    (f,) = found(authority, doc, code)
    # the level's own title and description, and the level's own source, from its config
    assert level.title in f.message
    assert level.description in f.message
    assert level.source in f.citation
    for other in BUNDLED:
        if other.id == authority.id:
            continue
        for lv in other.levels:
            assert lv.description not in f.message
        for where in _own_documents(other):
            assert where not in f.citation, f"{authority.id}'s {code} cites {other.id}'s {where}"
            assert where not in f.message


@pytest.mark.parametrize("code", ["EH040", "EH041"])
def test_eh040_eh041_hard_code_no_authority(code) -> None:
    (current,) = [r for r in eh.rules() if r.code == code]
    for authority in BUNDLED:
        for where in _own_documents(authority):
            assert where not in current.citation
        for lv in authority.levels:
            assert lv.description not in current.citation
            assert lv.description not in current.doc


def test_eh042_factor_noted_after_assessment(testshire) -> None:
    (f,) = found(testshire, assessment("factors: [{noted_on: 2024-03-02}]"), "EH042")
    assert f.input == "persistent-absence"


def test_eh042_a_factor_noted_on_the_assessment_day_is_not_after_it(testshire) -> None:
    assert found(testshire, assessment("factors: [{noted_on: 2024-03-01}]"), "EH042") == []


def test_eh043_another_authoritys_factor(testshire) -> None:
    (f,) = found(testshire, assessment("factors: [{}, {factor: 'otherton:x'}]"), "EH043")
    assert f.path == ("factors", 1, "factor")


# ---------------------------------------------------------------- supporting families


SCHOOL_AND_WORK = "factors: [{}, {factor: worklessness}, {factor: debt-or-financial-exclusion}]"  # with the example's persistent absence


def test_eh090_counts_bedfords_troubled_families_phase_2_problems() -> None:
    # Bedford's 2015-18 strategy records Troubled Families criteria: 2 of phase 2's 6 problems
    bedford = eh.load_authority("bedford")
    # absence, parental conflict, housing: one phase-2 problem (phase 2 had no housing headline)
    (f,) = found(bedford, assessment(), "EH090")
    assert f.message == (
        "the family's needs meet 1 of the 6 headline problems of Troubled Families phase 2 "
        "(2015-20) (not-attending-school-regularly); the programme requires 2"
    )
    # school and work: two phase-2 problems (and only two of the ten 2022 outcomes)
    assert found(bedford, assessment(SCHOOL_AND_WORK), "EH090") == []


def test_eh090_counts_bromleys_supporting_families_2022_outcomes() -> None:
    # Bromley's 2023 strategy names 'our Supporting Families programme': 3 of 2022's 10
    bromley = eh.load_authority("bromley")
    doc = assessment(
        "factors: [{}, {factor: low-level-attendance-issues}, {factor: debt-or-financial-exclusion}]"
    )
    (f,) = found(bromley, doc, "EH090")
    assert f.message == (
        "the family's needs meet 2 of the 10 headline outcomes of Supporting Families Outcome "
        "Framework 2022-25 (getting-a-good-education, financial-stability); "
        "the programme requires 3"
    )
    assert found(bromley, assessment(), "EH090") == []  # education, relationships, housing


def test_eh090_counts_against_the_framework_the_config_names(authority_with) -> None:
    doc = assessment(SCHOOL_AND_WORK)
    phase_2 = authority_with(
        supporting_families_framework="troubled-families-phase-2",
        supporting_families_min_headlines=2,
    )
    outcomes_2022 = authority_with(
        supporting_families_framework="supporting-families-2022",
        supporting_families_min_headlines=3,
    )
    assert found(phase_2, doc, "EH090") == []  # 2 of 2: school, work
    (f,) = found(outcomes_2022, doc, "EH090")  # 2 of 3: education, financial stability
    assert f.message == (
        "the family's needs meet 2 of the 10 headline outcomes of Supporting Families Outcome "
        "Framework 2022-25 (getting-a-good-education, financial-stability); "
        "the programme requires 3"
    )


def test_eh090_lists_none_when_no_headline_is_met(authority_with) -> None:
    phase_2 = authority_with(
        supporting_families_framework="troubled-families-phase-2",
        supporting_families_min_headlines=1,
    )
    doc = assessment("factors: [{factor: housing-need}]")
    (f,) = found(phase_2, doc, "EH090")
    assert f.message.startswith("the family's needs meet 0 of the 6 headline problems")
    assert "(none)" in f.message


def test_eh090_leaves_an_assessment_with_no_needs_alone() -> None:
    bromley = eh.load_authority("bromley")
    assert found(bromley, assessment("factors: []"), "EH090") == []
    other = "{factor: other-need}"
    (f,) = found(bromley, assessment(f"factors: [{other}, {other}, {other}]"), "EH090")
    assert "meet 0 of the 10 headline outcomes" in f.message


def test_bedford_and_bromley_name_their_framework_with_its_source() -> None:
    bedford = eh.load_authority("bedford").config.parameters
    bromley = eh.load_authority("bromley").config.parameters
    framework = eh.vocabulary.SupportingFamiliesFramework
    assert bedford.supporting_families_framework.value is framework.TROUBLED_FAMILIES_PHASE_2
    assert bedford.supporting_families_min_headlines.value == 2
    assert bromley.supporting_families_framework.value is framework.SUPPORTING_FAMILIES_2022
    assert bromley.supporting_families_min_headlines.value == 3
    for params in (bedford, bromley):
        chosen = params.supporting_families_framework.source
        least = params.supporting_families_min_headlines.source
        assert chosen is not None
        assert chosen.basis == "reading"  # neither strategy names the framework's edition
        assert least is not None
        assert least.ref == params.supporting_families_framework.value
        assert least.basis == "stated"
    bedford_source = bedford.supporting_families_framework.source
    bromley_source = bromley.supporting_families_framework.source
    assert bedford_source is not None
    assert bedford_source.ref == "bedford-strategy"
    assert "(l. 259)" in bedford_source.section
    assert bromley_source is not None
    assert bromley_source.ref == "bromley-strategy"
    assert "our Supporting Families programme" in bromley_source.section
    assert "(l. 1553)" in bromley_source.section


def test_eh030_finds_the_nearest_level_once_for_a_cohort(testshire, monkeypatch) -> None:
    import difflib

    from earlyhelp_core._located import _nearest

    calls = []
    real = difflib.get_close_matches

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    _nearest.cache_clear()  # whatever earlier tests asked
    docs = [assessment("recorded_level: {level: tier-9}") for _ in range(20)]
    hints = {f.hint for d in docs for f in eh.validate(testshire, d).findings if f.code == "EH030"}
    assert hints == {"levels: level-1, level-2, level-3, level-4"}
    assert calls.count("tier-9") == 1
    other = eh.validate(testshire, assessment("recorded_level: {level: levle-4}"))
    (f,) = (f for f in other.findings if f.code == "EH030")
    assert f.hint == "did you mean 'level-4'?"  # a different word is its own answer
