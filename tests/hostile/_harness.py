"""What every hostile-input test checks, in one place.

A hostile input is refused the same way whatever it is and wherever it enters:

* through the API (:func:`eh.load_document`, :func:`eh.load_authority`), with the library's
  own error type (:class:`eh.DocumentError` / :class:`eh.ConfigError`, both
  :class:`eh.LoadError`) holding the expected number of problems (one, unless a test says
  why), each naming the file and, when the file has content, the line and column;
* through the CLI (``earlyhelp validate FILE`` / ``earlyhelp check-config FILE``, run as a
  child process), with exit status 1, exactly the API's problems printed as
  ``file:line:col: path: message`` (``file: path: message`` for a problem with the file
  itself), and never a traceback;
* within :data:`TIME_LIMIT_S` and :data:`MEMORY_LIMIT_MIB`, each checked per input.

Each test writes its input for a *document* and for a *config*: the same bytes when the
attack is on the file or the parser, a mistake in a valid base file (:data:`DOCUMENT_YAML`,
:data:`CONFIG_YAML` and their JSON twins) when the attack is on the data.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh

__all__ = [
    "CONFIG",
    "DOCUMENT",
    "MEMORY_LIMIT_MIB",
    "TARGETS",
    "TIME_LIMIT_S",
    "Run",
    "Target",
    "accepted",
    "edit",
    "printed_by_cli",
    "refused_by_api",
    "refused_in_children",
    "where",
    "write",
]

TIME_LIMIT_S = 5.0
"""Longest one hostile input may take, by the API or by a whole CLI run.

The target is 1 s (a CLI run, start-up included, takes about 0.2 s); the bound is five
times that so a busy shared machine does not make these tests flaky."""

MEMORY_LIMIT_MIB = 200
"""Most memory (peak resident set) a child process (a CLI run, or an API call made in a
child) may use on any input; a normal CLI run uses about 35 MiB."""

# --------------------------------------------------------------------------- base files

DOCUMENT_YAML = """\
kind: early-help-assessment
id: EHA-1
assessed_on: 2024-03-01
assessor: {name: A. Practitioner, agency: Example School, role: DSL}
consent: {given: true, given_on: 2024-02-28, by: p1}
family:
  id: F-1
  members:
    - {id: c1, role: child, date_of_birth: 2015-04-02}
    - {id: p1, role: parent, date_of_birth: 1985-01-01}
factors:
  - factor: persistent-absence
    about: [c1]
    noted_on: 2024-02-01
    evidence: attendance 82% this term
strengths:
  - close support from grandparents
"""
"""A valid early help assessment (no ``authority``, so ``validate`` runs no policy rules)."""

_SRC = "{ref: test-source, section: s1, basis: stated}"


def _factor_lines() -> str:
    # every vocabulary factor mapped (significant harm at the section-47 level), so the
    # config stays valid whatever completeness checks the loader makes
    return "".join(
        f"  {f.id}: {{level: {'level-4' if f.significant_harm else 'level-2'}, source: {_SRC}}}\n"
        for f in eh.vocabulary.factors()
    )


CONFIG_YAML = f"""\
id: testshire
name: Testshire Council
version: "1"
effective_from: 2024-01-01
sources:
  - {{id: test-source, title: Test guidance, where: nowhere}}
levels:
  - id: level-1
    title: Level 1
    rank: 1
    description: universal
    prevention: primary
    response: universal
    source: {_SRC}
  - id: level-2
    title: Level 2
    rank: 2
    description: early help
    prevention: secondary
    response: multi-agency
    source: {_SRC}
  - id: level-3
    title: Level 3
    rank: 3
    description: child in need
    prevention: tertiary
    response: section-17
    source: {_SRC}
  - id: level-4
    title: Level 4
    rank: 4
    description: significant harm
    prevention: tertiary
    response: section-47
    source: {_SRC}
escalation:
  - id: two-at-level-2
    when: {{at_least: 2, at_level: level-2}}
    then: level-3
    source: {_SRC}
parameters:
  child_age_max: {{value: 18, source: {_SRC}}}
  send_age_max: {{value: 25, source: {_SRC}}}
  review_interval_weeks: {{value: 12, source: {_SRC}}}
  referral_decision_working_days: {{value: 1, source: {_SRC}}}
  referral_feedback_hours: {{value: 24, source: {_SRC}}}
  assessment_working_days: {{value: 45, source: {_SRC}}}
  conference_working_days: {{value: 15, source: {_SRC}}}
  closure_days: {{value: null, note: none}}
  no_further_action_allowed: {{value: false, source: {_SRC}}}
  consent_required: {{value: true, source: {_SRC}}}
  share_consent_required: {{value: false, source: {_SRC}}}
  voice_max_age_days: {{value: 90, source: {_SRC}}}
  review_score_min: {{value: 1, source: {_SRC}}}
  review_score_max: {{value: 10, source: {_SRC}}}
  supporting_families_framework: {{value: supporting-families-2022, source: {_SRC}}}
  supporting_families_min_headlines: {{value: 3, source: {_SRC}}}
  graduated_pathway: {{value: false, source: {_SRC}}}
  referral_routes: {{value: [{{id: mash, title: MASH, first_point: true}}], source: {_SRC}}}
factors:
""" + _factor_lines()
"""A valid authority config: four levels, one escalation rule, every factor mapped (last)."""


def _as_json(text: str) -> str:
    return json.dumps(yaml.safe_load(text), indent=2, default=str) + "\n"


@dataclass(frozen=True)
class Target:
    """What a hostile input is fed to: documents or authority configs."""

    name: str
    command: str
    error: type[eh.LoadError]
    load: Callable[[str], Any]
    yaml: str
    json: str

    def __str__(self) -> str:
        return self.name

    def base(self, suffix: str) -> str:
        """The valid base file in the format of ``suffix``."""
        return self.json if suffix == ".json" else self.yaml


DOCUMENT = Target(
    "document",
    "validate",
    eh.DocumentError,
    eh.load_document,
    DOCUMENT_YAML,
    _as_json(DOCUMENT_YAML),
)
CONFIG = Target(
    "config",
    "check-config",
    eh.ConfigError,
    eh.load_authority,
    CONFIG_YAML,
    _as_json(CONFIG_YAML),
)
TARGETS = (DOCUMENT, CONFIG)


def edit(text: str, old: str, new: str) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the base file"
    return text.replace(old, new)


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based ``(line, col)`` of the first occurrence of ``needle`` in ``text``."""
    assert needle in text, needle
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def write(tmp_path: Path, target: Target, content: str | bytes, suffix: str = ".yaml") -> Path:
    """Write a hostile input for ``target`` (text is written as UTF-8)."""
    path = tmp_path / f"{target.name}{suffix}"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# --------------------------------------------------------------------------- child processes

# Each child writes its own peak RSS (KiB) to a file as it exits. It reads VmHWM, not
# getrusage's ru_maxrss: on Linux, ru_maxrss survives fork + exec, so a child of a 300 MiB
# pytest process reports at least 300 MiB whatever it uses itself.
_PEAK = """
def _peak(report):
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(kib)
"""

_CLI = (
    _PEAK
    + """
import runpy, sys
report, *argv = sys.argv[1:]
sys.argv = ["earlyhelp", *argv]
try:
    runpy.run_module("earlyhelp_core.cli", run_name="__main__", alter_sys=True)
finally:
    _peak(report)
"""
)
"""``python -m earlyhelp_core.cli ARGS``, also writing its peak RSS."""

_API = (
    _PEAK
    + """
import json, sys
report, target, path = sys.argv[1:]
import earlyhelp_core as eh
load = eh.load_document if target == "document" else eh.load_authority
try:
    load(path)
    print(json.dumps({"error": None}))
except eh.LoadError as exc:
    problems = [str(p) for p in exc.problems]
    print(json.dumps({"error": type(exc).__name__, "count": len(problems), "problems": problems[:20]}))
finally:
    _peak(report)
"""
)
"""The API call alone, in a child (for inputs that could hang or exhaust the test run),
printing what it raised as JSON, also writing its peak RSS."""


@dataclass
class Run:
    """What a child process did."""

    argv: list[str]
    code: int | None
    output: str
    seconds: float
    peak_mib: float
    stopped: str | None
    """Why the watchdog killed the child (over time or over memory), or None."""

    def describe(self) -> str:
        return f"{' '.join(self.argv[4:])}: exit {self.code}, {self.seconds:.2f} s, {self.peak_mib:.0f} MiB"


class _Child:
    def __init__(self, script: str, args: list[str], workdir: Path, tag: str) -> None:
        self.report = workdir / f".{tag}.rss"
        self.out = workdir / f".{tag}.out"
        self.argv = [sys.executable, "-c", script, str(self.report), *args]
        self.start = time.perf_counter()
        with self.out.open("wb") as sink:  # a file, not a pipe: a flood of output cannot block
            self.proc = subprocess.Popen(
                self.argv, stdout=sink, stderr=subprocess.STDOUT, cwd=workdir
            )
        self.peak_kib = 0
        self.stopped: str | None = None
        self.seconds = 0.0

    def watch(self) -> bool:
        """Check the child once; True while it is still running."""
        if self.proc.poll() is not None:
            self.seconds = self.seconds or time.perf_counter() - self.start
            return False
        self.peak_kib = max(self.peak_kib, _high_water_kib(self.proc.pid, str(self.report)))
        elapsed = time.perf_counter() - self.start
        if self.peak_kib > MEMORY_LIMIT_MIB * 1024:
            self.stopped = f"over {MEMORY_LIMIT_MIB} MiB"
        elif elapsed > TIME_LIMIT_S:
            self.stopped = f"over {TIME_LIMIT_S} s"
        if self.stopped:
            self.proc.kill()
            self.proc.wait()
            self.seconds = elapsed
            return False
        return True

    def result(self) -> Run:
        if self.report.exists() and self.report.read_text():
            self.peak_kib = max(self.peak_kib, int(self.report.read_text()))
        output = self.out.read_text(encoding="utf-8", errors="replace")
        return Run(
            self.argv,
            self.proc.returncode,
            output,
            self.seconds,
            self.peak_kib / 1024,
            self.stopped,
        )


def _high_water_kib(pid: int, marker: str) -> int:
    """VmHWM of a running child, once it runs our script (between fork and exec it is a
    copy of this process, whose peak is not the child's)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if marker.encode() not in cmdline.read():
                return 0
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _run_all(children: list[_Child], *, fail_fast: bool = False) -> list[Run]:
    """Wait for every child, killing any that goes over time or memory (and, with
    ``fail_fast``, all the others as soon as one does)."""
    try:
        while True:
            running = [child.watch() for child in children]  # watch every child, every time
            if not any(running) or (fail_fast and any(child.stopped for child in children)):
                break
            time.sleep(0.01)
    finally:
        for child in children:
            if child.proc.poll() is None:
                child.proc.kill()
                child.proc.wait()
                child.stopped = child.stopped or "killed: another child went over the limits"
    return [child.result() for child in children]


def _workdir(path: Path) -> Path:
    """Where a child runs and leaves its output: the input's folder (or the nearest that exists)."""
    return next(folder for folder in path.parents if folder.is_dir())


def run_cli(cases: Iterable[tuple[Target, Path]]) -> list[Run]:
    """Run the CLI on each case, all at once (each watched on its own)."""
    children = [
        _Child(_CLI, [target.command, str(path)], _workdir(path), f"cli-{target}")
        for target, path in cases
    ]
    return _run_all(children)


# --------------------------------------------------------------------------- the contract


def _check_within_limits(run: Run) -> None:
    assert run.stopped is None, f"stopped {run.stopped}: {run.describe()}\n{run.output[-2000:]}"
    assert run.seconds < TIME_LIMIT_S, run.describe()
    assert run.peak_mib < MEMORY_LIMIT_MIB, run.describe()
    assert "Traceback" not in run.output, run.output[-4000:]


def _check_problem(problem: eh.Problem, path: Path, located: bool) -> None:
    assert problem.source == str(path), problem
    assert isinstance(problem.kind, str), problem
    assert problem.kind not in ("", "invalid"), f"not a sensible kind: {problem!r}"
    assert problem.message, problem
    if located:
        assert problem.line is not None, f"unlocated: {problem}"
        assert problem.col is not None, f"no column: {problem}"
        assert str(problem).startswith(f"{path}:{problem.line}:{problem.col}: "), problem
    else:
        assert problem.line is None, f"a problem with the file itself has no line: {problem}"
        assert str(problem).startswith(f"{path}: "), problem


def refused_by_api(
    cases: Iterable[tuple[Target, Path]], *, count: int = 1, located: bool = True
) -> dict[Target, tuple[eh.Problem, ...]]:
    """Load each ``(target, path)`` through the API, in this process, and check that it
    is refused as the module docstring says, with ``count`` problems; return them."""
    found: dict[Target, tuple[eh.Problem, ...]] = {}
    for target, path in cases:
        start = time.perf_counter()
        with pytest.raises(eh.LoadError) as info:
            target.load(str(path))
        seconds = time.perf_counter() - start
        assert type(info.value) is target.error, f"{type(info.value).__name__}, not {target.error}"
        assert seconds < TIME_LIMIT_S, f"the {target} API took {seconds:.2f} s on {path.name}"
        problems = info.value.problems
        listing = "\n".join(map(str, problems))
        assert len(problems) == count, f"{target}: {len(problems)} problems:\n{listing}"
        for problem in problems:
            _check_problem(problem, path, located)
        found[target] = problems
    return found


def printed_by_cli(
    cases: Iterable[tuple[Target, Path]], found: dict[Target, tuple[eh.Problem, ...]]
) -> None:
    """Run the CLI on each case (one child each, all at once) and check that it exits 1
    and prints exactly the problems the API ``found``, within the limits."""
    cases = list(cases)
    for (target, _path), run in zip(cases, run_cli(cases), strict=True):
        _check_within_limits(run)
        assert run.code == 1, run.describe()
        assert run.output.splitlines() == [str(p) for p in found[target]], run.output[-4000:]


def accepted(cases: Iterable[tuple[Target, Path]]) -> None:
    """Check that each ``(target, path)`` loads through the API and passes the CLI."""
    cases = list(cases)
    for target, path in cases:
        start = time.perf_counter()
        target.load(str(path))
        seconds = time.perf_counter() - start
        assert seconds < TIME_LIMIT_S, f"the {target} API took {seconds:.2f} s on {path.name}"
    for (_target, path), run in zip(cases, run_cli(cases), strict=True):
        _check_within_limits(run)
        assert run.code == 0, run.describe() + "\n" + run.output
        # the verdict, after any rules that do not run (each listed with why)
        lines = run.output.splitlines()
        verdict = next(i for i, line in enumerate(lines) if line.startswith(f"{path}: ok"))
        for line in lines[:verdict]:
            assert line.startswith((f"{path}: rules not run: ", f"{path}: not checked: ")), line


def refused_in_children(cases: Iterable[tuple[Target, Path]]) -> dict[Target, list[str]]:
    """:func:`refused_by_api` then :func:`printed_by_cli`, for inputs that may hang or
    exhaust memory: the API is called in a child process too. The API children (document
    and config) run at once, then the CLI children; a child over the limits is killed, and
    its siblings with it, so a failure costs at most :data:`TIME_LIMIT_S`.

    The number of problems is not fixed, but each must be located. Returns the first
    problems (as printed) of each case.
    """
    cases = list(cases)
    api = _run_all(
        [_Child(_API, [t.name, str(p)], _workdir(p), f"api-{t}") for t, p in cases],
        fail_fast=True,
    )
    _check_none_stopped(api)
    found = {}
    for (target, _path), run in zip(cases, api, strict=True):
        _check_within_limits(run)
        assert run.code == 0, run.output[-4000:]
        outcome = json.loads(run.output)
        assert outcome["error"] == target.error.__name__, outcome
        found[target] = outcome

    cli = _run_all(
        [_Child(_CLI, [t.command, str(p)], _workdir(p), f"cli-{t}") for t, p in cases],
        fail_fast=True,
    )
    _check_none_stopped(cli)
    for (target, path), run in zip(cases, cli, strict=True):
        _check_within_limits(run)
        assert run.code == 1, run.describe()
        lines = run.output.splitlines()
        outcome = found[target]
        assert len(lines) == outcome["count"], run.describe()
        assert lines[: len(outcome["problems"])] == outcome["problems"]
        located = re.compile(rf"{re.escape(str(path))}:\d+:\d+: ")
        assert all(located.match(line) for line in lines), lines[:5]
    return {target: outcome["problems"] for target, outcome in found.items()}


def _check_none_stopped(runs: list[Run]) -> None:
    over = [f"stopped {run.stopped}: {run.describe()}" for run in runs if run.stopped]
    first = [line for line in over if "another child" not in line]
    assert not over, "\n".join(first or over)
