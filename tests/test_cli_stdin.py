"""`-` (standard input) for `assess` and `validate`: one YAML or JSON document, or JSON Lines."""

from __future__ import annotations

import io
import json

import pytest
import yaml

from earlyhelp_core.cli import main

from .conftest import EXAMPLES

YAML_DOC = (EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8")
ONE_LINE = json.dumps(yaml.safe_load(YAML_DOC), default=str)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: str, *, binary: bool = True) -> None:
    raw = io.BytesIO(data.encode("utf-8"))
    stream = io.TextIOWrapper(raw, encoding="utf-8") if binary else io.StringIO(data)
    monkeypatch.setattr("sys.stdin", stream)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("binary", [True, False])
def test_assess_reads_a_yaml_document_from_stdin(monkeypatch, capsys, binary: bool) -> None:
    _stdin(monkeypatch, YAML_DOC, binary=binary)
    code, out, err = run(capsys, "assess", "-", "--format", "json")
    assert (code, err) == (0, "")
    decision = json.loads(out)
    assert decision["file"] == "<stdin>"
    assert decision["id"] == "EHA-2024-0103"
    assert decision["level"]["id"] == "tier-2"  # under the document's own authority


def test_validate_reads_a_pretty_json_document_from_stdin(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, (EXAMPLES / "referral-mash.json").read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "validate", "-", "--authority", "bedford")
    assert out.splitlines()[-1].startswith("<stdin>: ok under bedford")
    assert code == 0


def test_input_format_document_reads_one_json_line_as_a_document(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, ONE_LINE + "\n")
    code, out, _ = run(capsys, "assess", "-", "--input-format", "document", "--format", "json")
    assert code == 0
    assert json.loads(out)["id"] == "EHA-2024-0103"


def test_a_problem_in_a_stdin_document_is_located_in_stdin(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, YAML_DOC.replace("assessed_on: ", "assesed_on: ", 1))
    code, out, _ = run(capsys, "validate", "-")
    assert code == 1
    line = next(n for n, text in enumerate(YAML_DOC.splitlines(), 1) if "assessed_on" in text)
    assert f"<stdin>:{line}:1: assesed_on: unknown key 'assesed_on'" in out


def test_stdin_and_files_are_validated_together(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, YAML_DOC)
    plan = EXAMPLES / "plan-team-around-the-family.yaml"
    code, out, _ = run(capsys, "validate", "-", str(plan), "--format", "json")
    files = [r["file"] for r in json.loads(out)]
    assert files == ["<stdin>", str(plan)]
    assert code in (0, 1)


def test_json_lines_on_stdin_keep_their_line_numbers_after_a_blank_first_line(
    monkeypatch, capsys
) -> None:
    _stdin(monkeypatch, "\n" + ONE_LINE + "\n" + '{"kind": "plan"}\n')
    code, out, _ = run(capsys, "assess", "-", "--authority", "bromley", "--format", "jsonl")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["problems"][0]["line"] == 1
    assert results[0]["problems"][0]["kind"] == "empty"
    assert results[1]["ok"] is True
    assert results[2]["problems"][0]["line"] == 3
    assert code == 1


def test_an_empty_stdin_is_one_problem(monkeypatch, capsys) -> None:
    _stdin(monkeypatch, "")
    code, _, err = run(capsys, "assess", "-", "--input-format", "document")
    assert code == 1
    assert err.startswith("<stdin>:1:1: (document): the input is empty")
