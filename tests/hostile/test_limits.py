"""Resource limits: what a config, a document and an error may hold, each refused (or cut)
with one located problem that names the limit, fast, whatever the input holds.

Every input is built here, at test time; the limits are the ones the Limits page documents.
"""

from __future__ import annotations

import json
import pickle
import re
import time
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core._errors import MAX_PROBLEMS
from earlyhelp_core.models.assessment import MAX_FACTORS
from earlyhelp_core.thresholds._check import minimal_assessment
from earlyhelp_core.thresholds._config import CONFIG_LIMITS

from ..thresholds.conftest import SRC, make_config
from ._harness import CONFIG, DOCUMENT, TIME_LIMIT_S, _check_within_limits, run_cli, write

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "limits.md"


def _level(i: int) -> dict[str, Any]:
    return {
        "id": f"level-x{i:04}",
        "title": f"Level {i}",
        "rank": i + 1,
        "description": "a level",
        "prevention": "primary",
        "response": "universal",
        "source": SRC,
    }


def _rules(n: int, at: str = "level-2", then: str = "level-3") -> list[dict[str, Any]]:
    return [
        {
            "id": f"r{i}",
            "when": {"at_least": 1 + i % 5, "at_level": at},
            "then": then,
            "source": SRC,
        }
        for i in range(n)
    ]


def _write_config(tmp_path: Path, config: dict[str, Any]) -> Path:
    return write(tmp_path, CONFIG, yaml.safe_dump(config, sort_keys=False))


def _refused(path: Path) -> tuple[eh.Problem, ...]:
    start = time.perf_counter()
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(path)
    assert time.perf_counter() - start < TIME_LIMIT_S
    return caught.value.problems


# --------------------------------------------------------------------------- configs


def test_a_config_of_a_thousand_levels_and_rules_naming_unknown_ones_is_refused_at_once(
    tmp_path: Path,
) -> None:
    config = make_config()
    config["levels"] = [_level(i) for i in range(1_000)]
    config["escalation"] = [
        {"id": f"r{i}", "when": {"at_least": 2, "at_level": f"unknown-{i}"}, "then": f"x-{i}"}
        | {"source": SRC}
        for i in range(1_150)
    ]
    path = _write_config(tmp_path, config)
    (run,) = run_cli([(CONFIG, path)])
    _check_within_limits(run)
    assert run.code == 1, run.describe()
    lines = run.output.splitlines()
    levels = next(line for line in lines if ": levels: " in line)
    assert re.match(
        rf"{re.escape(str(path))}:\d+:\d+: levels: 1,000 items, more than the 50", levels
    )
    assert any(": escalation: 1,150 items, more than the 50 " in line for line in lines)
    assert len(lines) <= MAX_PROBLEMS + 1


def test_a_valid_config_of_two_thousand_rules_is_refused_before_it_is_checked(
    tmp_path: Path,
) -> None:
    config = make_config()
    config["escalation"] = _rules(2_000)
    (problem,) = _refused(_write_config(tmp_path, config))
    assert problem.path == ("escalation",)
    assert problem.kind == "limit"
    assert problem.line is not None
    assert "2,000 items, more than the 50 `escalation` may hold" in problem.message


def test_a_config_at_the_rule_limit_is_checked_fast() -> None:
    config = make_config()
    config["escalation"] = _rules(CONFIG_LIMITS["escalation"])
    authority = eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(config))
    start = time.perf_counter()
    eh.thresholds.check_authority(authority)
    assert time.perf_counter() - start < 1.0


def _past(config: dict[str, Any], part: str, n: int) -> tuple[str | int, ...]:
    """Put ``n`` items in ``part`` of ``config``; return the path of that list."""
    if part == "sources":
        config["sources"] += [{"id": f"s{i}", "title": "T", "where": "w"} for i in range(n - 1)]
    elif part == "levels":
        config["levels"] = [_level(i) for i in range(n)]
    elif part == "cells":
        config["factors"]["housing-need"]["cells"] = [
            {"level": f"level-x{i:04}", "text": "t", "source": SRC} for i in range(n)
        ]
        return ("factors", "housing-need", "cells")
    elif part in ("factors", "not_applicable"):
        config[part] = {
            f"f{i}": {"level": "level-2", "reason": "r", "source": SRC} for i in range(n)
        }
    elif part == "local_factors":
        config[part] = [
            {
                "id": f"testshire:f{i}",
                "title": "T",
                "description": "d",
                "domain": "family-and-environment",
                "level": "level-2",
                "source": SRC,
            }
            for i in range(n)
        ]
    elif part == "escalation":
        config[part] = _rules(n)
    else:
        config[part] = [
            {"id": r["id"], "when": r["when"], "below": "level-4", "consider": "it", "source": SRC}
            for r in _rules(n)
        ]
    return (part,)


@pytest.mark.parametrize("part", sorted(CONFIG_LIMITS))
def test_each_part_of_a_config_past_its_limit_is_one_located_problem(
    tmp_path: Path, part: str
) -> None:
    most = CONFIG_LIMITS[part]
    config = make_config()
    path = _past(config, part, most + 1)
    problems = _refused(_write_config(tmp_path, config))
    (problem,) = [p for p in problems if p.kind == "limit"]
    assert problem.path == path
    assert problem.line is not None
    assert f"{most + 1:,} items, more than the {most} " in problem.message
    assert "the limit is fixed" in problem.message


@pytest.mark.parametrize("part", sorted(CONFIG_LIMITS))
def test_each_part_of_a_config_at_its_limit_is_not_refused_for_its_size(part: str) -> None:
    config = make_config()
    _past(config, part, CONFIG_LIMITS[part])
    problems = []
    try:
        eh.AuthorityConfig.model_validate(config)
    except pydantic.ValidationError as exc:  # other problems (unknown ids) may remain
        problems = exc.errors()
    assert not [e for e in problems if e["type"] == "too_long"]


# --------------------------------------------------------------------------- documents and decisions


def test_an_assessment_past_the_factor_limit_is_one_located_problem(tmp_path: Path) -> None:
    doc = yaml.safe_load(DOCUMENT.yaml)
    doc["factors"] = [{"factor": "persistent-absence", "about": ["c1"]}] * (MAX_FACTORS + 1)
    path = write(tmp_path, DOCUMENT, yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(eh.DocumentError) as caught:
        eh.load_document(path)
    (problem,) = caught.value.problems
    assert problem.path == ("factors",)
    assert problem.kind == "limit"
    assert problem.line is not None
    assert f"{MAX_FACTORS + 1} items, more than the {MAX_FACTORS} `factors`" in problem.message


def test_a_decision_at_the_limits_keeps_every_reason_for_its_level() -> None:
    config = make_config()
    config["escalation"] = _rules(CONFIG_LIMITS["escalation"])
    authority = eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(config))
    ordinary = [f.id for f in eh.vocabulary.factors() if not f.significant_harm]
    decision = authority.classify(minimal_assessment(ordinary))
    assert decision.level.id == "level-3"
    fired = [r for r in decision.reasons if r.kind is eh.thresholds.ReasonKind.ESCALATION]
    assert len(fired) == CONFIG_LIMITS["escalation"]  # every rule that raised it
    assert all(r.level == "level-3" for r in decision.reasons)
    assert len(decision.reasons) <= MAX_FACTORS + CONFIG_LIMITS["escalation"]
    assert len(json.dumps(decision.to_dict())) < 1_000_000


# --------------------------------------------------------------------------- the problem cap


def _capped(problems: tuple[eh.Problem, ...], hidden: int | None) -> None:
    assert len(problems) == MAX_PROBLEMS + 1
    note = problems[-1]
    assert note.kind == "truncated"
    assert f"at most {MAX_PROBLEMS} problems are reported for one file" in note.message
    if hidden is None:
        assert note.message.startswith("more problems are not shown")
    else:
        assert note.message.startswith(f"{hidden:,} more problems are not shown")
    assert all(p.kind != "truncated" for p in problems[:-1])


def test_reader_problems_are_capped_and_the_rest_counted(tmp_path: Path) -> None:
    flood = "".join(f"k{i}: 1\nk{i}: 2\n" for i in range(1_000))  # 1,000 duplicate keys
    path = write(tmp_path, DOCUMENT, DOCUMENT.yaml + flood)
    with pytest.raises(eh.DocumentError) as caught:
        eh.load_document(path)
    _capped(caught.value.problems, 1_000 - MAX_PROBLEMS)
    (run,) = run_cli([(DOCUMENT, path)])
    _check_within_limits(run)
    lines = run.output.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == f"{path}: (document): {caught.value.problems[-1].message}"


def test_config_compile_problems_are_capped_and_the_rest_counted(tmp_path: Path) -> None:
    config = make_config()
    config["factors"].update(
        {f"unknown-{i}": {"level": "level-2", "source": SRC} for i in range(300)}
    )
    _capped(_refused(_write_config(tmp_path, config)), 300 - MAX_PROBLEMS)


def test_schema_problems_past_the_cap_say_more_are_not_shown(tmp_path: Path) -> None:
    config = make_config()
    config["sources"] = [{"id": "test-source", "title": "T", "where": "w"}] + [1] * 199
    config["levels"][0]["unknown-key"] = 1
    config["levels"][1]["rank"] = "two"
    config["levels"][2]["prevention"] = "none"
    problems = _refused(_write_config(tmp_path, config))
    _capped(problems, None)


def test_a_capped_error_pickles_with_its_count() -> None:
    problems = [eh.Problem(f"p{i}", ("k", i), "f.yaml", i + 1, 1, "value") for i in range(250)]
    error = eh.LoadError(problems)
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == error.problems
    _capped(again.problems, 50)


# --------------------------------------------------------------------------- the documentation


def test_every_limit_is_on_the_limits_page() -> None:
    from earlyhelp_core._reader import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_VALUES
    from earlyhelp_core.cohorts import MAX_RECORD_BYTES

    page = DOCS.read_text(encoding="utf-8")
    for name, value in CONFIG_LIMITS.items():
        assert re.search(rf"^\| `{name}`[^|\n]*\| {value:,} ", page, re.MULTILINE), name
    constants = {
        "MAX_FACTORS": MAX_FACTORS,
        "MAX_PROBLEMS": MAX_PROBLEMS,
        "MAX_BYTES": MAX_BYTES,
        "MAX_RECORD_BYTES": MAX_RECORD_BYTES,
        "MAX_DEPTH": MAX_DEPTH,
        "MAX_NODES": MAX_NODES,
        "MAX_VALUES": MAX_VALUES,
    }
    for name, value in constants.items():
        assert f"`{name}` = {value:,}" in page, name


def test_a_file_past_the_size_limit_says_how_to_raise_it(tmp_path: Path) -> None:
    path = write(tmp_path, DOCUMENT, DOCUMENT.yaml + "# " + "x" * 2_000 + "\n")
    with pytest.raises(eh.DocumentError) as caught:
        eh.load_document(path, max_bytes=1_000)
    (problem,) = caught.value.problems
    assert "larger than 1,000 bytes" in problem.message
    assert "max_bytes=N" in problem.message
    assert isinstance(eh.load_document(path, max_bytes=10_000), eh.Assessment)


# --------------------------------------------------------------------------- JSON Lines records


class _EndlessLine:
    """A byte stream whose second line is ``size`` bytes long, made as it is read: reading
    it whole would hold all of it. Any read not bounded by a size fails the test."""

    def __init__(self, first: bytes, size: int, last: bytes) -> None:
        self.parts = [first, None, last]
        self.size = size
        self.left = size
        self.largest = 0

    def readline(self, size: int = -1) -> bytes:
        assert size > 0, "an unbounded read"
        while self.parts and self.parts[0] == b"":
            self.parts.pop(0)
        if not self.parts:
            return b""
        part = self.parts[0]
        if part is None:  # the long line, made as it is read
            take = min(size, self.left)
            self.left -= take
            if self.left == 0:
                self.parts[0] = b"\n"
            chunk = b"x" * take
            self.largest = max(self.largest, len(chunk))
            return chunk
        line, _, rest = part.partition(b"\n")
        taken = line + (b"\n" if _ or not rest else b"")
        taken = taken[:size]
        self.parts[0] = part[len(taken) :]
        return taken

    def __iter__(self) -> Any:
        return iter(lambda: self.readline(-1), b"")


def _jsonl_results(stream: Any, **kwargs: Any) -> list[eh.cohorts.RecordResult]:
    bromley = eh.load_authority("bromley")
    return list(
        eh.cohorts.results_of_jsonl(bromley, stream, "validate", source="big.jsonl", **kwargs)
    )


def test_a_700_mb_jsonl_record_is_one_problem_at_its_line_and_never_held_whole() -> None:
    record = json.dumps(minimal_assessment(["housing-need"]).model_dump(mode="json"))
    stream = _EndlessLine(record.encode() + b"\n", 700 * 1024 * 1024, record.encode() + b"\n")
    start = time.perf_counter()
    first, long, last = _jsonl_results(stream, max_record_bytes=1024)
    assert time.perf_counter() - start < TIME_LIMIT_S
    assert stream.largest <= 1 << 20  # read a megabyte at a time at most
    assert first.problems == ()
    assert last.problems == ()
    assert (first.index, long.index, last.index) == (0, 1, 2)
    (problem,) = long.problems
    assert (problem.source, problem.line, problem.kind) == ("big.jsonl", 2, "too-large")
    assert "longer than 1,024 bytes" in problem.message
    assert "--max-record-bytes" in problem.message


def test_a_jsonl_record_past_the_default_limit_is_refused_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from earlyhelp_core.cli import main
    from earlyhelp_core.cohorts import MAX_RECORD_BYTES

    record = json.dumps(minimal_assessment(["housing-need"]).model_dump(mode="json"))
    padded = record[:-1] + ', "x": "' + "y" * MAX_RECORD_BYTES + '"}'
    path = tmp_path / "cohort.jsonl"
    path.write_text(f"{record}\n{padded}\n{record}\n", encoding="utf-8")
    assert main(["validate", str(path), "--authority", "bromley"]) == 1
    out = capsys.readouterr().out.splitlines()
    (line,) = [line for line in out if line.startswith(f"{path}:2")]
    assert line.startswith(f"{path}:2: (document): the record is longer than 5,242,880 bytes")
    (summary,) = [line for line in out if line.startswith("3 records under bromley: ")]
    assert "1 could not be read" in summary
    # the limit can be raised: the same line is then read (and its unknown key found)
    assert (
        main(["validate", str(path), "--authority", "bromley", "--max-record-bytes", "6000000"])
        == 1
    )
    out = capsys.readouterr().out
    assert "longer than" not in out
    assert f"{path}:2:" in out
    assert "unknown key 'x'" in out


def test_the_record_limit_applies_to_a_list_of_lines_too() -> None:
    record = json.dumps(minimal_assessment(["housing-need"]).model_dump(mode="json"))
    (result,) = _jsonl_results([record + "\n"], max_record_bytes=len(record) - 1)
    assert [p.kind for p in result.problems] == ["too-large"]
    (result,) = _jsonl_results([record + "\r\n"], max_record_bytes=len(record))
    assert result.problems == ()
