"""Cohorts: lazy bulk classification and validation, and the JSON Lines command line."""

from __future__ import annotations

import csv
import io
import itertools
import json
import tracemalloc
from collections.abc import Iterator

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import _jsonl as _cli_bulk
from earlyhelp_core.cli import main

from .conftest import EXAMPLES

ASSESSMENTS = [eh.load_document(p) for p in sorted(EXAMPLES.glob("assessment-*.yaml"))]


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


def test_classify_many_gives_one_result_per_record_in_order(bromley) -> None:
    records = [
        ASSESSMENTS[0],
        ASSESSMENTS[1].model_dump(mode="json"),
        ASSESSMENTS[2].model_dump_json(),
        {"kind": "plan", "id": "P-1"},
        "not json",
        3,
        eh.load_document(EXAMPLES / "referral-self.yaml"),
    ]
    results = list(eh.classify_many(bromley, records))
    assert [r.index for r in results] == list(range(len(records)))
    assert [r.decision.level.id if r.decision else None for r in results[:3]] == [
        bromley.classify(a).level.id for a in ASSESSMENTS[:3]
    ]
    assert results[3].id == "P-1"
    assert results[3].problems[0].source == "<records>[3]"
    assert "missing required key" in results[3].problems[0].message
    assert results[4].problems[0].kind == "json-syntax"
    assert "found the number 3" in results[5].problems[0].message
    assert (
        results[6].problems[0].message
        == "is a referral; only an early-help-assessment can be classified"
    )
    assert [r.ok for r in results] == [True, True, True, False, False, False, False]


def test_classify_many_is_lazy(bromley) -> None:
    def forever() -> Iterator[eh.Assessment]:
        yield from itertools.cycle(ASSESSMENTS)

    first = list(itertools.islice(eh.classify_many(bromley, forever()), 10))
    assert [r.index for r in first] == list(range(10))


def test_validate_many_reports_each_record(bromley) -> None:
    results = list(eh.validate_many(bromley, [*ASSESSMENTS, {"kind": "referral"}]))
    by_id = {r.id: r for r in results}
    assert by_id["EHA-2024-0104"].report.codes == ("EH041",)
    assert results[-1].problems
    assert results[-1].to_dict()["ok"] is False


def _peak(authority, n: int) -> int:
    records = (a.model_dump(mode="json") for a in itertools.islice(itertools.cycle(ASSESSMENTS), n))
    tracemalloc.start()
    for _ in eh.classify_many(authority, records):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_as_the_cohort_grows(bromley) -> None:
    _peak(bromley, 50)  # warm caches
    small, large = _peak(bromley, 300), _peak(bromley, 3000)
    assert large < 2 * small + 200_000, (small, large)


# ---------------------------------------------------------------------- command line


@pytest.fixture
def cohort(tmp_path):
    path = tmp_path / "cohort.jsonl"
    lines = [a.model_dump_json() for a in ASSESSMENTS] + ['{"kind": "plan"}', "", "not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_jsonl_text_with_a_summary(capsys, cohort) -> None:
    code, out, err = run(capsys, "assess", cohort, "--authority", "bromley")
    assert code == 1  # three records could not be read
    assert "0 EHA-2024-0104: tier-3 (section-17)" in out
    assert f"{cohort}:8:1: (document): a blank line: each line holds one record" in out
    assert f"{cohort}:9:1: (document): not valid JSON" in out  # the line of the record
    assert out.strip().splitlines()[-1] == (
        "9 records under bromley: tier-1 1, tier-2 3, tier-3 1, tier-4 1; 3 could not be read"
    )
    assert err == ""  # no progress line when stderr is not a terminal


def test_assess_jsonl_output_is_one_object_per_record(capsys, cohort) -> None:
    _, out, err = run(capsys, "assess", cohort, "--authority", "bromley", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in rows] == list(range(9))
    assert rows[0]["decision"]["level"]["id"] == "tier-3"
    assert rows[6]["ok"] is False
    assert rows[7]["problems"][0]["kind"] == "empty"
    assert "9 records under bromley" in err  # the summary goes to stderr, keeping stdout clean


def test_fields_keep_only_the_named_fields_of_each_record(capsys, cohort) -> None:
    argv = ["assess", cohort, "--authority", "bromley", "--format", "jsonl"]
    _, full, _ = run(capsys, *argv)
    code, out, err = run(capsys, *argv, "--fields", "level, reasons,level")
    assert code == 1  # as without --fields: three records could not be read
    rows = [json.loads(line) for line in out.splitlines()]
    full_rows = [json.loads(line) for line in full.splitlines()]
    assert [list(r) for r in rows] == [["index", "id", "level", "reasons"]] * 9
    for row, whole in zip(rows, full_rows, strict=True):
        assert (row["index"], row["id"]) == (whole["index"], whole["id"])
        decision = whole.get("decision")
        assert row["level"] == (decision["level"]["id"] if decision else None)
        assert row["reasons"] == (decision["reasons"] if decision else None)
    assert rows[0]["level"] == "tier-3"
    assert len(out) < len(full)
    assert "9 records under bromley" in err  # the summary is unchanged


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_texts_give_each_record_its_levels_texts(capsys, cohort, bromley, fmt) -> None:
    argv = ["assess", cohort, "--authority", "bromley", "--format", fmt, "--compare", "bedford"]
    _, brief, _ = run(capsys, *argv)
    code, full, _ = run(capsys, *argv, "--texts")
    assert code == 1  # as without: three records could not be read
    if fmt == "jsonl":
        brief_rows = [json.loads(line) for line in brief.splitlines()]
        full_rows = [json.loads(line) for line in full.splitlines()]
    else:
        brief_rows, full_rows = json.loads(brief), json.loads(full)
    results = eh.classify_many(
        bromley,
        [json.loads(line) for line in cohort.read_text().splitlines()[:6]],
        compared_with=eh.load_authority("bedford"),
    )
    for result, short, whole in zip(results, brief_rows[:6], full_rows[:6], strict=True):
        short.pop("line"), whole.pop("line")  # read from a file; these from a list
        assert short == result.to_dict(texts=False)
        assert whole == result.to_dict(texts=True)
        assert whole["decision"]["level"]["description"]
        assert "description" not in short["decision"]["level"]
        assert "description" not in short["compared"]["level"]
    assert brief_rows[6:] == full_rows[6:]  # the unread records are the same


@pytest.mark.parametrize("extra", [["--format", "csv"], ["--format", "jsonl", "--fields", "level"]])
def test_texts_where_they_cannot_go_is_a_usage_error(capsys, cohort, extra) -> None:
    code, out, err = run(capsys, "assess", cohort, "--authority", "bromley", *extra, "--texts")
    assert code == 1  # as --fields without JSON Lines output
    assert "--texts is for --format json or jsonl without --fields" in err
    assert out == ""


def test_every_field_can_be_asked_for(capsys, cohort) -> None:
    from earlyhelp_core.cli._jsonl import FIELDS

    argv = ["assess", cohort, "--authority", "bromley", "--format", "jsonl"]
    _, out, _ = run(capsys, *argv, "--compare", "bedford", "--fields", ",".join(FIELDS))
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(list(r) == list(FIELDS) for r in rows)
    first, unread = rows[0], rows[7]
    assert first["ok"] is True
    assert first["problems"] == []
    assert (first["level"], first["rank"], first["authority"]) == ("tier-3", 3, "bromley")
    assert first["compared_level"] is not None
    assert unread["ok"] is False
    assert (unread["level"], unread["reasons"]) == (None, None)
    assert unread["problems"][0]["kind"] == "empty"


@pytest.mark.parametrize("given", ["level,reason", "", " , "])
def test_an_unknown_field_is_a_usage_error_naming_the_known_ones(capsys, cohort, given) -> None:
    argv = ["assess", cohort, "--authority", "bromley", "--format", "jsonl", "--fields", given]
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --fields:" in err
    assert "the fields are: index, id, ok, level, rank" in err
    if given == "level,reason":
        assert "unknown field 'reason'" in err


def test_fields_need_json_lines_output(capsys, cohort) -> None:
    code, out, err = run(capsys, "assess", cohort, "--authority", "bromley", "--fields", "level")
    assert code == 1
    assert out == ""
    assert "--fields is for --format jsonl" in err


def test_compare_reports_how_records_move(capsys, cohort) -> None:
    _, out, err = run(
        capsys,
        "assess",
        cohort,
        "--authority",
        "bromley",
        "--compare",
        "bedford",
        "--format",
        "csv",
    )
    header, *rows = out.splitlines()
    assert (
        header
        == "index,line,id,level,rank,prevention,response,judgement,problems,other_level,other_response,changed"
    )
    assert rows[4].startswith(
        "4,5,EHA-2024-0105,tier-4,4,tertiary,section-47,none,,child-protection,section-47,True"
    )
    version = eh.load_authority("bedford").version
    assert f"compared with bedford {version}: 6 of 6 records at a different level" in err
    assert "  tier-2 -> targeted-early-help: 2" in err


def test_compare_two_versions_of_a_config(capsys, cohort, tmp_path) -> None:
    text = (EXAMPLES.parent / "configs" / "bromley.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "  persistent-absence:\n    level: tier-2", "  persistent-absence:\n    level: tier-3"
    )
    assert changed != text
    newer = tmp_path / "bromley-next.yaml"
    newer.write_text(changed, encoding="utf-8")
    _, out, _ = run(capsys, "assess", cohort, "--authority", "bromley", "--compare", newer)
    assert "1 of 6 records at a different level" in out
    assert "  tier-2 -> tier-3: 1" in out


def test_csv_of_a_cohort_says_why_each_record_failed_and_at_which_line(capsys, cohort) -> None:
    _, out, _ = run(capsys, "assess", cohort, "--authority", "bromley", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["index"] for r in rows] == [str(i) for i in range(9)]
    assert [r["line"] for r in rows] == [str(i) for i in range(1, 10)]
    read, unread = rows[:6], rows[6:]
    assert all(r["problems"] == "" and r["level"] for r in read)
    plan, blank, not_json = (r["problems"] for r in unread)
    assert plan.startswith(f"{cohort}:7:")
    assert "missing required key" in plan
    assert blank == f"{cohort}:8:1: (document): a blank line: each line holds one record"
    assert not_json.startswith(f"{cohort}:9:1: (document): not valid JSON")


def test_csv_and_jsonl_of_a_validated_cohort_carry_the_line(capsys, cohort) -> None:
    _, out, _ = run(capsys, "validate", cohort, "--authority", "bromley", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:3] == ["index", "line", "id"]
    assert all(int(r["line"]) == int(r["index"]) + 1 for r in rows)
    assert {r["line"] for r in rows if r["code"] == ""} == {"7", "8", "9"}
    _, out, _ = run(capsys, "validate", cohort, "--authority", "bromley", "--format", "jsonl")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in results] == list(range(1, 10))
    assert list(results[0])[:3] == ["index", "line", "id"]


def test_validate_jsonl_from_stdin(capsys, cohort, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(cohort.read_text(encoding="utf-8")))
    code, out, _ = run(capsys, "validate", "-", "--authority", "bromley")
    assert code == 1
    assert "<stdin>: record 0 (EHA-2024-0104): EH041 warning" in out
    assert out.strip().splitlines()[-3:] == [
        "9 records under bromley: 2 with errors, 3 could not be read; "
        "EH030 1, EH036 2, EH040 1, EH041 1, EH090 2",
        "  EH004 not checked in 6 records: bromley's config does not set share_consent_required",
        "  EH021 not checked in 6 records: bromley's config does not set voice_max_age_days",
    ]


def test_jsonl_needs_an_authority_and_bulk_formats_need_jsonl(capsys, cohort) -> None:
    code, _, err = run(capsys, "assess", cohort)
    assert code == 1
    assert "JSON Lines input needs --authority" in err
    code, _, err = run(capsys, "assess", EXAMPLES / "assessment-no-needs.yaml", "--format", "csv")
    assert "--format csv is for JSON Lines input" in err


def test_progress_is_shown_on_a_terminal(bromley, cohort) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err, out = Terminal(), io.StringIO()
    _cli_bulk.assess_jsonl(str(cohort), bromley, None, fmt="jsonl", out=out, err=err)
    assert "\r8 records" in err.getvalue() or "\r1 records" in err.getvalue()
    assert "records under bromley" in err.getvalue()


def test_one_bad_line_of_each_kind_never_stops_the_run(tmp_path, capsys) -> None:
    good = json.dumps(ASSESSMENTS[0].model_dump(mode="json", exclude_none=True)).encode()
    lines = [
        good,
        b"   ",  # blank
        b'{"id": "caf\xe9"}',  # not UTF-8
        b"[" * 100_000,  # nested far past any limit
        b'{"id": "\\ud800x"}',  # a lone surrogate in the id
        good,
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    argv = ["assess", str(path), "--authority", "bromley", "--input-format", "jsonl"]
    code = main([*argv, "--format", "jsonl"])
    out, err = capsys.readouterr()
    out.encode("utf-8")  # valid UTF-8 throughout
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in results] == list(range(6))
    assert [r["ok"] for r in results] == [True, False, False, False, False, True]
    problems = [r["problems"][0] for r in results[1:5]]
    assert [p["kind"] for p in problems] == ["empty", "encoding", "too-deep", "missing"]
    assert [p["line"] for p in problems] == [2, 3, 4, 5]
    assert results[4]["id"] == "\\ud800x"  # escaped, so the output stays valid
    assert "6 records under bromley" in err
    assert "4 could not be read" in err
    assert code == 1  # problems in the input, every one reported


def _cli(*argv: str, **kwargs):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "earlyhelp_core.cli", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **kwargs,
    )


def test_ctrl_c_stops_a_cohort_with_the_summary_so_far() -> None:
    import signal

    good = ASSESSMENTS[0].model_dump_json() + "\n"
    argv = ("assess", "-", "--authority", "bromley", "--input-format", "jsonl")
    with _cli(*argv, "--format", "jsonl") as child:
        assert child.stdin is not None
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdin.write((good * 3).encode())
        child.stdin.flush()
        for _ in range(3):  # each record's result, as it is written
            assert json.loads(child.stdout.readline())["ok"] is True
        child.send_signal(signal.SIGINT)  # while it waits for the next line
        err = child.stderr.read().decode()
        assert child.wait(timeout=60) == 130
    assert "3 records under bromley: tier-3 3" in err
    assert "interrupted" in err
    assert "Traceback" not in err


def test_a_reader_that_goes_away_is_not_a_problem_in_the_input(tmp_path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text((ASSESSMENTS[0].model_dump_json() + "\n") * 3000, encoding="utf-8")
    with _cli("assess", str(path), "--authority", "bromley", "--format", "jsonl") as child:
        assert child.stdout is not None
        assert child.stderr is not None
        child.stdout.readline()
        child.stdout.close()  # like `| head -1`, with far more output than a pipe holds to come
        err = child.stderr.read().decode()
        assert child.wait(timeout=120) == 141
    assert "Traceback" not in err
    assert "could not be read" not in err


def test_a_decision_summary_counts_every_record_in_level_order(bromley) -> None:
    bedford = eh.load_authority("bedford")
    records = [*ASSESSMENTS, "not json", {"kind": "plan", "id": "P-1"}]
    summary = eh.cohorts.DecisionSummary(bromley, compared_with=bedford)
    results = list(eh.classify_many(bromley, records))
    for result in results:
        summary.add(result)
    expected = [bromley.classify(a).level.id for a in ASSESSMENTS]
    assert summary.total == len(records)
    assert summary.unreadable == 2
    assert sum(summary.levels.values()) == len(ASSESSMENTS)
    assert list(summary.levels) == [lv.id for lv in bromley.levels if lv.id in expected]
    assert summary.levels == {lv: expected.count(lv) for lv in summary.levels}
    # no result here was compared, so nothing moved
    assert (summary.compared, summary.moved) == (0, {})
    data = summary.to_dict()
    assert data["records"] == len(records)
    assert data["compared_with"]["authority"] == "bedford"
    assert summary.lines()[0].startswith(f"{len(records)} records under bromley: ")


def test_a_decision_summary_lists_the_moves_between_two_matrices(bromley) -> None:
    bedford = eh.load_authority("bedford")
    summary = eh.cohorts.DecisionSummary(bromley, compared_with=bedford)
    stream = [a.model_dump_json() for a in ASSESSMENTS]
    for result in eh.cohorts.results_of_jsonl(
        bromley, stream, "classify", source="<test>", also=bedford
    ):
        summary.add(result)
    pairs = [(bromley.classify(a).level.id, bedford.classify(a).level.id) for a in ASSESSMENTS]
    assert summary.compared == len(ASSESSMENTS)
    # every pair of ids differs (the authorities name their levels differently)
    assert sum(summary.moved.values()) == sum(1 for a, b in pairs if a != b)
    assert list(summary.moved.values()) == sorted(summary.moved.values(), reverse=True)


def test_a_validation_summary_counts_findings_and_rules_not_run(bromley) -> None:
    records = [*ASSESSMENTS, "{"]
    summary = eh.cohorts.ValidationSummary(bromley)
    reports = []
    for result in eh.validate_many(bromley, records):
        summary.add(result)
        if result.report is not None:
            reports.append(result.report)
    assert (summary.total, summary.unreadable) == (len(records), 1)
    assert summary.failed == sum(1 for r in reports if not r.ok)
    assert sum(summary.findings.values()) == sum(len(r.findings) for r in reports)
    assert summary.to_dict()["with_errors"] == summary.failed
    assert summary.lines()[0].startswith(f"{len(records)} records under bromley: ")
