"""The early help assessment (EHA; formerly the CAF)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from .._errors import Path
from ._base import AuthorityId, Day, Flag, Id, Model, Text, factors_not_in, personal, raise_problems
from .family import FactorObservation, Family, Professional, check_members

__all__ = ["Assessment", "Consent", "RecordedLevel", "Voice"]


class Consent(Model):
    """The family's consent to early help, which is voluntary.

    ``given_on`` is when it was given and ``by`` the member who gave it. ``to_share`` is
    the family's consent to share information with other agencies; where information is
    shared without it because seeking it would place the child at greater risk,
    ``shared_without_consent_because`` records why (and ``to_share`` is not ``true``).
    """

    given: Flag
    given_on: Day | None = None
    by: Id | None = None
    to_share: Flag | None = None
    shared_without_consent_because: Text | None = personal(default=None)

    @model_validator(mode="after")
    def _sharing(self) -> Consent:
        problems: list[tuple[Path, str, str, Any]] = []
        if self.to_share is True and self.shared_without_consent_because is not None:
            problems.append(
                (
                    ("shared_without_consent_because",),
                    "sharing_both",
                    "consent to share is recorded as given; a reason for sharing without "
                    "consent is for when it was not sought",
                    None,
                )
            )
        raise_problems("Consent", problems)
        return self


class Voice(Model):
    """The child's wishes and feelings, or a family member's view, as recorded."""

    about: Id
    recorded_on: Day
    summary: Text = personal()


class RecordedLevel(Model):
    """The practitioner's own judgement of the level of need, with the reasons."""

    level: Id
    rationale: Text | None = personal(default=None)


MAX_FACTORS = 200
"""The most factor observations one assessment may record: a real one records a handful,
and a decision carries a reason for each factor at its level."""


class Assessment(Model):
    """An early help assessment of a family.

    Example (YAML)::

        kind: early-help-assessment
        id: EHA-2024-0001
        assessed_on: 2024-03-01
        assessor: {name: A. Practitioner, agency: Example Primary School, role: DSL}
        consent: {given: true, given_on: 2024-02-28, by: p1}
        family:
          id: F-0001
          members:
            - {id: c1, role: child, date_of_birth: 2015-04-02}
            - {id: p1, role: parent}
        factors:
          - {factor: persistent-absence, about: [c1], noted_on: 2024-02-01}
    """

    kind: Literal["early-help-assessment"]
    id: Id
    authority: AuthorityId | None = None
    assessed_on: Day
    assessor: Professional | None = None
    """Who assessed. None only where the source does not record it (an assessment read from
    a census return or a data extract); EH005 reports it missing."""
    consent: Consent | None = None
    """The family's consent. None where it is not recorded (EH001 reports that where the
    authority requires consent); never read None as "not given"."""
    family: Family
    factors: tuple[FactorObservation, ...] = Field(default=(), max_length=MAX_FACTORS)
    strengths: tuple[Text, ...] = personal(default=())
    voice: tuple[Voice, ...] = ()
    recorded_level: RecordedLevel | None = None

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Assessment:
        ids = {m.id for m in self.family.members}
        consent = self.consent if self.consent is not None else Consent(given=False)
        unknown = (  # only a validation given another vocabulary has anything to check
            factors_not_in(
                info, ((("factors", i, "factor"), o.factor) for i, o in enumerate(self.factors))
            )
            if info.context
            else []
        )
        if (
            not unknown
            and (consent.by is None or consent.by in ids)
            and (consent.given or consent.given_on is None)
            and all(m in ids for obs in self.factors for m in obs.about)
            and all(v.about in ids for v in self.voice)
        ):
            return self  # the common case, checked without building any paths
        refs: list[tuple[Path, str | None]] = [(("consent", "by"), consent.by)]
        for i, obs in enumerate(self.factors):
            refs.extend((("factors", i, "about", j), m) for j, m in enumerate(obs.about))
        refs.extend((("voice", i, "about"), v.about) for i, v in enumerate(self.voice))
        problems: list[tuple[Path, str, str, Any]] = check_members(self.family, refs) + unknown
        if not consent.given and consent.given_on is not None:
            problems.append(
                (
                    ("consent", "given_on"),
                    "consent_not_given",
                    "consent is recorded as not given, so `given_on` must be left out",
                    None,
                )
            )
        raise_problems("Assessment", problems)
        return self

    @property
    def factor_ids(self) -> frozenset[str]:
        """The ids of every factor observed."""
        return frozenset(obs.factor for obs in self.factors)
