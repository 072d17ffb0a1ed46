"""``earlyhelp vocabulary``: the national needs factors, or the census codes."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import vocabulary
from ._common import EXIT_OK, UserError, add_format, dump, wrap

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``vocabulary`` command's arguments."""
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
    add_format(p)


def _census_codes(fmt: str, out: TextIO) -> int:
    source = vocabulary.catalogue().census_codes.source
    rows = [
        {**c.model_dump(mode="json"), "factor": vocabulary.census_factor(c.code)}
        for c in vocabulary.census_codes()
    ]
    if fmt == "json":
        dump({"source": source.model_dump(mode="json"), "codes": rows}, out)
        return EXIT_OK
    for row in rows:
        factor = row["factor"] or "(no factors: the only code of its assessment)"
        print(f"{row['code']:<4} {row['about']:<9}  {factor}", file=out)
        print(wrap(row["meaning"]), file=out)
    print(file=out)
    print(wrap(f"source: {source.ref}, {source.section} ({source.basis})"), file=out)
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.census_codes:
        if args.factor:
            raise UserError("give a FACTOR or --census-codes, not both")
        return _census_codes(args.format, out)
    factors = [vocabulary.get(args.factor)] if args.factor else list(vocabulary.factors())
    if args.format == "json":
        dump([f.model_dump(mode="json") for f in factors], out)
        return EXIT_OK
    width = max(len(f.id) for f in factors)
    for f in factors:
        flags = " [significant harm]" if f.significant_harm else ""
        codes = f" CIN {','.join(f.cin_codes)}" if f.cin_codes else ""
        print(f"{f.id:<{width}}  {f.domain}/{f.dimension}{codes}{flags}", file=out)
        if args.factor:
            print(wrap(f"{f.title}: {f.description}"), file=out)
            for code in f.cin_codes:
                meaning = vocabulary.census_code(code).meaning
                print(wrap(f"census code {code}: {meaning}"), file=out)
            for src in f.sources:
                print(wrap(f"source: {src.ref}, {src.section} ({src.basis})"), file=out)
            if f.note:
                print(wrap(f"note: {f.note}"), file=out)
    return EXIT_OK
