"""The statutory timescales counted in working days: EH074 (the referral decision), EH083
(the section 17 assessment) and EH066 (the initial child protection conference), in the
authority's calendar; the dates the documents carry for them; the closure days a config adds.

Each timescale is tested on both sides of its deadline, across bank holidays, so that a
Monday-to-Friday count (which the library once made) would get every one of them wrong.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import plans, referrals

from ..test_calendar import naive_working_days
from ..thresholds.conftest import SRC, make_config
from .conftest import document

SILENT = {"value": None, "note": "the sources are silent"}


@pytest.fixture(scope="module")
def testshire() -> eh.Authority:
    """Testshire: 1, 45 and 15 working days; closed on 24 and 31 December 2024."""
    return eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(make_config()))


@pytest.fixture(scope="module")
def no_closures() -> eh.Authority:
    """Testshire without its closure days: the bank holidays alone."""
    config = make_config()
    config["parameters"]["closure_days"] = SILENT
    return eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(config))


@pytest.fixture(scope="module")
def silent() -> eh.Authority:
    """Testshire with no timescales set."""
    config = make_config()
    for name in ("referral_decision_working_days", "assessment_working_days"):
        config["parameters"][name] = SILENT
    config["parameters"]["conference_working_days"] = SILENT
    return eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(config))


def found(authority: eh.Authority, doc: eh.Document, code: str) -> list[eh.Finding]:
    return [f for f in eh.validate(authority, doc).findings if f.code == code]


def referral(**change: Any) -> eh.Document:  # the example referral, changed
    return document("referral", change)


def step_up(held: str, conference: str | None, **more: Any) -> eh.Document:
    step = {
        "on": held,
        "direction": "step-up",
        "from": "level-2",
        "to": "level-4",
        "reason": "the enquiries found a risk of significant harm",
        "strategy_discussion_on": held,
        "conference_on": conference,
        **more,
    }
    return document("plan", {"steps": [step]})


# --- EH074: the decision, across Easter and Christmas -------------------------------------------


@pytest.mark.parametrize(
    ("received", "decided", "late"),
    [
        # Thursday before Good Friday -> Tuesday after Easter Monday: 1 working day
        ("2024-03-28T10:00:00+00:00", "2024-04-02T16:00:00+01:00", False),
        ("2024-03-28T10:00:00+00:00", "2024-04-03T09:00:00+01:00", True),
        # Friday before Christmas 2022 -> Wednesday 28th (Christmas's substitute day on Tue)
        ("2022-12-23T10:00:00+00:00", "2022-12-28T10:00:00+00:00", False),
        ("2022-12-23T10:00:00+00:00", "2022-12-29T10:00:00+00:00", True),
        # Friday before the late May bank holiday -> Tuesday
        ("2024-05-24T10:00:00+01:00", "2024-05-28T10:00:00+01:00", False),
        ("2024-05-24T10:00:00+01:00", "2024-05-29T10:00:00+01:00", True),
    ],
)
def test_eh074_counts_bank_holidays_out(
    no_closures: eh.Authority, received: str, decided: str, late: bool
) -> None:
    doc = referral(
        received_at=received,
        consent={"given_on": received[:10]},
        decided_at=decided,
        outcome_communicated_at=decided,
    )
    hits = found(no_closures, doc, "EH074")
    assert bool(hits) is late
    for hit in hits:
        assert hit.input == 2
        assert "2 working days after its receipt; the authority allows 1" in hit.message
        assert hit.calendar == no_closures.calendar.name
        assert str(hit).endswith(f"[working days: {no_closures.calendar.name}]")


def test_eh074_names_the_days_it_did_not_count(no_closures: eh.Authority) -> None:
    doc = referral(
        received_at="2024-03-28T10:00:00+00:00",
        consent={"given_on": "2024-03-28"},
        decided_at="2024-04-03T09:00:00+01:00",
        outcome_communicated_at="2024-04-03T09:30:00+01:00",
    )
    (hit,) = found(no_closures, doc, "EH074")
    assert "(not counted: Good Friday, Easter Monday)" in hit.message
    assert "2024" not in hit.message  # the family's dates stay out of messages


def test_eh074_counts_the_authoritys_closure_days_out(
    testshire: eh.Authority, no_closures: eh.Authority
) -> None:
    # Monday 23 Dec 2024 -> Friday 27th: 2 working days in England (Tue 24th, Fri 27th),
    # 1 where the authority closes on Christmas Eve
    doc = referral(
        received_at="2024-12-23T10:00:00+00:00",
        consent={"given_on": "2024-12-23"},
        decided_at="2024-12-27T10:00:00+00:00",
        outcome_communicated_at="2024-12-27T10:00:00+00:00",
    )
    assert found(testshire, doc, "EH074") == []
    (hit,) = found(no_closures, doc, "EH074")
    assert "not counted: Christmas Day, Boxing Day" in hit.message


# --- EH083: the section 17 assessment, 45 working days from the referral ------------------------


@pytest.mark.parametrize(
    ("received", "completed", "late"),
    [
        # from Monday 12 Feb 2024 the 45th working day is 17 April (Easter counted out);
        # Monday to Friday alone would make it 15 April
        ("2024-02-12T10:15:00+00:00", "2024-04-16", False),
        ("2024-02-12T10:15:00+00:00", "2024-04-17", False),
        ("2024-02-12T10:15:00+00:00", "2024-04-18", True),
        # from Monday 15 April 2024: 19 June, past both May bank holidays (Mon-Fri: 17 June)
        ("2024-04-15T10:15:00+01:00", "2024-06-19", False),
        ("2024-04-15T10:15:00+01:00", "2024-06-20", True),
    ],
)
def test_eh083_forty_five_working_days_from_the_referral(
    testshire: eh.Authority, received: str, completed: str, late: bool
) -> None:
    doc = referral(
        received_at=received,
        consent={"given_on": received[:10]},
        decision="section-17-assessment",
        decided_at=received,
        outcome_communicated_at=received,
        assessment_completed_on=completed,
    )
    hits = found(testshire, doc, "EH083")
    assert bool(hits) is late
    for hit in hits:
        assert hit.path == ("assessment_completed_on",)
        assert hit.severity == "warning"
        assert hit.input == 46
        assert "46 working days after the referral; the authority allows 45" in hit.message
        assert hit.calendar == testshire.calendar.name
        assert "reasons for the delay" in (hit.hint or "")


def test_eh083_the_time_runs_from_the_day_of_the_referral_in_its_own_timezone(
    testshire: eh.Authority,
) -> None:
    # received 23:30 on Sunday 11 Feb in UTC, which is 00:30 on Monday 12 Feb at +01:00: the
    # same instant, but the referral's own clock says Monday, and the count starts Monday
    sunday_utc = "2024-02-11T23:30:00+00:00"
    monday_local = "2024-02-12T00:30:00+01:00"
    for received, late in ((sunday_utc, False), (monday_local, False)):
        doc = referral(
            received_at=received,
            consent={"given_on": "2024-02-12"},
            decision="section-17-assessment",
            decided_at="2024-02-12T12:00:00+00:00",
            outcome_communicated_at="2024-02-12T12:00:00+00:00",
            assessment_completed_on="2024-04-17",
        )
        assert bool(found(testshire, doc, "EH083")) is late


def test_eh083_does_not_run_without_the_time(silent: eh.Authority) -> None:
    doc = referral(decision="section-17-assessment", assessment_completed_on="2025-01-31")
    report = eh.validate(silent, doc)
    assert "EH083" not in report.codes
    assert "EH083" in {n.code for n in report.not_checked}


def test_eh083_without_a_completion_date_is_not_judged(testshire: eh.Authority) -> None:
    doc = referral(decision="section-17-assessment")
    assert found(testshire, doc, "EH083") == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"assessment_completed_on": "2024-05-01"}, "assessment-without-decision"),
        (
            {
                "decision": None,
                "decided_at": None,
                "outcome_communicated_at": None,
                "assessment_completed_on": "2024-05-01",
            },
            "assessment-without-decision",
        ),
        (
            {"decision": "section-17-assessment", "assessment_completed_on": "2024-02-11"},
            "date-order",
        ),
    ],
)
def test_a_completion_date_that_cannot_be_right_is_located(
    change: dict[str, Any], code: str
) -> None:
    with pytest.raises(eh.DocumentError) as caught:
        referral(**change)
    (problem,) = caught.value.problems
    assert problem.kind == code
    assert problem.path == ("assessment_completed_on",)
    assert "assessment_completed_on" in problem.message


# --- EH066: the initial child protection conference, 15 working days ------------------------------


@pytest.mark.parametrize(
    ("held", "conference", "late"),
    [
        ("2024-03-04", "2024-03-25", False),  # no bank holiday in between
        ("2024-03-04", "2024-03-26", True),
        # across the late summer bank holiday 2024: due Thursday 5 September
        ("2024-08-14", "2024-09-05", False),
        ("2024-08-14", "2024-09-06", True),
        # across Easter 2024: from Wednesday 20 March, due Friday 12 April
        ("2024-03-20", "2024-04-12", False),
        ("2024-03-20", "2024-04-15", True),
        # a strategy discussion on a Saturday counts from Monday
        ("2024-03-02", "2024-03-25", False),
        ("2024-03-02", "2024-03-26", True),
    ],
)
def test_eh066_fifteen_working_days_from_the_strategy_discussion(
    no_closures: eh.Authority, held: str, conference: str, late: bool
) -> None:
    hits = found(no_closures, step_up(held, conference), "EH066")
    assert bool(hits) is late
    for hit in hits:
        assert hit.path == ("steps", 0, "conference_on")
        assert hit.input == 16
        assert "16 working days after the strategy discussion" in hit.message
        assert hit.calendar == no_closures.calendar.name


def test_eh066_over_christmas_the_closure_days_count_out(
    testshire: eh.Authority, no_closures: eh.Authority
) -> None:
    # from Wednesday 11 Dec 2024: the 15th working day is Monday 6 Jan 2025 in England, and
    # Wednesday 8 Jan where the authority also closes on 24 and 31 December
    held = "2024-12-11"
    assert found(no_closures, step_up(held, "2025-01-06"), "EH066") == []
    assert found(no_closures, step_up(held, "2025-01-07"), "EH066")
    assert found(testshire, step_up(held, "2025-01-08"), "EH066") == []
    (hit,) = found(testshire, step_up(held, "2025-01-09"), "EH066")
    assert "closure: Christmas Eve" in hit.message
    assert "and 2 more" in hit.message  # 5 days off: 3 named, 2 counted
    assert hit.calendar is not None
    assert "2 closure days of testshire" in hit.calendar


def test_eh066_needs_both_days_and_the_time(testshire: eh.Authority, silent: eh.Authority) -> None:
    assert found(testshire, step_up("2024-03-04", None), "EH066") == []
    late = step_up("2024-03-04", "2024-06-28")
    assert found(silent, late, "EH066") == []
    assert "EH066" in {n.code for n in eh.validate(silent, late).not_checked}


@pytest.mark.parametrize(
    ("more", "key", "code"),
    [
        ({"conference_on": "2024-03-01"}, "conference_on", "date-order"),
        (
            {"direction": "step-down", "from": "level-4", "to": "level-2"},
            "strategy_discussion_on",
            "step-up-only",
        ),
    ],
)
def test_step_dates_that_cannot_be_right_are_located(
    more: dict[str, Any], key: str, code: str
) -> None:
    with pytest.raises(eh.DocumentError) as caught:
        step_up("2024-03-04", "2024-03-20", **more)
    assert ("steps", 0, key) in {p.path for p in caught.value.problems if p.kind == code}


# --- every finding of a counting rule names its calendar, and only those ---------------------


def test_only_findings_that_count_working_days_name_a_calendar(testshire: eh.Authority) -> None:
    counting = {r.code for r in eh.rules() if r.counts_working_days}
    assert counting == {"EH066", "EH074", "EH083"}
    doc = referral(
        referrer={"agency": None},
        decision="section-17-assessment",
        decided_at="2024-02-20T10:00:00+00:00",
        outcome_communicated_at="2024-02-20T11:00:00+00:00",
        assessment_completed_on="2024-06-28",
    )
    report = eh.validate(testshire, doc)
    assert {"EH070", "EH074", "EH083"} <= set(report.codes)
    for finding in report.findings:
        expected = testshire.calendar.name if finding.code in counting else None
        assert finding.calendar == expected
        assert finding.to_dict()["calendar"] == expected
        assert ("[working days: " in str(finding)) is (expected is not None)


def test_years_the_calendar_does_not_know_are_said(testshire: eh.Authority) -> None:
    doc = referral(
        received_at="2101-02-14T10:00:00+00:00",
        consent={"given_on": "2101-02-14"},
        decided_at="2101-02-17T10:00:00+00:00",
        outcome_communicated_at="2101-02-17T10:00:00+00:00",
    )
    (hit,) = found(testshire, doc, "EH074")
    assert "knows bank holidays from 1872 to 2100 only" in hit.message


# --- the config: closure days and the two timescales ------------------------------------------


def _load(tmp_path, change: dict[str, Any]) -> eh.Authority:
    config = make_config()
    config["parameters"].update(copy.deepcopy(change))
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (
            {
                "closure_days": {
                    "value": [
                        {"on": "2024-12-24", "why": "Christmas Eve"},
                        {"on": "2024-12-24", "why": "again"},
                    ],
                    "source": SRC,
                }
            },
            "parameters.closure_days.value[1].on",
            "listed twice",
        ),
        (
            {"closure_days": {"value": [{"on": "2024-12-24", "why": "Christmas Eve"}]}},
            "parameters.closure_days.source",
            "needs a `source`",
        ),
        (
            {"closure_days": {"value": "2024-12-24", "source": SRC}},
            "parameters.closure_days.value",
            "",
        ),
        (
            {"closure_days": {"value": [{"on": "24/12/2024", "why": "x"}], "source": SRC}},
            "parameters.closure_days.value[0].on",
            "",
        ),
        (
            {"assessment_working_days": {"value": 0, "source": SRC}},
            "parameters.assessment_working_days.value",
            "",
        ),
        ({"conference_working_days": {"value": None}}, "parameters.conference_working_days", ""),
    ],
)
def test_config_mistakes_are_located(
    tmp_path, change: dict[str, Any], where: str, words: str
) -> None:
    with pytest.raises(eh.LoadError) as caught:
        _load(tmp_path, change)
    rendered = [str(p) for p in caught.value.problems]
    assert any(where in line and words in line for line in rendered), rendered
    assert all(p.location.line for p in caught.value.problems)


def test_a_config_without_the_new_parameters_is_told_which(tmp_path) -> None:
    config = make_config()
    for name in ("assessment_working_days", "conference_working_days", "closure_days"):
        del config["parameters"][name]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with pytest.raises(eh.LoadError) as caught:
        eh.load_authority(path)
    text = "\n".join(str(p) for p in caught.value.problems)
    for name in ("assessment_working_days", "conference_working_days", "closure_days"):
        assert name in text


@pytest.mark.parametrize(
    "authority_id", ["bromley", "bedford", "city-of-london", "gloucestershire"]
)
def test_bundled_configs_apply_working_together_and_cite_it(authority_id: str) -> None:
    params = eh.load_authority(authority_id).config.parameters
    assert params.assessment_working_days.value == 45
    assert params.conference_working_days.value == 15
    for name in ("assessment_working_days", "conference_working_days"):
        source = getattr(params, name).source
        assert source is not None
        assert source.ref == "working-together"
        assert source.basis == "reading"  # read as local guidance reports it
    # no source read names closure days: null, and the note says so
    assert params.closure_days.value is None
    assert "closure" in (params.closure_days.note or "") or "close" in (
        params.closure_days.note or ""
    )


# --- drawn documents: a finding exactly when a day-by-day count is over the time ---------------


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_drawn_plans_and_referrals_are_late_exactly_when_counted_late(
    testshire: eh.Authority, data: st.DataObject
) -> None:
    calendar = testshire.calendar
    plan = data.draw(plans(testshire))
    late_steps = [
        ("steps", i, "conference_on")
        for i, s in enumerate(plan.steps)
        if s.strategy_discussion_on is not None
        and s.conference_on is not None
        and naive_working_days(calendar, s.strategy_discussion_on, s.conference_on) > 15
    ]
    assert [f.path for f in found(testshire, plan, "EH066")] == late_steps
    ref = data.draw(referrals(testshire))
    completed = ref.assessment_completed_on
    late = (
        completed is not None
        and naive_working_days(calendar, ref.received_at.date(), completed) > 45
    )
    assert bool(found(testshire, ref, "EH083")) is late


def test_earlyhelp_rules_marks_the_rules_that_count_working_days(capsys, tmp_path) -> None:
    from earlyhelp_core.cli import main

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    marked = {line.split()[0] for line in out.splitlines() if line.endswith("[working days]")}
    assert marked == {"EH066", "EH074", "EH083"}
    assert f"counted as {eh.ENGLAND.name}" in out
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    assert main(["rules", "--authority", str(path), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    calendars = {r["code"]: r["calendar"] for r in listed}
    assert calendars["EH083"] is not None
    assert calendars["EH083"].endswith("and 2 closure days of testshire")
    assert calendars["EH070"] is None
    assert {r["code"] for r in listed if r["counts_working_days"]} == marked
