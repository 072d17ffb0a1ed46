"""``earlyhelp validate``: check documents against an authority's policy, like a linter."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import attrs

from .._errors import DocumentError, LoadError
from .._reader import SourceMap
from ..assessment._core import validate, with_assessments
from ..models import Assessment, Document
from ..models.documents import load_located
from ..thresholds import Authority
from ._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    STDIN,
    UserError,
    add_bulk,
    authority_for,
    by_reason,
    dump,
    is_jsonl,
    load_authority,
    load_stdin,
    stdin_kind,
)
from ._jsonl import Replay, validate_jsonl

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``validate`` command's arguments."""
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
    add_bulk(p)


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


def _read(name: str, stdin: Replay | None = None, kind: str = "yaml") -> _Read:
    """A document file, or with ``stdin`` the document on standard input (``-``)."""
    if stdin is not None and name == "-":
        name = STDIN
    try:
        doc, where = load_located(name) if name != STDIN else load_stdin(stdin, kind)  # type: ignore[arg-type]
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


def _validate_streamed(
    args: argparse.Namespace, names: list[str], stdin: Replay | None, out: TextIO
) -> int:
    """``validate`` on JSON Lines files (``-``: standard input, maybe already begun)."""
    if args.authority is None:
        raise UserError("JSON Lines input needs --authority ID|PATH")
    authority = load_authority(args.authority)
    status = EXIT_OK
    for name in names:
        status = max(
            status,
            validate_jsonl(
                STDIN if name == "-" else name,
                authority,
                fmt=args.format,
                out=out,
                err=sys.stderr,
                max_record_bytes=args.max_record_bytes,
                stream=stdin if name == "-" else None,
            ),
        )
    return status


def run(args: argparse.Namespace, out: TextIO) -> int:
    kind, stdin = ("", None)
    if "-" in args.files:
        kind, stdin = stdin_kind(args.input_format, args.max_record_bytes)

    def jsonl(name: str) -> bool:
        return kind == "jsonl" if name == "-" else is_jsonl(name, args.input_format)

    streamed = [name for name in args.files if jsonl(name)]
    if streamed:
        if len(streamed) != len(args.files):
            raise UserError("give either JSON Lines files or documents, not both")
        return _validate_streamed(args, streamed, stdin, out)
    if args.format in ("jsonl", "csv"):
        raise UserError(f"--format {args.format} is for JSON Lines input (--input-format jsonl)")
    read = [_read(name, stdin, kind) for name in args.files]
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
                authorities[spec] = authority_for(
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
            for reason, codes in by_reason(report.not_checked).items():
                print(f"{item.name}: not checked: {', '.join(codes)}: {reason}", file=out)
            if report.ok:
                n = len(report.warnings)
                warned = f", {n} warning{'s' if n != 1 else ''}" if n else ""
                print(f"{item.name}: ok under {authority.id}{warned}: {_summary(doc)}", file=out)
    if args.format == "json":
        dump(results, out)
    return status
