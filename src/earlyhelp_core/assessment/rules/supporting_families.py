"""Supporting Families: which headline outcomes a family's needs meet."""

from __future__ import annotations

from collections.abc import Iterator

from ... import vocabulary
from ...models import Assessment
from .._core import Context, Hit, Severity, hit, rule


def headlines_met(doc: Assessment) -> list[str]:
    """The Supporting Families headline outcomes the assessment's factors bear on."""
    known = vocabulary.ids()
    met = {
        outcome.value
        for obs in doc.factors
        if obs.factor in known
        for outcome in vocabulary.get(obs.factor).supporting_families
    }
    return [o.value for o in vocabulary.SupportingFamiliesOutcome if o.value in met]


@rule(
    code="EH090",
    title="supporting-families-headlines",
    severity=Severity.WARNING,
    summary="Where the authority records it, the family meets enough Supporting Families headlines",
    kinds=["early-help-assessment"],
    reads=["supporting_families_min_headlines"],
    source=(
        "Supporting Families Outcome Framework 2022-25: at least 3 family needs from the "
        "framework (sources/domain-facts.md §2a, S6); Bedford's EHA records the criteria "
        "(sources/002_5690c2041d93ffbe.txt, 8.5, l. 259)"
    ),
    requires=["supporting_families_min_headlines"],
)
def supporting_families_headlines(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """Where the authority records Supporting Families criteria, a family whose factors
    meet fewer headline outcomes than the programme requires; the finding lists the
    headlines that are met.

    Why it matters: families supported under the programme must show enough needs across
    its headlines; a practitioner should know whether this family qualifies, and which
    needs are counted, before claiming support under it.

    Example that fails::

        factors:
          - {factor: persistent-absence}
          - {factor: low-level-attendance-issues, about: [c1]}
          - {factor: school-exclusion, about: [c1]}
    """
    required = ctx.params.supporting_families_min_headlines.value
    if required is None:
        return
    met = headlines_met(doc)
    if len(met) < required:
        listed = ", ".join(met) or "none"
        yield hit(
            ("factors",),
            f"the family's needs meet {len(met)} Supporting Families headline outcome"
            f"{'s' if len(met) != 1 else ''} ({listed}); the programme requires {required}",
            "not eligible under the programme on these needs; record any others the family has",
        )
