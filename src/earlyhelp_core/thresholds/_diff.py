"""What changed between two configs, and which families it moves.

:func:`config_diff` compares two compiled matrices part by part: levels, factor mappings,
indicator cells, escalation rules, considerations, local factors, factors marked not
applicable, and parameters; each difference is added, removed or changed, with the source
on each side. :func:`earlyhelp_core.diff` adds a cohort: every record classified under
both (each record read once), and how many move between which levels, both ways, with
examples by id.

Two versions of one authority are compared level by level, by id. Two different
authorities have different level ids, so their levels (and the placements of factors)
are compared by what a level means, its Munro prevention level and its response: Bromley's
tier-4 and Bedford's child-protection are both tertiary prevention with a section 47
response, and a family at one is not "moved" by being at the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._config import SourceRef

if TYPE_CHECKING:
    from ._matrix import Authority, LevelInfo

__all__ = [
    "EXAMPLES",
    "CohortDiff",
    "ConfigDiff",
    "Difference",
    "Move",
    "config_diff",
    "level_meaning",
    "level_order",
]

EXAMPLES = 3
"""How many record ids a cohort diff gives as examples of each move."""

Change = Literal["added", "removed", "changed"]


def _cite(source: SourceRef | None) -> str | None:
    return f"{source.ref}, {source.section} ({source.basis})" if source is not None else None


def level_meaning(level: LevelInfo) -> str:
    """What a level means across authorities: ``prevention/response``."""
    return f"{level.prevention.value}/{level.response.value}"


def level_order(level: LevelInfo, same: bool) -> tuple[int, ...]:
    """How levels order: by rank within one authority; across authorities by response,
    then prevention level."""
    if same:
        return (level.rank,)
    return (level.response.order, level.prevention.order)


def _md(text: str) -> str:
    """Text for one Markdown table cell: on one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


@attrs.frozen
class Difference:
    """One difference between two configs.

    Attributes:
        part: ``levels``, ``mappings``, ``cells``, ``escalation``, ``considerations``,
            ``local_factors``, ``not_applicable`` or ``parameters``.
        key: what differs: a level id (or, between authorities, a prevention level and
            response), a factor id, a rule id, a parameter name.
        change: ``added``, ``removed`` or ``changed``.
        what: one line saying what changed.
        old: the old value as plain data (None when added).
        new: the new value as plain data (None when removed).
        old_source: the old citation, where there is one.
        new_source: the new citation, where there is one.
    """

    part: str
    key: str
    change: Change
    what: str
    old: Any = None
    new: Any = None
    old_source: str | None = None
    new_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return attrs.asdict(self)


@attrs.frozen
class Move:
    """Records whose level differs between the two configs: how many, and example ids."""

    old: str
    new: str
    count: int
    examples: tuple[str, ...]
    up: bool
    """Whether the new level ranks above the old (between authorities: a higher response,
    or the same response and a higher prevention level)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {**attrs.asdict(self), "examples": list(self.examples)}


@attrs.frozen
class CohortDiff:
    """What two configs do to one cohort."""

    records: int
    unreadable: int
    unchanged: int
    moves: tuple[Move, ...]
    """Each pair of levels that records move between, most records first."""

    @property
    def moved(self) -> int:
        """How many records move."""
        return sum(m.count for m in self.moves)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "records": self.records,
            "unreadable": self.unreadable,
            "unchanged": self.unchanged,
            "moved": self.moved,
            "moves": [m.to_dict() for m in self.moves],
        }


@attrs.frozen
class ConfigDiff:
    """The differences between two configs and, with a cohort, what they do to it."""

    old: str
    """The old config: ``id version``."""
    new: str
    same_authority: bool
    differences: tuple[Difference, ...]
    cohort: CohortDiff | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "old": self.old,
            "new": self.new,
            "same_authority": self.same_authority,
            "compared_by": "id" if self.same_authority else "prevention and response",
            "differences": [d.to_dict() for d in self.differences],
            "cohort": self.cohort.to_dict() if self.cohort else None,
        }

    def lines(self) -> list[str]:
        """The diff as text, one line each."""
        by = "level ids" if self.same_authority else "prevention level and response"
        out = [f"{self.old} -> {self.new} (levels compared by {by})"]
        if not self.differences:
            out.append("  no differences")
        part = None
        for d in self.differences:
            if d.part != part:
                part = d.part
                out.append(f"{part}:")
            out.append(f"  {d.change} {d.key}: {d.what}")
        out += self._cohort_lines()
        return out

    def _cohort_lines(self) -> list[str]:
        c = self.cohort
        if c is None:
            return []
        out = [
            f"cohort: {c.records} records, {c.moved} move, {c.unchanged} stay"
            + (f", {c.unreadable} unreadable" if c.unreadable else "")
        ]
        for m in c.moves:
            way = "up" if m.up else "down"
            out.append(f"  {m.old} -> {m.new} ({way}): {m.count} (e.g. {', '.join(m.examples)})")
        return out

    def markdown(self) -> str:
        """The diff as Markdown, for an authority's change log."""
        by = "level ids" if self.same_authority else "prevention level and response"
        out = [f"## {self.old} → {self.new}", "", f"Levels compared by {by}.", ""]
        if self.differences:
            out += ["| part | what | change | detail | old source | new source |"]
            out += ["|---|---|---|---|---|---|"]
            for d in self.differences:
                cells = [d.part, d.key, d.change, d.what, d.old_source or "", d.new_source or ""]
                out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        else:
            out.append("No differences.")
        c = self.cohort
        if c is not None:
            out += ["", f"**Cohort:** {c.records} records: {c.moved} move, {c.unchanged} stay."]
            if c.moves:
                out += ["", "| from | to | way | records | examples |", "|---|---|---|---|---|"]
                for m in c.moves:
                    way = "up" if m.up else "down"
                    out.append(
                        f"| {m.old} | {m.new} | {way} | {m.count} | {', '.join(m.examples)} |"
                    )
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return "\n".join(self.lines())


def config_diff(old: Authority, new: Authority) -> ConfigDiff:
    """What changed from ``old`` to ``new``, part by part, each with both sources (see
    :func:`earlyhelp_core.diff`, which also counts a cohort's moves).

    Two versions of one authority (the same id) are compared by level id; two authorities
    by each level's prevention level and response.
    """
    same = old.id == new.id
    found = [
        *_levels(old, new, same),
        *_mappings(old, new, same),
        *_cells(old, new),
        *_keyed("escalation", old.config.escalation, new.config.escalation),
        *_keyed("considerations", old.config.considerations, new.config.considerations),
        *_keyed("local_factors", old.config.local_factors, new.config.local_factors),
        *_not_applicable(old, new),
        *_parameters(old, new, same),
    ]
    return ConfigDiff(f"{old.id} {old.version}", f"{new.id} {new.version}", same, tuple(found))


# --- the parts -----------------------------------------------------------------------------


def _plain(model: Any) -> Any:
    return model.model_dump(mode="json", exclude={"source", "note"})


def _levels(old: Authority, new: Authority, same: bool) -> Iterator[Difference]:
    if same:
        before = {lv.id: lv for lv in old.config.levels}
        after = {lv.id: lv for lv in new.config.levels}
        for key in [*before, *(k for k in after if k not in before)]:
            a, b = before.get(key), after.get(key)
            if a is None and b is not None:
                yield Difference(
                    "levels",
                    key,
                    "added",
                    f"rank {b.rank}, {b.prevention}/{b.response}",
                    None,
                    _plain(b),
                    None,
                    _cite(b.source),
                )
            elif b is None and a is not None:
                yield Difference(
                    "levels",
                    key,
                    "removed",
                    f"rank {a.rank}, {a.prevention}/{a.response}",
                    _plain(a),
                    None,
                    _cite(a.source),
                    None,
                )
            elif (
                a is not None and b is not None and (_plain(a) != _plain(b) or a.source != b.source)
            ):
                fields = sorted(
                    k for k in {*_plain(a), *_plain(b)} if _plain(a).get(k) != _plain(b).get(k)
                )
                what = ", ".join(fields) if fields else "source"
                yield Difference(
                    "levels",
                    key,
                    "changed",
                    f"{what} changed",
                    _plain(a),
                    _plain(b),
                    _cite(a.source),
                    _cite(b.source),
                )
        return
    meanings_old = {level_meaning(lv): lv for lv in old.levels}
    meanings_new = {level_meaning(lv): lv for lv in new.levels}
    for key in [*meanings_old, *(k for k in meanings_new if k not in meanings_old)]:
        la, lb = meanings_old.get(key), meanings_new.get(key)
        if la is not None and lb is None:
            yield Difference(
                "levels",
                key,
                "removed",
                f"{la.id} has no level with this meaning in {new.id}",
                la.to_dict(),
                None,
                la.source,
                None,
            )
        elif lb is not None and la is None:
            yield Difference(
                "levels",
                key,
                "added",
                f"{lb.id} has no level with this meaning in {old.id}",
                None,
                lb.to_dict(),
                None,
                lb.source,
            )


def _placement(authority: Authority, factor: str, same: bool) -> str | None:
    level = authority.placements.get(factor)
    if level is None:
        return None
    return level.id if same else level_meaning(level)


def _mappings(old: Authority, new: Authority, same: bool) -> Iterator[Difference]:
    before, after = old.config.factors, new.config.factors
    for factor in [*before, *(f for f in after if f not in before)]:
        a, b = before.get(factor), after.get(factor)
        pa, pb = _placement(old, factor, same), _placement(new, factor, same)
        if a is None and b is not None:
            yield Difference(
                "mappings", factor, "added", f"placed at {pb}", None, pb, None, _cite(b.source)
            )
        elif b is None and a is not None:
            yield Difference(
                "mappings", factor, "removed", f"was placed at {pa}", pa, None, _cite(a.source)
            )
        elif a is not None and b is not None:
            if pa != pb:
                what = f"{pa} -> {pb}"
                if not same:
                    what += f" ({old.placements[factor].id} -> {new.placements[factor].id})"
                yield Difference(
                    "mappings", factor, "changed", what, pa, pb, _cite(a.source), _cite(b.source)
                )
            elif same and a.source != b.source:
                yield Difference(
                    "mappings",
                    factor,
                    "changed",
                    "source changed",
                    pa,
                    pb,
                    _cite(a.source),
                    _cite(b.source),
                )


def _cells(old: Authority, new: Authority) -> Iterator[Difference]:
    before, after = old.cells, new.cells
    for factor in [*before, *(f for f in after if f not in before)]:
        a = {c.level: c for c in before.get(factor, ())}
        b = {c.level: c for c in after.get(factor, ())}
        for level in [*a, *(lv for lv in b if lv not in a)]:
            ca, cb = a.get(level), b.get(level)
            key = f"{factor}@{level}"
            if ca is None and cb is not None:
                yield Difference("cells", key, "added", cb.text, None, cb.text, None, cb.source)
            elif cb is None and ca is not None:
                yield Difference("cells", key, "removed", ca.text, ca.text, None, ca.source)
            elif ca is not None and cb is not None and (ca.text, ca.source) != (cb.text, cb.source):
                yield Difference(
                    "cells",
                    key,
                    "changed",
                    "text or source changed",
                    ca.text,
                    cb.text,
                    ca.source,
                    cb.source,
                )


def _keyed(part: str, before: Iterable[Any], after: Iterable[Any]) -> Iterator[Difference]:
    a = {item.id: item for item in before}
    b = {item.id: item for item in after}
    for key in [*a, *(k for k in b if k not in a)]:
        x, y = a.get(key), b.get(key)
        if x is None and y is not None:
            yield Difference(part, key, "added", "added", None, _plain(y), None, _cite(y.source))
        elif y is None and x is not None:
            yield Difference(part, key, "removed", "removed", _plain(x), None, _cite(x.source))
        elif x is not None and y is not None and x != y:
            fields = sorted(
                k for k in {*_plain(x), *_plain(y)} if _plain(x).get(k) != _plain(y).get(k)
            )
            yield Difference(
                part,
                key,
                "changed",
                f"{', '.join(fields) or 'source'} changed",
                _plain(x),
                _plain(y),
                _cite(x.source),
                _cite(y.source),
            )


def _not_applicable(old: Authority, new: Authority) -> Iterator[Difference]:
    a, b = old.config.not_applicable, new.config.not_applicable
    for key in [*a, *(k for k in b if k not in a)]:
        if key not in b:
            yield Difference("not_applicable", key, "removed", "now applies", True, None)
        elif key not in a:
            yield Difference("not_applicable", key, "added", "marked not applicable", None, True)


def _parameters(old: Authority, new: Authority, same: bool) -> Iterator[Difference]:
    """Values that differ; within one authority, sources that differ too (two authorities
    cite different documents as a matter of course)."""
    a, b = old.config.parameters, new.config.parameters
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        vx = x.model_dump(mode="json")["value"]
        vy = y.model_dump(mode="json")["value"]
        if vx != vy:
            yield Difference(
                "parameters",
                name,
                "changed",
                f"{vx!r} -> {vy!r}",
                vx,
                vy,
                _cite(x.source),
                _cite(y.source),
            )
        elif same and x.source != y.source:
            yield Difference(
                "parameters",
                name,
                "changed",
                "source changed",
                vx,
                vy,
                _cite(x.source),
                _cite(y.source),
            )
