"""Ages and dates of the family's members: who early help is for, and dates that add up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ...models import Assessment, Role, Send
from .._core import Context, Hit, Severity, hit, rule

__all__ = ["age_on"]

AGES = (
    "sources/003_ad7a1e81f3700b97.txt (City of London: early help for children and young "
    "people aged 0-18, and up to 25 with SEND); sources/001_a91837fca6d6ef15.txt (Bromley: "
    "'aged from birth to 18'); SEND code of practice: 0 to 25 years (Department for "
    "Education and Department of Health, 2015, see sources/README.md)"
)


def age_on(born: date, on: date) -> int:
    """Completed years of age on the date ``on``.

    A person born on 29 February has their birthday on 1 March in other years, as
    English law counts it.
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@rule(
    code="EH010",
    title="born-after-assessment",
    severity=Severity.ERROR,
    summary="No member is born after the assessment date",
    kinds=["early-help-assessment"],
    citation="The assessment's own dates",
)
def born_after_assessment(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A member whose date of birth is after the assessment date.

    Why it matters: a wrong date of birth gives a wrong age, and age decides whether a
    child is eligible and which help fits. A baby not yet born is recorded as `unborn`
    with `expected_on`.

    Example that fails::

        assessed_on: 2024-03-01
        family:
          members:
            - {id: c1, role: child, date_of_birth: 2024-05-02}
    """
    for i, member in enumerate(doc.family.members):
        if member.date_of_birth is not None and member.date_of_birth > doc.assessed_on:
            yield hit(
                ("family", "members", i, "date_of_birth"),
                f"member {member.id!r} is born after the assessment date",
                "check the date of birth; record a baby not yet born as role `unborn`",
                input=member.id,
            )


@rule(
    code="EH011",
    title="child-past-upper-age",
    severity=Severity.ERROR,
    summary="Every child is under the authority's upper age (higher with SEND)",
    kinds=["early-help-assessment"],
    reads=["child_age_max", "send_age_max"],
    citation=AGES,
    requires=["child_age_max", "send_age_max"],
)
def child_past_upper_age(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """A child who, on the assessment date, has reached the authority's upper age
    (`child_age_max`, e.g. 18), or with SEND support or an EHC plan, `send_age_max`
    (e.g. 25).

    Why it matters: early help is for children and young people up to the age the
    authority serves; a young person past it needs adult services or a transition plan,
    and an assessment that counts them as a child gives the family the wrong offer.

    Example that fails::

        assessed_on: 2024-03-01
        family:
          members:
            - {id: c1, role: child, date_of_birth: 2004-01-15, send: none}
    """
    params = ctx.params
    for i, member in enumerate(doc.family.members):
        if member.role is not Role.CHILD or member.date_of_birth is None:
            continue
        age = age_on(member.date_of_birth, doc.assessed_on)
        if member.send is Send.NONE:
            limit, which = params.child_age_max.value, "child_age_max"
        else:
            limit, which = params.send_age_max.value, "send_age_max"
        if limit is not None and age >= limit:  # always set here: the rule requires both
            yield hit(
                ("family", "members", i, "date_of_birth"),
                f"child {member.id!r} has reached {limit} ({which}) by the assessment date; "
                f"early help here is for under-{limit}s",
                "check the date of birth and SEND status, or plan the move to adult services",
                input=member.id,
            )


@rule(
    code="EH012",
    title="unborn-date-passed",
    severity=Severity.ERROR,
    summary="An unborn child's expected date is not before the assessment",
    kinds=["early-help-assessment"],
    citation=(
        "The assessment's own dates; early help 'may occur at any point from pre-birth' "
        "(sources/003_ad7a1e81f3700b97.txt, City of London, l. 19)"
    ),
)
def unborn_date_passed(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An unborn child whose expected date is before the assessment date.

    Why it matters: once the baby is born they are a child with a date of birth and
    needs of their own; an out-of-date record hides a newborn from the assessment.

    Example that fails::

        assessed_on: 2024-03-01
        family:
          members:
            - {id: c1}
            - {id: c2, role: unborn, date_of_birth: null, expected_on: 2024-02-01}
    """
    for i, member in enumerate(doc.family.members):
        if (
            member.role is Role.UNBORN
            and member.expected_on
            and member.expected_on < doc.assessed_on
        ):
            yield hit(
                ("family", "members", i, "expected_on"),
                f"unborn child {member.id!r} was expected before the assessment date",
                "if the baby has been born, record them as a child with a date of birth",
                input=member.id,
            )
