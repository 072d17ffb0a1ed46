"""``earlyhelp diff``: what changed between two configs, and which families it moves."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..cohorts import diff
from ._common import EXIT_OK, READERS, UserError, dump, load_authority
from ._jsonl import open_input

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``diff`` command's arguments."""
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


def run(args: argparse.Namespace, out: TextIO) -> int:
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
        dump(found.to_dict(), out)
    elif args.format == "markdown":
        out.write(found.markdown())
    else:
        print(found, file=out)
    return EXIT_OK
