"""`earlyhelp assess --from KIND PATH`: cohort runs straight from the data authorities hold,
with the same outputs, summary and --compare as JSON Lines input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import main
from earlyhelp_core.interop import read_cin_census, read_ssd, synthetic_census, synthetic_ssd


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ssd")
    synthetic_ssd(folder, 60, seed=3)
    return folder


def test_an_extract_classifies_from_the_command_line_as_from_python(capsys, extract) -> None:
    bromley = eh.load_authority("bromley")
    expected = [
        (r.id, r.decision.level.id if r.decision else None)
        for r in eh.classify_many(bromley, read_ssd(extract, authority="bromley"))
    ]
    assert (
        main(
            ["assess", "--from", "ssd", str(extract), "--authority", "bromley", "--format", "jsonl"]
        )
        == 0
    )
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [(r["id"], r["decision"]["level"]["id"]) for r in rows] == expected
    assert f"{len(expected)} records under bromley" in captured.err  # the summary


def test_compare_and_csv(capsys, extract) -> None:
    assert (
        main(
            [
                "assess",
                "--from",
                "ssd",
                str(extract),
                "--authority",
                "bromley",
                "--compare",
                "bedford",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    assert {r["other_level"] for r in rows} <= {lv.id for lv in eh.load_authority("bedford").levels}


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([], "needs --authority"),
        (["--authority", "bromley", "--explain"], "--explain works on one document"),
        (["--authority", "bromley", "--input-format", "jsonl"], "not both"),
    ],
)
def test_usage_mistakes_are_told(capsys, extract, extra, words) -> None:
    assert main(["assess", "--from", "ssd", str(extract), *extra]) == 1
    assert words in capsys.readouterr().err


def test_a_missing_folder_is_a_located_problem_not_a_traceback(capsys, tmp_path) -> None:
    missing = tmp_path / "nowhere"
    assert main(["assess", "--from", "ssd", str(missing), "--authority", "bromley"]) == 1
    captured = capsys.readouterr()
    assert "no such folder" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


def test_a_census_return_classifies_from_the_command_line_as_from_python(capsys, tmp_path) -> None:
    path = tmp_path / "census.xml"
    synthetic_census(path, 40, seed=5)
    bedford = eh.load_authority("bedford")
    expected = [
        (r.id, r.decision.level.id if r.decision else None)
        for r in eh.classify_many(bedford, read_cin_census(path, authority="bedford"))
    ]
    assert expected
    assert (
        main(
            [
                "assess",
                "--from",
                "cin-census",
                str(path),
                "--authority",
                "bedford",
                "--format",
                "jsonl",
            ]
        )
        == 0
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["decision"]["level"]["id"]) for r in rows] == expected


def test_a_bad_child_in_a_census_return_is_reported_and_the_run_goes_on(capsys, tmp_path) -> None:
    path = tmp_path / "census.xml"
    synthetic_census(path, 5, seed=2)
    text = path.read_text(encoding="utf-8")
    first = text.index("<AssessmentFactors>") + len("<AssessmentFactors>")
    end = text.index("</AssessmentFactors>", first)
    path.write_text(text[:first] + "RB" + text[end:], encoding="utf-8")
    code = main(["assess", "--from", "cin-census", str(path), "--authority", "bedford"])
    out = capsys.readouterr().out
    assert code == 1  # a record could not be read
    assert f"{path}:" in out
    assert "'RB'" in out
    assert "records under bedford" in out
    assert "could not be read" in out or "unreadable" in out


def test_json_from_an_extract_is_one_list_of_results(capsys, extract) -> None:
    argv = ["assess", "--from", "ssd", str(extract), "--authority", "bromley", "--format", "json"]
    assert main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert results
    assert all(r["ok"] and r["decision"]["authority"] == "bromley" for r in results)
