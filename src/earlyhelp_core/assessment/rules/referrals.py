"""Referral rules (EH070-EH089): who referred, how fast the front door decided and answered,
and whether the decision fits the needs the referral describes.

Rules here never read the clock: a referral is judged on the times it records.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...models import Referral, ReferralDecision
from ...prevention import Response
from .._core import Context, Hit, Severity, hit, rule

__all__: list[str] = []

BEDFORD_FRONT_DOOR = (
    "sources/002_5690c2041d93ffbe.txt (Bedford Borough Early Help Strategy 2015-18), "
    "8.6 One Front Door"
)
FEEDBACK = (
    f"{BEDFORD_FRONT_DOOR}, l. 267: 'Referrers into the MASH will be informed of the outcome "
    "of their referral for Early Help within 24 hrs of the referral having been made'"
)
FEEDBACK_SCOPE = (
    "the feedback time (referral_feedback_hours) is for referrals for early help into the "
    "MASH, as its source says, and a referral does not record what it asks for (its route "
    "is a free id): the rule cannot tell which referrals the time covers"
)
"""Why EH071 and EH072 run for no referral: they would otherwise apply the time to every
route, and to referrals that ask for something other than early help."""
NO_NFA = (
    f"{BEDFORD_FRONT_DOOR}, l. 265: 'No referral into MASH will receive a 'no further action' "
    "outcome'"
)
WT_DECISION = (
    "Working Together to Safeguard Children 2018 (HM Government), chapter 1: within 1 "
    "working day of a referral, acknowledge the referrer and decide the response (as local "
    "guidance reports it, see sources/README.md)"
)
WT_RESPONSE = (
    "Working Together to Safeguard Children 2018, chapter 1: the referral decision chooses "
    "immediate protection, services, an s17 assessment, s47 enquiries or a specialist "
    "assessment (as local guidance reports it); Children Act 1989 s47(1), enquiries where "
    "there is reasonable cause to suspect significant harm, and s17(10), child in need "
    "(see sources/README.md)"
)
VOLUNTARY = (
    "sources/004_68220bc6fbd93d19.txt (Gloucestershire offer of early help, l. 5): 'Early "
    "Help support is voluntary so a referral is usually carried out with the family. Also, "
    "families can self-refer'; that early help needs the family's consent is reported as "
    "national guidance by local procedures, not found in Working Together's own words "
    "(see sources/README.md)"
)
REFERRER = (
    "sources/004_68220bc6fbd93d19.txt (Gloucestershire offer of early help, l. 5): a "
    "professional makes an inter-agency referral, families can self-refer; "
    f"{BEDFORD_FRONT_DOOR}, l. 267: referring agencies are informed of the outcome; "
    "Working Together to Safeguard Children 2018, chapter 1: acknowledge the referrer (as "
    "local guidance reports it, see sources/README.md)"
)

NON_STATUTORY = frozenset(
    {
        ReferralDecision.EARLY_HELP,
        ReferralDecision.UNIVERSAL_SERVICES,
        ReferralDecision.INFORMATION_AND_ADVICE,
    }
)
"""Decisions that offer a family voluntary help: they need the family's agreement."""

PROTECTION = frozenset({ReferralDecision.SECTION_47_ENQUIRY, ReferralDecision.IMMEDIATE_PROTECTION})
"""Decisions that answer reasonable cause to suspect significant harm."""

BELOW_SECTION_17 = frozenset({ReferralDecision.NO_FURTHER_ACTION, *NON_STATUTORY})
"""Decisions below a child in need (s17) assessment. A specialist assessment is not among
them: Working Together names it beside the s17 assessment, not below it."""


# --- helpers ------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    """Whole hours and minutes, rounded up to the minute: ``26 h 5 min``."""
    minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- rules --------------------------------------------------------------------------------


@rule(
    code="EH070",
    title="referrer-agency-missing",
    severity=Severity.ERROR,
    summary="A professional referral names the referrer's agency",
    kinds=["referral"],
    citation=REFERRER,
)
def referrer_agency_missing(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral by a professional (not a self-referral) that does not name the agency.

    A self-referral needs no agency: families can refer themselves.

    Why it matters: the front door tells the referring agency what it decided, and a
    referrer who hears nothing is expected to follow up or escalate. Without the agency
    nobody knows whom to answer, whom to ask for more information, or which agency to
    involve in a team around the family.

    Example that fails::

        referrer: {agency: null}
    """
    referrer = doc.referrer
    if not referrer.self_referral and referrer.agency is None:
        yield hit(
            ("referrer",),
            "a professional referral does not name the referrer's agency (`agency`)",
            "add the referrer's agency, or set `self_referral: true` if the family referred itself",
        )


@rule(
    code="EH071",
    title="feedback-late",
    severity=Severity.ERROR,
    summary="The referrer hears the outcome within the authority's feedback time",
    kinds=["referral"],
    reads=["referral_feedback_hours"],
    citation=FEEDBACK,
    requires=["referral_feedback_hours"],
    cannot_tell=FEEDBACK_SCOPE,
)
def feedback_late(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """The outcome reached the referrer later after receipt than the authority allows
    (``referral_feedback_hours``, counted in clock hours from ``received_at`` to
    ``outcome_communicated_at``). Not checked where the authority sets no time.

    The time is for referrals for early help into the MASH, not for every referral route.
    A referral records its route as a free id and does not record what it asks for, so the
    rule cannot tell which referrals the time covers: it runs for none, and every report
    lists it under ``not_checked`` saying why, rather than hold a referral to a time that
    may not apply to it.

    Why it matters: a referrer who hears nothing cannot tell whether the family is being
    helped, and may stop sharing concerns; the authority has promised referrers an answer
    within this time.

    Example that fails::

        outcome_communicated_at: 2024-02-15T09:05:00+00:00
    """
    allowed = ctx.params.referral_feedback_hours.value
    told = doc.outcome_communicated_at
    if allowed is None or told is None:
        return
    taken = (told - doc.received_at).total_seconds()
    if taken > allowed * 3600:
        yield hit(
            ("outcome_communicated_at",),
            f"the outcome reached the referrer {_duration(taken)} after the referral was "
            f"received; the authority allows {_plural(allowed, 'hour')}",
            "tell referrers the outcome sooner; if the record is wrong, correct "
            "`outcome_communicated_at`",
            input=allowed,
        )


@rule(
    code="EH072",
    title="feedback-not-recorded",
    severity=Severity.WARNING,
    summary="A decided referral records when the referrer was told the outcome",
    kinds=["referral"],
    reads=["referral_feedback_hours"],
    citation=FEEDBACK,
    requires=["referral_feedback_hours"],
    cannot_tell=FEEDBACK_SCOPE,
)
def feedback_not_recorded(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A decided referral (``decided_at`` set) with no ``outcome_communicated_at``, where
    the authority sets a feedback time. The rule does not compare with today's date.

    Like EH071 it rests on the feedback time, which is for referrals for early help into
    the MASH; no referral records whether it is one, so the rule runs for none and every
    report lists it under ``not_checked``.

    Why it matters: the authority promises referrers the outcome within a set time. Unless
    the record says when the referrer was told, nobody can show the promise was kept, and a
    referrer who was never told may still be waiting.

    Example that fails::

        outcome_communicated_at: null
    """
    allowed = ctx.params.referral_feedback_hours.value
    if allowed is not None and doc.decided_at is not None and doc.outcome_communicated_at is None:
        yield hit(
            ("outcome_communicated_at",),
            "the referral is decided but does not record when the referrer was told the "
            f"outcome; the authority allows {_plural(allowed, 'hour')} from receipt",
            "tell the referrer the outcome and record when (`outcome_communicated_at`)",
            input=allowed,
        )


@rule(
    code="EH073",
    title="no-further-action-not-allowed",
    severity=Severity.ERROR,
    summary="No referral ends with no further action where the authority rules it out",
    kinds=["referral"],
    reads=["no_further_action_allowed"],
    citation=NO_NFA,
    requires=["no_further_action_allowed"],
)
def no_further_action_not_allowed(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral decided as ``no-further-action`` where the authority does not allow that
    outcome (``no_further_action_allowed: false``). Not checked where the authority is
    silent.

    Why it matters: the authority has committed that no referral through its front door
    ends with no further action; a family referred and then left with nothing is what the
    commitment rules out. Information and advice, or a pointer to universal services, would
    leave the family with no service acting on the referral, so the hint names only the
    decisions that act on it: early help, or a statutory response where its threshold is
    met.

    Example that fails::

        decision: no-further-action
    """
    if (
        ctx.params.no_further_action_allowed.value is False
        and doc.decision is ReferralDecision.NO_FURTHER_ACTION
    ):
        yield hit(
            ("decision",),
            "the decision is no-further-action, which this authority does not allow",
            "decide a response that acts on the referral: early-help, or, where its "
            "threshold is met, section-17-assessment, specialist-assessment, "
            "section-47-enquiry or immediate-protection",
            input=ReferralDecision.NO_FURTHER_ACTION.value,
        )


@rule(
    code="EH075",
    title="decision-below-section-47",
    severity=Severity.ERROR,
    summary="Factors reaching a section 47 level get a protection decision",
    kinds=["referral"],
    citation=WT_RESPONSE,
)
def decision_below_section_47(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A decided referral whose factors reach a level of the authority's matrix with a
    section 47 response, decided as anything other than ``section-47-enquiry`` or
    ``immediate-protection``.

    Why it matters: factors at that level give reasonable cause to suspect the child is
    suffering, or likely to suffer, significant harm, and the authority must then make
    enquiries. Early help, a child in need assessment or a specialist assessment does not
    answer that; if the practitioner judges otherwise, the reasons belong on the record.

    Example that fails::

        factors: [{factor: neglect, about: [c1]}]
        decision: early-help
    """
    decision = doc.decision
    if decision is None or decision in PROTECTION:
        return
    level = ctx.authority.level_for(o.factor for o in doc.factors)
    if level.response >= Response.SECTION_47:
        yield hit(
            ("decision",),
            f"the factors reach level {level.id} ({level.response.value}) but the decision "
            f"is {decision.value}",
            "decide section-47-enquiry or immediate-protection, or check the factors recorded",
            input=level.id,
        )


@rule(
    code="EH076",
    title="decision-below-section-17",
    severity=Severity.WARNING,
    summary="Factors reaching a section 17 level get at least a section 17 assessment",
    kinds=["referral"],
    citation=WT_RESPONSE,
)
def decision_below_section_17(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A decided referral whose factors reach a level with a section 17 (child in need)
    response, decided below a section 17 assessment: ``early-help``,
    ``universal-services``, ``information-and-advice`` or ``no-further-action``. (A
    specialist assessment is not below it; factors at a section 47 level are EH075's.)

    Why it matters: the child may be a child in need, whom the authority assesses under
    section 17 of the Children Act 1989; stepping the referral down to early help without
    that assessment needs a recorded reason, not a default.

    Example that fails::

        factors: [{factor: parental-mental-health, about: [p1]}]
        decision: early-help
    """
    decision = doc.decision
    if decision is None or decision not in BELOW_SECTION_17:
        return
    level = ctx.authority.level_for(o.factor for o in doc.factors)
    if level.response == Response.SECTION_17:
        yield hit(
            ("decision",),
            f"the factors reach level {level.id} ({level.response.value}) but the decision "
            f"is {decision.value}",
            "consider a section-17-assessment, or record why the need is met at a lower level",
            input=level.id,
        )


@rule(
    code="EH077",
    title="referral-without-consent",
    severity=Severity.WARNING,
    summary="A referral answered with voluntary help records the family's consent",
    kinds=["referral"],
    reads=["consent_required"],
    citation=VOLUNTARY,
    requires=["consent_required"],
)
def referral_without_consent(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral decided as ``early-help``, ``universal-services`` or
    ``information-and-advice`` with no consent recorded, or consent recorded as not given,
    where the authority requires consent. Statutory decisions (section 17, section 47,
    immediate protection) are not checked: they do not depend on consent.

    Why it matters: early help is voluntary, and a referral for it is usually made with the
    family; without their agreement the help cannot start and information should not be
    shared with the services that would give it.

    Example that fails::

        consent: null
    """
    decision = doc.decision
    if not ctx.params.consent_required.value or decision is None:
        return
    if decision not in NON_STATUTORY:
        return
    consent = doc.consent
    if consent is None:
        yield hit(
            ("consent",),
            f"the decision is {decision.value}, which is voluntary, but no consent is recorded",
            "record the family's consent (`consent: {given: true, given_on, by}`)",
        )
    elif not consent.given:
        yield hit(
            ("consent", "given"),
            f"the decision is {decision.value}, which is voluntary, but consent is "
            "recorded as not given",
            "seek the family's agreement; if there is a safeguarding concern, decide a "
            "statutory response instead",
        )


@rule(
    code="EH078",
    title="outcome-before-decision",
    severity=Severity.ERROR,
    summary="The referrer is told the outcome only once it is decided",
    kinds=["referral"],
    citation=f"{FEEDBACK}; {WT_DECISION}",
)
def outcome_before_decision(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """An ``outcome_communicated_at`` with no decision recorded, or earlier than
    ``decided_at``.

    Why it matters: the referrer is told the outcome of the decision; an outcome sent
    before anything was decided means one of the times is wrong, or the referrer was told
    something that was not yet the decision, and the feedback time cannot be trusted.

    Example that fails::

        outcome_communicated_at: 2024-02-12T12:00:00+00:00
    """
    told = doc.outcome_communicated_at
    decided = doc.decided_at
    if told is None:
        return
    if decided is None:
        yield hit(
            ("outcome_communicated_at",),
            "an outcome was communicated but no decision is recorded (`decision`, `decided_at`)",
            "record the decision and when it was made, or remove `outcome_communicated_at`",
        )
    elif told < decided:
        early = _duration((decided - told).total_seconds())
        yield hit(
            ("outcome_communicated_at",),
            f"the outcome was communicated {early} before the decision was made",
            "check `decided_at` and `outcome_communicated_at`",
        )
