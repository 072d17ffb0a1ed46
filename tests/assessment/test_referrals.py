"""Referral rules EH070-EH089: referrer, feedback and decision times, decision against level,
consent."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

import earlyhelp_core as eh
from earlyhelp_core.assessment._core import Context, Rule, rules
from earlyhelp_core.models import ReferralDecision
from earlyhelp_core.testing import referrals

from ..conftest import EXAMPLES
from ..thresholds.conftest import make_config
from .conftest import document

MINE = tuple(f"EH{n:03d}" for n in range(70, 90))
"""The codes this module's rules may use."""

SRC = {"ref": "test-source", "section": "s1", "basis": "stated"}
SILENT = {"value": None, "note": "the sources are silent"}

# testshire's referral parameters, set here so these tests do not depend on make_config's
STRICT = {
    "referral_decision_working_days": {"value": 1, "source": SRC},
    "referral_feedback_hours": {"value": 24, "source": SRC},
    "no_further_action_allowed": {"value": False, "source": SRC},
    "consent_required": {"value": True, "source": SRC},
}
LENIENT = {
    "referral_decision_working_days": SILENT,
    "referral_feedback_hours": SILENT,
    "no_further_action_allowed": {"value": True, "source": SRC},
    "consent_required": {"value": False, "source": SRC},
}
NULL = {
    "referral_decision_working_days": SILENT,
    "referral_feedback_hours": SILENT,
    "no_further_action_allowed": SILENT,
    "consent_required": SILENT,
}


def build(directory: Path, name: str, parameters: dict[str, Any]) -> eh.Authority:
    config = copy.deepcopy(make_config())
    config["id"] = name
    config["parameters"].update(copy.deepcopy(parameters))
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> eh.Authority:
    """Testshire with every referral parameter set (24 h, 1 working day, no NFA, consent)."""
    return build(tmp_path_factory.mktemp("cfg"), "strictshire", STRICT)


@pytest.fixture(scope="module")
def lenient(tmp_path_factory: pytest.TempPathFactory) -> eh.Authority:
    """Testshire with no timescales, no-further-action allowed and consent not required."""
    return build(tmp_path_factory.mktemp("cfg"), "lenientshire", LENIENT)


@pytest.fixture(scope="module")
def silent(tmp_path_factory: pytest.TempPathFactory) -> eh.Authority:
    """Testshire whose sources are silent on every referral parameter."""
    return build(tmp_path_factory.mktemp("cfg"), "silentshire", NULL)


@pytest.fixture(scope="module")
def bedford() -> eh.Authority:
    return eh.load_authority("bedford")


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


def findings(authority: eh.Authority, fragment: str | dict[str, Any], code: str) -> list[Any]:
    report = eh.validate(authority, document("referral", fragment))
    return [f for f in report.findings if f.code == code]


def mine(report: Any) -> list[str]:
    return [c for c in report.codes if c in MINE]


def referral_rules() -> list[Rule]:
    return [r for r in rules() if r.code in MINE]


# --- the registry: metadata, docstrings, examples ------------------------------------------


def test_rules_are_registered_in_range() -> None:
    codes = [r.code for r in referral_rules()]
    assert codes == [f"EH{n:03d}" for n in range(70, 84)]
    for r in referral_rules():
        assert r.kinds == ("referral",)
        # the route and request rules check what the authority's config declares, cited there
        assert "sources/" in r.citation or "its config's `" in r.citation
        assert r.what
        assert r.why
        assert r.example


@pytest.mark.parametrize("code", [f"EH{n:03d}" for n in range(70, 79)])
def test_docstring_example_fires(code: str, strict: eh.Authority) -> None:
    (current,) = [r for r in referral_rules() if r.code == code]
    report = eh.validate(strict, document("referral", current.example))
    if current.cannot_tell is None:
        assert code in report.codes
    else:  # the rule never runs: its example is listed, not passed
        assert code not in report.codes
        assert (code, current.cannot_tell) in {(n.code, n.reason) for n in report.not_checked}


def test_timescale_rules_declare_what_they_read() -> None:
    reads = {r.code: r.reads for r in referral_rules()}
    assert reads["EH071"] == ("referral_feedback_hours",)
    assert reads["EH072"] == ("referral_feedback_hours",)
    assert reads["EH073"] == ("no_further_action_allowed",)
    assert reads["EH074"] == ("referral_decision_working_days",)
    assert reads["EH077"] == ("consent_required",)


# --- the bundled examples under the bundled authorities -------------------------------------


@pytest.mark.parametrize("example", ["referral-mash.json", "referral-self.yaml"])
@pytest.mark.parametrize("authority", ["bedford", "bromley"])
def test_bundled_examples_are_clean(example: str, authority: str) -> None:
    # referral-mash: a police referral (agency named), early help decided the day it came
    # in, outcome told 22 h 50 min after receipt (Bedford allows 24 h; Bromley sets no
    # hours), consent given, one factor at Bedford's universal-plus / Bromley's tier 2.
    # referral-self: a self-referral (no agency needed), not yet decided, no outcome told,
    # through Bromley's 'front door': Bedford has one route, its MASH, so there it is EH079.
    doc = eh.load_document(EXAMPLES / example)
    expected = ["EH079"] if (example, authority) == ("referral-self.yaml", "bedford") else []
    assert mine(eh.validate(eh.load_authority(authority), doc)) == expected


def test_example_documents_clean_under_strict_testshire(strict: eh.Authority) -> None:
    assert mine(eh.validate(strict, document("referral"))) == []
    assert mine(eh.validate(strict, eh.load_document(EXAMPLES / "referral-self.yaml"))) == []


# --- EH070 referrer-agency-missing ---------------------------------------------------------


def test_eh070_professional_without_agency(strict: eh.Authority) -> None:
    (found,) = findings(strict, "referrer: {agency: null}", "EH070")
    assert found.path == ("referrer",)
    assert found.severity == "error"
    assert "agency" in found.message
    assert "E. Officer" not in found.message


def test_eh070_self_referral_needs_no_agency(strict: eh.Authority, bromley: eh.Authority) -> None:
    fragment = {"referrer": {"self_referral": True, "by": "p1", "name": None, "agency": None}}
    assert findings(strict, fragment, "EH070") == []
    self_referral = eh.load_document(EXAMPLES / "referral-self.yaml")
    assert "EH070" not in eh.validate(bromley, self_referral).codes


def test_eh070_agency_present(strict: eh.Authority) -> None:
    assert findings(strict, "", "EH070") == []


# --- EH071 feedback-late, EH072 feedback-not-recorded: which referrals the time covers -----

FEEDBACK = {
    "EH071": "outcome_communicated_at: 2024-02-14T09:05:00+00:00",  # 46 h 50 min
    "EH072": "outcome_communicated_at: null",
}


def the_rule(code: str) -> Rule:
    (current,) = [r for r in referral_rules() if r.code == code]
    return current


@pytest.mark.parametrize("code", sorted(FEEDBACK))
@pytest.mark.parametrize("route", ["mash", "front-door", "marf"])
def test_feedback_rules_do_not_guess_which_referrals_the_time_covers(
    strict: eh.Authority, bedford: eh.Authority, code: str, route: str
) -> None:
    # Bedford's 24 hours are for "Referrers into the MASH ... their referral for Early Help"
    # (8.6, l. 267). A referral records its route as a free id and not what it asks for,
    # so no rule can tell whether the time covers it: the rule does not run, and says why
    doc = document("referral", f"route: {route}\n{FEEDBACK[code]}")
    for authority in (strict, bedford):
        report = eh.validate(authority, doc)
        assert code not in report.codes
        (listed,) = [n for n in report.not_checked if n.code == code]
        assert listed.reason == the_rule(code).cannot_tell
        assert "referrals for early help into the MASH" in listed.reason
        assert "does not record" in listed.reason
        assert (code, listed.reason) in {(n.code, n.reason) for n in eh.rules_not_run(authority)}


def test_feedback_rules_name_an_unset_time_first(bromley: eh.Authority) -> None:
    # where the authority sets no time at all, that is the reason given
    report = eh.validate(bromley, document("referral", FEEDBACK["EH071"]))
    reasons = {n.code: n.reason for n in report.not_checked}
    assert reasons["EH071"] == reasons["EH072"]
    assert reasons["EH071"] == "bromley's config does not set referral_feedback_hours"


def checked(authority: eh.Authority, code: str, fragment: str) -> list[Any]:
    """What the check makes of a referral the feedback time covers, called as the engine
    would call it once a referral can say so."""
    return list(the_rule(code).check(document("referral", fragment), Context(authority)))


def test_eh071_check_counts_clock_hours(strict: eh.Authority, bedford: eh.Authority) -> None:
    (found,) = checked(strict, "EH071", "outcome_communicated_at: 2024-02-13T10:16:00+00:00")
    assert found.path == ("outcome_communicated_at",)
    assert "24 h 1 min" in found.message
    assert "allows 24 hours" in found.message
    assert found.input == 24
    (found,) = checked(bedford, "EH071", FEEDBACK["EH071"])
    assert "46 h 50 min" in found.message


def test_eh071_check_exactly_the_hours_allowed_is_in_time(strict: eh.Authority) -> None:
    assert checked(strict, "EH071", "outcome_communicated_at: 2024-02-13T10:15:00+00:00") == []
    # 11:15+01:00 is 10:15 UTC: exactly 24 hours after 10:15 UTC the day before
    assert checked(strict, "EH071", "outcome_communicated_at: 2024-02-13T11:15:00+01:00") == []


def test_eh072_check_decided_without_feedback(strict: eh.Authority) -> None:
    (found,) = checked(strict, "EH072", FEEDBACK["EH072"])
    assert found.path == ("outcome_communicated_at",)
    assert "decided" in found.message
    assert "24 hours" in found.message
    undecided = "{decision: null, decided_at: null, outcome_communicated_at: null}"
    assert checked(strict, "EH072", undecided) == []
    assert checked(strict, "EH072", "") == []


def test_feedback_rules_never_run_where_the_authority_is_silent(
    silent: eh.Authority, bromley: eh.Authority
) -> None:
    for code, fragment in FEEDBACK.items():
        for authority in (silent, bromley):
            assert findings(authority, fragment, code) == []


# --- EH073 no-further-action-not-allowed -----------------------------------------------------


def test_eh073_no_further_action_where_not_allowed(
    strict: eh.Authority, bedford: eh.Authority
) -> None:
    (found,) = findings(strict, "decision: no-further-action", "EH073")
    assert found.path == ("decision",)
    assert found.severity == "error"
    assert "no-further-action" in found.message
    assert findings(bedford, "decision: no-further-action", "EH073")  # Bedford 8.6


def test_eh073_hint_offers_no_no_further_action_by_another_name(
    strict: eh.Authority, bedford: eh.Authority
) -> None:
    # information and advice, or a pointer to universal services, leaves the family with no
    # service acting on the referral: the hint names only decisions that act on it
    for authority in (strict, bedford):
        (found,) = findings(authority, "decision: no-further-action", "EH073")
        named = {d for d in ReferralDecision if d.value in (found.hint or "")}
        assert ReferralDecision.EARLY_HELP in named, found.hint
        assert not named & {
            ReferralDecision.NO_FURTHER_ACTION,
            ReferralDecision.INFORMATION_AND_ADVICE,
            ReferralDecision.UNIVERSAL_SERVICES,
        }, found.hint


def test_eh073_allowed_or_silent(
    lenient: eh.Authority, silent: eh.Authority, bromley: eh.Authority
) -> None:
    for authority in (lenient, silent, bromley):
        assert findings(authority, "decision: no-further-action", "EH073") == []


def test_eh073_other_decisions(strict: eh.Authority) -> None:
    assert findings(strict, "decision: information-and-advice", "EH073") == []


# --- EH074 decision-late (tests/test_calendar.py counts the days) ----------------------------------------------


def test_eh074_fires_after_the_working_days_allowed(strict: eh.Authority) -> None:
    fragment = {  # received Monday 10:15, decided Wednesday
        "decided_at": "2024-02-14T09:00:00+00:00",
        "outcome_communicated_at": "2024-02-14T09:30:00+00:00",
    }
    (found,) = findings(strict, fragment, "EH074")
    assert found.path == ("decided_at",)
    assert found.severity == "warning"
    assert "2 working days" in found.message
    assert "allows 1" in found.message
    assert found.input == 2


def test_eh074_end_of_next_working_day_is_in_time(strict: eh.Authority) -> None:
    fragment = {  # received Monday, decided late on Tuesday
        "decided_at": "2024-02-13T23:59:00+00:00",
        "outcome_communicated_at": "2024-02-13T23:59:00+00:00",
    }
    assert findings(strict, fragment, "EH074") == []


def test_eh074_weekend_in_between(strict: eh.Authority) -> None:
    friday = {
        "received_at": "2024-02-16T16:00:00+00:00",
        "decided_at": "2024-02-19T12:00:00+00:00",  # Monday
        "outcome_communicated_at": "2024-02-19T12:30:00+00:00",
    }
    assert findings(strict, friday, "EH074") == []
    saturday = {
        "received_at": "2024-02-17T10:00:00+00:00",
        "consent": {"given_on": "2024-02-17"},
        "decided_at": "2024-02-20T12:00:00+00:00",  # Tuesday: 1 day counting from Monday
        "outcome_communicated_at": "2024-02-20T12:30:00+00:00",
    }
    assert findings(strict, saturday, "EH074") == []
    saturday_late = {**saturday, "decided_at": "2024-02-21T12:00:00+00:00"}
    saturday_late["outcome_communicated_at"] = "2024-02-21T12:30:00+00:00"
    (found,) = findings(strict, saturday_late, "EH074")
    assert "2 working days" in found.message


def test_eh074_counts_in_the_received_timezone(strict: eh.Authority) -> None:
    # received Friday 23:30 BST; decided 23:30 UTC on Monday, which is Tuesday 00:30 BST
    late_locally = {
        "received_at": "2024-04-05T23:30:00+01:00",
        "decided_at": "2024-04-08T23:30:00+00:00",
        "outcome_communicated_at": "2024-04-08T23:40:00+00:00",
    }
    (found,) = findings(strict, late_locally, "EH074")
    assert "2 working days" in found.message
    # received Friday 00:30 BST (Thursday in UTC); decided Monday: 1 working day locally
    in_time_locally = {
        "received_at": "2024-04-05T00:30:00+01:00",
        "decided_at": "2024-04-08T10:00:00+01:00",
        "outcome_communicated_at": "2024-04-08T10:30:00+01:00",
    }
    assert findings(strict, in_time_locally, "EH074") == []


def test_eh074_silent_or_undecided_never_fires(silent: eh.Authority, strict: eh.Authority) -> None:
    late = {"decided_at": "2024-03-14T09:00:00+00:00", "outcome_communicated_at": None}
    assert findings(silent, late, "EH074") == []
    undecided = {"decision": None, "decided_at": None, "outcome_communicated_at": None}
    assert findings(strict, undecided, "EH074") == []


def test_eh074_bundled_authorities_one_working_day(
    bedford: eh.Authority, bromley: eh.Authority
) -> None:
    late = {
        "decided_at": "2024-02-15T09:00:00+00:00",
        "outcome_communicated_at": "2024-02-15T09:10:00+00:00",
    }
    assert findings(bedford, late, "EH074")
    assert findings(bromley, late, "EH074")


# --- EH075 / EH076 decision below the level the factors reach ----------------------------------

NEGLECT = {"factors": [{"factor": "neglect", "about": ["c1"]}]}
S17 = {"factors": [{"factor": "parental-mental-health", "about": ["p1"]}]}  # testshire level-3


@pytest.mark.parametrize(
    "decision",
    [
        "early-help",
        "no-further-action",
        "section-17-assessment",
        "specialist-assessment",
        "universal-services",
    ],
)
def test_eh075_section_47_level_without_protection(strict: eh.Authority, decision: str) -> None:
    (found,) = findings(strict, {**NEGLECT, "decision": decision}, "EH075")
    assert found.path == ("decision",)
    assert found.severity == "error"
    assert "level-4 (section-47)" in found.message
    assert decision in found.message
    assert found.input == "level-4"


@pytest.mark.parametrize("decision", ["section-47-enquiry", "immediate-protection"])
def test_eh075_protection_decisions_pass(strict: eh.Authority, decision: str) -> None:
    report = eh.validate(strict, document("referral", {**NEGLECT, "decision": decision}))
    assert "EH075" not in report.codes
    assert "EH076" not in report.codes


def test_eh075_bundled_authorities(bedford: eh.Authority, bromley: eh.Authority) -> None:
    fragment = {"factors": [{"factor": "domestic-abuse-high-risk", "about": ["p1"]}]}
    (found,) = findings(bedford, fragment, "EH075")
    assert "child-protection" in found.message
    (found,) = findings(bromley, fragment, "EH075")
    assert "tier-4" in found.message


def test_eh075_lower_levels_and_undecided(strict: eh.Authority) -> None:
    assert findings(strict, "", "EH075") == []  # level-2
    undecided = {**NEGLECT, "decision": None, "decided_at": None, "outcome_communicated_at": None}
    assert findings(strict, undecided, "EH075") == []


@pytest.mark.parametrize(
    "decision", ["early-help", "universal-services", "information-and-advice", "no-further-action"]
)
def test_eh076_section_17_level_decided_lower(strict: eh.Authority, decision: str) -> None:
    (found,) = findings(strict, {**S17, "decision": decision}, "EH076")
    assert found.path == ("decision",)
    assert found.severity == "warning"
    assert "level-3 (section-17)" in found.message
    assert decision in found.message


@pytest.mark.parametrize(
    "decision",
    [
        "section-17-assessment",
        "specialist-assessment",
        "section-47-enquiry",
        "immediate-protection",
    ],
)
def test_eh076_section_17_or_higher_decisions_pass(strict: eh.Authority, decision: str) -> None:
    assert findings(strict, {**S17, "decision": decision}, "EH076") == []


def test_eh076_reached_by_escalation(strict: eh.Authority) -> None:
    # three level-2 factors across two domains: testshire's rule raises them to level-3
    fragment = {
        "factors": [
            {"factor": "persistent-absence", "about": ["c1"]},
            {"factor": "housing-need"},
            {"factor": "parental-conflict", "about": ["p1"]},
        ]
    }
    assert findings(strict, fragment, "EH076")


def test_eh076_leaves_section_47_to_eh075(strict: eh.Authority) -> None:
    report = eh.validate(strict, document("referral", NEGLECT))
    assert "EH075" in report.codes
    assert "EH076" not in report.codes


def test_eh076_bundled_authorities(bedford: eh.Authority, bromley: eh.Authority) -> None:
    fragment = {"factors": [{"factor": "unaccompanied-asylum-seeking-child", "about": ["c1"]}]}
    assert findings(bedford, fragment, "EH076")
    assert findings(bromley, fragment, "EH076")
    assert findings(bedford, "", "EH076") == []


# --- EH077 referral-without-consent ------------------------------------------------------------


def test_eh077_no_consent(strict: eh.Authority, bromley: eh.Authority) -> None:
    (found,) = findings(strict, "consent: null", "EH077")
    assert found.path == ("consent",)
    assert found.severity == "warning"
    assert "early-help" in found.message
    assert findings(bromley, "consent: null", "EH077")


def test_eh077_consent_not_given(strict: eh.Authority) -> None:
    fragment = {"consent": {"given": False, "given_on": None, "by": None}}
    (found,) = findings(strict, {**fragment, "decision": "universal-services"}, "EH077")
    assert found.path == ("consent", "given")
    assert "not given" in found.message


@pytest.mark.parametrize(
    "decision",
    ["section-17-assessment", "section-47-enquiry", "immediate-protection", "no-further-action"],
)
def test_eh077_not_for_statutory_or_no_service(strict: eh.Authority, decision: str) -> None:
    assert findings(strict, {"consent": None, "decision": decision}, "EH077") == []


def test_eh077_not_when_given_undecided_or_not_required(
    strict: eh.Authority, lenient: eh.Authority, silent: eh.Authority
) -> None:
    assert findings(strict, "", "EH077") == []
    undecided = {"consent": None, "decision": None, "decided_at": None}
    assert findings(strict, {**undecided, "outcome_communicated_at": None}, "EH077") == []
    assert findings(lenient, "consent: null", "EH077") == []
    assert findings(silent, "consent: null", "EH077") == []


# --- EH078 outcome-before-decision --------------------------------------------------------------


def test_eh078_outcome_before_decision(strict: eh.Authority) -> None:
    (found,) = findings(strict, "outcome_communicated_at: 2024-02-12T12:00:00+00:00", "EH078")
    assert found.path == ("outcome_communicated_at",)
    assert found.severity == "error"
    assert "4 h 40 min before" in found.message


def test_eh078_outcome_without_decision(strict: eh.Authority) -> None:
    (found,) = findings(strict, {"decision": None, "decided_at": None}, "EH078")
    assert "no decision" in found.message


def test_eh078_in_order(strict: eh.Authority, silent: eh.Authority) -> None:
    assert findings(strict, "", "EH078") == []
    same_time = "outcome_communicated_at: 2024-02-12T16:40:00+00:00"
    assert findings(strict, same_time, "EH078") == []
    undecided = {"decision": None, "decided_at": None, "outcome_communicated_at": None}
    assert findings(silent, undecided, "EH078") == []


# --- never personal data, never raising ----------------------------------------------------------


def test_messages_hold_no_personal_data(strict: eh.Authority) -> None:
    fragment = {
        "referrer": {"name": "Zebedee Quixote", "agency": None, "role": "Xylophonist"},
        "family": {
            "members": [
                {"id": "c1", "role": "child", "name": "Ermintrude", "date_of_birth": "2016-01-25"},
                {"id": "p1", "role": "parent", "name": "Dougal", "date_of_birth": "1991-06-06"},
            ]
        },
        "factors": [{"factor": "neglect", "about": ["c1"], "evidence": "Florence saw it"}],
        "consent": None,
        "decision": "early-help",
        "decided_at": "2024-02-20T16:40:00+00:00",
        "outcome_communicated_at": "2024-02-19T09:05:00+00:00",
    }
    report = eh.validate(strict, document("referral", fragment))
    assert {"EH070", "EH074", "EH075", "EH077", "EH078"} <= set(report.codes)
    personal = ("Zebedee", "Quixote", "Xylophonist", "Ermintrude", "Dougal", "Florence")
    personal += ("2016-01-25", "1991-06-06", "2024-02")
    for found in report.findings:
        for word in personal:
            assert word not in found.message
            assert word not in (found.hint or "")
            assert word not in str(found.input)


@pytest.fixture(scope="module")
def all_authorities(
    strict: eh.Authority,
    lenient: eh.Authority,
    silent: eh.Authority,
    bedford: eh.Authority,
    bromley: eh.Authority,
) -> tuple[eh.Authority, ...]:
    return (bedford, bromley, strict, lenient, silent)


@settings(max_examples=150)
@given(referrals())
def test_never_raises(all_authorities: tuple[eh.Authority, ...], referral: eh.Referral) -> None:
    checks: list[Callable[..., Any]] = [r.check for r in referral_rules()]
    for authority in all_authorities:
        context = Context(authority)
        for check in checks:  # called directly, so an exception is not caught by the engine
            for found in check(referral, context):
                assert found.message
                assert "\n" not in found.message
        report = eh.validate(authority, referral)
        assert not [f for f in report.findings if f.message.startswith("internal error")]
