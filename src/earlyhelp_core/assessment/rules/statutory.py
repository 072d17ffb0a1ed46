"""The statutory route: levels that need children's social care, and factors in the record."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Assessment
from ...prevention import Response
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


@rule(
    code="EH040",
    title="section-47-referral-required",
    severity=Severity.ERROR,
    summary="A section-47 level is a referral now, not an early help assessment",
    kinds=["early-help-assessment"],
    source=(
        "Children Act 1989 s47 and Working Together: reasonable cause to suspect significant "
        "harm means a strategy discussion and enquiries (sources/domain-facts.md §3); Bromley "
        "tier 4: 'require immediate referral to children's social care and/or the police' "
        "(sources/001_a91837fca6d6ef15.txt, l. 825-827)"
    ),
)
def section_47_referral_required(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment whose level (computed or recorded) has the section-47 response.

    Why it matters: the family's needs have gone past early help; a child may be at risk
    of significant harm now. The referral to children's social care (and the police where
    there is a crime or immediate danger) must be made immediately, not after an early
    help plan.

    Example that fails::

        factors:
          - {factor: physical-abuse, about: [c1], noted_on: 2024-02-20}
    """
    decision = ctx.decision
    if decision is not None and decision.response is Response.SECTION_47:
        yield hit(
            _first_reason_path(doc, ctx),
            f"the level is {decision.level.id!r} (section 47): refer to children's social care "
            "and/or the police immediately",
            "make the referral now; early help may support the family alongside, not instead",
        )


@rule(
    code="EH041",
    title="section-17-referral-required",
    severity=Severity.WARNING,
    summary="A section-17 level needs a referral to children's social care",
    kinds=["early-help-assessment"],
    source=(
        "Children Act 1989 s17, child in need (sources/domain-facts.md §3); Bromley tier 3: "
        "'a referral to children's social care is required' "
        "(sources/001_a91837fca6d6ef15.txt, l. 821-823)"
    ),
)
def section_17_referral_required(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment whose level (computed or recorded) has the section-17 response.

    Why it matters: at this level the child is likely to be a child in need; the authority
    expects a referral to children's social care for a child and family assessment, with
    early help continuing where it helps.

    Example that fails::

        recorded_level: {level: level-3, rationale: needs across every domain}
    """
    decision = ctx.decision
    if decision is not None and decision.response is Response.SECTION_17:
        yield hit(
            _first_reason_path(doc, ctx)
            if decision.level == decision.computed_level
            else ("recorded_level",),
            f"the level is {decision.level.id!r} (section 17): a referral to children's social "
            "care is required",
            "refer to children's social care (child in need) with the family's knowledge",
        )


@rule(
    code="EH042",
    title="factor-noted-after-assessment",
    severity=Severity.ERROR,
    summary="No factor is noted after the assessment date",
    kinds=["early-help-assessment"],
    source="The assessment's own dates",
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
    source="The authority's threshold matrix (its config's `factors` and `local_factors`)",
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
