"""A rule that cannot run is listed in the report's ``not_checked``, never passed over silently."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings

import earlyhelp_core as eh
from earlyhelp_core.assessment import _core
from earlyhelp_core.testing import assessments, plans, referrals

from ..thresholds.conftest import make_config
from .conftest import document

RULES = eh.rules()
NEEDS_A_PARAMETER = [r for r in RULES if any(n != _core.ASSESSMENT for n in r.requires)]
NEEDS_THE_ASSESSMENT = [r for r in RULES if _core.ASSESSMENT in r.requires]
CANNOT_TELL = [r for r in RULES if r.cannot_tell is not None]
BUNDLED = [eh.load_authority(a) for a in eh.list_authorities()]
KINDS = ("early-help-assessment", "plan", "referral")


GO_TOGETHER = ("supporting_families_framework", "supporting_families_min_headlines")
"""Parameters a config sets together or leaves unset together (a framework and its minimum)."""


def authority_without(tmp_path, *parameters: str) -> eh.Authority:
    """testshire with ``parameters`` left unset, as a config does where its sources are silent."""
    cfg = make_config()
    for parameter in parameters:
        cfg["parameters"][parameter] = {"value": None, "note": "the sources are silent"}
    path = tmp_path / f"without-{'-'.join(parameters)}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


def test_the_rules_that_need_something_say_so() -> None:
    # the parameters a rule cannot work without, and the plan rules that compare the plan
    # with its assessment
    assert {r.code for r in NEEDS_THE_ASSESSMENT} == {"EH052", "EH061", "EH062", "EH065", "EH067"}
    assert {"EH021", "EH054", "EH055", "EH059", "EH064", "EH071", "EH074", "EH090"} <= {
        r.code for r in NEEDS_A_PARAMETER
    }
    for r in RULES:
        # a built-in rule runs in full or is listed: it needs every parameter it reads
        assert set(r.requires) - {_core.ASSESSMENT} == set(r.reads), r.code


def test_the_rules_that_cannot_tell_which_documents_they_cover() -> None:
    # the referral feedback time is for referrals for early help into the MASH, and a
    # referral does not record what it asks for
    assert {r.code for r in CANNOT_TELL} == {"EH071", "EH072"}


@pytest.mark.parametrize("kind", KINDS)
def test_everything_runs_when_everything_is_given(testshire, kind) -> None:
    # ... but for the rules that cannot tell which documents their source covers
    followed = document("early-help-assessment") if kind == "plan" else None
    report = eh.validate(testshire, document(kind), assessment=followed)
    assert report.not_checked == tuple(
        _core.NotChecked(r.code, r.title, r.cannot_tell or "")
        for r in CANNOT_TELL
        if kind in r.kinds
    )


@pytest.mark.parametrize("rule", NEEDS_A_PARAMETER, ids=lambda r: r.code)
def test_a_rule_whose_parameter_is_unset_is_listed_not_passed(tmp_path, testshire, rule) -> None:
    (kind,) = rule.kinds
    followed = document("early-help-assessment") if kind == "plan" else None
    failing = document(kind, rule.example)
    if rule.cannot_tell is None:
        assert rule.code in eh.validate(testshire, failing, assessment=followed).codes
    for parameter in (n for n in rule.requires if n != _core.ASSESSMENT):
        unset = GO_TOGETHER if parameter in GO_TOGETHER else (parameter,)
        authority = authority_without(tmp_path, *unset)
        report = eh.validate(authority, failing, assessment=followed)
        assert rule.code not in report.codes
        (listed,) = [n for n in report.not_checked if n.code == rule.code]
        assert listed.title == rule.title
        assert listed.reason == f"testshire's config does not set {' or '.join(unset)}"
        assert str(listed) == f"{rule.code} ({rule.title}) not checked: {listed.reason}"


def test_a_plan_without_its_assessment_lists_the_rules_that_compare_them(testshire) -> None:
    plan = document("plan", NEEDS_THE_ASSESSMENT[0].example)
    alone = eh.validate(testshire, plan)
    listed = {n.code: n.reason for n in alone.not_checked}
    assert set(listed) == {r.code for r in NEEDS_THE_ASSESSMENT}
    assert set(listed.values()) == {
        "needs the assessment the plan follows (EHA-2024-0103), which was not given"
    }
    assert not set(listed) & set(alone.codes)
    together = eh.validate(testshire, plan, assessment=document("early-help-assessment"))
    assert together.not_checked == ()
    assert NEEDS_THE_ASSESSMENT[0].code in together.codes


def test_a_rule_switched_off_by_the_config_is_listed(tmp_path) -> None:
    cfg = make_config()
    cfg["validation"] = {"EH020": {"enabled": False, "reason": "recorded elsewhere"}}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    report = eh.validate(eh.load_authority(path), document("early-help-assessment", {"voice": []}))
    assert "EH020" not in report.codes
    assert [n.to_dict() for n in report.not_checked] == [
        {
            "code": "EH020",
            "title": next(r.title for r in RULES if r.code == "EH020"),
            "reason": "switched off by testshire's config (validation)",
        }
    ]


def test_the_report_carries_them_as_plain_data() -> None:
    bromley = eh.load_authority("bromley")
    data = eh.validate(bromley, document("plan")).to_dict()
    listed = {n["code"] for n in data["not_checked"]}
    assert {"EH052", "EH054", "EH059"} <= listed  # bromley sets no review interval
    assert all(set(n) == {"code", "title", "reason"} for n in data["not_checked"])


@settings(max_examples=40, deadline=None)
@given(a=assessments(), p=plans(), r=referrals())
def test_a_rule_listed_never_also_finds(a, p, r) -> None:
    for authority in BUNDLED:
        for doc in (a, p, r):
            report = eh.validate(authority, doc)
            listed = [n.code for n in report.not_checked]
            assert len(listed) == len(set(listed))
            assert not set(listed) & set(report.codes)
            applicable = {rule.code for rule in RULES if doc.kind in rule.kinds}
            assert set(listed) <= applicable


def test_an_authority_lists_the_rules_it_never_runs(tmp_path, testshire) -> None:
    cannot_tell = [(r.code, r.cannot_tell) for r in CANNOT_TELL]
    assert [(n.code, n.reason) for n in eh.rules_not_run(testshire)] == cannot_tell
    authority = authority_without(tmp_path, "review_interval_weeks")
    assert [(n.code, n.reason) for n in eh.rules_not_run(authority)] == sorted(
        [
            (r.code, "testshire's config does not set review_interval_weeks")
            for r in RULES
            if "review_interval_weeks" in r.requires
        ]
        + cannot_tell
    )
    # the same rules are then listed in every report of a document of their kind
    report = eh.validate(authority, document("plan"), assessment=document("early-help-assessment"))
    plan_rules = {r.code for r in RULES if "plan" in r.kinds}
    assert report.not_checked == tuple(
        n for n in eh.rules_not_run(authority) if n.code in plan_rules
    )
    assert report.not_checked


def test_a_rule_needing_two_unset_parameters_names_both() -> None:
    bedford = eh.load_authority("bedford")  # its strategy names no review scoring scale
    (listed,) = [n for n in eh.rules_not_run(bedford) if n.code == "EH055"]
    assert listed.reason == ("bedford's config does not set review_score_min or review_score_max")
