"""The earlyhelp command: located output, exit status, JSON for services, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from earlyhelp_core.cli import main

from .conftest import EXAMPLES


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_examples_without_an_authority_checks_the_documents_only(capsys, tmp_path) -> None:
    files = []
    for p in sorted(EXAMPLES.glob("*.yaml")):
        text = "\n".join(
            line
            for line in p.read_text(encoding="utf-8").splitlines()
            if not line.startswith("authority:")
        )
        files.append(tmp_path / p.name)
        files[-1].write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "validate", *map(str, files))
    assert code == 0
    assert out.count("(no authority: policy rules not run; pass --authority)") == len(files)


def test_validate_reports_located_problems(capsys, write) -> None:
    bad = write("kind: plan\nid: P 1\nstarted_on: 2024-01-01\nfamily: {id: F, members: []}\n")
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    lines = out.strip().splitlines()
    assert f"{bad}:2:5: id: expected an id" in lines[0]
    assert lines[1] == f"{bad}:4:26: family.members: expected at least 1 item, found 0"


def test_validate_json_output(capsys, write) -> None:
    bad = write("kind: plan\n")
    good = sorted(EXAMPLES.glob("*.yaml"))[0]
    code, out, _ = run(capsys, "validate", str(good), str(bad), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [r["ok"] for r in report] == [True, False]
    assert report[1]["problems"][0]["kind"] == "missing"
    assert report[1]["problems"][0]["line"] == 1


def test_validate_missing_file(capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "validate", str(tmp_path / "none.yaml"))
    assert code == 1
    assert out.strip() == f"{tmp_path / 'none.yaml'}: (document): no such file"


def test_vocabulary_lists_every_factor(capsys) -> None:
    import earlyhelp_core as eh

    code, out, _ = run(capsys, "vocabulary")
    assert code == 0
    assert len(out.strip().splitlines()) == len(eh.vocabulary.factors())


def test_vocabulary_one_factor_json(capsys) -> None:
    code, out, _ = run(capsys, "vocabulary", "persistent-absence", "--format", "json")
    assert code == 0
    assert json.loads(out)[0]["id"] == "persistent-absence"


def test_vocabulary_unknown_factor(capsys) -> None:
    code, _, err = run(capsys, "vocabulary", "persistent-absense")
    assert code == 1
    assert "did you mean 'persistent-absence'?" in err


def test_schema_prints_json(capsys) -> None:
    code, out, _ = run(capsys, "schema", "referral")
    assert code == 0
    assert json.loads(out)["title"] == "Referral"


def test_usage_error_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["schema", "nope"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfea\x00",
        b"a: [1\n",
        b"kind: referral\nkind: plan\n",
        b"a: !!python/name:os.system\n",
    ],
)
def test_bad_files_never_give_a_traceback(write, content: bytes) -> None:
    path = write(content)
    proc = subprocess.run(
        [sys.executable, "-m", "earlyhelp_core.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: \S+: ", proc.stdout), proc.stdout


def test_schema_takes_the_json_format_and_says_where_its_file_is(capsys) -> None:
    code, out, _ = run(capsys, "schema", "plan", "--format", "json")
    assert code == 0
    assert json.loads(out)["$id"] == "urn:earlyhelp-core:schema:plan"
    code, out, _ = run(capsys, "schema", "assessment", "--path")
    assert code == 0
    path = out.strip()
    assert path.endswith("assessment.schema.json")
    with open(path, encoding="utf-8") as f:
        assert json.load(f)["$id"] == "urn:earlyhelp-core:schema:assessment"
    code, out, _ = run(capsys, "schema", "assessment", "--path", "--format", "json")
    assert json.loads(out) == {"name": "assessment", "path": path}
