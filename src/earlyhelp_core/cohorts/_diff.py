"""The diff of two configs with a cohort: which records move between which levels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import attrs

from ..thresholds import Authority
from ..thresholds._diff import (
    EXAMPLES,
    CohortDiff,
    ConfigDiff,
    Move,
    config_diff,
    level_meaning,
    level_order,
)
from ._records import Record, classify_many

__all__ = ["diff"]


def diff(old: Authority, new: Authority, *, cohort: Iterable[Record] | None = None) -> ConfigDiff:
    """What changed from ``old`` to ``new``: levels, mappings, cells, escalation rules,
    considerations, local factors, factors not applicable and parameters, each added,
    removed or changed with the source on both sides; with ``cohort`` (records as
    :func:`classify_many` takes them, each read once and classified under both), how many
    records move between which levels, up and down, with example ids.

    Two versions of one authority (the same id) are compared by level id. Two authorities
    are compared by what a level means, its prevention level and response: a record at
    Bromley's tier-4 and Bedford's child-protection (both tertiary, section 47) has not
    moved.
    """
    found = config_diff(old, new)
    if cohort is None:
        return found
    return attrs.evolve(found, cohort=_moves(old, new, cohort, found.same_authority))


def _moves(old: Authority, new: Authority, cohort: Iterable[Record], same: bool) -> CohortDiff:
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = {}
    ups: dict[tuple[str, str], bool] = {}
    records = unreadable = unchanged = 0
    for result in classify_many(old, cohort, compared_with=new):
        records += 1
        a, b = result.decision, result.compared
        if a is None or b is None:
            unreadable += 1
            continue
        la, lb = a.level, b.level
        if (la.id == lb.id) if same else (level_meaning(la) == level_meaning(lb)):
            unchanged += 1
            continue
        key = (la.id, lb.id)
        counts[key] += 1
        ups[key] = level_order(lb, same) > level_order(la, same)
        seen = examples.setdefault(key, [])
        if len(seen) < EXAMPLES:
            seen.append(result.id or f"#{result.index}")
    moves = tuple(
        Move(o, n, count, tuple(examples[(o, n)]), ups[(o, n)])
        for (o, n), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return CohortDiff(records, unreadable, unchanged, moves)
