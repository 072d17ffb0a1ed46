"""The practitioner's recorded level: professional judgement, kept beside the matrix."""

from __future__ import annotations

from collections.abc import Iterator

from ..._located import did_you_mean
from ...models import Assessment
from ...thresholds import Judgement, LevelInfo
from .._core import Context, Hit, Severity, hit, rule

THRESHOLD_DOCUMENT = (
    "Working Together to Safeguard Children 2023 (HM Government): safeguarding partners "
    "must publish a threshold document that covers the early help assessment process, the "
    "levels of early help and targeted early help, and the criteria for section 17 and "
    "section 47 of the Children Act 1989 (as a safeguarding partnership reports it, with "
    "the 2018 edition's paragraph 16 as the Family Rights Group cites it, see "
    "sources/README.md)"
)
RATIONALE = (
    "asking for the reasons when a recorded level differs from the matrix's is this "
    "library's own check, which no source cited here states"
)
NOT_APPLIED = (
    "keeping the matrix's level over a lower recorded one, and asking for the difference to "
    "be discussed, is this library's own check, which no source cited here states"
)
AUTHORITY_LEVEL = (
    "the level the matrix gives is the authority's own: each finding cites it from the "
    "config of the authority the rule runs under"
)


def _matrix_level_source(ctx: Context, level: LevelInfo, own: str) -> str:
    """The finding's citation: the threshold document, the matrix's level as the
    authority's config cites it, and what is the library's own."""
    return f"{THRESHOLD_DOCUMENT}; {ctx.authority.id} level {level.id!r}: {level.source}; {own}"


@rule(
    code="EH030",
    title="recorded-level-unknown",
    severity=Severity.ERROR,
    summary="The recorded level is one of the authority's levels",
    kinds=["early-help-assessment"],
    citation="The authority's threshold matrix (its config's `levels`)",
)
def recorded_level_unknown(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A `recorded_level` that is not a level of the authority the assessment is checked against.

    Why it matters: a level from another authority's matrix, or a typo, cannot be compared
    with the threshold and is not a decision anyone can act on here.

    Example that fails::

        recorded_level: {level: tier-9, rationale: needs are complex}
    """
    recorded = doc.recorded_level
    if (
        recorded is None
        or ctx.decision is None
        or ctx.decision.judgement is not Judgement.UNKNOWN_LEVEL
    ):
        return
    ids = [lv.id for lv in ctx.authority.levels]
    hint = did_you_mean(recorded.level, ids).strip(" ()") or f"levels: {', '.join(ids)}"
    yield hit(
        ("recorded_level", "level"),
        f"{recorded.level!r} is not a level of {ctx.authority.id}",
        hint,
        input=recorded.level,
    )


@rule(
    code="EH031",
    title="override-without-rationale",
    severity=Severity.WARNING,
    summary="A recorded level that differs from the matrix gives its reasons",
    kinds=["early-help-assessment"],
    citation=f"{THRESHOLD_DOCUMENT}; {AUTHORITY_LEVEL}; {RATIONALE}",
)
def override_without_rationale(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A recorded level above or below the level the matrix gives, with no `rationale`.

    Why it matters: judgement may differ from the threshold, and the record must say why,
    so that the next practitioner, a manager or the family can follow the decision.

    Example that fails::

        recorded_level: {level: level-4, rationale: null}
    """
    recorded, decision = doc.recorded_level, ctx.decision
    if recorded is None or decision is None or recorded.rationale:
        return
    if decision.judgement in (Judgement.RAISES, Judgement.LOWER, Judgement.BELOW_SAFETY_FLOOR):
        yield hit(
            ("recorded_level",),
            f"recorded level {recorded.level!r} differs from the matrix's "
            f"{decision.computed_level.id!r} and gives no rationale",
            "add a `rationale` saying why your judgement differs",
            input=recorded.level,
            citation=_matrix_level_source(ctx, decision.computed_level, RATIONALE),
        )


@rule(
    code="EH032",
    title="override-below-safety-floor",
    severity=Severity.ERROR,
    summary="A recorded level never goes below a significant-harm factor's section-47 level",
    kinds=["early-help-assessment"],
    citation=(
        "Children Act 1989 s47: reasonable cause to suspect significant harm requires enquiries "
        "(legislation.gov.uk, ukpga/1989/41/section/47, see sources/README.md; quoted in "
        "sources/002_5690c2041d93ffbe.txt, 1.2)"
    ),
)
def override_below_safety_floor(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A recorded level below the section-47 level that a significant-harm factor forces.

    Why it matters: where there is reasonable cause to suspect significant harm, the
    authority must make enquiries; no judgement recorded in an early help assessment can
    lower that. The decision keeps the section-47 level whatever is recorded.

    Example that fails::

        factors:
          - {factor: sexual-abuse, about: [c1], noted_on: 2024-02-20}
        recorded_level: {level: level-2, rationale: family engaging well}
    """
    decision = ctx.decision
    if decision is None or decision.judgement is not Judgement.BELOW_SAFETY_FLOOR:
        return
    recorded = decision.recorded_level
    yield hit(
        ("recorded_level", "level"),
        f"recorded level {recorded.id if recorded else '?'!r} is below "
        f"{decision.computed_level.id!r}, which a significant-harm factor requires",
        "refer to children's social care and/or the police now; the recorded level is not applied",
        input=recorded.id if recorded else None,
    )


@rule(
    code="EH033",
    title="recorded-level-lower",
    severity=Severity.WARNING,
    summary="A recorded level below the matrix's is discussed, not applied",
    kinds=["early-help-assessment"],
    citation=f"{THRESHOLD_DOCUMENT}; {AUTHORITY_LEVEL}; {NOT_APPLIED}",
)
def recorded_level_lower(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A recorded level below the level the matrix gives (no significant-harm factor involved).

    Why it matters: the decision keeps the matrix's level, so the family may be offered
    more than the practitioner thinks they need, or the threshold may be wrong for this
    family; either way a manager should look.

    Example that fails::

        recorded_level: {level: level-1, rationale: needs already met by the school}
    """
    decision = ctx.decision
    if decision is None or decision.judgement is not Judgement.LOWER:
        return
    recorded = decision.recorded_level
    yield hit(
        ("recorded_level", "level"),
        f"recorded level {recorded.id if recorded else '?'!r} is below the matrix's "
        f"{decision.computed_level.id!r}; the decision keeps {decision.computed_level.id!r}",
        "discuss the difference with a manager and record the outcome",
        input=recorded.id if recorded else None,
        citation=_matrix_level_source(ctx, decision.computed_level, NOT_APPLIED),
    )
