"""Proving an authority's matrix is safe: the invariants every config must keep.

:func:`check_authority` checks six properties of a compiled matrix, by analysis where
the rule language allows it and by a bounded, deterministic search otherwise:

- **total**: every assessment gets exactly one of the authority's levels;
- **monotone**: adding a factor never lowers the level;
- **safe**: every significant-harm factor reaches a section-47 level, alone and in any
  combination;
- **reachable**: every level can be reached by some assessment, every escalation rule
  can fire;
- **consistent**: prevention level and response never fall as rank rises; ranks rise;
- **complete**: every vocabulary factor is mapped, or marked not applicable with a reason.

Each :class:`Violation` names the property, where in the YAML it comes from, and the
smallest counterexample (the factor ids of an assessment that shows it) when there is one.
``load_authority`` refuses configs that are not *safe* or not *consistent*; the
``earlyhelp check-config`` command reports all six.
"""

from __future__ import annotations

import builtins
import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from .. import vocabulary
from .._errors import Location, Path, Problem, render_path
from ..models import Assessment
from ..prevention import Response
from ._matrix import Authority

if TYPE_CHECKING:
    from ._config import AuthorityConfig

__all__ = ["PROPERTIES", "Property", "Violation", "check_authority", "minimal_assessment"]

Property = Literal["total", "monotone", "safe", "reachable", "consistent", "complete"]
PROPERTIES: Final[tuple[Property, ...]] = (
    "total",
    "monotone",
    "safe",
    "reachable",
    "consistent",
    "complete",
)
SEARCH_SEED: Final = 20261127
"""The search is seeded: the same config always gives the same violations."""
SEARCH_SIZE: Final = 400


@attrs.frozen
class Violation:
    """One broken invariant of an authority's matrix.

    Attributes:
        property: which invariant (total, monotone, safe, reachable, consistent, complete).
        message: what is wrong, in one line.
        path: where in the config (e.g. ``("factors", "sexual-abuse", "level")``).
        counterexample: the factor ids of a smallest assessment that shows it, if any.
        source: the config file; line and col: where in it.
    """

    property: Property
    message: str
    path: Path = ()
    counterexample: tuple[str, ...] | None = None
    source: str = "<data>"
    line: int | None = None
    col: int | None = None

    def _explained(self) -> str:
        """The message, with the counterexample when there is one."""
        if self.counterexample is None:
            return self.message
        shown = ", ".join(self.counterexample) or "no factors"
        return f"{self.message} (counterexample: an assessment with {shown})"

    @builtins.property  # `property` here is the field naming the invariant
    def location(self) -> Location:
        """Where in the config the invariant breaks (``str()`` is ``file:line:col``)."""
        return Location(self.source, self.line, self.col, self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.property}: {render_path(self.path)}: {self._explained()}"

    def to_problem(self) -> Problem:
        """As a located :class:`Problem` (how the loader reports it)."""
        return Problem(
            self._explained(), self.path, self.source, self.line, self.col, self.property
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "property": self.property,
            "message": self.message,
            "path": list(self.path),
            "counterexample": list(self.counterexample)
            if self.counterexample is not None
            else None,
            "source": self.source,
            "line": self.line,
            "col": self.col,
        }

    def assessment(self) -> Assessment | None:
        """The counterexample as an assessment document, or None when there is none."""
        return None if self.counterexample is None else minimal_assessment(self.counterexample)


# Any days serve, so long as the child is of an age for early help on the day: the example
# only has to be a valid assessment that records the factors.
_EXAMPLE_DAY: Final = date(2024, 1, 1)  # pragma: no mutate
_EXAMPLE_BIRTH: Final = date(2015, 1, 1)  # pragma: no mutate


def minimal_assessment(factors: Sequence[str]) -> Assessment:
    """The smallest valid assessment recording ``factors``: one child, one parent."""
    return Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": "COUNTEREXAMPLE",
            "assessed_on": _EXAMPLE_DAY,
            "assessor": {"name": "-", "agency": "-", "role": "-"},
            "consent": {"given": True, "given_on": _EXAMPLE_DAY, "by": "p1"},
            "family": {
                "id": "F",
                "members": [
                    {"id": "c1", "role": "child", "date_of_birth": _EXAMPLE_BIRTH},
                    {"id": "p1", "role": "parent"},
                ],
            },
            "factors": [{"factor": f, "about": ["c1"]} for f in factors],
        }
    )


# --------------------------------------------------------------------------- analysis on the config


def consistency(config: AuthorityConfig) -> Iterator[Violation]:
    """Ranks rise down the file; prevention and response never fall; a section-47 level exists."""
    levels = config.levels
    for i in range(1, len(levels)):
        level, before = levels[i], levels[i - 1]
        if level.rank <= before.rank:
            yield Violation(
                "consistent",
                f"rank {level.rank} does not rise above {before.id!r} (rank {before.rank}); "
                "list levels lowest first with increasing ranks",
                ("levels", i, "rank"),
            )
        for attr in ("prevention", "response"):
            if getattr(level, attr) < getattr(before, attr):
                yield Violation(
                    "consistent",
                    f"{attr} {getattr(level, attr).value!r} falls below {before.id!r}'s "
                    f"{getattr(before, attr).value!r}; it must never fall as rank rises",
                    ("levels", i, attr),
                )
    if not any(lv.response is Response.SECTION_47 for lv in levels):
        yield Violation(
            "safe", "no level has response 'section-47'; the safety floor needs one", ("levels",)
        )


def safety(
    config: AuthorityConfig, words: vocabulary.Vocabulary | None = None
) -> Iterator[Violation]:
    """Every significant-harm factor (of ``words``, the bundled vocabulary by default) is
    mapped, to a section-47 level, and every level above it is section-47 too (so no
    combination with it falls below)."""
    index = {lv.id: i for i, lv in enumerate(config.levels)}
    floor = ", ".join(lv.id for lv in config.levels if lv.response is Response.SECTION_47) or "none"
    for factor in (words or vocabulary.bundled()).significant_harm():
        fid = factor.id
        if fid in config.not_applicable:
            yield Violation(
                "safe",
                f"{fid!r} is a significant-harm factor (section 47); "
                "it must be mapped to a section-47 level",
                ("not_applicable", fid),
                (fid,),
            )
            continue
        mapping = config.factors.get(fid)
        if mapping is None:
            yield Violation(
                "safe",
                f"significant-harm factor {fid!r} is not mapped; "
                f"map it to a section-47 level ({floor})",
                ("factors",),
                (fid,),
            )
            continue
        for k, cell in enumerate(mapping.cells):
            cell_at = index.get(cell.level)
            if cell_at is not None and config.levels[cell_at].response is not Response.SECTION_47:
                yield Violation(
                    "safe",
                    f"{fid!r} is a significant-harm factor (section 47) but has a cell at "
                    f"{cell.level!r} ({config.levels[cell_at].response.value}); every cell of "
                    f"it must be at a section-47 level ({floor})",
                    ("factors", fid, "cells", k, "level"),
                    (fid,),
                )
        at = index.get(mapping.level)
        if at is None:
            continue  # an unknown level: reported as such by the compiler
        level = config.levels[at]
        if level.response is not Response.SECTION_47:
            yield Violation(
                "safe",
                f"{fid!r} is a significant-harm factor (section 47) but is mapped to "
                f"{mapping.level!r} ({level.response.value}); "
                f"map it to a section-47 level ({floor})",
                ("factors", fid, "level"),
                (fid,),
            )
            continue
        for j in range(at + 1, len(config.levels)):
            above = config.levels[j]
            if above.response is not Response.SECTION_47:
                partner = next(
                    (f for f, m in sorted(config.factors.items()) if m.level == above.id), None
                )
                yield Violation(
                    "safe",
                    f"{above.id!r} ranks above {mapping.level!r} but its response is "
                    f"{above.response.value!r}: with {fid!r} the level can leave section 47",
                    ("levels", j, "response"),
                    (fid, partner) if partner else None,
                )


def completeness(
    config: AuthorityConfig, words: vocabulary.Vocabulary | None = None
) -> Iterator[Violation]:
    """Every factor of ``words`` (the bundled vocabulary by default) is mapped or marked
    not applicable (with its reason)."""
    placed = set(config.factors) | set(config.not_applicable)
    for factor in (words or vocabulary.bundled()).factors():
        if factor.id not in placed:
            yield Violation(
                "complete",
                f"vocabulary factor {factor.id!r} is neither mapped nor marked not applicable",
                ("factors",),
            )


# --------------------------------------------------------------------------- analysis on the matrix


def reachability(authority: Authority) -> Iterator[Violation]:
    """Every level is reached by some assessment; every escalation rule can fire."""
    domain = authority.factor_domains
    index = {lv.id: i for i, lv in enumerate(authority.levels)}
    # each factor at the highest level it can be placed at (its highest cell, if higher)
    highest = {f: index[level.id] for f, level in authority.placements.items()}
    reached = {0, *(index[authority.evaluate([f]).level.id] for f in highest)}
    for f, cells in authority.cells.items():
        for cell in cells:
            reached.add(index[authority.evaluate([f], cells={f: cell.level}).level.id])
            highest[f] = max(highest[f], cell.index)
    for i, rule in enumerate(authority.escalation_rules):  # compiled in config order
        candidates = [f for f, at in highest.items() if at >= rule.at_index]
        domains = {domain[f] for f in candidates}
        if len(candidates) < rule.at_least or len(domains) < rule.across_domains:
            yield Violation(
                "reachable",
                f"rule {rule.id!r} can never fire: {len(candidates)} factors in {len(domains)} "
                f"domains are placed at {rule.at_level!r} or above; it needs "
                f"{rule.at_least} across {rule.across_domains}",
                ("escalation", i),
            )
            continue
        # the smallest set that fires it: factors at exactly at_level first, across domains
        chosen = _smallest_firing_set(candidates, domain, rule.at_least, rule.across_domains)
        top_cells = {f: authority.levels[highest[f]].id for f in chosen if f in authority.cells}
        reached.add(index[authority.evaluate(chosen, cells=top_cells).level.id])
    for i, level in enumerate(authority.levels):
        if i not in reached:
            yield Violation(
                "reachable",
                f"level {level.id!r} cannot be reached: no factor is placed there and no "
                "escalation rule raises an assessment to it",
                ("levels", i),
            )


def _smallest_firing_set(
    candidates: Sequence[str], domain: Mapping[str, Any], at_least: int, across: int
) -> list[str]:
    """``at_least`` factors spanning ``across`` domains, taken in the order given."""
    chosen: list[str] = []
    seen: set[Any] = set()
    for f in candidates:  # one per domain first
        if domain.get(f) not in seen and len(seen) < across:
            chosen.append(f)
            seen.add(domain.get(f))
    for f in candidates:
        if len(chosen) >= at_least:
            break
        if f not in chosen:
            chosen.append(f)
    return chosen


def search(authority: Authority) -> Iterator[Violation]:
    """Totality and monotonicity, by a seeded search over factor sets (and their shrinking).

    The rule language makes both hold by construction (the level is a maximum, and every
    escalation condition is a count that only grows); the search checks the engine keeps it.
    """
    rng = random.Random(SEARCH_SEED)
    pool = sorted(authority.placements)
    if not pool:
        return
    levels = authority.levels

    def rank(factors: Sequence[str], cells: Mapping[str, str] | None = None) -> int:
        return authority.evaluate(factors, cells=cells).level.rank

    cells = authority.cells
    with_cells = sorted(f for f, c in cells.items() if len(c) > 1)
    for _ in range(SEARCH_SIZE // 4 if with_cells else 0):
        # choosing a higher cell of a need never lowers the level
        factor = rng.choice(with_cells)
        factors = [*rng.sample(pool, rng.randint(0, min(5, len(pool)))), factor]
        low, high = sorted(rng.sample(range(len(cells[factor])), 2))
        lower, higher = cells[factor][low].level, cells[factor][high].level
        if rank(factors, {factor: higher}) < rank(factors, {factor: lower}):
            yield Violation(
                "monotone",
                f"choosing {factor!r}'s cell at {higher!r} rather than {lower!r} lowers the level",
                ("factors", factor, "cells"),
                tuple(sorted(factors)),
            )
            return

    for _ in range(SEARCH_SIZE):
        factors = rng.sample(pool, rng.randint(0, min(6, len(pool))))
        extra = rng.choice(pool)
        ranks = []
        for decided in (factors, [*factors, extra]):
            level = authority.evaluate(decided).level
            if level not in levels:
                yield Violation(
                    "total",
                    "an assessment got a level that is not one of the authority's levels",
                    ("levels",),
                    tuple(sorted(decided)),
                )
                return
            ranks.append(level.rank)
        before, after = ranks
        if after < before:

            def lowers(subset: Sequence[str], extra: str = extra) -> bool:
                return rank([*subset, extra]) < rank(subset)

            smallest = _shrink(factors, lowers)
            yield Violation(
                "monotone",
                f"adding {extra!r} lowers the level (rank {before} to {after})",
                ("escalation",),
                (*smallest, extra),
            )
            return


def _shrink(factors: Sequence[str], still_fails: Any) -> list[str]:
    """A smallest subset of ``factors`` that still fails: drop one factor at a time while
    the rest still fails, starting again after each drop (a set has at most six)."""
    for f in factors:
        trial = [g for g in factors if g != f]
        if still_fails(trial):
            return _shrink(trial, still_fails)
    return list(factors)


def check_authority(
    authority: Authority, *, properties: Sequence[Property] = PROPERTIES
) -> list[Violation]:
    """Every violation of the six invariants by ``authority``'s matrix, located in its file.

    Args:
        authority: a compiled matrix (from :func:`load_authority`, or
            ``compile_config(config, verify=False)`` to check a config the loader would refuse).
        properties: check only these.
    """
    if not isinstance(authority, Authority):
        raise TypeError(f"authority must be an Authority, got {type(authority).__name__}")
    wanted = set(properties)
    unknown = wanted - set(PROPERTIES)
    if unknown:
        raise ValueError(f"properties={sorted(unknown)!r}: expected some of {list(PROPERTIES)}")
    config = authority.config
    found: list[Violation] = []
    if wanted & {"consistent", "safe"}:
        found += [v for v in consistency(config) if v.property in wanted]
    if "safe" in wanted:
        found += safety(config, authority.vocabulary)
    if "complete" in wanted:
        found += completeness(config, authority.vocabulary)
    if "reachable" in wanted:
        found += reachability(authority)
    if wanted & {"total", "monotone"}:
        found += [v for v in search(authority) if v.property in wanted]
    return [authority.locate(v) for v in found]
