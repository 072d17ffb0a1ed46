"""Supporting Families: which headlines of the authority's framework a family's needs meet.

The programme has changed its headlines: phase 2 of Troubled Families (2015-20) counted
six headline problems, the Supporting Families Outcome Framework (2022-25) ten headline
outcomes. An authority's config names the framework its assessment records
(``supporting_families_framework``) and its minimum; the rule counts against that one
and says which, so a strategy of one era is never judged by the other's rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import vocabulary
from ...models import Assessment
from ...vocabulary import SupportingFamiliesFramework, Vocabulary
from .._core import Context, Hit, Severity, hit, rule


def headlines_met(
    doc: Assessment,
    framework: SupportingFamiliesFramework,
    words: Vocabulary | None = None,
) -> list[str]:
    """The headlines of ``framework`` the assessment's factors bear on, in the
    framework's order, as ``words`` (the bundled vocabulary by default) reads each factor
    (another authority's local factors bear on none)."""
    table = (words if words is not None else vocabulary.bundled()).headlines(framework)
    met = {headline for obs in doc.factors for headline in table.get(obs.factor, ())}
    return [h for h in framework.headlines if h in met]


@rule(
    code="EH090",
    title="supporting-families-headlines",
    severity=Severity.WARNING,
    summary=(
        "Where the authority records it, the family meets enough headlines of the "
        "Supporting Families framework the authority names"
    ),
    kinds=["early-help-assessment"],
    reads=["supporting_families_framework", "supporting_families_min_headlines"],
    citation=(
        "The framework and minimum the authority's config names: Troubled Families "
        "2015-20 (phase 2), at least 2 of 6 headline problems (DCLG's financial framework "
        "of March 2015, read through the written statement to Parliament of 18 April "
        "2017), or the Supporting Families programme guidance 2022 to 2025 (DLUHC), "
        "chapter 4, at least 3 family needs from the framework; which needs meet which "
        "headline is the vocabulary's reading (see sources/README.md)"
    ),
    requires=["supporting_families_framework", "supporting_families_min_headlines"],
)
def supporting_families_headlines(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """Where the authority records Supporting Families criteria, a family whose factors
    meet fewer headlines of the authority's framework (``supporting_families_framework``)
    than its minimum (``supporting_families_min_headlines``); the finding names the
    framework and lists the headlines that are met. An assessment that records no needs
    raises no question of eligibility and is not flagged.

    Why it matters: families supported under the programme must show enough needs across
    its headlines, and the headlines are those of the programme's era: a 2015-18 strategy
    recording Troubled Families criteria counts phase 2's six problems, not the ten
    outcomes of 2022. A practitioner should know whether this family qualifies, under
    which framework, and which needs are counted, before claiming support under it.

    Example that fails::

        factors:
          - {factor: persistent-absence}
          - {factor: low-level-attendance-issues, about: [c1]}
          - {factor: school-exclusion, about: [c1]}
    """
    framework = ctx.params.supporting_families_framework.value
    required = ctx.params.supporting_families_min_headlines.value
    if framework is None or required is None or not doc.factors:
        return
    met = headlines_met(doc, framework, ctx.authority.vocabulary)
    if len(met) < required:
        listed = ", ".join(met) or "none"
        yield hit(
            ("factors",),
            f"the family's needs meet {len(met)} of the {len(framework.headlines)} "
            f"{framework.headline_kind} of {framework.full_name} ({listed}); "
            f"the programme requires {required}",
            "not eligible under the programme on these needs; record any other needs the "
            "family has; which need meets which headline is the vocabulary's reading",
        )
