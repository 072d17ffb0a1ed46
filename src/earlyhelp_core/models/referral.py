"""A referral (or request for support) into an authority's front door."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import ValidationInfo, model_validator

from .._errors import Path
from ._base import (
    AuthorityId,
    Day,
    Flag,
    Id,
    Instant,
    Model,
    Text,
    factors_not_in,
    personal,
    raise_problems,
)
from .assessment import Consent
from .family import FactorObservation, Family, check_members

__all__ = ["Referral", "ReferralDecision", "Referrer", "SupportTried"]


class ReferralDecision(StrEnum):
    """What the front door decided (the responses Working Together names, and early help)."""

    NO_FURTHER_ACTION = "no-further-action"
    INFORMATION_AND_ADVICE = "information-and-advice"
    UNIVERSAL_SERVICES = "universal-services"
    EARLY_HELP = "early-help"
    SECTION_17_ASSESSMENT = "section-17-assessment"
    SECTION_47_ENQUIRY = "section-47-enquiry"
    IMMEDIATE_PROTECTION = "immediate-protection"
    SPECIALIST_ASSESSMENT = "specialist-assessment"


class Referrer(Model):
    """Who referred: a professional (name, agency, role), or the family itself.

    A self-referral sets ``self_referral: true`` and may name the member (``by``).
    """

    self_referral: Flag = False
    by: Id | None = None
    name: Text | None = personal(default=None)
    agency: Text | None = None
    role: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Referrer:
        problems: list[tuple[Path, str, str, Any]] = []
        if not self.self_referral and self.by is not None:
            problems.append(
                (
                    ("by",),
                    "by_without_self_referral",
                    "`by` names the family member of a self-referral; "
                    "set `self_referral: true` or use name, agency and role",
                    None,
                )
            )
        raise_problems("Referrer", problems)
        return self


class SupportTried(Model):
    """Support already given at a lower level of the graduated pathway, before this request."""

    level: Id
    description: Text = personal()
    started_on: Day | None = None
    ended_on: Day | None = None


class Referral(Model):
    """A referral: who referred, by which route, when it was received, decided and answered."""

    kind: Literal["referral"]
    id: Id
    authority: AuthorityId | None = None
    route: Id
    referrer: Referrer
    family: Family
    received_at: Instant
    consent: Consent | None = None
    factors: tuple[FactorObservation, ...] = ()
    requested_level: Id | None = None
    """The authority's level the referrer asks for (a Specialist response, say)."""
    support_tried: tuple[SupportTried, ...] = ()
    """Support already tried at lower levels (a graduated pathway asks for it)."""
    decision: ReferralDecision | None = None
    decided_at: Instant | None = None
    outcome_communicated_at: Instant | None = None
    assessment_completed_on: Day | None = None
    """The day the section 17 (child and family) assessment the referral was decided for
    was completed; only with ``decision: section-17-assessment``."""

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Referral:
        refs: list[tuple[Path, str | None]] = [(("referrer", "by"), self.referrer.by)]
        if self.consent is not None:
            refs.append((("consent", "by"), self.consent.by))
        for i, obs in enumerate(self.factors):
            refs.extend((("factors", i, "about", j), m) for j, m in enumerate(obs.about))
        problems: list[tuple[Path, str, str, Any]] = check_members(self.family, refs)
        if info.context:  # only a validation given another vocabulary has anything to check
            problems += factors_not_in(
                info, ((("factors", i, "factor"), o.factor) for i, o in enumerate(self.factors))
            )
        if (self.decision is None) != (self.decided_at is None):
            missing = "decided_at" if self.decided_at is None else "decision"
            problems.append(
                (
                    (missing,),
                    "decision_pair",
                    "`decision` and `decided_at` go together: give both or neither",
                    None,
                )
            )
        for key in ("decided_at", "outcome_communicated_at"):
            when = getattr(self, key)
            if when is not None and when < self.received_at:
                problems.append(
                    (
                        (key,),
                        "date_order",
                        f"`{key}` is before the referral was received (`received_at`)",
                        None,
                    )
                )
        problems.extend(self._assessment_dates())
        raise_problems("Referral", problems)
        return self

    def _assessment_dates(self) -> list[tuple[Path, str, str, Any]]:
        completed = self.assessment_completed_on
        if completed is None:
            return []
        decision = self.decision
        if decision is not ReferralDecision.SECTION_17_ASSESSMENT:
            decided = "no decision is recorded" if decision is None else f"it is {decision}"
            return [
                (
                    ("assessment_completed_on",),
                    "assessment_without_decision",
                    "`assessment_completed_on` is the day the section 17 assessment that the "
                    f"referral was decided for was completed, but {decided}; record "
                    "`decision: section-17-assessment`, or remove the date",
                    None,
                )
            ]
        if completed < self.received_at.date():
            return [
                (
                    ("assessment_completed_on",),
                    "date_order",
                    "`assessment_completed_on` is before the day the referral was received "
                    "(`received_at`)",
                    None,
                )
            ]
        return []
