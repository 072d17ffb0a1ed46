"""The authority config file, modelled: levels, factor mappings, escalation rules, parameters.

This model checks the *shape* of a config. What needs the whole file and the vocabulary
(unknown ids, ranks in order, the safety floor) is checked when it is compiled.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from .._errors import Path
from ..models._base import LOCAL_FACTOR_PATTERN, AuthorityId, Day, Model, Text, raise_problems
from ..prevention import PreventionLevel, Response
from ..vocabulary import Domain, SupportingFamiliesFramework

__all__ = [
    "CONFIG_LIMITS",
    "AuthorityConfig",
    "Cell",
    "Cited",
    "ConfigSource",
    "Consideration",
    "ConsiderationWhen",
    "CountParameter",
    "EscalationRule",
    "EscalationWhen",
    "FactorMapping",
    "FrameworkParameter",
    "Labels",
    "Level",
    "LocalFactor",
    "NotApplicable",
    "Parameters",
    "ReferralRoute",
    "RoutesParameter",
    "RuleOverride",
    "SourceRef",
    "SwitchParameter",
]

CONFIG_LIMITS: dict[str, int] = {
    "sources": 200,
    "levels": 50,
    "cells": 50,
    "factors": 500,
    "not_applicable": 500,
    "local_factors": 500,
    "escalation": 50,
    "considerations": 50,
}
"""The most items each list (or mapping) of a config may hold; ``cells`` is per factor.

Real matrices have 3 to 8 levels, a handful of escalation rules and considerations, and a
mapping for each of the vocabulary's factors: these bounds are far above that, and keep
loading, checking and deciding fast (a decision carries at most one reason per factor at
its level and one per escalation rule). They are fixed: a config past one is refused."""

Kebab = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
LocalId = Annotated[str, StringConstraints(strict=True, pattern=LOCAL_FACTOR_PATTERN)]
Positive = Annotated[StrictInt, Field(ge=1)]


class SourceRef(Model):
    """Where something comes from: a declared source, the section, and how directly."""

    ref: Kebab
    section: Text
    basis: Literal["stated", "reading"]
    """``stated``: the source says it; ``reading``: the authority's reading of the source
    (or general guidance applied where its own document is silent)."""


class ConfigSource(Model):
    """A document the config cites."""

    id: Kebab
    title: Text
    where: Text
    note: Text | None = None


class Cited(Model):
    """Words the config gives a person (a next step, say), with where they come from."""

    text: Text
    source: SourceRef
    note: Text | None = None


class Labels(Model):
    """The authority's own names for the library's documents at a level ("My Plan",
    "My Assessment"), shown in its outputs."""

    assessment: Text | None = None
    plan: Text | None = None
    source: SourceRef


class Level(Model):
    """One level of need: its rank, Munro prevention level and social-care response.

    ``next_step`` is what a practitioner does next at this level, in the authority's own
    words and cited; without it a decision gives the response's general next step.
    """

    id: Kebab
    title: Text
    rank: Positive
    description: Text
    prevention: PreventionLevel
    response: Response
    family_can_expect: Text | None = None
    next_step: Cited | None = None
    labels: Labels | None = None
    source: SourceRef
    mapping_source: SourceRef | None = None
    note: Text | None = None


class Cell(Model):
    """What a need looks like at one level: one cell of a threshold document's grid
    ("some milestones not met, supported by universal services")."""

    level: Kebab
    text: Text
    source: SourceRef
    note: Text | None = None


class FactorMapping(Model):
    """A vocabulary factor placed at a level, and optionally its indicator cells.

    With ``cells``, an observation may name the cell that fits (``cell: <level id>``) and
    the factor is placed at that cell's level. ``level`` is then the *default*: the level
    used when the observation names no cell, which must be one of the cells' levels (a
    finding asks the practitioner to choose; the note should say why this default).
    """

    level: Kebab
    source: SourceRef
    cells: tuple[Cell, ...] = Field(default=(), max_length=CONFIG_LIMITS["cells"])
    note: Text | None = None


class NotApplicable(Model):
    """A vocabulary factor the authority does not place at any level, and why."""

    reason: Text
    source: SourceRef | None = None


class LocalFactor(Model):
    """A factor of the authority's own, namespaced ``<authority>:<id>``."""

    id: LocalId
    title: Text
    description: Text
    domain: Domain
    level: Kebab
    source: SourceRef
    note: Text | None = None


class EscalationWhen(Model):
    """``at_least`` factors placed at ``at_level`` or above, across ``across_domains`` domains."""

    at_least: Positive
    at_level: Kebab
    across_domains: Positive = 1


class EscalationRule(Model):
    """When enough factors come together, the level rises to ``then``."""

    id: Kebab
    when: EscalationWhen
    then: Kebab
    source: SourceRef
    note: Text | None = None


class ConsiderationWhen(EscalationWhen):
    """``at_least`` needs placed at ``at_level`` or above, across ``across_domains`` domains
    (the same count as an escalation rule's)."""


class Consideration(Model):
    """An advisory for a combination the authority's document names but gives no rule for
    ("complex multiple needs"): when the needs come together and the decided level is below
    ``below``, the decision carries the consideration and validation warns. It never
    changes the level.
    """

    id: Kebab
    when: ConsiderationWhen
    below: Kebab
    consider: Text
    """What to consider, completing "consider ...": ``whether this is complex multiple
    needs (tier 3)``."""
    source: SourceRef
    note: Text | None = None


class _Parameter(Model):
    source: SourceRef | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _sourced(self) -> _Parameter:
        value = getattr(self, "value", None)
        problems: list[tuple[Path, str, str, Any]] = []
        if value is not None and self.source is None:
            problems.append(
                (
                    ("source",),
                    "unsourced",
                    "a value needs a `source` saying where it comes from",
                    None,
                )
            )
        if value is None and self.note is None:
            problems.append(
                (
                    ("note",),
                    "unexplained",
                    "no value: add a `note` saying why (e.g. the sources are silent)",
                    None,
                )
            )
        raise_problems("Parameter", problems)
        return self


class CountParameter(_Parameter):
    """A whole number (an age, hours, weeks, days) with its source, or null with a note."""

    value: Positive | None


class SwitchParameter(_Parameter):
    """A yes/no policy with its source, or null with a note."""

    value: StrictBool | None


class FrameworkParameter(_Parameter):
    """The Supporting Families framework whose headlines a family's needs are counted
    against, with its source, or null with a note."""

    value: SupportingFamiliesFramework | None


class ReferralRoute(Model):
    """A route by which a referral reaches the authority (``marf``, ``mash``, ``self``)."""

    id: Kebab
    title: Text
    referrers: Literal["professional", "self", "any"] = "any"
    """Who uses it: professionals, families referring themselves, or anyone."""
    first_point: StrictBool = False
    """The route professionals use first (the City of London's MARF 'as the first point
    of call'); a professional referral by another route is flagged."""


class RoutesParameter(_Parameter):
    """The referral routes the authority declares, with their source, or null with a note."""

    value: tuple[ReferralRoute, ...] | None = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> RoutesParameter:
        problems: list[tuple[Path, str, str, Any]] = []
        seen: set[str] = set()
        for i, route in enumerate(self.value or ()):
            if route.id in seen:
                problems.append(
                    (
                        ("value", i, "id"),
                        "duplicate_id",
                        f"route {route.id!r} is declared twice",
                        None,
                    )
                )
            seen.add(route.id)
        raise_problems("RoutesParameter", problems)
        return self


class ClosureDay(Model):
    """A day the authority's services close besides the bank holidays (an office closure
    between Christmas and New Year, say)."""

    on: Day
    why: Text
    """What the closure is, in a few words (shown where a count skips the day)."""


class ClosuresParameter(_Parameter):
    """The authority's closure days, with their source, or null with a note (the bank
    holidays alone)."""

    value: tuple[ClosureDay, ...] | None = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _distinct(self) -> ClosuresParameter:
        problems: list[tuple[Path, str, str, Any]] = []
        seen: set[date] = set()
        for i, closure in enumerate(self.value or ()):
            if closure.on in seen:
                problems.append(
                    (
                        ("value", i, "on"),
                        "duplicate_day",
                        f"closure day {closure.on.isoformat()} is listed twice",
                        None,
                    )
                )
            seen.add(closure.on)
        raise_problems("ClosuresParameter", problems)
        return self


PARAMETER_MAXIMA: dict[str, int] = {
    "child_age_max": 25,
    "send_age_max": 25,
    "review_interval_weeks": 104,
    "referral_decision_working_days": 60,
    "referral_feedback_hours": 720,
    "assessment_working_days": 260,
    "conference_working_days": 260,
    "voice_max_age_days": 3650,
    "review_score_min": 100,
    "review_score_max": 100,
    "supporting_families_min_headlines": 10,
}
"""The most each count parameter may be: bounds that catch a slip (a review interval of
1,000,000 weeks), far beyond any value a source sets; no threshold of their own."""


class Parameters(Model):
    """The authority's policy values that validators read."""

    child_age_max: CountParameter
    send_age_max: CountParameter
    review_interval_weeks: CountParameter
    referral_decision_working_days: CountParameter
    referral_feedback_hours: CountParameter
    assessment_working_days: CountParameter
    """The most working days from a referral to the end of the children's social care
    (section 17) assessment that follows it (Working Together: 45)."""
    conference_working_days: CountParameter
    """The most working days from the strategy discussion that starts section 47 enquiries
    to the initial child protection conference (Working Together: 15)."""
    closure_days: ClosuresParameter
    """Days the authority's services close besides the England and Wales bank holidays:
    they are not working days in any count the rules make."""
    no_further_action_allowed: SwitchParameter
    consent_required: SwitchParameter
    share_consent_required: SwitchParameter
    """Whether information is shared with other agencies only with the family's consent,
    unless seeking it would place the child at greater risk (the reason then recorded)."""
    voice_max_age_days: CountParameter
    review_score_min: CountParameter
    review_score_max: CountParameter
    supporting_families_framework: FrameworkParameter
    """``troubled-families-phase-2`` (2015-20, six headline problems) or
    ``supporting-families-2022`` (2022-25, ten headline outcomes): the framework of the
    programme the authority's assessment records."""
    supporting_families_min_headlines: CountParameter
    """How many of that framework's headlines a family's needs must meet."""
    graduated_pathway: SwitchParameter
    """Whether a request for a statutory (section 17 or 47) level records the support already
    tried at the lower levels (a graduated pathway), unless there is significant harm."""
    referral_routes: RoutesParameter
    """The routes a referral may take (a referral's ``route`` is one of their ids)."""

    @model_validator(mode="after")
    def _within_bounds(self) -> Parameters:
        problems: list[tuple[Path, str, str, Any]] = []
        for name, most in PARAMETER_MAXIMA.items():
            value = getattr(self, name).value
            if value is not None and value > most:
                problems.append(
                    (
                        (name, "value"),
                        "too_large",
                        f"{name} {value} is more than {most}, the most it may be (a bound that "
                        "catches slips; no source read sets more)",
                        None,
                    )
                )
        raise_problems("Parameters", problems)
        return self


class RuleOverride(Model):
    """Switch a validation rule off, or change its severity, for this authority."""

    enabled: StrictBool = True
    severity: Literal["error", "warning"] | None = None
    reason: Text | None = None


class AuthorityConfig(Model):
    """An authority's threshold matrix, as written in ``configs/<id>.yaml``."""

    id: AuthorityId
    name: Text
    version: Text
    effective_from: Day
    effective_to: Day | None = None
    """The last day this version is in force (inclusive); None: until the next version
    comes in, or for good."""
    note: Text | None = None
    sources: tuple[ConfigSource, ...] = Field(min_length=1, max_length=CONFIG_LIMITS["sources"])
    levels: tuple[Level, ...] = Field(min_length=1, max_length=CONFIG_LIMITS["levels"])
    factors: dict[Kebab, FactorMapping] = Field(max_length=CONFIG_LIMITS["factors"])
    not_applicable: dict[Kebab, NotApplicable] = Field(
        default_factory=dict, max_length=CONFIG_LIMITS["not_applicable"]
    )
    local_factors: tuple[LocalFactor, ...] = Field(
        default=(), max_length=CONFIG_LIMITS["local_factors"]
    )
    escalation: tuple[EscalationRule, ...] = Field(
        default=(), max_length=CONFIG_LIMITS["escalation"]
    )
    considerations: tuple[Consideration, ...] = Field(
        default=(), max_length=CONFIG_LIMITS["considerations"]
    )
    parameters: Parameters
    validation: dict[
        Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{2,8}[0-9]{3}$")],
        RuleOverride,
    ] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dates_in_order(self) -> AuthorityConfig:
        end = self.effective_to
        if end is not None and end < self.effective_from:
            raise_problems(
                "AuthorityConfig",
                [
                    (
                        ("effective_to",),
                        "date_order",
                        "`effective_to` is before `effective_from`: a version ends on or "
                        "after the day it comes in",
                        None,
                    )
                ],
            )
        return self
