"""Consent and who assessed (EH001-EH009): early help is voluntary, so an assessment needs
the family's consent, and it is done by a practitioner who can be named."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Assessment
from .._core import Context, Hit, Severity, hit, rule

VOLUNTARY = (
    "sources/004_68220bc6fbd93d19.txt (Gloucestershire offer of early help: early help is "
    "voluntary); that early help needs the family's consent is reported as national "
    "guidance by local procedures, not found in Working Together's own words (see "
    "sources/README.md)"
)


@rule(
    code="EH001",
    title="consent-not-given",
    severity=Severity.ERROR,
    summary="An early help assessment records the family's consent",
    kinds=["early-help-assessment"],
    reads=["consent_required"],
    citation=VOLUNTARY,
    requires=["consent_required"],
)
def consent_not_given(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment whose consent is recorded as not given, or not recorded at all (an
    assessment read from a census return or an extract), where the authority requires it.

    Why it matters: early help is voluntary. Without the family's consent there is no
    early help assessment to act on, and information should not be shared with other
    agencies; where there is a safeguarding concern, that is a referral, not early help.

    Example that fails::

        consent: {given: false, given_on: null, by: null}
    """
    if not ctx.params.consent_required.value:
        return
    if doc.consent is None:
        yield hit(
            (),
            "no consent is recorded (`consent`); early help needs the family's agreement",
            "record the family's consent (`consent: {given: true, given_on, by}`)",
        )
    elif not doc.consent.given:
        yield hit(
            ("consent", "given"),
            "consent is recorded as not given; early help needs the family's agreement",
            "record consent, or if there is a safeguarding concern make a referral instead",
        )


@rule(
    code="EH002",
    title="consent-after-assessment",
    severity=Severity.ERROR,
    summary="Consent is given on or before the assessment date",
    kinds=["early-help-assessment"],
    citation=VOLUNTARY,
)
def consent_after_assessment(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """Consent dated after the assessment it is for.

    Why it matters: the family agrees to an assessment before it takes place; a later
    date means the assessment was done without consent, or one of the dates is wrong.

    Example that fails::

        assessed_on: 2024-03-01
        consent: {given: true, given_on: 2024-03-05, by: p1}
    """
    given_on = doc.consent.given_on if doc.consent is not None else None
    if given_on is not None and given_on > doc.assessed_on:
        days = (given_on - doc.assessed_on).days
        yield hit(
            ("consent", "given_on"),
            f"consent is dated {days} day{'s' if days != 1 else ''} after the assessment",
            "check both dates: consent comes before the assessment",
        )


@rule(
    code="EH003",
    title="consent-undated",
    severity=Severity.WARNING,
    summary="Consent records when it was given and who gave it",
    kinds=["early-help-assessment"],
    citation=VOLUNTARY,
)
def consent_undated(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """Consent recorded as given, without the date or without the person who gave it.

    Why it matters: consent is something a person gives at a time; without either a
    practitioner cannot show, later, that the family agreed before the work began.

    Example that fails::

        consent: {given: true, given_on: null}
    """
    consent = doc.consent
    if consent is None:  # not recorded: EH001's
        return
    if consent.given and consent.given_on is None:
        yield hit(
            ("consent",), "consent has no date (`given_on`)", "add the date consent was given"
        )
    if consent.given and consent.by is None:
        yield hit(("consent",), "consent does not say who gave it (`by`)", "name the family member")


SHARING = (
    "The authority's rule on consent to share information (its config's "
    "`share_consent_required`, cited)"
)


@rule(
    code="EH004",
    title="share-consent-missing",
    severity=Severity.WARNING,
    summary="Consent to share information is recorded, or why it was not sought",
    kinds=["early-help-assessment"],
    reads=["share_consent_required"],
    citation=SHARING,
    requires=["share_consent_required"],
)
def share_consent_missing(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment that records neither the family's consent to share information with
    other agencies nor why it was shared without consent, where the authority requires it.

    Why it matters: early help is voluntary and agencies share what the family agrees to;
    the exception, sharing because seeking consent would place the child at greater risk,
    is a decision that must be recorded with its reason, never a silent omission.

    Example that fails::

        consent: {to_share: false}
    """
    if not ctx.params.share_consent_required.value:
        return
    consent = doc.consent
    if consent is None:  # no consent of any kind recorded: EH001's
        return
    if consent.to_share is True or consent.shared_without_consent_because is not None:
        return
    yield hit(
        ("consent", "to_share"),
        "no consent to share information is recorded"
        + (" (recorded as not given)" if consent.to_share is False else ""),
        "record `to_share: true`, or `shared_without_consent_because` where seeking consent "
        "would place the child at greater risk",
    )


ASSESSOR = (
    "Working Together to Safeguard Children 2018, the lead practitioner undertakes the "
    "assessment, provides help and coordinates it (as Middlesbrough Council's guidance "
    "quotes it, see sources/README.md)"
)


@rule(
    code="EH005",
    title="assessor-not-recorded",
    severity=Severity.ERROR,
    summary="An early help assessment names who assessed",
    kinds=["early-help-assessment"],
    citation=ASSESSOR,
)
def assessor_not_recorded(doc: Assessment, ctx: Context) -> Iterator[Hit]:
    """An assessment with no ``assessor``: one read from a source that does not record who
    assessed (a census return, a data extract), or written without it.

    Why it matters: the practitioner who assessed is the family's first contact and the one
    accountable for the assessment; without a name and agency nobody can follow it up, ask
    what was seen, or become the lead practitioner.

    Example that fails::

        assessor: null
    """
    if doc.assessor is None:
        yield hit(
            (),
            "the assessment does not say who assessed (`assessor`)",
            "add the assessor's name, agency and role",
        )
