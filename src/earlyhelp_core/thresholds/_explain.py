"""What would change the level: the needs whose resolution would bring a family down, and the
needs whose addition would take it up.

The matrix is monotone (resolving a need never raises the level, adding one never lowers
it) and a family has few needs, so the answers are exact, found by search:

- **down**, to each lower level: the smallest sets of the family's needs whose resolution
  would bring the computed level to that level or below. Every need placed above the target
  is in every such set (any one of them alone keeps the level up); escalation rules may ask
  for more, and the search tries the remaining needs in sets of growing size and keeps all
  the smallest that work.
- **up**, to the next level: each need (a vocabulary factor, or a local factor the authority
  maps), or a higher indicator cell of a need the family has, whose addition alone would
  take the computed level up exactly one level.

Each answer carries the level and the reasons that would then apply. A significant-harm
need is always marked as one: it "resolves" only when enquiries find the child safe, never
by a plan. The explanation is of the matrix's computed level; a practitioner's recorded
level is kept beside it in the decision, never explained away.

Bounds: at most :data:`MAX_OPTIONS` sets per lower level and :data:`MAX_TRIES` evaluations
per search; an answer cut short says so (``complete`` is False).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from itertools import combinations
from typing import TYPE_CHECKING, Any

import attrs

from ..models import Assessment

if TYPE_CHECKING:
    from ._matrix import Authority, Decision, LevelInfo, Reason

__all__ = [
    "MAX_OPTIONS",
    "MAX_TRIES",
    "Change",
    "Explanation",
    "Need",
    "StepDown",
    "StepUp",
    "explain",
]

MAX_OPTIONS = 12
"""The most sets of needs given for one lower level."""
MAX_TRIES = 20_000
"""The most sets evaluated while searching for one lower level."""


@attrs.frozen
class Need:
    """One need in an explanation: a factor, where it counts, and whether it is a
    significant-harm factor (a section 47 matter, resolved only by enquiries)."""

    factor: str
    level: str
    """The level it is placed at (its cell's, where it has one)."""
    cell: str | None = None
    """The indicator cell it counts at (a level id), where the authority has cells for it."""
    significant_harm: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "factor": self.factor,
            "level": self.level,
            "cell": self.cell,
            "significant_harm": self.significant_harm,
        }

    def __str__(self) -> str:
        cell = f" at its {self.cell} cell" if self.cell else ""
        harm = " [significant harm: resolved only when enquiries find the child safe]"
        return f"{self.factor}{cell}{harm if self.significant_harm else ''}"


@attrs.frozen
class Change:
    """One way the level would change: the needs resolved (or added), the level the family
    would then have, and the reasons for it."""

    needs: tuple[Need, ...]
    level: LevelInfo
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "needs": [n.to_dict() for n in self.needs],
            "level": self.level.id,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@attrs.frozen
class StepDown:
    """How the family would get down to ``target`` (or below): each option is a smallest
    set of its needs whose resolution would do it."""

    target: LevelInfo
    options: tuple[Change, ...]
    complete: bool = True
    """False when the search stopped at its bound: other sets of the same size may exist."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "target": self.target.id,
            "options": [o.to_dict() for o in self.options],
            "complete": self.complete,
        }


@attrs.frozen
class StepUp:
    """What would take the family up to ``level``, the next level: each addition is one
    need (or a higher cell of a need it has) that would do it alone."""

    level: LevelInfo
    additions: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {"level": self.level.id, "additions": [a.to_dict() for a in self.additions]}


@attrs.frozen
class Explanation:
    """What would change the computed level of a decision.

    Attributes:
        level: the computed level explained.
        down: for each lower level, nearest first, the smallest sets of needs whose
            resolution would get there.
        up: what would take it up one level; None at the highest level.
    """

    level: LevelInfo
    down: tuple[StepDown, ...]
    up: StepUp | None

    @property
    def complete(self) -> bool:
        """Whether every search finished within its bound."""
        return all(d.complete for d in self.down)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "level": self.level.id,
            "down": [d.to_dict() for d in self.down],
            "up": self.up.to_dict() if self.up else None,
            "complete": self.complete,
        }

    def lines(self) -> list[str]:
        """The explanation as text, one line each (as ``earlyhelp assess --explain``
        prints it)."""
        out = [f"What would change the level ({self.level.id}, as the matrix computes it):"]
        if not self.down:
            out.append("  down: none (this is the lowest level)")
        shown: list[str] = []
        for step in self.down:
            sets = [", ".join(map(str, option.needs)) for option in step.options]
            if not sets:
                stopped = "none found: the search stopped at its bound"
                out.append(f"  down to {step.target.id}: {stopped}")
                continue
            if sets == shown and step.complete:  # the same needs: said on the line above
                continue
            shown = sets
            reached = {o.level.id for o in step.options} - {step.target.id}
            below = f" (reaching {', '.join(sorted(reached))})" if reached else ""
            more = "" if step.complete else " (the search stopped at its bound: maybe more)"
            if len(sets) == 1:
                out.append(f"  down to {step.target.id}{below}: resolve {sets[0]}{more}")
            else:
                out.append(f"  down to {step.target.id}{below}: resolve one of{more}:")
                out.extend(f"    - {s}" for s in sets)
        if self.up is None:
            out.append("  up: none (this is the highest level)")
        elif not self.up.additions:
            out.append(f"  up to {self.up.level.id}: no single need would take it there")
        else:
            added = [", ".join(map(str, a.needs)) for a in self.up.additions]
            out.append(f"  up to {self.up.level.id}: any one of {len(added)} needs added:")
            out.extend(f"    - {a}" for a in added)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def explain(authority: Authority, assessment: Assessment) -> Decision:
    """``authority``'s decision for ``assessment``, with what would change its computed
    level (``decision.explanation``): the smallest sets of needs whose resolution would
    bring it down to each lower level, and the single needs whose addition would take it up
    one level, each with the level and reasons that would then apply.

    Raises:
        TypeError: ``assessment`` is not an Assessment.
    """
    decision = authority.classify(assessment)
    factors, best, named = authority._needs(assessment)
    return attrs.evolve(decision, explanation=_Search(authority, factors, best, named).run())


class _Search:
    """The searches behind one explanation, over the family's mapped needs."""

    def __init__(
        self,
        authority: Authority,
        factors: list[str],
        best: dict[str, int],
        named: dict[str, str | None],
    ) -> None:
        self.authority = authority
        level_of = authority._factor_level
        self.placed: dict[str, int] = {}
        for factor in factors:
            if factor in level_of and factor not in self.placed:
                self.placed[factor] = best.get(factor, level_of[factor])
        self.named = named
        self.index = self._level(self.placed)

    def _level(self, needs: Mapping[str, int]) -> int:
        return self.authority._evaluate(list(needs), needs)[0]

    def _need(self, factor: str, index: int, cell: str | None) -> Need:
        a = self.authority
        return Need(factor, a.levels[index].id, cell, factor in a._significant)

    def _change(self, needs: tuple[Need, ...], kept: Mapping[str, int], cells: Any) -> Change:
        index, reasons, _, _ = self.authority._decide(list(kept), dict(kept), cells)
        return Change(needs, self.authority.levels[index], reasons)

    def run(self) -> Explanation:
        a = self.authority
        down = tuple(self._down(target) for target in range(self.index - 1, -1, -1))
        up = self._up() if self.index + 1 < len(a.levels) else None
        return Explanation(a.levels[self.index], down, up)

    # --- down ---------------------------------------------------------------------------------

    def _down(self, target: int) -> StepDown:
        placed = self.placed
        required = [f for f, at in placed.items() if at > target]
        rest = [f for f, at in placed.items() if at <= target]
        options: list[tuple[str, ...]] = []
        complete = True
        if not self.authority._rules or self._level({f: placed[f] for f in rest}) <= target:
            options.append(tuple(required))
        else:
            found, complete = self._smallest_extra(rest, target)
            options.extend(tuple(required) + extra for extra in found)
        changes = []
        for option in options:
            gone = set(option)
            kept = {f: at for f, at in placed.items() if f not in gone}
            needs = tuple(self._need(f, placed[f], self.named.get(f)) for f in sorted(option))
            changes.append(self._change(needs, kept, {f: self.named.get(f) for f in kept}))
        return StepDown(self.authority.levels[target], tuple(changes), complete)

    def _smallest_extra(self, rest: list[str], target: int) -> tuple[list[tuple[str, ...]], bool]:
        """All the smallest sets of ``rest`` whose removal (beside the required needs)
        brings the level to ``target`` or below, and whether the search finished."""
        placed = self.placed
        tries = 0
        for size in range(1, len(rest) + 1):
            found: list[tuple[str, ...]] = []
            for extra in combinations(sorted(rest), size):
                tries += 1
                if tries > MAX_TRIES:
                    return found[:MAX_OPTIONS], False
                gone = set(extra)
                if self._level({f: placed[f] for f in rest if f not in gone}) <= target:
                    found.append(extra)
                    if len(found) > MAX_OPTIONS:
                        return found[:MAX_OPTIONS], False
            if found:
                return found, True
        return [], True  # unreachable: removing every need gives the lowest level

    # --- up -----------------------------------------------------------------------------------

    def _candidates(self) -> Iterator[tuple[str, int, str | None]]:
        """(factor, level index, cell) for each need that could be added: a factor the
        family does not have, at its placement or at each of its cells; or a higher cell of
        a need it has."""
        a = self.authority
        for factor, index in a._factor_level.items():
            cells = a._cells.get(factor)
            have = self.placed.get(factor)
            if not cells:
                if have is None:
                    yield factor, index, None
                continue
            for cell in sorted(cells.values(), key=lambda c: c.index):
                if have is None or cell.index > have:
                    yield factor, cell.index, cell.level

    def _up(self) -> StepUp:
        a = self.authority
        goal = self.index + 1
        additions = []
        if a._rules:
            found = [
                (factor, index, cell)
                for factor, index, cell in self._candidates()
                if self._level({**self.placed, factor: index}) == goal
            ]
        else:  # the level is the highest placement: only a need placed at goal can do it
            found = [
                (factor, index, cell)
                for factor, index, cell in _at_level(a).get(goal, ())
                if factor not in self.placed or cell is not None
            ]
        for factor, index, cell in found:
            need = self._need(factor, index, cell)
            if not a._rules:  # the added need is alone at the new level: it is the reason
                reason = a._reason(factor, cell) if cell is not None else None
                additions.append(
                    Change((need,), a.levels[goal], (reason or a._mapping_reason[factor],))
                )
                continue
            kept = {**self.placed, factor: index}
            cells = {**{f: self.named.get(f) for f in self.placed}, factor: cell}
            additions.append(self._change((need,), kept, cells))
        return StepUp(a.levels[goal], tuple(additions))


_BY_LEVEL: dict[int, dict[int, tuple[tuple[str, int, str | None], ...]]] = {}


def _at_level(authority: Authority) -> dict[int, tuple[tuple[str, int, str | None], ...]]:
    """(factor, level index, cell) placed at each level index: factors without cells at
    their placement, factors with cells at each cell; built once per matrix."""
    key = id(authority)
    found = _BY_LEVEL.get(key)
    if found is None:
        placed: dict[int, list[tuple[str, int, str | None]]] = {}
        for factor, index in authority._factor_level.items():
            cells = authority._cells.get(factor)
            if not cells:
                placed.setdefault(index, []).append((factor, index, None))
                continue
            for cell in sorted(cells.values(), key=lambda c: c.index):
                placed.setdefault(cell.index, []).append((factor, cell.index, cell.level))
        found = {index: tuple(items) for index, items in placed.items()}
        _BY_LEVEL[key] = found
        weakref.finalize(authority, _BY_LEVEL.pop, key, None)
    return found
