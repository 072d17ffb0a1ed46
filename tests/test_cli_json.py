"""Every command honours `--format json`: its output is one JSON document, and an error
that stops it is JSON too, in one shape whatever the command."""

from __future__ import annotations

import json

import pytest

from earlyhelp_core.cli import main
from earlyhelp_core.cli._main import COMMANDS

from .conftest import EXAMPLES

PROBLEM_KEYS = ["source", "line", "col", "path", "kind", "message"]
DOC = str(EXAMPLES / "assessment-no-needs.yaml")

# a run of each command that fails, and the kind of its problem
FAILING = {
    "assess": (["assess", DOC, "--authority", "nowhere"], "unknown-id"),
    "validate": (["validate", DOC, "--authority", "nowhere"], "unknown-id"),
    "rules": (["rules", "--authority", "nowhere"], "unknown-id"),
    "check-config": (["check-config", "missing.yaml"], "file"),
    "diff": (["diff", "nowhere", "bromley"], "unknown-id"),
    "show": (["show", "nowhere"], "unknown-id"),
    "translate": (["translate", "tier-2", "--from", "bromley", "--to", "nowhere"], "unknown-id"),
    "vocabulary": (["vocabulary", "nowhere"], "unknown-id"),
    "assess-document": (["assess", str(EXAMPLES / "plan-step-up.yaml")], "usage"),
}


SERVERS = {"serve"}
"""Commands that answer over the network while they run, not with a report on stdout."""


def test_every_command_has_a_json_format() -> None:
    from earlyhelp_core.cli import build_parser

    parser = build_parser()
    for name in COMMANDS.keys() - SERVERS:
        args = parser.parse_args([name, *_required(name), "--format", "json"])
        assert args.format == "json", name


def _required(name: str) -> list[str]:
    return {
        "assess": [DOC],
        "validate": [DOC],
        "check-config": ["x.yaml"],
        "diff": ["a", "b"],
        "show": ["bromley"],
        "translate": ["x", "--from", "a", "--to", "b"],
        "schema": ["assessment"],
    }.get(name, [])


@pytest.mark.parametrize("case", sorted(FAILING))
def test_an_error_is_json_in_one_shape_for_every_command(capsys, case: str) -> None:
    argv, kind = FAILING[case]
    assert main([*argv, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    result = json.loads(out)
    assert result["ok"] is False
    (problem,) = result["problems"]
    assert list(problem) == PROBLEM_KEYS
    assert problem["kind"] == kind
    assert problem["message"]


def test_a_document_with_problems_is_json_from_assess(capsys, tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("kind: early-help-assessment\nid: A-1\n", encoding="utf-8")
    assert main(["assess", str(path), "--authority", "bromley", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    problems = json.loads(out)["problems"]
    assert {p["source"] for p in problems} == {str(path)}
    assert all(list(p) == PROBLEM_KEYS for p in problems)


def test_without_json_an_error_stays_one_line_on_stderr(capsys) -> None:
    assert main(["show", "nowhere"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("earlyhelp: error: unknown authority 'nowhere'")


@pytest.mark.parametrize("command", ["assess", "validate"])
def test_json_lines_in_and_json_out_is_one_list(capsys, tmp_path, command: str) -> None:
    good = json.dumps(json.loads(json.dumps(_assessment())))
    path = tmp_path / "cohort.jsonl"
    path.write_text(f"{good}\nnot json\n{good}\n", encoding="utf-8")
    assert main([command, str(path), "--authority", "bromley", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    results = json.loads(out)
    assert [(r["index"], r["line"], r["ok"]) for r in results][1] == (1, 2, False)
    assert len(results) == 3
    assert "3 records under bromley" in err  # the summary, beside the data


def test_an_empty_cohort_is_an_empty_json_list(capsys, tmp_path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    assert main(["assess", str(path), "--authority", "bromley", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def _assessment() -> dict[str, object]:
    from earlyhelp_core.thresholds._check import minimal_assessment

    return minimal_assessment(["housing-need"]).model_dump(mode="json")
