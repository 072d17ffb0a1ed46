"""`earlyhelp validate` reads like a linter; `earlyhelp rules` lists the rules."""

from __future__ import annotations

import json
import re

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from .conftest import EXAMPLES

LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>EH\d{3}) (?P<severity>error|warning): (?P<path>\S+): (?P<message>.+)$"
)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_are_printed_like_a_linter(capsys) -> None:
    path = EXAMPLES / "assessment-significant-harm.yaml"
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    printed = out.splitlines()
    lines = [LINE.match(line) for line in printed if ": not checked: " not in line]
    assert all(lines), out
    assert (
        printed[-1]
        == f"{path}: not checked: EH021: bedford's config does not set voice_max_age_days"
    )
    by_code = {m["code"]: m for m in lines if m}
    assert by_code["EH040"]["severity"] == "error"
    assert (by_code["EH040"]["line"], by_code["EH040"]["path"]) == ("16", "factors[0]")
    # the level in the words of the authority the document names (Bedford), not another's
    bedford = eh.load_authority("bedford")
    doc = eh.load_document(path)
    assert isinstance(doc, eh.Assessment)
    level = bedford.classify(doc).level
    assert by_code["EH040"]["message"].startswith(
        f"the level is {level.id!r} ({level.title}), a section 47 level: {level.description}"
    )
    assert by_code["EH040"]["message"].endswith("which early help does not replace)")


def test_warnings_alone_exit_zero(capsys) -> None:
    code, out, _ = run(capsys, "validate", EXAMPLES / "assessment-complex-needs.yaml")
    assert code == 0
    assert "EH041 warning" in out
    assert out.strip().endswith(
        "family F-0104, 4 members, factors: child-drug-misuse, offending, school-exclusion, social-emotional-and-mental-health-needs, household-mental-health, young-carer, low-income"
    )
    assert "ok under bromley, 1 warning" in out


def test_authority_option_overrides_the_documents_own(capsys) -> None:
    code, out, _ = run(
        capsys, "validate", EXAMPLES / "assessment-multi-agency.yaml", "--authority", "bedford"
    )
    assert code == 1
    assert "EH030 error: recorded_level.level: 'tier-2' is not a level of bedford" in out


def test_json_output_carries_every_finding_field(capsys) -> None:
    code, out, _ = run(
        capsys, "validate", EXAMPLES / "assessment-significant-harm.yaml", "--format", "json"
    )
    assert code == 1
    (report,) = json.loads(out)
    assert report["ok"] is False
    finding = next(f for f in report["findings"] if f["code"] == "EH040")
    assert set(finding) == {
        "code",
        "severity",
        "path",
        "line",
        "col",
        "message",
        "hint",
        "input",
        "citation",
        "file",
        "calendar",
        "url",
    }
    assert finding["calendar"] is None  # EH040 counts no working days
    assert finding["path"] == ["factors", 0]
    path = EXAMPLES / "assessment-significant-harm.yaml"
    assert finding["file"] == str(path)
    # the text output locates each finding in its file
    _, out, _ = run(capsys, "validate", path)
    line = next(row for row in out.splitlines() if " EH040 " in row)
    assert line.startswith(f"{path}:{finding['line']}:{finding['col']}: EH040 error: ")


def test_parse_problems_and_findings_together(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: plan\nid: x\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", bad, EXAMPLES / "assessment-no-needs.yaml")
    assert code == 1
    assert f"{bad}:1:1: (document): missing required key 'started_on'" in out
    assert "assessment-no-needs.yaml: ok under bromley" in out


def test_rules_lists_every_rule(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    *listed, blank, calendar = out.strip().splitlines()
    assert [line.split()[0] for line in listed] == [r.code for r in eh.rules()]
    assert blank == ""
    assert calendar.startswith("[working days] counted as Monday to Friday less")
    assert out.startswith("EH001  error    assessment  consent-not-given: ")
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert {r["code"] for r in json.loads(out)} == {r.code for r in eh.rules()}


def test_rules_that_did_not_run_are_printed_with_why(capsys) -> None:
    plan = EXAMPLES / "plan-team-around-the-family.yaml"
    code, out, _ = run(capsys, "validate", plan)
    assert code == 0
    assert out.splitlines() == [
        f"{plan}: not checked: EH052, EH061, EH062, EH065, EH067: needs the assessment the "
        "plan follows (EHA-2024-0103), which was not given",
        f"{plan}: not checked: EH054, EH059: bromley's config does not set review_interval_weeks",
        f"{plan}: not checked: EH055, EH064: bromley's config does not set review_score_min "
        "or review_score_max",
        f"{plan}: ok under bromley: plan TAF-2024-0103: family F-0103, 4 members",
    ]
    # given with its assessment, the plan is compared with it
    code, out, _ = run(capsys, "validate", plan, EXAMPLES / "assessment-multi-agency.yaml")
    assert "needs the assessment" not in out
    code, out, _ = run(capsys, "validate", plan, "--format", "json")
    (report,) = json.loads(out)
    assert {n["code"] for n in report["not_checked"]} == {
        "EH052",
        "EH054",
        "EH055",
        "EH059",
        "EH061",
        "EH062",
        "EH064",
        "EH065",
        "EH067",
    }
