"""The rule registry: every rule is complete, documented by an example that really fails,
and the engine keeps going when a rule breaks."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml
from hypothesis import given, settings

import earlyhelp_core as eh
from earlyhelp_core.assessment import _core
from earlyhelp_core.testing import assessments, plans, referrals

from ..thresholds.conftest import make_config
from .conftest import document

RULES = eh.rules()
BY_KIND = {
    "early-help-assessment": "assessment",
    "plan": "plan",
    "referral": "referral",
}


def test_codes_are_unique_stable_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"EH\d{3}", c) for c in codes)
    assert codes == sorted(codes)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_is_documented_in_three_parts(rule) -> None:
    assert rule.what, rule.code
    assert rule.why, rule.code
    assert rule.example, rule.code
    assert rule.citation
    assert "\n" not in rule.summary
    assert rule.kinds


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_the_three_parts_are_the_docstring_cut_at_its_headings(rule) -> None:
    doc = rule.doc
    what_end = doc.index("Why it matters:")
    why_start = what_end + len("Why it matters:")
    example_at = doc.index("Example that fails::")
    assert rule.what == doc[:what_end].strip()
    assert rule.why == textwrap.dedent(doc[why_start:example_at]).strip()
    assert rule.example == textwrap.dedent(doc[example_at + len("Example that fails::") :]).strip()
    for heading in ("Why it matters:", "Example that fails::"):
        assert heading not in rule.what + rule.why + rule.example


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rules_example_really_fails(rule, testshire) -> None:
    for kind in rule.kinds:
        # a plan is checked with the assessment it follows (examples/assessment-multi-agency.yaml)
        followed = document("early-help-assessment") if kind == "plan" else None
        failing = document(kind, rule.example)
        report = eh.validate(testshire, failing, assessment=followed)
        if rule.cannot_tell is None:
            assert rule.code in report.codes, f"{rule.code}: its example does not produce it"
            continue
        # a rule that cannot tell which documents its source covers runs for none: the
        # example is listed with why, and the check itself still finds it
        assert rule.code not in report.codes
        assert (rule.code, rule.cannot_tell) in {(n.code, n.reason) for n in report.not_checked}
        assert list(rule.check(failing, _core.Context(testshire, None, followed)))


def test_a_code_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already taken"):
        _core.register(RULES[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "E1"}, "must look like"),
        ({"reads": ("no_such_parameter",)}, "reads unknown parameters"),
        ({"kinds": ("letter",)}, "kinds="),
        # a rule requires only what it reads, and only a plan's rules are given an assessment
        ({"requires": ("review_interval_weeks",)}, "which it does not read"),
        (
            {"kinds": ("referral",), "requires": (_core.ASSESSMENT,)},
            "which only a plan's rules are given",
        ),
        ({"cannot_tell": " "}, "say why the rule cannot tell"),
    ],
)
def test_rule_metadata_is_checked(kwargs, message) -> None:
    base = {
        "code": "ZZ001",
        "title": "t",
        "severity": eh.Severity.WARNING,
        "summary": "s",
        "kinds": ("plan",),
        "reads": (),
        "citation": "s",
        "check": lambda doc, ctx: (),
    }
    with pytest.raises(ValueError, match=message):
        _core.register(_core.Rule(**{**base, **kwargs}))
    assert "ZZ001" not in {r.code for r in eh.rules()}


@pytest.fixture
def temporary_rules():
    added: list[str] = []
    yield added
    for code in added:
        _core._unregister(code)


def test_a_broken_rule_does_not_hide_the_others(testshire, temporary_rules) -> None:
    @eh.rule(
        code="ZZ998",
        title="broken",
        severity="warning",
        summary="breaks",
        kinds=["early-help-assessment"],
        citation="test",
    )
    def broken(doc, ctx):
        raise RuntimeError("bug")
        yield  # pragma: no cover

    temporary_rules.append("ZZ998")
    report = eh.validate(testshire, document("early-help-assessment", "voice: []"))
    internal = [f for f in report.findings if f.code == "ZZ998"]
    assert len(internal) == 1
    assert internal[0].severity is eh.Severity.ERROR
    assert "internal error in rule ZZ998 (RuntimeError)" in internal[0].message
    assert "EH020" in report.codes


def test_users_add_their_own_rules(testshire, temporary_rules) -> None:
    @eh.rule(
        code="LA001",
        title="needs-a-strength",
        severity="warning",
        summary="An assessment records at least one strength",
        kinds=["early-help-assessment"],
        citation="our practice standard",
    )
    def needs_a_strength(doc, ctx):
        if not doc.strengths:
            yield _core.hit(("strengths",), "no strengths recorded", "ask the family")

    temporary_rules.append("LA001")
    report = eh.validate(testshire, document("early-help-assessment", {"strengths": []}))
    (found,) = [f for f in report.findings if f.code == "LA001"]
    assert (found.path, found.hint, found.citation) == (
        ("strengths",),
        "ask the family",
        "our practice standard",
    )


def test_a_finding_may_cite_the_authority_it_ran_under(testshire, temporary_rules) -> None:
    @eh.rule(
        code="LA002",
        title="cites-the-lowest-level",
        severity="warning",
        summary="Cites the authority's lowest level on one finding",
        kinds=["early-help-assessment"],
        citation="our practice standard",
    )
    def cites(doc, ctx):
        lowest = ctx.authority.levels[0]
        yield _core.hit(
            ("factors",), "from the config", citation=f"{ctx.authority.id}: {lowest.source}"
        )
        yield _core.hit(("strengths",), "from the rule")

    temporary_rules.append("LA002")
    report = eh.validate(testshire, document("early-help-assessment"))
    sources = {f.message: f.citation for f in report.findings if f.code == "LA002"}
    assert sources == {
        "from the config": f"testshire: {testshire.levels[0].source}",
        "from the rule": "our practice standard",
    }


def config_with(tmp_path, validation):
    cfg = make_config()
    cfg["validation"] = validation
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def test_authorities_switch_rules_off_and_change_severity(tmp_path) -> None:
    authority = eh.load_authority(
        config_with(
            tmp_path,
            {
                "EH020": {"enabled": False, "reason": "recorded elsewhere"},
                "EH003": {"severity": "error"},
            },
        )
    )
    report = eh.validate(
        authority, document("early-help-assessment", {"voice": [], "consent": {"by": None}})
    )
    assert "EH020" not in report.codes
    (undated,) = [f for f in report.findings if f.code == "EH003"]
    assert undated.severity is eh.Severity.ERROR
    assert not report.ok


def test_an_override_of_an_unknown_rule_is_a_located_config_error(tmp_path) -> None:
    authority = eh.load_authority(config_with(tmp_path, {"EH200": {"enabled": False}, "EH099": {}}))
    with pytest.raises(eh.ConfigError) as exc:
        eh.validate(authority, document("early-help-assessment"))
    text = str(exc.value)
    assert "EH200" in text
    assert "EH099" in text
    assert all(p.line for p in exc.value.problems)


def test_an_override_of_a_rule_not_registered_suggests_the_nearest(tmp_path) -> None:
    authority = eh.load_authority(config_with(tmp_path, {"EH099": {}, "EH998": {}}))
    with pytest.raises(eh.ConfigError) as exc:
        eh.rules_not_run(authority)
    messages = {p.path: p.message for p in exc.value.problems}
    assert messages[("validation", "EH099")].startswith("unknown rule code 'EH099'")
    assert len(exc.value.problems) == 2


def test_a_config_may_override_a_rule_registered_after_it_loaded(tmp_path) -> None:
    """The matrix does not depend on the rules: a config that switches off an authority's
    own rule loads before that rule is registered, and validates once it is."""
    authority = eh.load_authority(
        config_with(tmp_path, {"LA901": {"enabled": False, "reason": "trial"}})
    )
    with pytest.raises(eh.ConfigError, match="LA901"):
        eh.validate(authority, document("early-help-assessment"))

    @eh.rule(
        code="LA901",
        title="always",
        severity="warning",
        summary="fires on every assessment",
        kinds=["early-help-assessment"],
        citation="a test",
    )
    def always(doc, ctx):  # type: ignore[no-untyped-def]
        yield eh.hit((), "always")

    try:
        report = eh.validate(authority, document("early-help-assessment"))
        assert "LA901" not in report.codes
        assert "LA901" in {n.code for n in report.not_checked}
    finally:
        from earlyhelp_core.assessment._core import _unregister

        _unregister("LA901")


def test_the_command_line_reports_an_unknown_override_as_it_loads_the_config(
    tmp_path, capsys
) -> None:
    from earlyhelp_core.cli import main

    path = config_with(tmp_path, {"EH099": {}})
    assert main(["check-config", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out
    assert "unknown rule code 'EH099'" in out


def test_findings_are_ordered_whatever_order_they_come_in(testshire) -> None:
    report = eh.validate(
        testshire,
        document("early-help-assessment", "voice: []\nconsent: {given: false, given_on: null}"),
    )
    assert len(report.findings) > 2
    again = eh.Report(tuple(reversed(report.findings)))
    assert again.findings == report.findings


def test_report_is_plain_data(testshire) -> None:
    report = eh.validate(testshire, document("early-help-assessment", "voice: []"))
    data = report.to_dict()
    assert data["ok"] is report.ok
    assert {f["code"] for f in data["findings"]} == set(report.codes)
    assert data["findings"][0]["url"].endswith(f"/rules/{data['findings'][0]['code']}/")


def test_findings_never_carry_personal_data(testshire) -> None:
    doc = document(
        "early-help-assessment",
        {
            "assessor": {"name": "Zelda Secretname"},
            "family": {
                "members": [
                    {
                        "name": "Quentin Hiddenname",
                        "date_of_birth": "2003-07-19",
                        "send": "none",
                    },
                ]
            },
            "factors": [
                {"factor": "sexual-abuse", "about": ["c1"], "evidence": "PRIVATE-EVIDENCE"}
            ],
            "voice": [{"about": "c1", "recorded_on": "2024-09-01", "summary": "PRIVATE-SUMMARY"}],
            "recorded_level": {"level": "level-1", "rationale": "PRIVATE-RATIONALE"},
        },
    )
    report = eh.validate(testshire, doc)
    assert len(report.findings) >= 4
    text = repr(report) + str(report.to_dict())
    for secret in ("Secretname", "Hiddenname", "2003", "PRIVATE"):
        assert secret not in text


BUNDLED = [eh.load_authority(a) for a in eh.list_authorities()]


@settings(max_examples=60, deadline=None)
@given(a=assessments(), p=plans(), r=referrals())
def test_validation_never_raises_on_a_parsed_document(testshire, a, p, r) -> None:
    for authority in (testshire, *BUNDLED):
        for doc in (a, p, r):
            report = eh.validate(authority, doc)
            assert not any("internal error" in f.message for f in report.findings)


CLEAN = {
    # the example assessment with a recorded level that agrees with testshire's matrix
    "early-help-assessment": "recorded_level: {level: level-3, rationale: three needs in two domains}",
    "plan": "",
    "referral": "",
}
EXPECTED_ON_CLEAN = {"EH041"}  # testshire's level-3 is section 17: a referral is required


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_passes_a_good_document(rule, testshire) -> None:
    for kind in rule.kinds:
        followed = document("early-help-assessment") if kind == "plan" else None
        codes = eh.validate(testshire, document(kind, CLEAN[kind]), assessment=followed).codes
        assert set(codes) <= EXPECTED_ON_CLEAN
        if rule.code not in EXPECTED_ON_CLEAN:
            assert rule.code not in codes


def test_a_rule_documented_in_one_part_has_only_a_what(temporary_rules) -> None:
    @eh.rule(
        code="ZZ997",
        title="plain",
        severity="warning",
        summary="plain",
        kinds=["early-help-assessment"],
        citation="test",
    )
    def plain(doc, ctx):
        """Only says what it checks.

        On two lines."""
        return ()

    temporary_rules.append("ZZ997")
    (found,) = [r for r in eh.rules() if r.code == "ZZ997"]
    assert found.what == "Only says what it checks.\n\nOn two lines."
    assert (found.why, found.example) == ("", "")


def test_a_rule_without_an_example_has_a_why_to_the_end(temporary_rules) -> None:
    @eh.rule(
        code="ZZ996",
        title="no-example",
        severity="warning",
        summary="no example",
        kinds=["early-help-assessment"],
        citation="test",
    )
    def no_example(doc, ctx):
        """Checks a thing.

        Why it matters: because,
        and more.
        """
        return ()

    temporary_rules.append("ZZ996")
    (found,) = [r for r in eh.rules() if r.code == "ZZ996"]
    assert (found.what, found.why, found.example) == (
        "Checks a thing.",
        "because,\nand more.",
        "",
    )


def test_a_rule_registered_after_validating_runs_from_the_next_document(
    testshire, temporary_rules
) -> None:
    doc = document("early-help-assessment")
    assert "ZZ997" not in eh.validate(testshire, doc).codes  # the plan for testshire is made

    @eh.rule(
        code="ZZ997",
        title="late",
        severity="warning",
        summary="registered after the first validation",
        kinds=["early-help-assessment"],
        citation="a test",
    )
    def late(doc, ctx):  # type: ignore[no-untyped-def]
        yield eh.hit((), "late")

    temporary_rules.append("ZZ997")
    assert "ZZ997" in eh.validate(testshire, doc).codes
    _core._unregister("ZZ997")
    assert "ZZ997" not in eh.validate(testshire, doc).codes


def test_a_rule_registered_later_that_cannot_run_is_listed_from_the_next_document(
    testshire, temporary_rules
) -> None:
    doc = document("plan")
    assert "ZZ996" not in {n.code for n in eh.validate(testshire, doc).not_checked}

    @eh.rule(
        code="ZZ996",
        title="late-and-unsure",
        severity="warning",
        summary="registered later, and cannot tell",
        kinds=["plan"],
        citation="a test",
        cannot_tell="no document records it",
    )
    def unsure(doc, ctx):  # type: ignore[no-untyped-def]
        yield eh.hit((), "unsure")

    temporary_rules.append("ZZ996")
    (listed,) = (n for n in eh.validate(testshire, doc).not_checked if n.code == "ZZ996")
    assert listed.reason == "no document records it"


def test_plans_are_kept_per_config_not_per_authority_id(tmp_path, testshire) -> None:
    doc = document("early-help-assessment")
    off = eh.load_authority(
        config_with(tmp_path, {"EH020": {"enabled": False, "reason": "recorded elsewhere"}})
    )
    assert off.id == testshire.id
    for _ in range(2):  # and again, from the plans kept
        assert "EH020" in {n.code for n in eh.validate(off, doc).not_checked}
        assert "EH020" not in {n.code for n in eh.validate(testshire, doc).not_checked}


@pytest.mark.parametrize("kind", sorted(BY_KIND))
def test_rules_not_run_for_a_document_are_those_each_rule_gives_for_it(testshire, kind) -> None:
    """The plan worked out once per authority and kind lists what asking each rule about
    each document would: for a plan, with and without its assessment."""
    authorities = [testshire, *(eh.load_authority(a) for a in eh.list_authorities())]
    doc = document(kind)
    for authority in authorities:
        for assessment in (None, document("early-help-assessment")):
            report = eh.validate(authority, doc, assessment=assessment)
            expected = tuple(
                _core.NotChecked(r.code, r.title, why)
                for r in eh.rules()
                if kind in r.kinds
                and (why := _core._why_not_run(r, authority, doc, assessment)) is not None
            )
            assert report.not_checked == expected
