"""The config in force (EH091): a document is judged under the version of the authority's
config that was in force on its date."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Assessment
from .._core import Context, Hit, Severity, hit, rule

IN_FORCE = (
    "the authority's config, its `effective_from` and `effective_to`: the thresholds in force "
    "on the day of the assessment are the ones its level is decided by (Working Together to "
    "Safeguard Children 2023: safeguarding partners publish the threshold document in force, "
    "see sources/README.md)"
)


@rule(
    code="EH091",
    title="config-not-in-force",
    severity=Severity.ERROR,
    summary="An assessment is decided under the config in force on its date",
    kinds=["early-help-assessment"],
    citation=IN_FORCE,
)
def config_not_in_force(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment dated (``assessed_on``) before the config's ``effective_from``, or
    after its ``effective_to``. Validated against an authority's dated versions
    (:func:`earlyhelp_core.load_versions`), the version in force is used, and this fires
    only when no version was in force that day.

    Why it matters: the level comes from the thresholds in force when the family was
    assessed. Thresholds that came in later, or had ended, may place the family at a
    different level, and the decision would rest on a document the practitioner never
    worked to.

    Example that fails::

        assessed_on: 2020-01-06
    """
    config = ctx.authority.config
    day = doc.assessed_on
    start, end = config.effective_from, config.effective_to
    if day < start:
        yield hit(
            ("assessed_on",),
            f"the assessment is dated before {ctx.authority.id}'s config {config.version!r} "
            f"came in ({start.isoformat()})",
            "check the date, or validate under the version in force then "
            "(earlyhelp_core.load_versions)",
        )
    elif end is not None and day > end:
        yield hit(
            ("assessed_on",),
            f"the assessment is dated after {ctx.authority.id}'s config {config.version!r} "
            f"ended ({end.isoformat()})",
            "check the date, or validate under the version in force then "
            "(earlyhelp_core.load_versions)",
        )
