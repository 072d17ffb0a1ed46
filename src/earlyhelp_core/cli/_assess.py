"""``earlyhelp assess``: the level of need of one assessment, or of a cohort."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ..cohorts import classify_many
from ..models import Assessment
from ..models.documents import load_located
from ..thresholds import explain, narrative
from ._common import (
    EXIT_OK,
    READERS,
    STDIN,
    UserError,
    add_bulk,
    authority_for,
    dump,
    is_jsonl,
    load_authority,
    load_stdin,
    positive,
    stdin_kind,
)
from ._jsonl import FIELDS, assess_jsonl, assess_results, parse_fields
from ._parallel import assess_jsonl_parallel

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``assess`` command's arguments."""
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
    add_bulk(p)
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
        "--jobs",
        type=positive,
        default=1,
        metavar="N",
        help="with JSON Lines input and --format jsonl: classify in N processes (the output "
        "is the same, in the same order; default 1)",
    )
    p.add_argument(
        "--texts",
        action="store_true",
        help="with many records (JSON Lines input, or --from) and --format json or jsonl: "
        "give each decision its levels' texts (description, what the family can expect, "
        "next step); without it a level is its id, title, rank, prevention and response, "
        "and `earlyhelp show AUTHORITY` gives the texts once",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="also say what would change the level: the smallest sets of needs whose "
        "resolution would bring it down, and the needs whose addition would take it up",
    )


def _fields(text: str) -> tuple[str, ...]:
    """``--fields``: an unknown name is a usage error that names the known ones."""
    try:
        return parse_fields(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _assess_from(args: argparse.Namespace, out: TextIO) -> int:
    if args.authority is None:
        raise UserError(f"--from {args.source_kind} needs --authority ID|PATH")
    if args.explain:
        raise UserError("--explain works on one document, not a census return or an extract")
    if args.input_format != "auto":
        raise UserError("give --from or --input-format, not both")
    authority = load_authority(args.authority)
    other = load_authority(args.compare) if args.compare else None
    records = READERS[args.source_kind](args.file, authority.id)
    results = classify_many(authority, records, source=args.file, compared_with=other)
    return assess_results(
        results,
        authority,
        other,
        fmt=args.format,
        out=out,
        err=sys.stderr,
        fields=args.fields,
        texts=args.texts,
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.fields is not None and args.format != "jsonl":
        raise UserError("--fields is for --format jsonl: it chooses what each line holds")
    if args.texts and (args.format not in ("json", "jsonl") or args.fields is not None):
        raise UserError(
            "--texts is for --format json or jsonl without --fields: it gives each "
            "decision its levels' texts"
        )
    if args.jobs > 1 and (args.format != "jsonl" or args.source_kind is not None):
        raise UserError(
            "--jobs is for JSON Lines input and --format jsonl: the records are classified "
            "in several processes and written in order"
        )
    if args.source_kind is not None:
        return _assess_from(args, out)
    kind, stdin = (
        ("", None) if args.file != "-" else stdin_kind(args.input_format, args.max_record_bytes)
    )
    if kind == "jsonl" or (args.file != "-" and is_jsonl(args.file, args.input_format)):
        if args.explain:
            raise UserError("--explain works on one document, not JSON Lines")
        if args.authority is None:
            raise UserError("JSON Lines input needs --authority ID|PATH")
        authority = load_authority(args.authority)
        other = load_authority(args.compare) if args.compare else None
        source = "<stdin>" if args.file == "-" else args.file
        each: dict[str, Any] = {
            "out": out,
            "err": sys.stderr,
            "max_record_bytes": args.max_record_bytes,
            "stream": stdin,
            "fields": args.fields,
            "texts": args.texts,
        }
        if args.jobs > 1:
            return assess_jsonl_parallel(source, authority, other, jobs=args.jobs, **each)
        return assess_jsonl(source, authority, other, fmt=args.format, **each)
    if args.compare:
        raise UserError("--compare works on JSON Lines input (--input-format jsonl)")
    if args.format in ("jsonl", "csv"):
        raise UserError(f"--format {args.format} is for JSON Lines input (--input-format jsonl)")
    name = args.file if stdin is None else STDIN
    doc, where = load_located(args.file) if stdin is None else load_stdin(stdin, kind)
    if not isinstance(doc, Assessment):
        raise UserError(f"{name}: is a {doc.kind}; `assess` takes an early-help-assessment")
    authority = authority_for(doc, args.authority, source=name, where=where)
    decision = explain(authority, doc) if args.explain else authority.classify(doc)
    if args.format == "json":
        dump({"file": name, "id": doc.id, **decision.to_dict()}, out)
    else:
        print(narrative(decision, doc, authority), file=out)
        if decision.explanation is not None:
            print(file=out)
            print(decision.explanation, file=out)
    return EXIT_OK
