"""``earlyhelp schema``: a JSON Schema, or where the installed one is."""

from __future__ import annotations

import argparse
from typing import TextIO

from .._resources import data_dir
from .._schemas import SCHEMAS, schema_text
from ._common import EXIT_OK, add_format, dump

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``schema`` command's arguments."""
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
    add_format(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    if not args.path:
        out.write(schema_text(args.name))  # a schema is JSON in either format
        return EXIT_OK
    path = str(data_dir("schemas") / f"{args.name}.schema.json")
    if args.format == "json":
        dump({"name": args.name, "path": path}, out)
    else:
        print(path, file=out)
    return EXIT_OK
