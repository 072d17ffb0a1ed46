"""``earlyhelp rules``: the validation rules."""

from __future__ import annotations

import argparse
from typing import TextIO

from .._calendar import ENGLAND
from ..assessment._core import rules
from ._common import EXIT_OK, add_format, dump, load_authority

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``rules`` command's arguments."""
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
    add_format(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    all_rules = rules()
    authority = None if args.authority is None else load_authority(args.authority)
    calendar = ENGLAND if authority is None else authority.calendar
    if args.format == "json":
        dump(
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
