"""The child's voice: every child's wishes and feelings are sought and recorded."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Assessment, Role
from .._core import Context, Hit, Severity, hit, rule

WISHES = (
    "sources/001_a91837fca6d6ef15.txt (Bromley: 'the wishes and feelings of every child and "
    "their family is consistently sought, heard and considered', l. 249); an early help "
    "assessment involves the child and the family (Working Together to Safeguard Children "
    "2018, paragraph 10, as the Family Rights Group cites it) and takes account of the "
    "child's wishes and feelings wherever possible (the Family Rights Group's guide); the "
    "Children Act 1989 s17(4A) has the local authority ascertain them before deciding "
    "services for a child in need (see sources/README.md)"
)


@rule(
    code="EH020",
    title="child-voice-missing",
    severity=Severity.WARNING,
    summary="Every child in the assessment has their wishes and feelings recorded",
    kinds=["early-help-assessment"],
    citation=WISHES,
)
def child_voice_missing(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A child (born, role `child`) with no `voice` entry about them.

    Why it matters: the assessment should show what each child wants and how they feel,
    in their own words or, for a young child, from what was observed; a plan made without
    it is made about the child, not with them.

    Example that fails::

        voice: []
    """
    heard = {v.about for v in doc.voice}
    for i, member in enumerate(doc.family.members):
        if member.role is Role.CHILD and member.id not in heard:
            yield hit(
                ("family", "members", i),
                f"no voice entry for child {member.id!r}",
                "record the child's wishes and feelings (or what was observed) under `voice`",
                input=member.id,
            )


@rule(
    code="EH021",
    title="child-voice-stale",
    severity=Severity.WARNING,
    summary="The child's voice was recorded recently enough",
    kinds=["early-help-assessment"],
    reads=["voice_max_age_days"],
    citation=WISHES,
    requires=["voice_max_age_days"],
)
def child_voice_stale(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A voice entry recorded more than `voice_max_age_days` before the assessment date.

    Why it matters: children's views change; an old record may not be what the child
    thinks now. The authority sets how old is too old; where its sources are silent the
    rule does not run.

    Example that fails::

        assessed_on: 2024-03-01
        voice:
          - {about: c1, recorded_on: 2023-06-01, summary: wants to go back to football club}
          - {about: c2, recorded_on: 2024-03-01, summary: settled at nursery}
    """
    limit = ctx.params.voice_max_age_days.value
    if limit is None:
        return
    for i, entry in enumerate(doc.voice):
        days = (doc.assessed_on - entry.recorded_on).days  # whole days: never overflows
        if days > limit:
            yield hit(
                ("voice", i, "recorded_on"),
                f"voice entry about {entry.about!r} is {days} days old (limit {limit})",
                "talk with the child again and record what they say now",
                input=entry.about,
            )


@rule(
    code="EH022",
    title="child-voice-after-assessment",
    severity=Severity.ERROR,
    summary="No voice entry is dated after the assessment",
    kinds=["early-help-assessment"],
    citation="The assessment's own dates",
)
def child_voice_after_assessment(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A voice entry dated after the assessment it belongs to.

    Why it matters: a record from after the assessment date cannot have informed it;
    one of the dates is wrong, or the entry belongs to a review.

    Example that fails::

        assessed_on: 2024-03-01
        voice:
          - {about: c1, recorded_on: 2024-03-09, summary: wants to go back to football club}
          - {about: c2, recorded_on: 2024-03-01, summary: settled at nursery}
    """
    for i, entry in enumerate(doc.voice):
        if entry.recorded_on > doc.assessed_on:
            yield hit(
                ("voice", i, "recorded_on"),
                f"voice entry about {entry.about!r} is dated after the assessment",
                "check the date; views gathered later belong to a review",
                input=entry.about,
            )
