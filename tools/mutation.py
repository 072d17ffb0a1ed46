"""Mutation testing of the engine: does the test suite notice a small, realistic bug?

``make mutation`` runs this. It makes *mutants* of the engine's modules (the threshold
matrix, the assessment rules and the reader), one small change each:

* a comparison flipped at its boundary (``<`` to ``<=``, ``==`` to ``!=``, ``in`` to
  ``not in``), ``and`` to ``or``, a ``not`` dropped;
* a whole number one larger, ``True`` for ``False``, ``+`` for ``-``;
* ``min`` for ``max``, ``any`` for ``all``, ``continue`` for ``break``;
* a call made for its effect (``problems.append(...)``, ``report(...)``) left out.

Strings (messages) and annotations are not mutated. Each mutant is put in a private copy of
the source tree and the tests that run its line are run against it (found once, with
coverage contexts), stopping at the first failure. A mutant is *killed* when a test fails
(or the run hangs past its time limit), and *survives* when they all pass. The result is
the kill rate and every survivor, ``file:line: what changed``.

Mutants are reproducible: the same source gives the same list, numbered in file order, so
``--only 17`` reruns one. Hypothesis runs with the ``ci`` profile (derandomised, no example
database), so a property either kills a mutant every time or never does.

A line ending ``# pragma: no mutate`` is left alone: use it for code whose every mutant is
equivalent (a cache size, a guard that only narrows a type), and say why beside it.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "earlyhelp_core"
TARGETS = ("thresholds", "assessment", "_reader.py", "_yaml.py")
"""What is mutated, relative to the package: the engine, the rules and the reader (its YAML
half is in ``_yaml.py``)."""


_COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_SYMBOL = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
_CALLS = {"min": "max", "max": "min", "any": "all", "all": "any"}


@dataclass(frozen=True)
class Mutant:
    number: int
    file: str  # relative to the repository
    line: int
    what: str
    source: str  # the whole mutated module
    code: str  # the line as written, stripped: with file and what, a key that survives edits

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.code, self.what)


# --------------------------------------------------------------------------- making mutants


def _skipped_lines(text: str) -> set[int]:
    return {
        n
        for n, line in enumerate(text.splitlines(), 1)
        if line.rstrip().endswith("# pragma: no mutate")
    }


def _not_mutated(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, ``__all__``, TYPE_CHECKING blocks."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, ast.arg):
            mark(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            mark(node.returns)
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            mark(node)
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            mark(node)
    return skip


def _replacements(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """The mutants of one node: (what changed, the node that replaces it)."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            other = _COMPARE.get(type(op))
            if other is not None:
                new = copy.copy(node)
                new.ops = [*node.ops[:i], other(), *node.ops[i + 1 :]]
                yield f"{_SYMBOL[type(op)]} -> {_SYMBOL[other]}", new
    elif isinstance(node, ast.BoolOp):
        new_bool = copy.copy(node)
        new_bool.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield ("and -> or" if isinstance(node.op, ast.And) else "or -> and"), new_bool
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not dropped", node.operand
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        new_bin = copy.copy(node)
        new_bin.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        yield ("+ -> -" if isinstance(node.op, ast.Add) else "- -> +"), new_bin
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield f"{node.value} -> {not node.value}", ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield f"{node.value} -> {node.value + 1}", ast.Constant(node.value + 1)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        swap = _CALLS.get(node.func.id)
        if swap is not None:
            new_call = copy.copy(node)
            new_call.func = ast.Name(swap, ast.Load())
            yield f"{node.func.id}() -> {swap}()", new_call
    elif isinstance(node, ast.Break):
        yield "break -> continue", ast.Continue()
    elif isinstance(node, ast.Continue):
        yield "continue -> break", ast.Break()
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield f"call left out: {ast.unparse(node.value)[:60]}", ast.Pass()


def _slots(tree: ast.AST) -> Iterator[tuple[ast.AST, str, int | None, ast.AST]]:
    """Every node with where it sits: (parent, field, index in a list field or None, node)."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                for i, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        yield parent, field, i, child
            elif isinstance(value, ast.AST):
                yield parent, field, None, value


def mutants_of(path: Path, start: int = 1) -> list[Mutant]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    skip = _not_mutated(tree)
    skipped_lines = _skipped_lines(text)
    rel = str(path.relative_to(ROOT))
    found: list[tuple[int, int, str, str]] = []
    for parent, field, i, node in list(_slots(tree)):
        if id(node) in skip or getattr(node, "lineno", 0) in skipped_lines:
            continue
        if isinstance(node, ast.Expr) and (
            i is None or len(getattr(parent, field)) == 1  # a lone call is its whole branch
        ):
            continue
        original = getattr(parent, field)
        for what, new in _replacements(node):
            if i is None:
                setattr(parent, field, new)
            else:
                setattr(parent, field, [*original[:i], new, *original[i + 1 :]])
            try:
                source = ast.unparse(tree)
            finally:
                setattr(parent, field, original)
            found.append((node.lineno, node.col_offset, what, source))  # type: ignore[attr-defined]
    found.sort(key=lambda m: (m[0], m[1], m[2]))
    lines = text.splitlines()
    return [
        Mutant(n, rel, line, what, source, lines[line - 1].strip())
        for n, (line, _, what, source) in enumerate(found, start)
    ]


def all_mutants() -> list[Mutant]:
    files: list[Path] = []
    for target in TARGETS:
        path = PACKAGE / target
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    mutants: list[Mutant] = []
    for path in files:
        mutants += mutants_of(path, start=len(mutants) + 1)
    return mutants


def _again(mutants: list[Mutant], earlier: Path, commit: str | None) -> list[Mutant]:
    """The mutants of ``mutants`` that match a survivor of an earlier run; says which
    survivors no longer exist (their line was changed or removed)."""
    wanted: list[tuple[str, str, str]] = []
    texts: dict[str, list[str]] = {}
    for r in json.loads(earlier.read_text(encoding="utf-8")):
        if r["outcome"] not in ("survived", "no-tests"):
            continue
        code = r.get("code")
        if code is None:
            if commit is None:
                raise SystemExit(f"{earlier} has no line texts: pass --at COMMIT")
            if r["file"] not in texts:
                texts[r["file"]] = subprocess.run(
                    ["git", "show", f"{commit}:{r['file']}"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.splitlines()
            code = texts[r["file"]][r["line"] - 1].strip()
        wanted.append((r["file"], code, r["what"]))
    by_key: dict[tuple[str, str, str], list[Mutant]] = {}
    for m in mutants:
        by_key.setdefault(m.key, []).append(m)
    chosen = [m for key in dict.fromkeys(wanted) for m in by_key.get(key, [])]
    gone = [key for key in dict.fromkeys(wanted) if key not in by_key]
    for file, code, what in gone:
        print(f"  gone: {file}: {code[:60]}: {what}")
    print(f"{len(chosen)} earlier survivors to run again; {len(gone)} no longer exist")
    return chosen


# --------------------------------------------------------------------------- which tests


def _tests_by_line(
    work: Path, python: str
) -> tuple[dict[tuple[str, int], list[str]], dict[str, float]]:
    """Run the suite once under coverage, recording which test ran each line, and how
    long each test took (under coverage, so somewhat longer than without)."""
    data_file = work / ".coverage"
    junit = work / ".junit.xml"
    rc = ROOT / "tools" / "mutation.coveragerc"
    subprocess.run(
        [
            python,
            "-m",
            "coverage",
            "run",
            f"--rcfile={rc}",
            f"--data-file={data_file}",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            "--hypothesis-profile=ci",
            f"--junitxml={junit}",
        ],
        cwd=work,
        env=_env(work),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds: dict[str, float] = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):  # our own file
        node = _node_id(f"{case.get('classname')}.{case.get('name', '').split('[', 1)[0]}")
        seconds[node] = seconds.get(node, 0.0) + float(case.get("time") or 0)
    from coverage import CoverageData  # only the mutation run needs it

    cov = CoverageData(basename=str(data_file))
    cov.read()
    found: dict[tuple[str, int], list[str]] = {}
    for measured in cov.measured_files():
        rel = str(Path(measured).resolve().relative_to(work.resolve()))
        for line, contexts in cov.contexts_by_lineno(measured).items():
            tests = sorted({_node_id(c) for c in contexts if c})
            found[(rel, line)] = tests or [ON_IMPORT]
    return found, seconds


def _node_id(context: str) -> str:
    """``tests.thresholds.test_classify.test_x|run`` -> ``tests/thresholds/test_classify.py::test_x``."""
    name = context.split("|", 1)[0]
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module = Path(*parts[:i]).with_suffix(".py")
        if (ROOT / module).is_file():
            return "::".join([str(module), *parts[i:]])
    return name


MAP = ROOT / ".mutation" / "map.json"
ON_IMPORT = "<import>"
"""Marks a line run only while its module is imported (no test was running)."""


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for top in ("src", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


Map = tuple[dict[tuple[str, int], list[str]], dict[str, float]]


def _cached_map(work: Path, python: str, *, reuse: bool) -> Map:
    """The tests by line and their durations, from ``.mutation/map.json`` when the sources
    are unchanged."""
    stamp = _fingerprint()
    if MAP.is_file():
        saved = json.loads(MAP.read_text(encoding="utf-8"))
        if reuse or saved["fingerprint"] == stamp:
            return {(f, int(n)): t for f, n, t in saved["lines"]}, saved["seconds"]
    print(
        "finding which tests run each line (the whole suite, once, under coverage) ...", flush=True
    )
    began = time.perf_counter()
    found, seconds = _tests_by_line(work, python)
    print(f"  {time.perf_counter() - began:.0f} s", flush=True)
    MAP.parent.mkdir(exist_ok=True)
    MAP.write_text(
        json.dumps(
            {
                "fingerprint": stamp,
                "lines": [[f, n, t] for (f, n), t in found.items()],
                "seconds": seconds,
            }
        ),
        encoding="utf-8",
    )
    return found, seconds


# --------------------------------------------------------------------------- running


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(work / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _copy_tree(into: Path) -> Path:
    """A private copy of the working tree: every file git tracks or would track."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, into / name)
    return into


@dataclass
class Result:
    mutant: Mutant
    outcome: str  # killed | survived | timeout | no-tests
    seconds: float
    tests: int


def _run_one(mutant: Mutant, work: Path, tests: list[str], python: str, limit: float) -> Result:
    if not tests:
        return Result(mutant, "no-tests", 0.0, 0)
    target = work / mutant.file
    original = target.read_text(encoding="utf-8")
    target.write_text(mutant.source, encoding="utf-8")
    began = time.perf_counter()
    try:
        proc = subprocess.run(
            [
                python,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "--hypothesis-profile=ci",
                "-o",
                "addopts=",
                *tests,
            ],
            cwd=work,
            env=_env(work),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=limit,
            check=False,
        )
        outcome = "survived" if proc.returncode == 0 else "killed"
    except subprocess.TimeoutExpired:
        outcome = "timeout"
    finally:
        target.write_text(original, encoding="utf-8")
    return Result(mutant, outcome, time.perf_counter() - began, len(tests))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", type=int, nargs="*", help="run these mutant numbers")
    parser.add_argument("--file", help="run the mutants of files whose path contains this")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--limit",
        type=float,
        default=30.0,
        help="seconds a mutant's run may take beyond three times its tests' own time",
    )
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument(
        "--again",
        type=Path,
        help="run only the mutants that survived in this earlier --json result (matched by "
        "file, line text and change, so edits elsewhere do not lose them)",
    )
    parser.add_argument(
        "--at",
        help="with --again, the commit the earlier result was measured at (for results "
        "written before lines were recorded)",
    )
    parser.add_argument(
        "--reuse-map",
        action="store_true",
        help="reuse the last map of tests by line even if the sources changed (quicker reruns "
        "while writing tests; new tests are then not run)",
    )
    args = parser.parse_args(argv)

    mutants = all_mutants()
    if args.file:
        mutants = [m for m in mutants if args.file in m.file]
    if args.again:
        mutants = _again(mutants, args.again, args.at)
    if args.only:
        wanted = set(args.only)
        mutants = [m for m in mutants if m.number in wanted]
    if args.list:
        for m in mutants:
            print(f"{m.number:5} {m.file}:{m.line}: {m.what}")
        print(f"{len(mutants)} mutants")
        return 0

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="earlyhelp-mutation-") as tmp:
        works = [_copy_tree(Path(tmp) / f"w{i}") for i in range(args.jobs)]  # the tree as it is now
        by_line, seconds = _cached_map(works[0], python, reuse=args.reuse_map)
        free = list(works)
        results: list[Result] = []

        by_file: dict[str, set[str]] = {}
        for (file, _), tests in by_line.items():
            by_file.setdefault(file, set()).update(t for t in tests if t != ON_IMPORT)

        def task(m: Mutant) -> Result:
            tests = by_line.get((m.file, m.line), [])
            if tests == [ON_IMPORT]:
                # run on import (a constant, a decorator's arguments): every test of its
                # module is a test of it
                tests = sorted(by_file.get(m.file, ()))
            # quickest first, so a mutant is usually caught early; a run is given three
            # times what its tests took unmutated (under coverage) before it counts as hung
            tests = sorted(tests, key=lambda t: seconds.get(t, 0.0))
            limit = args.limit + 3 * sum(seconds.get(t, 0.0) for t in tests)
            work = free.pop()
            try:
                return _run_one(m, work, tests, python, limit)
            finally:
                free.append(work)

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for r in pool.map(task, mutants):
                results.append(r)
                if len(results) % 50 == 0:
                    print(f"  [{len(results)}/{len(mutants)}]", flush=True)
                if r.outcome in ("survived", "no-tests"):
                    print(
                        f"  {r.outcome}: #{r.mutant.number} {r.mutant.file}:{r.mutant.line}: "
                        f"{r.mutant.what}",
                        flush=True,
                    )

    return _summarise(results, args.json)


def _summarise(results: list[Result], out: Path | None) -> int:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    total = len(results)
    print()
    print(
        f"{total} mutants: {killed} killed ({counts.get('timeout', 0)} by timeout), "
        f"{counts.get('survived', 0)} survived, {counts.get('no-tests', 0)} run by no test"
    )
    if total:
        print(f"kill rate {100 * killed / total:.1f}%")
    by_file: dict[str, list[int]] = {}
    for r in results:
        tally = by_file.setdefault(r.mutant.file, [0, 0])
        tally[0] += r.outcome in ("killed", "timeout")
        tally[1] += 1
    for file, (k, n) in sorted(by_file.items()):
        print(f"  {file}: {k}/{n}")
    survivors = [r for r in results if r.outcome in ("survived", "no-tests")]
    if survivors:
        print("\nsurvivors:")
        for r in survivors:
            print(
                f"  #{r.mutant.number} {r.mutant.file}:{r.mutant.line}: {r.mutant.what} "
                f"({r.outcome})"
            )
    if out is not None:
        out.write_text(
            json.dumps(
                [
                    {
                        "number": r.mutant.number,
                        "file": r.mutant.file,
                        "line": r.mutant.line,
                        "what": r.mutant.what,
                        "code": r.mutant.code,
                        "outcome": r.outcome,
                        "seconds": round(r.seconds, 2),
                        "tests": r.tests,
                    }
                    for r in results
                ],
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
