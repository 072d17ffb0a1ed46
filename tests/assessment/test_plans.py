"""Team-around-the-family plan rules (EH050-EH069)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings

import earlyhelp_core as eh
from earlyhelp_core.testing import plans

from ..thresholds.conftest import make_config
from .conftest import document

PLAN_RULES = {r.code: r for r in eh.rules() if "EH050" <= r.code <= "EH069"}

SEVERITY = {
    "EH050": "error",
    "EH051": "error",
    "EH052": "error",
    "EH053": "warning",
    "EH054": "warning",
    "EH055": "error",
    "EH056": "error",
    "EH057": "error",
    "EH058": "error",
    "EH059": "warning",
    "EH060": "error",
    "EH061": "warning",
    "EH062": "error",
    "EH063": "error",
    "EH064": "warning",
    "EH065": "error",
    "EH066": "warning",
    "EH067": "warning",
}


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


@pytest.fixture(scope="module")
def silent(tmp_path_factory) -> eh.Authority:
    """Testshire, except that its sources are silent on review intervals and scores."""
    cfg = make_config()
    unset = {"value": None, "note": "the sources are silent"}
    for name in ("review_interval_weeks", "review_score_min", "review_score_max"):
        cfg["parameters"][name] = unset
    path = tmp_path_factory.mktemp("cfg") / "silent.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


@pytest.fixture(scope="module")
def followed() -> eh.Assessment:
    """The assessment the example plan follows (examples/assessment-multi-agency.yaml)."""
    a = document("early-help-assessment")
    assert isinstance(a, eh.Assessment)
    return a


def found(report: eh.Report, code: str) -> list[eh.Finding]:
    return [f for f in report.findings if f.code == code]


def one(report: eh.Report, code: str) -> eh.Finding:
    hits = found(report, code)
    assert len(hits) == 1, (code, report.codes)
    return hits[0]


def plan_codes(report: eh.Report) -> list[str]:
    return [c for c in report.codes if c in PLAN_RULES]


# --------------------------------------------------------------------------- metadata


def test_the_plan_rules_are_registered() -> None:
    assert set(PLAN_RULES) == set(SEVERITY)


@pytest.mark.parametrize("code", sorted(SEVERITY))
def test_metadata(code: str) -> None:
    r = PLAN_RULES[code]
    assert r.severity.value == SEVERITY[code]
    assert r.kinds == ("plan",)
    assert "sources/" in r.citation
    assert r.what
    assert r.why
    assert r.example


@pytest.mark.parametrize(
    ("code", "reads"),
    [
        ("EH054", ("review_interval_weeks",)),
        ("EH059", ("review_interval_weeks",)),
        ("EH055", ("review_score_min", "review_score_max")),
        ("EH064", ("review_score_min", "review_score_max")),
    ],
)
def test_rules_declare_the_parameters_they_read(code: str, reads: tuple[str, ...]) -> None:
    assert PLAN_RULES[code].reads == reads


@pytest.mark.parametrize("code", sorted(SEVERITY))
def test_every_example_fails_under_testshire(code: str, testshire, followed) -> None:
    report = eh.validate(testshire, document("plan", PLAN_RULES[code].example), assessment=followed)
    assert code in report.codes


# --------------------------------------------------------------------------- good documents


@pytest.mark.parametrize("name", ["testshire", "bromley", "silent"])
def test_the_example_plan_has_no_plan_findings(name: str, request, followed) -> None:
    authority = request.getfixturevalue(name)
    plan = document("plan")
    assert plan_codes(eh.validate(authority, plan)) == []
    assert plan_codes(eh.validate(authority, plan, assessment=followed)) == []


def test_the_bundled_example_file_is_clean(bromley, followed) -> None:
    plan = eh.load_document("examples/plan-team-around-the-family.yaml")
    report = eh.validate(bromley, plan, assessment=followed)
    assert report.ok
    assert plan_codes(report) == []


# --------------------------------------------------------------------------- EH050


def test_eh050_no_lead_professional(testshire, bromley) -> None:
    plan = document("plan", "lead_professional: null")
    for authority in (testshire, bromley):
        f = one(eh.validate(authority, plan), "EH050")
        assert f.path == ("lead_professional",)
        assert f.severity is eh.Severity.ERROR
        assert "lead professional" in f.message
        assert f.hint


def test_eh050_a_named_lead_professional_passes(testshire) -> None:
    plan = document("plan", {"lead_professional": {"name": "E. Worker"}})
    assert "EH050" not in eh.validate(testshire, plan).codes


# --------------------------------------------------------------------------- EH051


def test_eh051_outcome_with_no_factor(testshire) -> None:
    plan = document("plan", {"outcomes": [{}, {"addresses": []}]})
    f = one(eh.validate(testshire, plan), "EH051")
    assert f.path == ("outcomes", 1, "addresses")
    assert "'calmer-home'" in f.message
    assert f.input == "calmer-home"
    assert f.severity is eh.Severity.ERROR


def test_eh051_outcomes_with_factors_pass(testshire) -> None:
    assert "EH051" not in eh.validate(testshire, document("plan")).codes


# --------------------------------------------------------------------------- EH052


def test_eh052_factor_the_assessment_did_not_record(testshire, followed) -> None:
    plan = document("plan", {"outcomes": [{"addresses": ["persistent-absence", "neglect"]}]})
    f = one(eh.validate(testshire, plan, assessment=followed), "EH052")
    assert f.path == ("outcomes", 0, "addresses", 1)
    assert f.input == "neglect"
    assert "'neglect'" in f.message
    assert "EHA-2024-0103" in f.message
    assert "persistent-absence" in (f.hint or "")


def test_eh052_needs_the_assessment(testshire) -> None:
    plan = document("plan", {"outcomes": [{"addresses": ["neglect"]}], "reviews": []})
    assert "EH052" not in eh.validate(testshire, plan).codes


def test_eh052_factors_the_assessment_recorded_pass(testshire, followed) -> None:
    assert "EH052" not in eh.validate(testshire, document("plan"), assessment=followed).codes


def test_eh052_an_assessment_with_no_factors(testshire) -> None:
    bare = document("early-help-assessment", {"factors": []})
    f = found(eh.validate(testshire, document("plan"), assessment=bare), "EH052")
    assert len(f) == 3
    assert "none" in (f[0].hint or "")


# --------------------------------------------------------------------------- EH053


def test_eh053_one_hit_per_outcome_naming_missing_keys(testshire) -> None:
    plan = document(
        "plan",
        {"outcomes": [{"baseline": None, "by": None}, {}, {"measure": None, "target": None}]},
    )
    hits = found(eh.validate(testshire, plan), "EH053")
    assert [f.path for f in hits] == [("outcomes", 0), ("outcomes", 2)]
    assert "`baseline`, `by`" in hits[0].message
    assert "measure" not in hits[0].message
    assert "`measure`, `target`" in hits[1].message
    assert hits[1].input == "housing"
    assert all(f.severity is eh.Severity.WARNING for f in hits)


def test_eh053_zero_is_a_baseline_but_blank_words_are_not(testshire) -> None:
    assert (
        "EH053"
        not in eh.validate(testshire, document("plan", {"outcomes": [{"baseline": 0}]})).codes
    )
    plan = document("plan", {"outcomes": [{"measure": "   "}]})
    assert "`measure`" in one(eh.validate(testshire, plan), "EH053").message


def test_eh053_measurable_outcomes_pass(testshire) -> None:
    assert "EH053" not in eh.validate(testshire, document("plan")).codes


# --------------------------------------------------------------------------- EH054


def test_eh054_gap_between_reviews(testshire) -> None:
    plan = document(
        "plan",
        {
            "reviews": [
                {},
                {"held_on": "2024-09-06", "next_review_on": None},
            ]
        },
    )
    f = one(eh.validate(testshire, plan), "EH054")
    assert f.path == ("reviews", 1, "held_on")
    assert f.input == 140
    assert "after reviews[0]" in f.message
    assert "12-week" in f.message
    assert f.severity is eh.Severity.WARNING


def test_eh054_first_review_late(testshire) -> None:
    plan = document("plan", {"started_on": "2024-01-05"})
    f = one(eh.validate(testshire, plan), "EH054")
    assert f.path == ("reviews", 0, "held_on")
    assert f.input == 105
    assert "after the plan started" in f.message


def test_eh054_exactly_the_interval_is_not_overdue(testshire) -> None:
    plan = document("plan", {"started_on": "2024-01-26"})  # 84 days = 12 weeks
    assert "EH054" not in eh.validate(testshire, plan).codes


def test_eh054_reviews_are_taken_in_date_order(testshire) -> None:
    plan = document(
        "plan",
        {
            "reviews": [
                {"held_on": "2024-08-30", "next_review_on": "2024-10-04"},
                {"held_on": "2024-06-07", "next_review_on": "2024-08-30"},
            ]
        },
    )
    f = one(eh.validate(testshire, plan), "EH054")
    assert f.path == ("reviews", 1, "held_on")  # 91 days after the start; then 84 days


def test_eh054_no_review_yet_is_not_judged(testshire) -> None:
    assert "EH054" not in eh.validate(testshire, document("plan", {"reviews": []})).codes


def test_eh054_silent_authority(bromley, silent) -> None:
    plan = document("plan", {"started_on": "2024-01-05"})
    assert "EH054" not in eh.validate(bromley, plan).codes
    assert "EH054" not in eh.validate(silent, plan).codes


# --------------------------------------------------------------------------- EH055


@pytest.mark.parametrize("score", [0, 11, -3])
def test_eh055_score_off_the_scale(score: int, testshire) -> None:
    plan = document("plan", {"reviews": [{}, {"scores": {"housing": score}}]})
    f = one(eh.validate(testshire, plan), "EH055")
    assert f.path == ("reviews", 1, "scores", "housing")
    assert f.input == score
    assert "1 to 10" in f.message
    assert f.severity is eh.Severity.ERROR


@pytest.mark.parametrize("score", [1, 10])
def test_eh055_scores_at_the_ends_of_the_scale_pass(score: int, testshire) -> None:
    plan = document("plan", {"reviews": [{"scores": {"attendance": score}}]})
    assert "EH055" not in eh.validate(testshire, plan).codes


def test_eh055_silent_authority(bromley, silent) -> None:
    plan = document("plan", {"reviews": [{"scores": {"attendance": 99}}]})
    assert "EH055" not in eh.validate(bromley, plan).codes
    assert "EH055" not in eh.validate(silent, plan).codes


# --------------------------------------------------------------------------- EH056, EH057

STEP = {"on": "2024-06-01", "direction": "step-up", "reason": "concerns increased"}


def step(**change: Any) -> eh.Document:
    return document("plan", {"steps": [{**STEP, **change}]})


def test_eh056_unknown_level(testshire) -> None:
    report = eh.validate(testshire, step(**{"from": "level-2", "to": "level-5"}))
    f = one(report, "EH056")
    assert f.path == ("steps", 0, "to")
    assert f.input == "level-5"
    assert "did you mean 'level-4'" in f.message
    assert "level-1, level-2, level-3, level-4" in (f.hint or "")
    assert "EH057" not in report.codes


def test_eh056_both_levels_unknown(bromley) -> None:
    report = eh.validate(bromley, step(**{"from": "level-2", "to": "level-3"}))
    hits = found(report, "EH056")
    assert [f.path for f in hits] == [("steps", 0, "from"), ("steps", 0, "to")]
    assert "not a level of bromley" in hits[0].message


def test_eh056_known_levels_pass(testshire, bromley) -> None:
    assert "EH056" not in eh.validate(testshire, step(**{"from": "level-2", "to": "level-3"})).codes
    assert "EH056" not in eh.validate(bromley, step(**{"from": "tier-2", "to": "tier-3"})).codes


@pytest.mark.parametrize(
    ("direction", "from_", "to"),
    [("step-up", "level-3", "level-2"), ("step-down", "level-2", "level-4")],
)
def test_eh057_direction_against_the_levels(direction, from_, to, testshire) -> None:
    report = eh.validate(testshire, step(direction=direction, **{"from": from_, "to": to}))
    f = one(report, "EH057")
    assert f.path == ("steps", 0, "direction")
    assert f.input == direction
    assert f"{direction} from {from_!r}" in f.message
    assert f.severity is eh.Severity.ERROR


@pytest.mark.parametrize(
    ("direction", "from_", "to"),
    [("step-up", "level-2", "level-3"), ("step-down", "level-4", "level-2")],
)
def test_eh057_consistent_steps_pass(direction, from_, to, testshire, bromley) -> None:
    plan = step(direction=direction, **{"from": from_, "to": to})
    assert "EH057" not in eh.validate(testshire, plan).codes
    assert "EH057" not in eh.validate(bromley, plan).codes  # unknown there: EH056 only


# --------------------------------------------------------------------------- EH058


def test_eh058_review_before_the_plan(testshire) -> None:
    plan = document("plan", {"reviews": [{"held_on": "2024-03-07"}]})
    f = one(eh.validate(testshire, plan), "EH058")
    assert f.path == ("reviews", 0, "held_on")
    assert "1 day before the plan started" in f.message


def test_eh058_review_on_the_start_day_passes(testshire) -> None:
    plan = document("plan", {"reviews": [{"held_on": "2024-03-08"}]})
    assert "EH058" not in eh.validate(testshire, plan).codes


# --------------------------------------------------------------------------- EH059


def test_eh059_next_review_booked_too_late(testshire) -> None:
    plan = document("plan", {"reviews": [{}, {"next_review_on": "2024-10-04"}]})
    f = one(eh.validate(testshire, plan), "EH059")
    assert f.path == ("reviews", 1, "next_review_on")
    assert f.input == 126
    assert "12-week" in f.message
    assert f.severity is eh.Severity.WARNING


def test_eh059_only_the_latest_review_is_judged(testshire) -> None:
    # the first review booked its successor late, but the one actually held is EH054's
    plan = document("plan", {"reviews": [{"next_review_on": "2024-09-06"}]})
    assert "EH059" not in eh.validate(testshire, plan).codes


def test_eh059_within_the_interval_passes(testshire, bromley, silent) -> None:
    plan = document("plan", {"reviews": [{}, {"next_review_on": "2024-08-23"}]})  # 84 days
    assert "EH059" not in eh.validate(testshire, plan).codes
    late = document("plan", {"reviews": [{}, {"next_review_on": "2024-10-04"}]})
    assert "EH059" not in eh.validate(bromley, late).codes
    assert "EH059" not in eh.validate(silent, late).codes


# --------------------------------------------------------------------------- EH060, EH061


def test_eh060_no_outcomes(testshire) -> None:
    f = one(eh.validate(testshire, document("plan", {"outcomes": [], "reviews": []})), "EH060")
    assert f.path == ("outcomes",)
    assert "no outcomes" in f.message


def test_eh060_outcomes_pass(testshire) -> None:
    assert "EH060" not in eh.validate(testshire, document("plan")).codes


def test_eh061_need_with_no_outcome(testshire, followed) -> None:
    plan = document("plan", {"outcomes": [{}, {}, {"addresses": ["persistent-absence"]}]})
    f = one(eh.validate(testshire, plan, assessment=followed), "EH061")
    assert f.path == ("outcomes",)
    assert f.input == "housing-need"
    assert "'housing-need'" in f.message
    assert f.severity is eh.Severity.WARNING


def test_eh061_needs_the_assessment_and_outcomes(testshire, followed) -> None:
    plan = document("plan", {"outcomes": [{}, {}, {"addresses": ["persistent-absence"]}]})
    assert "EH061" not in eh.validate(testshire, plan).codes
    empty = eh.validate(
        testshire, document("plan", {"outcomes": [], "reviews": []}), assessment=followed
    )
    assert "EH061" not in empty.codes
    assert "EH060" in empty.codes


def test_eh061_a_factor_recorded_twice_is_reported_once(testshire, followed) -> None:
    twice = document(
        "early-help-assessment",
        {"factors": [{}, {}, {}, {"factor": "housing-need", "about": ["c2"]}]},
    )
    plan = document("plan", {"outcomes": [{}, {}, {"addresses": ["persistent-absence"]}]})
    assert len(found(eh.validate(testshire, plan, assessment=twice), "EH061")) == 1


# --------------------------------------------------------------------------- EH062, EH063


def test_eh062_plan_before_assessment(testshire, followed) -> None:
    plan = document("plan", {"started_on": "2024-02-26"})
    f = one(eh.validate(testshire, plan, assessment=followed), "EH062")
    assert f.path == ("started_on",)
    assert "4 days before assessment 'EHA-2024-0103'" in f.message
    assert "EH062" not in eh.validate(testshire, plan).codes


def test_eh062_plan_on_the_assessment_day_passes(testshire, followed) -> None:
    plan = document("plan", {"started_on": "2024-03-01"})
    assert "EH062" not in eh.validate(testshire, plan, assessment=followed).codes


def test_eh063_outcome_due_before_the_plan(testshire) -> None:
    plan = document("plan", {"outcomes": [{}, {"by": "2024-03-01"}]})
    f = one(eh.validate(testshire, plan), "EH063")
    assert f.path == ("outcomes", 1, "by")
    assert f.input == "calmer-home"
    assert "7 days before the plan started" in f.message


def test_eh063_undated_or_later_outcomes_pass(testshire) -> None:
    plan = document("plan", {"outcomes": [{"by": None}, {"by": "2024-03-08"}]})
    assert "EH063" not in eh.validate(testshire, plan).codes


# --------------------------------------------------------------------------- EH064


def test_eh064_latest_review_leaves_outcomes_unscored(testshire) -> None:
    plan = document(
        "plan",
        {
            "reviews": [
                {},
                {},
                {"held_on": "2024-07-12", "scores": {"housing": 4}, "progress": "no-change"},
            ]
        },
    )
    f = one(eh.validate(testshire, plan), "EH064")
    assert f.path == ("reviews", 2, "scores")
    assert "'attendance', 'calmer-home'" in f.message
    assert "'housing'" not in f.message
    assert f.severity is eh.Severity.WARNING


def test_eh064_passes_when_scored_unscaled_or_unreviewed(testshire, bromley, silent) -> None:
    assert "EH064" not in eh.validate(testshire, document("plan")).codes
    assert "EH064" not in eh.validate(testshire, document("plan", {"reviews": []})).codes
    partial = document(
        "plan",
        {"reviews": [{}, {}, {"held_on": "2024-07-12", "progress": "no-change"}]},
    )
    assert "EH064" not in eh.validate(bromley, partial).codes
    assert "EH064" not in eh.validate(silent, partial).codes


# --------------------------------------------------------------------------- messages


def test_plan_findings_carry_no_personal_data(testshire, followed) -> None:
    plan = document(
        "plan",
        {
            "lead_professional": None,
            "team": [{"name": "Zelda Secretname", "agency": "A", "role": "B"}],
            "started_on": "2024-02-26",
            "outcomes": [
                {"description": "PRIVATE-OUTCOME", "addresses": [], "baseline": None},
                {"by": "2024-01-01", "addresses": ["neglect"]},
            ],
            "reviews": [
                {"held_on": "2024-02-01", "scores": {"attendance": 42}},
                {"held_on": "2024-09-01", "notes": "PRIVATE-NOTES", "next_review_on": None},
            ],
            "steps": [{**STEP, "from": "level-3", "to": "level-1", "reason": "PRIVATE-REASON"}],
        },
    )
    report = eh.validate(testshire, plan, assessment=followed)
    assert len(plan_codes(report)) >= 8
    text = repr(report) + str(report.to_dict())
    dates = ("2024-01-01", "2024-02-01", "2024-09-01", "2024-02-26", "2024-03-08")
    for secret in ("Secretname", "PRIVATE", "A. Practitioner", *dates):
        assert secret not in text
    assert all("\n" not in f.message for f in report.findings)


# --------------------------------------------------------------------------- property


@settings(max_examples=200, deadline=None)
@given(p=plans())
def test_plan_rules_never_raise(testshire, followed, p) -> None:
    for assessment in (None, followed):
        report = eh.validate(testshire, p, assessment=assessment)
        assert not any("internal error" in f.message for f in report.findings)


def test_eh065_plan_checked_against_another_assessment(testshire) -> None:
    followed = document("early-help-assessment")
    plan = document("plan", "assessment: EHA-2024-9999")
    (f,) = [
        f for f in eh.validate(testshire, plan, assessment=followed).findings if f.code == "EH065"
    ]
    assert f.message == "the plan names 'EHA-2024-9999' but was checked against 'EHA-2024-0103'"
    assert "EH065" not in eh.validate(testshire, document("plan"), assessment=followed).codes
    assert "EH065" not in eh.validate(testshire, plan).codes


# --------------------------------------------------------------------------- EH067


def _step_down(to: str) -> dict[str, Any]:
    return {
        "steps": [
            {
                "on": "2024-06-01",
                "direction": "step-down",
                "from": "level-3",
                "to": to,
                "reason": "things improved",
            }
        ]
    }


def test_eh067_a_step_down_whose_plan_worked_on_the_needs_passes(testshire, followed) -> None:
    # the example plan's outcomes address all three needs the assessment records
    report = eh.validate(testshire, document("plan", _step_down("level-1")), assessment=followed)
    assert found(report, "EH067") == []


def test_eh067_one_set_of_needs_is_enough(testshire, followed) -> None:
    # under testshire three needs escalate to level-3: resolving any one of them reaches
    # level-2, so a plan that works on housing alone may step down to level-2
    only_housing = {
        **_step_down("level-2"),
        "outcomes": [{"addresses": ["housing-need"]}, {"addresses": ["housing-need"]}, {}],
    }
    report = eh.validate(testshire, document("plan", only_housing), assessment=followed)
    assert found(report, "EH067") == []
    to_level_1 = {**only_housing, **_step_down("level-1")}
    hit = one(eh.validate(testshire, document("plan", to_level_1), assessment=followed), "EH067")
    assert hit.path == ("steps", 0, "to")
    assert "needs housing-need, parental-conflict, persistent-absence resolved" in hit.message
    assert "no outcome addresses parental-conflict, persistent-absence" in hit.message


def test_eh067_needs_the_assessment(testshire) -> None:
    report = eh.validate(testshire, document("plan", _step_down("level-1")))
    assert "EH067" in {n.code for n in report.not_checked}
