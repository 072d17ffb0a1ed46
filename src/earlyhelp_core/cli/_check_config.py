"""``earlyhelp check-config``: load authority configs and prove their invariants."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from .._errors import LoadError
from ..assessment._core import rules_not_run
from ..thresholds import PROPERTIES, basis_counts, check_authority, load_versions
from ..thresholds._load import holds_configs
from ._common import EXIT_OK, EXIT_PROBLEMS, add_format, basis_line, by_reason, dump, load_authority

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``check-config`` command's arguments."""
    p = sub.add_parser(
        "check-config",
        help="load an authority config and prove its invariants",
        description="Load an authority config (shape, ids, rank order, the safety floor) and "
        "check that its matrix is total, monotone, safe, reachable, consistent and complete; "
        "report every problem and broken invariant, located, with a counterexample where "
        "there is one. Exit 1 when there is one. A file with other problems still has its "
        "rank order and safety floor checked, when its levels and mappings can be read. "
        "Given a folder of an authority's dated "
        "versions, check them together too: one authority, no two in force on one day, "
        "each level keeping its rank.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="authority configs (YAML), or folders of an authority's versions",
    )
    add_format(p)


def _not_loaded(name: str, error: LoadError, fmt: str, out: TextIO) -> dict[str, Any]:
    """Print a config's problems (text) and return its JSON result."""
    if fmt == "text":
        for problem in error.problems:
            print(problem, file=out)
    return {"file": name, "ok": False, "problems": [p.to_dict() for p in error.problems]}


def _check_versions(name: str, fmt: str, out: TextIO, results: list[dict[str, Any]]) -> int:
    """A folder of dated versions: the versions together, then each as a config."""
    try:
        versions = load_versions(name)
    except LoadError as exc:
        results.append(_not_loaded(name, exc, fmt, out))
        return EXIT_PROBLEMS
    status = EXIT_OK
    for version in versions:
        status = max(status, _check_config(version.source_path or name, fmt, out, results))
    if fmt == "text":
        print(f"{name}: {versions.id}: {versions.coverage()}", file=out)
    return status


def _check_config(name: str, fmt: str, out: TextIO, results: list[dict[str, Any]]) -> int:
    """One config file, or a folder of an authority's dated versions."""
    if holds_configs(name):
        return _check_versions(name, fmt, out, results)
    try:
        authority = load_authority(name)
    except LoadError as exc:
        results.append(_not_loaded(name, exc, fmt, out))
        return EXIT_PROBLEMS
    violations = check_authority(authority)
    not_run = rules_not_run(authority)
    config = authority.config
    summary = {
        "file": name,
        "ok": not violations,
        "id": authority.id,
        "version": authority.version,
        "fingerprint": authority.fingerprint,
        "levels": len(config.levels),
        "factors": len(config.factors),
        "not_applicable": len(config.not_applicable),
        "local_factors": len(config.local_factors),
        "escalation": len(config.escalation),
        "considerations": len(config.considerations),
        "basis": basis_counts(config),
        "violations": [v.to_dict() for v in violations],
        "rules_not_run": [n.to_dict() for n in not_run],
    }
    results.append(summary)
    if fmt == "text":
        for violation in violations:
            print(violation, file=out)
        for reason, codes in by_reason(not_run).items():
            print(f"{name}: rules not run: {', '.join(codes)}: {reason}", file=out)
        verdict = "ok" if not violations else f"{len(violations)} invariant(s) broken"
        print(
            f"{name}: {verdict}: {authority.id} {authority.version}: "
            f"{summary['levels']} levels, {summary['factors']} factors mapped, "
            f"{summary['not_applicable']} not applicable, {summary['local_factors']} local "
            f"factors, {summary['escalation']} escalation rules, {summary['considerations']} "
            f"considerations; checked: {', '.join(PROPERTIES)}",
            file=out,
        )
        print(f"{name}: {basis_line(basis_counts(config)['*'])}", file=out)
    return EXIT_OK if not violations else EXIT_PROBLEMS


def run(args: argparse.Namespace, out: TextIO) -> int:
    """``check-config FILE...``: each file (or folder of versions) in turn. With ``--format
    json``, one config's result is an object, and several (files, or a folder's versions)
    a list of them."""
    results: list[dict[str, Any]] = []
    status = EXIT_OK
    for name in args.files:
        status = max(status, _check_config(name, args.format, out, results))
    if args.format == "json":
        dump(results[0] if len(results) == 1 else results, out)
    return status
