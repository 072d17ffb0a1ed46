"""The ``earlyhelp`` command.

Exit status: 0 when everything checked is valid; 1 when a document or file has
problems (each printed as ``file:line:col: path: message``); 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from . import vocabulary
from ._errors import LoadError, UnknownIdError
from ._schemas import SCHEMAS, schema_text
from ._version import __version__
from .models import Assessment, Document, load_document

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference)."""
    parser = argparse.ArgumentParser(
        prog="earlyhelp",
        description="Read and check early help documents; look up the national needs vocabulary.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="read documents and report every problem, located",
        description="Read each assessment, plan or referral (YAML or JSON) and report every "
        "problem as file:line:col: path: message. Exit 1 when any file has a problem.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to check")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = sub.add_parser(
        "vocabulary",
        help="list the national needs factors",
        description="List the factors of the national needs vocabulary, or show one.",
    )
    p.add_argument("factor", nargs="?", metavar="FACTOR", help="show only this factor id")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    p = sub.add_parser(
        "schema",
        help="print a JSON Schema",
        description="Print the JSON Schema of a document kind or of the vocabulary file.",
    )
    p.add_argument("name", choices=sorted(SCHEMAS), metavar="NAME", help=", ".join(sorted(SCHEMAS)))
    return parser


def _summary(doc: Document) -> str:
    family = doc.family
    head = f"{doc.kind} {doc.id}: family {family.id}, {len(family.members)} members"
    if isinstance(doc, Assessment):
        ids = ", ".join(obs.factor for obs in doc.factors) or "none"
        return f"{head}, factors: {ids}"
    return head


def _validate(files: Sequence[str], fmt: str, out: TextIO) -> int:
    status = EXIT_OK
    results: list[dict[str, object]] = []
    for name in files:
        try:
            doc = load_document(name)
        except LoadError as exc:
            status = EXIT_PROBLEMS
            if fmt == "json":
                results.append(
                    {"file": name, "ok": False, "problems": [p.to_dict() for p in exc.problems]}
                )
            else:
                for problem in exc.problems:
                    print(problem, file=out)
            continue
        if fmt == "json":
            results.append(
                {"file": name, "ok": True, "kind": doc.kind, "id": doc.id, "problems": []}
            )
        else:
            print(f"{name}: ok: {_summary(doc)}", file=out)
    if fmt == "json":
        json.dump(results, out, indent=2)
        out.write("\n")
    return status


def _vocabulary(factor: str | None, fmt: str, out: TextIO) -> int:
    factors = [vocabulary.get(factor)] if factor else list(vocabulary.factors())
    if fmt == "json":
        json.dump([f.model_dump(mode="json") for f in factors], out, indent=2)
        out.write("\n")
        return EXIT_OK
    width = max(len(f.id) for f in factors)
    for f in factors:
        flags = " [significant harm]" if f.significant_harm else ""
        codes = f" CIN {','.join(f.cin_codes)}" if f.cin_codes else ""
        print(f"{f.id:<{width}}  {f.domain}/{f.dimension}{codes}{flags}", file=out)
        if factor:
            print(f"  {f.title}: {f.description}", file=out)
            for src in f.sources:
                print(f"  source: {src.ref}, {src.section} ({src.basis})", file=out)
            if f.note:
                print(f"  note: {f.note}", file=out)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    out = sys.stdout
    try:
        if args.command == "validate":
            return _validate(args.files, args.format, out)
        if args.command == "vocabulary":
            return _vocabulary(args.factor, args.format, out)
        if args.command == "schema":
            out.write(schema_text(args.name))
            return EXIT_OK
    except UnknownIdError as exc:
        print(f"earlyhelp: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return EXIT_PROBLEMS
    raise AssertionError(f"unhandled command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
