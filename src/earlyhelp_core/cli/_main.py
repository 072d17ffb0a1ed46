"""The ``earlyhelp`` command.

Exit status: 0 when everything checked is valid; 1 when a document, config or argument
has a problem (each printed as ``file:line:col: path: message``, never a traceback);
2 for a usage error (unknown option, missing argument).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

import attrs

from .. import vocabulary
from .._calendar import ENGLAND
from .._errors import DocumentError, LoadError, Problem, UnknownIdError
from .._reader import SourceMap
from .._resources import data_dir
from .._schemas import SCHEMAS, schema_text
from .._version import __version__
from ..assessment._core import (
    NotChecked,
    check_rule_overrides,
    rules,
    rules_not_run,
    validate,
    with_assessments,
)
from ..cohorts import Unread, classify_many, diff
from ..models import Assessment, Document
from ..models.documents import load_located
from ..thresholds import (
    PROPERTIES,
    Authority,
    basis_counts,
    check_authority,
    explain,
    list_authorities,
    load_versions,
    narrative,
)
from ..thresholds import find_authority as _find_matrix
from ..thresholds import load_authority as _load_matrix
from ..thresholds._load import Summary, bundled_summary, holds_configs
from ._jsonl import (
    EXIT_INTERRUPTED,
    FIELDS,
    assess_jsonl,
    assess_results,
    open_input,
    parse_fields,
    validate_jsonl,
)

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_CLOSED_PIPE = 141
"""128 + SIGPIPE: the reader of the output went away (``| head``), as shells report it for
any command; not a problem in the input."""


def load_authority(spec: str) -> Authority:
    """The operator's authority (an id or a path), checked whole: the matrix and the rules
    its config overrides, so a config error shows before any document is read."""
    authority = _load_matrix(spec)
    check_rule_overrides(authority)
    return authority


def find_authority(authority_id: str) -> Authority:
    """A bundled or installed authority by id, checked whole as :func:`load_authority`."""
    authority = _find_matrix(authority_id)
    check_rule_overrides(authority)
    return authority


class UserError(Exception):
    """A problem with the command line's inputs, printed as one line."""


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def _add_bulk(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("text", "json", "jsonl", "csv"),
        default="text",
        help="output format (jsonl and csv: one row per record, for JSON Lines input)",
    )
    p.add_argument(
        "--input-format",
        choices=("auto", "document", "jsonl"),
        default="auto",
        help="'jsonl': one document per line, streamed (the default for '-' and *.jsonl); "
        "'document': one YAML or JSON document per file",
    )


def _fields(text: str) -> tuple[str, ...]:
    """``--fields``: an unknown name is a usage error that names the known ones."""
    try:
        return parse_fields(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _is_jsonl(name: str, given: str) -> bool:
    if given != "auto":
        return given == "jsonl"
    return name == "-" or name.endswith(".jsonl")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference)."""
    parser = argparse.ArgumentParser(
        prog="earlyhelp",
        description="Decide and check early help: classify assessments under an authority's "
        "threshold matrix, check documents and configs, look up the national needs vocabulary.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "assess",
        help="classify an assessment under an authority's threshold matrix",
        description="Read an early help assessment and print the level of need under an "
        "authority's matrix: what it means, why, and what to do next.",
    )
    p.add_argument(
        "file",
        metavar="FILE",
        help="an early help assessment (YAML or JSON), or JSON Lines of them ('-': stdin)",
    )
    p.add_argument(
        "--authority",
        metavar="ID|PATH",
        help="a bundled or installed authority id, or a config file "
        "(default: the document's own `authority`)",
    )
    _add_bulk(p)
    p.add_argument(
        "--compare",
        metavar="ID|PATH",
        help="with JSON Lines: also classify under this authority (or config version) and "
        "report how many records change level, and how",
    )
    p.add_argument(
        "--from",
        dest="source_kind",
        choices=sorted(READERS),
        metavar="KIND",
        help="read FILE as data an authority holds, one record per child's assessment: "
        "'cin-census' (a Children in Need census return, XML) or 'ssd' (a Standard "
        "Safeguarding Dataset extract: a folder of CSV or Parquet tables); needs --authority",
    )
    p.add_argument(
        "--fields",
        type=_fields,
        metavar="NAME,...",
        help="with --format jsonl: write only these fields of each record's result, "
        "comma-separated (each line still starts with the record's index and id), for a "
        f"compact output; the fields: {', '.join(FIELDS)}",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="also say what would change the level: the smallest sets of needs whose "
        "resolution would bring it down, and the needs whose addition would take it up",
    )

    p = sub.add_parser(
        "validate",
        help="check documents against an authority's policy, like a linter",
        description="Read each assessment, plan or referral (YAML or JSON), check it, and report "
        "every finding as file:line:col: CODE severity: path: message (hint). The policy rules "
        "run under --authority, or the document's own `authority`. A plan is checked against "
        "the assessment it names when that assessment is among the files. A rule that cannot "
        "run (a parameter the authority leaves unset, a plan's assessment not given, a rule the "
        "config switches off) is listed as file: not checked: CODES: why. Exit 1 when any file "
        "has an error; warnings alone exit 0.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to check ('-': stdin)")
    p.add_argument("--authority", metavar="ID|PATH", help="authority id or config file")
    _add_bulk(p)

    p = sub.add_parser(
        "rules",
        help="list the validation rules",
        description="List every validation rule: code, severity, the documents it checks and "
        "its summary. Rules that count working days are marked, and the calendar they count "
        "in is named: Monday to Friday less the England and Wales bank holidays, and with "
        "--authority that authority's closure days too.",
    )
    p.add_argument(
        "--authority",
        metavar="ID|PATH",
        help="name the calendar of this authority (its closure days)",
    )
    _add_format(p)

    p = sub.add_parser(
        "check-config",
        help="load an authority config and prove its invariants",
        description="Load an authority config (shape, ids, rank order, the safety floor) and "
        "check that its matrix is total, monotone, safe, reachable, consistent and complete; "
        "report every problem and broken invariant, located, with a counterexample where "
        "there is one. Exit 1 when there is one. Given a folder of an authority's dated "
        "versions, check them together too: one authority, no two in force on one day, "
        "each level keeping its rank.",
    )
    p.add_argument(
        "file", metavar="FILE", help="an authority config (YAML), or a folder of its versions"
    )
    _add_format(p)

    p = sub.add_parser("authorities", help="list the bundled and installed authorities")
    _add_format(p)

    p = sub.add_parser(
        "show",
        help="print an authority's matrix",
        description="Print an authority's levels (prevention, response, source) and the "
        "factors mapped to each, by domain.",
    )
    p.add_argument("authority", metavar="AUTHORITY", help="an authority id or config file")
    p.add_argument(
        "--sources",
        action="store_true",
        help="list the config's sources, each with how many levels, mappings, cells and "
        "rules it states and how many are a reading of it",
    )
    _add_format(p)

    p = sub.add_parser(
        "translate",
        help="express one authority's level in another's levels",
        description="Find the level(s) of the target authority with the same Munro prevention "
        "level and response, and say when the match is ambiguous or inexact.",
    )
    p.add_argument("level", metavar="LEVEL", help="a level id of the --from authority")
    p.add_argument("--from", dest="source", required=True, metavar="A", help="authority id or path")
    p.add_argument("--to", dest="target", required=True, metavar="B", help="authority id or path")
    _add_format(p)

    p = sub.add_parser(
        "diff",
        help="what changed between two configs, and which families it moves",
        description="Compare two configs (two versions of one authority, by level id; or two "
        "authorities, by each level's prevention level and response): levels, mappings, "
        "cells, escalation rules, considerations, local factors and parameters added, removed "
        "or changed, each with both sources. With --cohort, classify every record under both "
        "and count how many move between which levels, up and down, with example ids.",
    )
    p.add_argument("old", metavar="OLD", help="the old config: an authority id or a file")
    p.add_argument("new", metavar="NEW", help="the new config: an authority id or a file")
    p.add_argument(
        "--cohort",
        metavar="FILE",
        help="records to classify under both: JSON Lines of assessments, or with --from a "
        "census return or an SSD extract",
    )
    p.add_argument(
        "--from",
        dest="source_kind",
        choices=sorted(READERS),
        metavar="KIND",
        help="read --cohort as 'cin-census' or 'ssd' data",
    )
    p.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format"
    )

    p = sub.add_parser(
        "vocabulary",
        help="list the national needs factors",
        description="List the factors of the national needs vocabulary, or show one; or, "
        "with --census-codes, the Children in Need census factor codes, each with its "
        "meaning, whom it is about, the factor that claims it, and the source.",
    )
    p.add_argument("factor", nargs="?", metavar="FACTOR", help="show only this factor id")
    p.add_argument(
        "--census-codes",
        action="store_true",
        help="list the census assessment factor codes instead of the factors",
    )
    _add_format(p)

    p = sub.add_parser(
        "schema",
        help="print a JSON Schema",
        description="Print the JSON Schema of a document kind, the authority config or the "
        "vocabulary file.",
    )
    p.add_argument("name", choices=sorted(SCHEMAS), metavar="NAME", help=", ".join(sorted(SCHEMAS)))
    p.add_argument(
        "--path",
        action="store_true",
        help="print where the installed schema file is (for an editor's settings or a CI step) "
        "instead of the schema",
    )
    _add_format(p)
    return parser


def _dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()), width=96, initial_indent=indent, subsequent_indent=indent
    )


# --------------------------------------------------------------------------- assess


def _authority_for(
    doc: Document, given: str | None, *, source: str, where: SourceMap | None = None
) -> Authority:
    """The operator's ``--authority`` (an id or a path), else the document's own id.

    A document's ``authority`` is only ever looked up as an id: it never names a file. An
    id that is not known is a problem in the document, located at its ``authority`` key.
    """
    if given is not None:
        return load_authority(given)
    if doc.authority is None:
        raise UserError(
            "no authority: pass --authority ID|PATH or set `authority:` in the document "
            f"(known: {', '.join(list_authorities())})"
        )
    try:
        return find_authority(doc.authority)
    except UnknownIdError as exc:
        pos = where.locate(("authority",), key=False) if where is not None else None
        line, col = pos if pos is not None else (None, None)
        message = f"{exc}; or pass --authority"
        problem = Problem(message, ("authority",), source, line, col, "unknown-authority")
        raise DocumentError([problem]) from None


def _read_ssd(path: str, authority: str) -> Iterator[Assessment | Unread]:
    from ..interop import read_ssd  # noqa: PLC0415  (the readers load on use)

    return read_ssd(path, authority=authority)


def _read_cin_census(path: str, authority: str) -> Iterator[Assessment | Unread]:
    from ..interop import read_cin_census  # noqa: PLC0415  (the readers load on use)

    return read_cin_census(path, authority=authority)


READERS: dict[str, Callable[[str, str], Iterator[Assessment | Unread]]] = {
    "cin-census": _read_cin_census,
    "ssd": _read_ssd,
}
"""The sources ``earlyhelp assess --from KIND`` reads: the path and authority id in, the
records out."""


def _assess_from(args: argparse.Namespace, out: TextIO) -> int:
    if args.authority is None:
        raise UserError(f"--from {args.source_kind} needs --authority ID|PATH")
    if args.explain:
        raise UserError("--explain works on one document, not a census return or an extract")
    if args.input_format != "auto":
        raise UserError("give --from or --input-format, not both")
    if args.format == "json":
        raise UserError("--format json is for one document; use jsonl or csv (or text)")
    authority = load_authority(args.authority)
    other = load_authority(args.compare) if args.compare else None
    records = READERS[args.source_kind](args.file, authority.id)
    results = classify_many(authority, records, source=args.file, compared_with=other)
    return assess_results(
        results, authority, other, fmt=args.format, out=out, err=sys.stderr, fields=args.fields
    )


def _assess(args: argparse.Namespace, out: TextIO) -> int:
    if args.fields is not None and args.format != "jsonl":
        raise UserError("--fields is for --format jsonl: it chooses what each line holds")
    if args.source_kind is not None:
        return _assess_from(args, out)
    if _is_jsonl(args.file, args.input_format):
        if args.explain:
            raise UserError("--explain works on one document, not JSON Lines")
        if args.authority is None:
            raise UserError("JSON Lines input needs --authority ID|PATH")
        other = load_authority(args.compare) if args.compare else None
        return assess_jsonl(
            "<stdin>" if args.file == "-" else args.file,
            load_authority(args.authority),
            other,
            fmt=args.format,
            out=out,
            err=sys.stderr,
            fields=args.fields,
        )
    if args.compare:
        raise UserError("--compare works on JSON Lines input (--input-format jsonl)")
    if args.format in ("jsonl", "csv"):
        raise UserError(f"--format {args.format} is for JSON Lines input (--input-format jsonl)")
    doc, where = load_located(args.file)
    if not isinstance(doc, Assessment):
        raise UserError(f"{args.file}: is a {doc.kind}; `assess` takes an early-help-assessment")
    authority = _authority_for(doc, args.authority, source=args.file, where=where)
    decision = explain(authority, doc) if args.explain else authority.classify(doc)
    if args.format == "json":
        _dump({"file": args.file, "id": doc.id, **decision.to_dict()}, out)
    else:
        print(narrative(decision, doc, authority), file=out)
        if decision.explanation is not None:
            print(file=out)
            print(decision.explanation, file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- validate


def _summary(doc: Document) -> str:
    family = doc.family
    head = f"{doc.kind} {doc.id}: family {family.id}, {len(family.members)} members"
    if isinstance(doc, Assessment):
        ids = ", ".join(obs.factor for obs in doc.factors) or "none"
        return f"{head}, factors: {ids}"
    return head


@attrs.frozen
class _Read:
    name: str
    doc: Document | None = None
    where: SourceMap | None = None
    error: LoadError | None = None


def _read(name: str) -> _Read:
    try:
        doc, where = load_located(name)
    except LoadError as exc:
        return _Read(name, error=exc)
    return _Read(name, doc, where)


def _failed(name: str, error: LoadError | None, fmt: str, out: TextIO) -> dict[str, object]:
    """Print a file's problems (text) and return its JSON result."""
    problems = error.problems if error else ()
    if fmt == "text":
        for problem in problems:
            print(problem, file=out)
    return {"file": name, "ok": False, "problems": [p.to_dict() for p in problems]}


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    streamed = [name for name in args.files if _is_jsonl(name, args.input_format)]
    if streamed:
        if len(streamed) != len(args.files):
            raise UserError("give either JSON Lines files or documents, not both")
        if args.authority is None:
            raise UserError("JSON Lines input needs --authority ID|PATH")
        authority = load_authority(args.authority)
        status = EXIT_OK
        for name in streamed:
            status = max(
                status,
                validate_jsonl(
                    "<stdin>" if name == "-" else name,
                    authority,
                    fmt=args.format,
                    out=out,
                    err=sys.stderr,
                ),
            )
        return status
    if args.format in ("jsonl", "csv"):
        raise UserError(f"--format {args.format} is for JSON Lines input (--input-format jsonl)")
    read = [_read(name) for name in args.files]
    followed_by = {
        id(doc): followed
        for doc, followed in with_assessments(r.doc for r in read if r.doc is not None)
    }
    authorities: dict[str, Authority] = {}
    status = EXIT_OK
    results: list[dict[str, object]] = []
    for item in read:
        doc = item.doc
        spec = args.authority or (doc.authority if doc is not None else None)
        error = item.error
        if doc is not None and spec is not None and spec not in authorities:
            try:
                authorities[spec] = _authority_for(
                    doc, args.authority, source=item.name, where=item.where
                )
            except DocumentError as exc:
                error = exc
        if doc is None or item.where is None or error is not None:
            status = EXIT_PROBLEMS
            results.append(_failed(item.name, error, args.format, out))
            continue
        if spec is None:
            results.append({"file": item.name, "ok": True, "kind": doc.kind, "id": doc.id})
            if args.format == "text":
                print(
                    f"{item.name}: ok: {_summary(doc)} "
                    "(no authority: policy rules not run; pass --authority)",
                    file=out,
                )
            continue
        authority = authorities[spec]
        report = validate(
            authority,
            doc,
            assessment=followed_by[id(doc)],
            where=item.where.locate,
            file=item.name,
        )
        if not report.ok:
            status = EXIT_PROBLEMS
        results.append({"file": item.name, **report.to_dict()})
        if args.format == "text":
            for finding in report.findings:
                print(f"{finding.location}: {finding}", file=out)
            for reason, codes in _by_reason(report.not_checked).items():
                print(f"{item.name}: not checked: {', '.join(codes)}: {reason}", file=out)
            if report.ok:
                n = len(report.warnings)
                warned = f", {n} warning{'s' if n != 1 else ''}" if n else ""
                print(f"{item.name}: ok under {authority.id}{warned}: {_summary(doc)}", file=out)
    if args.format == "json":
        _dump(results, out)
    return status


def _by_reason(skipped: Iterable[NotChecked]) -> dict[str, list[str]]:
    """Codes of the rules that did not run, grouped by why (one line each)."""
    grouped: dict[str, list[str]] = {}
    for item in skipped:
        grouped.setdefault(item.reason, []).append(item.code)
    return grouped


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    all_rules = rules()
    authority = None if args.authority is None else load_authority(args.authority)
    calendar = ENGLAND if authority is None else authority.calendar
    if args.format == "json":
        _dump(
            [
                {**r.to_dict(), "calendar": calendar.name if r.counts_working_days else None}
                for r in all_rules
            ],
            out,
        )
        return EXIT_OK
    for r in all_rules:
        kinds = ",".join("assessment" if k == "early-help-assessment" else k for k in r.kinds)
        days = " [working days]" if r.counts_working_days else ""
        line = f"{r.code}  {r.severity.value:<7}  {kinds:<10}  {r.title}: {r.summary}{days}"
        print(line, file=out)
    whose = (
        f"under {authority.id}"
        if authority is not None
        else "(an authority's closure days too: earlyhelp rules --authority ID)"
    )
    print(f"\n[working days] counted as {calendar.name} {whose}", file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- configs


def _check_versions(args: argparse.Namespace, out: TextIO) -> int:
    """A folder of dated versions: the versions together, then each as a config."""
    try:
        versions = load_versions(args.file)
    except LoadError as exc:
        if args.format == "json":
            problems = [p.to_dict() for p in exc.problems]
            _dump({"file": args.file, "ok": False, "problems": problems}, out)
        else:
            for problem in exc.problems:
                print(problem, file=out)
        return EXIT_PROBLEMS
    status = EXIT_OK
    for version in versions:
        path = version.source_path or args.file
        status = max(status, _check_config(argparse.Namespace(**{**vars(args), "file": path}), out))
    if args.format == "text":
        print(f"{args.file}: {versions.id}: {versions.coverage()}", file=out)
    return status


def _check_config(args: argparse.Namespace, out: TextIO) -> int:
    if holds_configs(args.file):
        return _check_versions(args, out)  # a folder of an authority's dated versions
    try:
        authority = load_authority(args.file)
    except LoadError as exc:
        if args.format == "json":
            _dump(
                {"file": args.file, "ok": False, "problems": [p.to_dict() for p in exc.problems]},
                out,
            )
        else:
            for problem in exc.problems:
                print(problem, file=out)
        return EXIT_PROBLEMS
    violations = check_authority(authority)
    not_run = rules_not_run(authority)
    config = authority.config
    summary = {
        "file": args.file,
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
    if args.format == "json":
        _dump(summary, out)
    else:
        for violation in violations:
            print(violation, file=out)
        for reason, codes in _by_reason(not_run).items():
            print(f"{args.file}: rules not run: {', '.join(codes)}: {reason}", file=out)
        verdict = "ok" if not violations else f"{len(violations)} invariant(s) broken"
        print(
            f"{args.file}: {verdict}: {authority.id} {authority.version}: "
            f"{summary['levels']} levels, {summary['factors']} factors mapped, "
            f"{summary['not_applicable']} not applicable, {summary['local_factors']} local "
            f"factors, {summary['escalation']} escalation rules, {summary['considerations']} "
            f"considerations; checked: {', '.join(PROPERTIES)}",
            file=out,
        )
        print(f"{args.file}: {_basis_line(basis_counts(config)['*'])}", file=out)
    return EXIT_OK if not violations else EXIT_PROBLEMS


def _authorities(args: argparse.Namespace, out: TextIO) -> int:
    rows: list[dict[str, Any]] = []
    broken: list[tuple[str, LoadError]] = []
    for authority_id in list_authorities():
        # a bundled config is listed from the top of its file; any other is loaded whole
        found: Authority | Summary | None = bundled_summary(authority_id)
        if found is None:
            try:
                found = find_authority(authority_id)
            except LoadError as exc:  # one broken package must not hide the others
                broken.append((authority_id, exc))
                rows.append({"id": authority_id, "problems": [p.to_dict() for p in exc.problems]})
                continue
        rows.append({"id": found.id, "name": found.name, "version": found.version})
    if args.format == "json":
        _dump(rows, out)
    else:
        for row in rows:
            if "problems" not in row:
                print(f"{row['id']:<16} {row['version']:<10} {row['name']}", file=out)
        for authority_id, error in broken:
            print(f"earlyhelp: error: {authority_id} cannot be loaded:\n{error}", file=sys.stderr)
    return EXIT_PROBLEMS if broken else EXIT_OK


def _basis_line(parts: dict[str, dict[str, int]]) -> str:
    """``stated/reading: levels 4/0, mappings 12/80, ...``."""
    shown = ", ".join(f"{part} {n['stated']}/{n['reading']}" for part, n in parts.items())
    return f"stated/reading: {shown or 'nothing cited'}"


def _show_sources(authority: Authority, fmt: str, out: TextIO) -> int:
    counts = basis_counts(authority.config)
    if fmt == "json":
        _dump(
            {
                "id": authority.id,
                "sources": [
                    {**s.model_dump(mode="json"), "basis": counts[s.id]}
                    for s in authority.config.sources
                ],
                "basis": counts["*"],
            },
            out,
        )
        return EXIT_OK
    print(f"{authority.name} ({authority.id} {authority.version}): sources", file=out)
    for source in authority.config.sources:
        print(f"\n{source.id}: {source.title}", file=out)
        print(_wrap(f"where: {source.where}"), file=out)
        print(_wrap(_basis_line(counts[source.id])), file=out)
    print(f"\nall sources: {_basis_line(counts['*'])}", file=out)
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO) -> int:
    authority = load_authority(args.authority)
    if args.sources:
        return _show_sources(authority, args.format, out)
    config = authority.config
    by_level: dict[str, list[str]] = {lv.id: [] for lv in authority.levels}
    for factor_id, level in authority.placements.items():
        by_level[level.id].append(factor_id)
    if args.format == "json":
        _dump(
            {
                "id": authority.id,
                "name": authority.name,
                "version": authority.version,
                "fingerprint": authority.fingerprint,
                "levels": [
                    {**lv.to_dict(), "source": lv.source, "factors": sorted(by_level[lv.id])}
                    for lv in authority.levels
                ],
                "not_applicable": sorted(config.not_applicable),
                "escalation": [rule.model_dump(mode="json") for rule in config.escalation],
                "cells": {
                    f: [{"level": c.level, "text": c.text, "source": c.source} for c in cells]
                    for f, cells in authority.cells.items()
                },
                "considerations": [c.model_dump(mode="json") for c in config.considerations],
            },
            out,
        )
        return EXIT_OK
    print(
        f"{authority.name} ({authority.id} {authority.version}), from {config.effective_from}",
        file=out,
    )
    width = max(22, *(len(lv.id) + 1 for lv in authority.levels))
    print(f"{'rank':<5} {'level':<{width}} {'prevention':<11} {'response':<14} factors", file=out)
    for lv in authority.levels:
        print(
            f"{lv.rank:<5} {lv.id:<{width}} {lv.prevention.value:<11} {lv.response.value:<14} "
            f"{len(by_level[lv.id])}",
            file=out,
        )
    for lv in authority.levels:
        print(f"\n{lv.title} [{lv.id}]", file=out)
        print(_wrap(f"source: {lv.source}"), file=out)
        domains: dict[str, list[str]] = {}
        for factor_id in sorted(by_level[lv.id]):
            domains.setdefault(authority.factor_domains[factor_id].value, []).append(factor_id)
        for domain, ids in domains.items():
            print(_wrap(f"{domain}: {', '.join(ids)}"), file=out)
    if authority.escalation_rules:
        print("\nEscalation rules:", file=out)
        for rule in authority.escalation_rules:
            print(
                f"  {rule.id}: {rule.at_least}+ factors at {rule.at_level} or above across "
                f"{rule.across_domains}+ domains -> {rule.then}",
                file=out,
            )
    else:
        print("\nEscalation rules: none", file=out)
    if authority.cells:
        print("\nIndicator cells (name one with `cell:` in an assessment):", file=out)
        for factor_id, cells in sorted(authority.cells.items()):
            default = authority.placements[factor_id].id
            print(f"  {factor_id} (default {default}):", file=out)
            for cell in cells:
                print(_wrap(f"{cell.level}: {cell.text}", "    "), file=out)
    for item in authority.considerations:
        print(
            f"\nConsideration {item.id}: {item.at_least}+ needs at {item.at_level} or above "
            f"across {item.across_domains}+ domains, below {item.below}: consider {item.consider}",
            file=out,
        )
    if config.not_applicable:
        print(f"\nNot applicable: {', '.join(sorted(config.not_applicable))}", file=out)
    return EXIT_OK


def _translate(args: argparse.Namespace, out: TextIO) -> int:
    source, target = load_authority(args.source), load_authority(args.target)
    result = source.translate(args.level, to=target)
    if args.format == "json":
        _dump(result.to_dict(), out)
    else:
        targets = ", ".join(f"{t.id} ({t.title})" for t in result.targets)
        print(f"{source.id} {args.level} -> {target.id} {targets} [{result.quality}]", file=out)
        print(_wrap(result.explanation), file=out)
    return EXIT_OK


# --------------------------------------------------------------------------- vocabulary


def _census_codes(fmt: str, out: TextIO) -> int:
    source = vocabulary.catalogue().census_codes.source
    rows = [
        {**c.model_dump(mode="json"), "factor": vocabulary.census_factor(c.code)}
        for c in vocabulary.census_codes()
    ]
    if fmt == "json":
        _dump({"source": source.model_dump(mode="json"), "codes": rows}, out)
        return EXIT_OK
    for row in rows:
        factor = row["factor"] or "(no factors: the only code of its assessment)"
        print(f"{row['code']:<4} {row['about']:<9}  {factor}", file=out)
        print(_wrap(row["meaning"]), file=out)
    print(file=out)
    print(_wrap(f"source: {source.ref}, {source.section} ({source.basis})"), file=out)
    return EXIT_OK


def _vocabulary(args: argparse.Namespace, out: TextIO) -> int:
    if args.census_codes:
        if args.factor:
            raise UserError("give a FACTOR or --census-codes, not both")
        return _census_codes(args.format, out)
    factors = [vocabulary.get(args.factor)] if args.factor else list(vocabulary.factors())
    if args.format == "json":
        _dump([f.model_dump(mode="json") for f in factors], out)
        return EXIT_OK
    width = max(len(f.id) for f in factors)
    for f in factors:
        flags = " [significant harm]" if f.significant_harm else ""
        codes = f" CIN {','.join(f.cin_codes)}" if f.cin_codes else ""
        print(f"{f.id:<{width}}  {f.domain}/{f.dimension}{codes}{flags}", file=out)
        if args.factor:
            print(_wrap(f"{f.title}: {f.description}"), file=out)
            for code in f.cin_codes:
                meaning = vocabulary.census_code(code).meaning
                print(_wrap(f"census code {code}: {meaning}"), file=out)
            for src in f.sources:
                print(_wrap(f"source: {src.ref}, {src.section} ({src.basis})"), file=out)
            if f.note:
                print(_wrap(f"note: {f.note}"), file=out)
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    if not args.path:
        out.write(schema_text(args.name))  # a schema is JSON in either format
        return EXIT_OK
    path = str(data_dir("schemas") / f"{args.name}.schema.json")
    if args.format == "json":
        _dump({"name": args.name, "path": path}, out)
    else:
        print(path, file=out)
    return EXIT_OK


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    old, new = load_authority(args.old), load_authority(args.new)
    if args.source_kind is not None and args.cohort is None:
        raise UserError("--from reads the --cohort FILE; give --cohort")
    if args.cohort is None:
        found = diff(old, new)
    elif args.source_kind is not None:
        records = READERS[args.source_kind](args.cohort, old.id)
        found = diff(old, new, cohort=records)
    else:
        with open_input("<stdin>" if args.cohort == "-" else args.cohort) as stream:
            found = diff(old, new, cohort=stream)
    if args.format == "json":
        _dump(found.to_dict(), out)
    elif args.format == "markdown":
        out.write(found.markdown())
    else:
        print(found, file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "assess": _assess,
    "validate": _validate,
    "rules": _rules,
    "check-config": _check_config,
    "diff": _diff,
    "authorities": _authorities,
    "show": _show,
    "translate": _translate,
    "vocabulary": _vocabulary,
    "schema": _schema,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status = COMMANDS[args.command](args, sys.stdout)
        sys.stdout.flush()  # a reader that went away shows here, not at exit
        return status
    except (UnknownIdError, UserError) as exc:
        print(f"earlyhelp: error: {exc}", file=sys.stderr)
    except LoadError as exc:
        print(exc, file=sys.stderr)
    except KeyboardInterrupt:
        print("earlyhelp: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # e.g. a JSON Lines file that cannot be opened
        if isinstance(exc, BrokenPipeError):  # the reader (e.g. `| head`) went away
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_CLOSED_PIPE
        print(f"earlyhelp: error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
    except UnicodeDecodeError as exc:
        print(f"earlyhelp: error: the input is not UTF-8 ({exc.reason})", file=sys.stderr)
    return EXIT_PROBLEMS
