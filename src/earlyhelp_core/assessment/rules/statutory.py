"""The statutory route: levels that need children's social care, and factors in the record."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Assessment
from ...prevention import Response
from ...thresholds import LevelInfo
from .._core import Context, Hit, Severity, hit, rule


def _first_reason_path(doc: Assessment, ctx: Context) -> tuple[str | int, ...]:
    """Where the level comes from: the recorded level when it raised the decision, else
    the first factor among the decision's reasons."""
    if ctx.decision is not None and ctx.decision.level != ctx.decision.computed_level:
        return ("recorded_level",)
    reasons = {f for r in (ctx.decision.reasons if ctx.decision else ()) for f in r.factors}
    for i, obs in enumerate(doc.factors):
        if obs.factor in reasons:
            return ("factors", i)
    return ("factors",)


SECTION_47 = (
    "Children Act 1989 s47: where there is reasonable cause to suspect a child is suffering, "
    "or likely to suffer, significant harm, the local authority must make enquiries "
    "(legislation.gov.uk, ukpga/1989/41/section/47, see sources/README.md)"
)
SECTION_17 = (
    "Children Act 1989 s17(10), child in need: without the local authority's services the "
    "child is unlikely to achieve or maintain a reasonable standard of health or "
    "development, or their health or development is likely to be significantly impaired, "
    "or they are disabled (legislation.gov.uk, ukpga/1989/41/section/17, read as a "
    "solicitors' guide quotes it, see sources/README.md)"
)
AUTHORITY_LEVEL = (
    "what the level calls for is the authority's own: each finding quotes the level's "
    "title and description and cites the level's source, from the config of the authority "
    "it runs under"
)


def _level_source(general: str, ctx: Context, level: LevelInfo) -> str:
    """The finding's citation: the law, then the level as the authority's config cites it."""
    return f"{general}; {ctx.authority.id} level {level.id!r}: {level.source}"


@rule(
    code="EH040",
    title="section-47-referral-required",
    severity=Severity.ERROR,
    summary="A section-47 level is for children's social care, not early help alone",
    kinds=["early-help-assessment"],
    citation=f"{SECTION_47}; {AUTHORITY_LEVEL}",
)
def section_47_referral_required(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment whose level (computed or recorded) has the section-47 response. The
    message quotes the level as the authority describes it.

    Why it matters: at this level there is reasonable cause to suspect the child is
    suffering, or likely to suffer, significant harm, and the local authority must make
    enquiries. An early help plan does not answer that; the authority's description of the
    level says what must happen, and the finding shows it to the practitioner.

    Example that fails::

        factors:
          - {factor: physical-abuse, about: [c1], noted_on: 2024-02-20}
    """
    decision = ctx.decision
    if decision is not None and decision.response is Response.SECTION_47:
        level = decision.level
        yield hit(
            _first_reason_path(doc, ctx),
            f"the level is {level.id!r} ({level.title}), a section 47 level: {level.description}",
            "act on the level as its description says: where there is reasonable cause to "
            "suspect significant harm the local authority must make enquiries, which early "
            "help does not replace",
            citation=_level_source(SECTION_47, ctx, level),
        )


@rule(
    code="EH041",
    title="section-17-referral-required",
    severity=Severity.WARNING,
    summary="A section-17 level needs a referral to children's social care",
    kinds=["early-help-assessment"],
    citation=f"{SECTION_17}; {AUTHORITY_LEVEL}",
)
def section_17_referral_required(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment whose level (computed or recorded) has the section-17 response. The
    message quotes the level as the authority describes it.

    Why it matters: at this level the child is likely to be a child in need, whom the
    local authority assesses under section 17; an early help plan alone does not give the
    family that assessment. The authority's description of the level says what it expects.

    Example that fails::

        recorded_level: {level: level-3, rationale: needs across every domain}
    """
    decision = ctx.decision
    if decision is not None and decision.response is Response.SECTION_17:
        level = decision.level
        yield hit(
            _first_reason_path(doc, ctx)
            if decision.level == decision.computed_level
            else ("recorded_level",),
            f"the level is {level.id!r} ({level.title}), a section 17 level: {level.description}",
            "consider a referral to children's social care for a child in need (section 17) "
            "assessment, or record why the need is met at a lower level",
            citation=_level_source(SECTION_17, ctx, level),
        )


@rule(
    code="EH042",
    title="factor-noted-after-assessment",
    severity=Severity.ERROR,
    summary="No factor is noted after the assessment date",
    kinds=["early-help-assessment"],
    citation="The assessment's own dates",
)
def factor_noted_after_assessment(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A factor whose `noted_on` date is after the assessment date.

    Why it matters: the assessment can only weigh what was known when it was made; a later
    date is a typo, or a new need that belongs to a review or a new assessment.

    Example that fails::

        assessed_on: 2024-03-01
        factors:
          - {factor: persistent-absence, about: [c1], noted_on: 2024-04-01}
    """
    for i, obs in enumerate(doc.factors):
        if obs.noted_on is not None and obs.noted_on > doc.assessed_on:
            yield hit(
                ("factors", i, "noted_on"),
                f"factor {obs.factor!r} is noted after the assessment date",
                "check the date; record new needs at a review",
                input=obs.factor,
            )


@rule(
    code="EH043",
    title="factor-not-in-matrix",
    severity=Severity.WARNING,
    summary="Every factor is one this authority's matrix places",
    kinds=["early-help-assessment"],
    citation="The authority's threshold matrix (its config's `factors` and `local_factors`)",
)
def factor_not_in_matrix(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A factor the authority's matrix does not place at any level (another authority's
    local factor, or one the authority marks not applicable).

    Why it matters: such a factor does not count towards the level, so the level may be
    lower than the needs recorded suggest; a practitioner should translate it into this
    authority's terms.

    Example that fails::

        factors:
          - {factor: otherton:relay-notification, about: [c1], noted_on: 2024-02-01}
    """
    if ctx.decision is None or not ctx.decision.unmapped_factors:
        return
    unmapped = set(ctx.decision.unmapped_factors)
    for i, obs in enumerate(doc.factors):
        if obs.factor in unmapped:
            yield hit(
                ("factors", i, "factor"),
                f"factor {obs.factor!r} is not in {ctx.authority.id}'s matrix and does not count",
                "record the need with a factor this authority places",
                input=obs.factor,
            )
