"""`earlyhelp assess --jobs N`: several processes, the same output as one, in the same order,
whatever the records hold and however they are split."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.cli import _jsonl, _parallel, main
from earlyhelp_core.testing import assessments

from .conftest import EXAMPLES
from .thresholds.conftest import make_config

GOOD = [
    json.dumps(eh.load_document(p).model_dump(mode="json"))
    for p in sorted(EXAMPLES.glob("assessment-*.yaml"))
]
BAD = [
    '{"kind": "early-help-assessment", "id": "broken"',  # not JSON
    "",  # blank
    '{"kind": "plan"}',  # not an assessment (and not a valid plan)
    json.dumps({"kind": "early-help-assessment", "id": "x" * 5000}),  # over the record limit
    "[1, 2]",  # not a mapping
]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def cohort(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "cohort.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of three records, so that a small cohort is many chunks in flight at once."""
    monkeypatch.setattr(_parallel, "CHUNK", 3)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--compare", "bedford"],
        ["--texts"],
        ["--fields", "level,reasons,problems", "--compare", "gloucestershire"],
    ],
)
@pytest.mark.parametrize("jobs", [2, 3])
def test_several_processes_write_what_one_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], jobs: int
) -> None:
    lines = [*GOOD, BAD[0], *GOOD[:2], *BAD[1:], *GOOD, *BAD[:2]] * 3
    path = cohort(tmp_path, lines)
    argv = ["assess", path, "--authority", "bromley", "--format", "jsonl", "--max-record-bytes"]
    argv += ["4096", *extra]
    one = run(capsys, *argv)
    many = run(capsys, *argv, "--jobs", jobs)
    assert many == one
    code, out, err = many
    assert code == 1  # some records could not be read, as with one process
    assert len(out.splitlines()) == len(lines)
    assert [json.loads(line)["index"] for line in out.splitlines()] == list(range(len(lines)))
    assert f"{len(lines):,} records under bromley" in err


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    docs=st.lists(assessments(eh.load_authority("bromley")), min_size=0, max_size=12),
    chunk=st.integers(min_value=1, max_value=5),
)
def test_any_cohort_split_any_way_is_written_in_order(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    docs: list[eh.Assessment],
    chunk: int,
) -> None:
    monkeypatch.setattr(_parallel, "CHUNK", chunk)
    path = cohort(tmp_path, [d.model_dump_json() for d in docs])
    argv = ["assess", path, "--authority", "bromley", "--format", "jsonl"]
    assert run(capsys, *argv, "--jobs", 2) == run(capsys, *argv)


def test_a_spawned_worker_compiles_the_config_it_is_shipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "testshire.yaml"
    config.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    lines = [d.model_dump_json() for d in _examples_for(config)] + BAD[:3]
    path = cohort(tmp_path, lines)
    argv = ["assess", path, "--authority", config, "--format", "jsonl"]
    code, out, err = run(capsys, *argv)
    authority = eh.load_authority(config)
    config.unlink()  # the workers are shipped the config: no file is read again
    many = io.StringIO()
    errors = io.StringIO()
    parallel = _parallel.assess_jsonl_parallel(
        str(path),
        authority,
        None,
        jobs=2,
        out=many,
        err=errors,
        max_record_bytes=eh.cohorts.MAX_RECORD_BYTES,
        start_method="spawn",  # the worker has nothing of this process but what it is sent
    )
    assert (parallel, many.getvalue(), errors.getvalue()) == (code, out, err)


def _examples_for(config: Path) -> list[eh.Assessment]:
    """The example assessments, each with the factors the test config places."""
    placed = sorted(eh.load_authority(config).placements)
    out = []
    for i, doc in enumerate(
        eh.load_document(p) for p in sorted(EXAMPLES.glob("assessment-*.yaml"))
    ):
        assert isinstance(doc, eh.Assessment)
        data = doc.model_dump(mode="json")
        data["factors"] = [
            {"factor": placed[(i + k) % len(placed)], "noted_on": data["assessed_on"]}
            for k in range(i % 4)
        ]
        data.pop("recorded_level", None)
        out.append(eh.Assessment.model_validate(data))
    return out


def test_json_lines_on_stdin_in_several_processes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "".join(line + "\n" for line in [*GOOD, BAD[0], *GOOD])
    argv = ["assess", "-", "--authority", "bedford", "--format", "jsonl"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode()), encoding="utf-8"))
    one = run(capsys, *argv)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode()), encoding="utf-8"))
    assert run(capsys, *argv, "--jobs", "2") == one


@pytest.mark.parametrize(
    "extra",
    [["--format", "text"], ["--format", "csv"], ["--format", "json"]],
)
def test_jobs_other_than_json_lines_output_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str]
) -> None:
    path = cohort(tmp_path, GOOD)
    code, out, err = run(capsys, "assess", path, "--authority", "bromley", *extra, "--jobs", "2")
    assert code == 1
    # with --format json the problem is written as JSON on stdout, as every usage problem
    said = json.loads(out)["problems"][0]["message"] if extra[-1] == "json" else err
    assert "--jobs is for JSON Lines input and --format jsonl" in said


@pytest.mark.parametrize("given", ["0", "-1", "two"])
def test_jobs_must_be_a_whole_number_of_at_least_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, given: str
) -> None:
    path = cohort(tmp_path, GOOD)
    with pytest.raises(SystemExit) as exc:
        main(["assess", str(path), "--authority", "bromley", "--format", "jsonl", "--jobs", given])
    assert exc.value.code == 2
    assert "argument --jobs:" in capsys.readouterr().err


@pytest.mark.usefixtures("small_chunks")
def test_output_in_another_encoding_is_written_by_its_text_layer(tmp_path: Path) -> None:
    """A stream that does not write UTF-8 (here UTF-16) is given text, which its own text
    layer encodes, as with one process: never UTF-8 bytes under it."""
    path = cohort(tmp_path, [*GOOD, BAD[0]])
    bromley = eh.load_authority("bromley")
    limit = eh.cohorts.MAX_RECORD_BYTES
    written = {}
    for jobs in (1, 2):
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding="utf-16", write_through=True)
        err = io.StringIO()
        if jobs == 1:
            code = _jsonl.assess_jsonl(
                str(path), bromley, None, fmt="jsonl", out=out, err=err, max_record_bytes=limit
            )
        else:
            code = _parallel.assess_jsonl_parallel(
                str(path),
                bromley,
                None,
                jobs=jobs,
                out=out,
                err=err,
                max_record_bytes=limit,
            )
        out.flush()
        written[jobs] = (code, raw.getvalue().decode("utf-16"), err.getvalue())
    assert written[2] == written[1]
    assert len(written[1][1].splitlines()) == len(GOOD) + 1
