"""Hostile files: empty, blank, far too large, a directory, missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyhelp_core._reader import MAX_BYTES

from ._harness import TARGETS, printed_by_cli, refused_by_api, write


@pytest.mark.parametrize(
    ("content", "suffix"),
    [("", ".yaml"), ("  \n\t\n   \n", ".yaml"), ("", ".json")],
    ids=["empty-yaml", "whitespace-yaml", "empty-json"],
)
def test_an_empty_or_blank_file_is_one_problem_at_its_start(
    tmp_path: Path, content: str, suffix: str
) -> None:
    cases = [(t, write(tmp_path, t, content, suffix)) for t in TARGETS]
    found = refused_by_api(cases)
    for problems in found.values():
        (p,) = problems
        assert (p.line, p.col, p.kind, p.path) == (1, 1, "empty", ())
        assert "empty" in p.message
    printed_by_cli(cases, found)


def _read_bytes() -> int:
    """Bytes read so far by this process and the children it has waited for (Linux:
    ``rchar`` of /proc/self/io)."""
    with open("/proc/self/io", encoding="ascii") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("rchar:"))


def test_a_50_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    chunk = ("  - a strength of the family, written out again and again\n" * 20_000).encode()
    cases = []
    for target in TARGETS:
        path = write(tmp_path, target, target.yaml + "strengths:\n")
        with path.open("ab") as out:
            while out.tell() < size:
                out.write(chunk)
        cases.append((target, path))

    before = _read_bytes()
    found = refused_by_api(cases, located=False)
    for problems in found.values():
        (p,) = problems
        assert p.kind == "too-large"
        assert f"{MAX_BYTES:,} bytes" in p.message
    printed_by_cli(cases, found)
    read = _read_bytes() - before
    # four loads (API and CLI, document and config), each reading MAX_BYTES + 1 and each
    # CLI child its own modules: together less than one copy of the file
    assert read < size, f"read {read:,} bytes"


def test_a_directory_given_as_a_file_is_one_problem(tmp_path: Path) -> None:
    cases = []
    for target in TARGETS:
        folder = tmp_path / f"{target}.yaml"
        folder.mkdir()
        cases.append((target, folder))
    found = refused_by_api(cases, located=False)
    for problems in found.values():
        (p,) = problems
        assert p.kind == "file"
        assert "directory" in p.message
    printed_by_cli(cases, found)


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    cases = [(t, tmp_path / "nowhere" / f"{t}.yaml") for t in TARGETS]
    found = refused_by_api(cases, located=False)
    for problems in found.values():
        (p,) = problems
        assert p.kind == "file"
        assert "no such file" in p.message
    printed_by_cli(cases, found)


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os

    import earlyhelp_core as eh

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(eh.DocumentError) as exc:
        eh.load_document(fifo)
    (problem,) = exc.value.problems
    assert problem.message == "is not a regular file; expected a file"
