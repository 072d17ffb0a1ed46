"""Indicator cells and considerations: what the practitioner must choose or weigh."""

from __future__ import annotations

from collections.abc import Iterator

from ..._located import did_you_mean
from ...models import Assessment
from .._core import Context, Hit, Severity, hit, rule

GRID = (
    "The authority's threshold document, as its config gives it: a need described at each "
    "level (the factor's `cells`)"
)


@rule(
    code="EH034",
    title="cell-unknown",
    severity=Severity.ERROR,
    summary="A need's named indicator cell is one the authority has",
    kinds=["early-help-assessment"],
    citation=GRID,
)
def cell_unknown(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A factor observation names a `cell` (a level id) at which the authority gives that
    need no indicator cell.

    Why it matters: the cell says how serious the need is; one the authority does not
    have cannot be honoured, so the need is placed at the authority's default for it
    (or its only level), which may not be what the practitioner saw.

    Example that fails::

        factors: [{cell: level-9}]
    """
    cells = ctx.authority.cells
    for i, observation in enumerate(doc.factors):
        if observation.cell is None:
            continue
        have = [c.level for c in cells.get(observation.factor, ())]
        if observation.cell in have:
            continue
        if have:
            why = f"{ctx.authority.id} describes {observation.factor!r} at {', '.join(have)}"
            fix = did_you_mean(observation.cell, have).strip(" ()") or f"cells: {', '.join(have)}"
        else:
            why = f"{ctx.authority.id} gives {observation.factor!r} no indicator cells"
            fix = "remove `cell`"
        yield hit(
            ("factors", i, "cell"),
            f"{observation.cell!r} is not a cell of this need: {why}",
            fix,
            input=observation.cell,
        )


@rule(
    code="EH035",
    title="cell-not-chosen",
    severity=Severity.WARNING,
    summary="A need the authority describes at several levels names the cell that fits",
    kinds=["early-help-assessment"],
    citation=GRID,
)
def cell_not_chosen(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A factor the authority describes at several levels (indicator cells), observed
    without naming the `cell` that fits.

    Why it matters: the same need can be met by universal services at one level and call
    for social care at another. Without a cell the decision uses the authority's default
    for that need; the practitioner should say which description fits what they saw.

    Example that fails::

        factors: [{factor: early-development-delay}]
    """
    cells = ctx.authority.cells
    for i, observation in enumerate(doc.factors):
        options = cells.get(observation.factor, ())
        if observation.cell is not None or len(options) < 2:
            continue
        default = ctx.authority.placements[observation.factor].id
        yield hit(
            ("factors", i),
            f"{observation.factor!r} is described at {', '.join(c.level for c in options)}; "
            f"no `cell` is named, so the default {default!r} is used",
            f"add `cell:` with the level whose description fits "
            f"(`earlyhelp show {ctx.authority.id}` lists them)",
            input=observation.factor,
        )


@rule(
    code="EH036",
    title="consideration",
    severity=Severity.WARNING,
    summary="Needs that come together as the authority's document describes are weighed",
    kinds=["early-help-assessment"],
    citation="The authority's considerations (its config's `considerations`, each cited)",
)
def consideration(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """The needs recorded come together in a way the authority's document names (for
    example "complex multiple needs") but gives no rule for, and the decided level is below
    the one it asks about.

    Why it matters: a level reached need by need can understate a family whose needs add
    up. The level is not changed; the practitioner is asked to consider it, and to record
    the level they judge right (`recorded_level`, with a rationale).

    Example that fails::

        factors: [{}, {}, {}, {factor: young-carer}]
    """
    decision = ctx.decision
    if decision is None:
        return
    for item in decision.considerations:
        yield hit(
            ("factors",),
            item.message,
            f"if the needs add up to {item.level}, record it in `recorded_level` with a "
            f"rationale (source: {item.source})",
            input=item.id,
        )
