"""Timescale rules: the statutory times that are counted in working days.

Every count is made in the authority's calendar (``ctx.calendar``): Monday to Friday, less
the England and Wales bank holidays (with their substitute days) and the closure days the
authority's config lists. A day off that is not a weekend is named in the message, and each
finding names the calendar (``Finding.calendar``). A count starts on the day after the
starting day; a start on a day that is not a working day counts from the next working day,
as if the referral or discussion had come then. Rules here never read the clock: a
document is judged on the dates it records.

The codes follow the kind of document: EH074 and EH083 are referral rules, EH066 a plan
rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...models import Plan, Referral, ReferralDecision, StepDirection
from .._core import Context, Hit, Severity, hit, rule
from .referrals import WT_DECISION, _plural

__all__: list[str] = []

WT_ASSESSMENT = (
    "Working Together to Safeguard Children 2018 (HM Government), chapter 1: the assessment "
    "concludes within 45 working days of the referral, a maximum and not a target, the "
    "reasons for any delay recorded (as the Procedures Online glossary reports it, see "
    "sources/README.md)"
)
WT_CONFERENCE = (
    "Working Together to Safeguard Children 2018 (HM Government), chapter 1: the initial "
    "child protection conference within 15 working days of the strategy discussion (the one "
    "that started section 47 enquiries, if there were several) (as Devon's one-minute guide "
    "and the Family Rights Group report it, see sources/README.md)"
)

_NAMED = 3
"""How many days off (bank holidays, closures) a message names before it counts the rest."""


def _late(
    ctx: Context, start: date, end: date, allowed: int, *, what: str, since: str
) -> str | None:
    """The message for ``what`` happening on ``end``, when that is more than ``allowed``
    working days after ``start`` (``since`` names it); None when it is in time. Messages
    name no dates (they are the family's): the days off counted out are named by why."""
    calendar = ctx.calendar
    taken = calendar.working_days_between(start, end)
    if taken <= allowed:
        return None
    message = (
        f"{what} {_plural(taken, 'working day')} after {since}; the authority allows {allowed}"
    )
    off = [why for _, why in calendar.days_off(start, end)]
    if off:
        more = f" and {len(off) - _NAMED} more" if len(off) > _NAMED else ""
        message += f" (not counted: {', '.join(off[:_NAMED])}{more})"
    years = calendar.years
    if not (calendar.knows(start) and calendar.knows(end)):
        message += (
            f"; the calendar knows bank holidays from {years.start} to {years.stop - 1} "
            "only, so outside those years every Monday to Friday is counted"
        )
    return message


@rule(
    code="EH074",
    title="decision-late",
    severity=Severity.WARNING,
    summary="The front door decides within the authority's working days",
    kinds=["referral"],
    reads=["referral_decision_working_days"],
    citation=WT_DECISION,
    requires=["referral_decision_working_days"],
    counts_working_days=True,
)
def decision_late(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A decision made later than ``referral_decision_working_days`` working days after the
    referral was received. Not checked where the authority sets no time.

    The deadline is the end of the Nth working day after the day of receipt, both days
    taken in the timezone of ``received_at``. A referral received on a weekend, a bank
    holiday or a closure day counts from the next working day.

    Why it matters: a referral may describe a child at risk; Working Together expects the
    decision about the response within one working day, and a slow decision leaves the
    child and the referrer waiting.

    Example that fails::

        decided_at: 2024-02-15T11:00:00+00:00
        outcome_communicated_at: 2024-02-15T12:00:00+00:00
    """
    allowed = ctx.params.referral_decision_working_days.value
    decided = doc.decided_at
    if allowed is None or decided is None:
        return
    received = doc.received_at
    try:
        decided_day = decided.astimezone(received.tzinfo).date()
    except OverflowError:  # at the very end of the calendar: the local date does not exist
        return
    message = _late(
        ctx,
        received.date(),
        decided_day,
        allowed,
        what="the referral was decided",
        since="its receipt",
    )
    if message is not None:
        yield hit(
            ("decided_at",),
            message,
            "decide referrals sooner; if the record is wrong, correct `decided_at`",
            input=ctx.calendar.working_days_between(received.date(), decided_day),
        )


@rule(
    code="EH083",
    title="assessment-late",
    severity=Severity.WARNING,
    summary="A section 17 assessment ends within the working days allowed from the referral",
    kinds=["referral"],
    reads=["assessment_working_days"],
    citation=WT_ASSESSMENT,
    requires=["assessment_working_days"],
    counts_working_days=True,
)
def assessment_late(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral decided as ``section-17-assessment`` whose assessment was completed
    (``assessment_completed_on``) more than ``assessment_working_days`` working days after
    the day the referral was received (``received_at``, in its own timezone). Not checked
    where the authority sets no time, or where the referral records no completion.

    The time runs from the referral, not from the decision to assess. It is a maximum, not
    a target: an assessment done within it is not judged here.

    Why it matters: a child in need waits for the help the assessment decides until it
    ends. Working Together sets 45 working days from the referral as the most it may take,
    and an assessment that takes longer has its reasons recorded.

    Example that fails::

        decision: section-17-assessment
        assessment_completed_on: 2024-04-30
    """
    allowed = ctx.params.assessment_working_days.value
    completed = doc.assessment_completed_on
    if (
        allowed is None
        or completed is None
        or doc.decision is not ReferralDecision.SECTION_17_ASSESSMENT
    ):
        return
    received = doc.received_at.date()
    message = _late(
        ctx,
        received,
        completed,
        allowed,
        what="the assessment was completed",
        since="the referral",
    )
    if message is not None:
        yield hit(
            ("assessment_completed_on",),
            message,
            "record the reasons for the delay on the child's record; if the date is wrong, "
            "correct `assessment_completed_on`",
            input=ctx.calendar.working_days_between(received, completed),
        )


@rule(
    code="EH066",
    title="conference-late",
    severity=Severity.WARNING,
    summary="An initial child protection conference is held within the working days "
    "allowed from the strategy discussion",
    kinds=["plan"],
    reads=["conference_working_days"],
    citation=WT_CONFERENCE,
    requires=["conference_working_days"],
    counts_working_days=True,
)
def conference_late(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A step-up whose initial child protection conference (``conference_on``) was held
    more than ``conference_working_days`` working days after the strategy discussion that
    started section 47 enquiries (``strategy_discussion_on``). Not checked where the
    authority sets no time, or where a step does not record both days.

    Why it matters: the conference brings the family and the professionals together to
    decide whether the child needs a child protection plan; until it meets, a child whose
    enquiries found a risk of significant harm has no agreed plan to keep them safe.

    Example that fails::

        steps:
          - on: 2024-03-04
            direction: step-up
            from: level-2
            to: level-4
            reason: the enquiries found a risk of significant harm
            strategy_discussion_on: 2024-03-04
            conference_on: 2024-03-26
    """
    allowed = ctx.params.conference_working_days.value
    if allowed is None:
        return
    for i, step in enumerate(doc.steps):
        held, conference = step.strategy_discussion_on, step.conference_on
        if step.direction is not StepDirection.STEP_UP or held is None or conference is None:
            continue
        message = _late(
            ctx,
            held,
            conference,
            allowed,
            what="the initial child protection conference was held",
            since="the strategy discussion",
        )
        if message is not None:
            yield hit(
                ("steps", i, "conference_on"),
                message,
                "record the reasons for the delay; if a date is wrong, correct "
                "`strategy_discussion_on` or `conference_on`",
                input=ctx.calendar.working_days_between(held, conference),
            )
