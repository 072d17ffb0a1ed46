"""``earlyhelp show``: an authority's matrix, or its sources."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..thresholds import Authority, basis_counts
from ._common import EXIT_OK, add_format, basis_line, dump, load_authority, wrap

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``show`` command's arguments."""
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
    add_format(p)


def _show_sources(authority: Authority, fmt: str, out: TextIO) -> int:
    counts = basis_counts(authority.config)
    if fmt == "json":
        dump(
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
        print(wrap(f"where: {source.where}"), file=out)
        print(wrap(basis_line(counts[source.id])), file=out)
    print(f"\nall sources: {basis_line(counts['*'])}", file=out)
    return EXIT_OK


def run(args: argparse.Namespace, out: TextIO) -> int:
    authority = load_authority(args.authority)
    if args.sources:
        return _show_sources(authority, args.format, out)
    config = authority.config
    by_level: dict[str, list[str]] = {lv.id: [] for lv in authority.levels}
    for factor_id, level in authority.placements.items():
        by_level[level.id].append(factor_id)
    if args.format == "json":
        dump(
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
        print(wrap(f"source: {lv.source}"), file=out)
        domains: dict[str, list[str]] = {}
        for factor_id in sorted(by_level[lv.id]):
            domains.setdefault(authority.factor_domains[factor_id].value, []).append(factor_id)
        for domain, ids in domains.items():
            print(wrap(f"{domain}: {', '.join(ids)}"), file=out)
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
                print(wrap(f"{cell.level}: {cell.text}", "    "), file=out)
    for item in authority.considerations:
        print(
            f"\nConsideration {item.id}: {item.at_least}+ needs at {item.at_level} or above "
            f"across {item.across_domains}+ domains, below {item.below}: consider {item.consider}",
            file=out,
        )
    if config.not_applicable:
        print(f"\nNot applicable: {', '.join(sorted(config.not_applicable))}", file=out)
    return EXIT_OK
