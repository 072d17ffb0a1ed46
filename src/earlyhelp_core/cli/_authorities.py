"""``earlyhelp authorities``: the bundled and installed authorities."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from .._errors import LoadError
from ..thresholds import Authority, list_authorities
from ..thresholds._load import Summary, bundled_summary
from ._common import EXIT_OK, EXIT_PROBLEMS, add_format, dump, find_authority

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``authorities`` command's arguments."""
    p = sub.add_parser("authorities", help="list the bundled and installed authorities")
    add_format(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
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
        dump(rows, out)
    else:
        for row in rows:
            if "problems" not in row:
                print(f"{row['id']:<16} {row['version']:<10} {row['name']}", file=out)
        for authority_id, error in broken:
            print(f"earlyhelp: error: {authority_id} cannot be loaded:\n{error}", file=sys.stderr)
    return EXIT_PROBLEMS if broken else EXIT_OK
