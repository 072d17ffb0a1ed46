"""``earlyhelp translate``: one authority's level in another's levels."""

from __future__ import annotations

import argparse
from typing import TextIO

from ._common import EXIT_OK, add_format, dump, load_authority, wrap

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``translate`` command's arguments."""
    p = sub.add_parser(
        "translate",
        help="express one authority's level in another's levels",
        description="Find the level(s) of the target authority with the same Munro prevention "
        "level and response, and say when the match is ambiguous or inexact.",
    )
    p.add_argument("level", metavar="LEVEL", help="a level id of the --from authority")
    p.add_argument("--from", dest="source", required=True, metavar="A", help="authority id or path")
    p.add_argument("--to", dest="target", required=True, metavar="B", help="authority id or path")
    add_format(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    source, target = load_authority(args.source), load_authority(args.target)
    result = source.translate(args.level, to=target)
    if args.format == "json":
        dump(result.to_dict(), out)
    else:
        targets = ", ".join(f"{t.id} ({t.title})" for t in result.targets)
        print(f"{source.id} {args.level} -> {target.id} {targets} [{result.quality}]", file=out)
        print(wrap(result.explanation), file=out)
    return EXIT_OK
