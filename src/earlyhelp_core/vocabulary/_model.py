"""Typed model of the national needs vocabulary (``factors.yaml``)."""

from __future__ import annotations

import typing
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .._errors import Path
from .._model import Flag, Model, Text, raise_problems

__all__ = [
    "CIN_CODES",
    "DIMENSIONS",
    "Basis",
    "CensusCode",
    "CensusCodes",
    "CensusSubject",
    "CinCode",
    "Dimension",
    "Domain",
    "Factor",
    "FactorSource",
    "Source",
    "SupportingFamiliesFramework",
    "SupportingFamiliesOutcome",
    "TroubledFamiliesProblem",
    "VocabularyFile",
]


class Domain(StrEnum):
    """The three domains of the Assessment Framework triangle (2000)."""

    CHILD_DEVELOPMENT = "child-development"
    PARENTING_CAPACITY = "parenting-capacity"
    FAMILY_AND_ENVIRONMENT = "family-and-environment"


class Dimension(StrEnum):
    """Dimensions of the Assessment Framework, each belonging to one :class:`Domain`."""

    # child's developmental needs
    HEALTH = "health"
    EDUCATION = "education"
    EMOTIONAL_AND_BEHAVIOURAL_DEVELOPMENT = "emotional-and-behavioural-development"
    IDENTITY = "identity"
    FAMILY_AND_SOCIAL_RELATIONSHIPS = "family-and-social-relationships"
    SOCIAL_PRESENTATION = "social-presentation"
    SELF_CARE_SKILLS = "self-care-skills"
    # parenting capacity
    BASIC_CARE = "basic-care"
    ENSURING_SAFETY = "ensuring-safety"
    EMOTIONAL_WARMTH = "emotional-warmth"
    STIMULATION = "stimulation"
    GUIDANCE_AND_BOUNDARIES = "guidance-and-boundaries"
    STABILITY = "stability"
    # family and environmental factors
    FAMILY_HISTORY_AND_FUNCTIONING = "family-history-and-functioning"
    WIDER_FAMILY = "wider-family"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    INCOME = "income"
    FAMILY_SOCIAL_INTEGRATION = "family-social-integration"
    COMMUNITY_RESOURCES = "community-resources"

    @property
    def domain(self) -> Domain:
        """The domain this dimension belongs to."""
        return _DOMAIN_OF[self]


DIMENSIONS: dict[Domain, tuple[Dimension, ...]] = {
    Domain.CHILD_DEVELOPMENT: (
        Dimension.HEALTH,
        Dimension.EDUCATION,
        Dimension.EMOTIONAL_AND_BEHAVIOURAL_DEVELOPMENT,
        Dimension.IDENTITY,
        Dimension.FAMILY_AND_SOCIAL_RELATIONSHIPS,
        Dimension.SOCIAL_PRESENTATION,
        Dimension.SELF_CARE_SKILLS,
    ),
    Domain.PARENTING_CAPACITY: (
        Dimension.BASIC_CARE,
        Dimension.ENSURING_SAFETY,
        Dimension.EMOTIONAL_WARMTH,
        Dimension.STIMULATION,
        Dimension.GUIDANCE_AND_BOUNDARIES,
        Dimension.STABILITY,
    ),
    Domain.FAMILY_AND_ENVIRONMENT: (
        Dimension.FAMILY_HISTORY_AND_FUNCTIONING,
        Dimension.WIDER_FAMILY,
        Dimension.HOUSING,
        Dimension.EMPLOYMENT,
        Dimension.INCOME,
        Dimension.FAMILY_SOCIAL_INTEGRATION,
        Dimension.COMMUNITY_RESOURCES,
    ),
}
"""The dimensions of each domain, in the Assessment Framework's order."""

_DOMAIN_OF = {dim: dom for dom, dims in DIMENSIONS.items() for dim in dims}


class SupportingFamiliesOutcome(StrEnum):
    """The ten headline outcomes of the Supporting Families Outcome Framework (2022-25)."""

    GETTING_A_GOOD_EDUCATION = "getting-a-good-education"
    GOOD_EARLY_YEARS_DEVELOPMENT = "good-early-years-development"
    IMPROVED_MENTAL_AND_PHYSICAL_HEALTH = "improved-mental-and-physical-health"
    BETTER_MANAGED_SUBSTANCE_USE = "better-managed-substance-use"
    IMPROVED_FAMILY_RELATIONSHIPS = "improved-family-relationships"
    CHILDREN_SAFE_FROM_ABUSE_AND_EXPLOITATION = "children-safe-from-abuse-and-exploitation"
    FAMILIES_DIVERTED_FROM_CRIME = "families-diverted-from-crime"
    SAFE_FROM_DOMESTIC_ABUSE = "safe-from-domestic-abuse"
    SECURE_HOUSING = "secure-housing"
    FINANCIAL_STABILITY = "financial-stability"


class TroubledFamiliesProblem(StrEnum):
    """The six headline problems of the Troubled Families programme's second phase (2015-20)."""

    CRIME_OR_ANTI_SOCIAL_BEHAVIOUR = "crime-or-anti-social-behaviour"
    NOT_ATTENDING_SCHOOL_REGULARLY = "not-attending-school-regularly"
    CHILDREN_WHO_NEED_HELP = "children-who-need-help"
    OUT_OF_WORK_OR_FINANCIAL_EXCLUSION = "out-of-work-or-financial-exclusion"
    DOMESTIC_VIOLENCE_AND_ABUSE = "domestic-violence-and-abuse"
    HEALTH_PROBLEMS = "health-problems"


class SupportingFamiliesFramework(StrEnum):
    """A national framework whose headlines a family's needs are counted against.

    Each value is also the id of the vocabulary source that describes it. Which
    headline each factor bears on is the vocabulary's reading, framework by framework
    (:meth:`Factor.headlines`).
    """

    TROUBLED_FAMILIES_PHASE_2 = "troubled-families-phase-2"
    SUPPORTING_FAMILIES_2022 = "supporting-families-2022"

    @property
    def full_name(self) -> str:
        """The framework's name, with its years."""
        return _FRAMEWORK_TITLES[self]

    @property
    def headline_kind(self) -> str:
        """What the framework calls its headlines: ``headline problems`` or ``outcomes``."""
        return _FRAMEWORK_KINDS[self]

    @property
    def headlines(self) -> tuple[str, ...]:
        """The ids of the framework's headlines, in the framework's order."""
        return _HEADLINE_IDS[self]


_FRAMEWORK_TITLES = {
    SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2: "Troubled Families phase 2 (2015-20)",
    SupportingFamiliesFramework.SUPPORTING_FAMILIES_2022: (
        "Supporting Families Outcome Framework 2022-25"
    ),
}
_FRAMEWORK_KINDS = {
    SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2: "headline problems",
    SupportingFamiliesFramework.SUPPORTING_FAMILIES_2022: "headline outcomes",
}
_FRAMEWORK_HEADLINES: dict[SupportingFamiliesFramework, type[StrEnum]] = {
    SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2: TroubledFamiliesProblem,
    SupportingFamiliesFramework.SUPPORTING_FAMILIES_2022: SupportingFamiliesOutcome,
}
_HEADLINE_IDS: dict[SupportingFamiliesFramework, tuple[str, ...]] = {
    framework: tuple(h.value for h in headlines)
    for framework, headlines in _FRAMEWORK_HEADLINES.items()
}


CinCode = Literal[
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C",
    "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F",
    "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C",
    "19B", "19C", "20", "21", "22A", "23A", "24A",
]  # fmt: skip
"""DfE Children in Need census assessment factor codes (AssessmentFactors, 2022-23 onwards)."""

CIN_CODES: tuple[str, ...] = typing.get_args(CinCode)
"""Every valid CIN census assessment factor code, in census order."""

CIN_NO_FACTORS = "21"
"""The census code for an assessment with no factors; it is never a factor's own code."""

Basis = Literal["stated", "reading"]
"""``stated``: the source says it; ``reading``: our reading of the source."""


class Source(Model):
    """A document the vocabulary cites."""

    id: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: Text
    where: Text
    note: Text | None = None


class FactorSource(Model):
    """Where a factor comes from: a source id, the section, and how directly it says so."""

    ref: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    section: Text
    basis: Basis


class Factor(Model):
    """One needs factor of the national vocabulary.

    Attributes:
        id: stable kebab-case id, e.g. ``persistent-absence``.
        title: short title.
        description: what a practitioner should recognise.
        domain: Assessment Framework domain.
        dimension: Assessment Framework dimension (belongs to ``domain``).
        cin_codes: DfE Children in Need census factor codes this factor reports as.
        supporting_families: Supporting Families headline outcomes (2022-25) it bears on.
        troubled_families: Troubled Families phase 2 headline problems (2015-20) it
            bears on.
        significant_harm: a section 47 matter: every authority must map it to its
            section-47 level (the safety floor).
        sources: where the factor comes from.
        note: uncertainty, unverified facts, where sources are silent.
    """

    id: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: Text
    description: Text
    domain: Domain
    dimension: Dimension
    cin_codes: tuple[CinCode, ...] = ()
    supporting_families: tuple[SupportingFamiliesOutcome, ...] = ()
    troubled_families: tuple[TroubledFamiliesProblem, ...] = ()
    significant_harm: Flag = False
    sources: tuple[FactorSource, ...] = Field(min_length=1)
    note: Text | None = None

    def headlines(self, framework: SupportingFamiliesFramework) -> tuple[str, ...]:
        """The ids of the headlines of ``framework`` this factor bears on (a reading).

        Raises:
            ValueError: ``framework`` is not a framework's id.
        """
        if framework is not SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2:
            framework = SupportingFamiliesFramework(framework)  # an id given as text
        links: tuple[StrEnum, ...] = (
            self.troubled_families
            if framework is SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2
            else self.supporting_families
        )
        return tuple(link.value for link in links)

    @model_validator(mode="after")
    def _dimension_in_domain(self) -> Factor:
        problems: list[tuple[Path, str, str, object]] = []
        if self.dimension.domain is not self.domain:
            problems.append(
                (
                    ("dimension",),
                    "dimension_domain",
                    f"dimension {self.dimension.value!r} belongs to domain "
                    f"{self.dimension.domain.value!r}, not {self.domain.value!r}",
                    self.dimension.value,
                )
            )
        if CIN_NO_FACTORS in self.cin_codes:
            problems.append(
                (
                    ("cin_codes",),
                    "cin_code",
                    "code 21 means 'no factors identified' and cannot be a factor's code",
                    CIN_NO_FACTORS,
                )
            )
        raise_problems("Factor", problems)
        return self


CensusSubject = Literal["child", "parent", "household", "none"]
"""Whom a census code's need is about: the child, a parent or carer, another person in the
household, or nobody (21, no factors)."""


class CensusCode(Model):
    """One Children in Need census assessment factor code: its meaning and whom it is
    about. The factor that claims it is :func:`earlyhelp_core.vocabulary.census_factor`."""

    code: CinCode
    about: CensusSubject
    meaning: Text


class CensusCodes(Model):
    """The census code set, with the source of its meanings."""

    source: FactorSource
    codes: tuple[CensusCode, ...]


class VocabularyFile(Model):
    """The vocabulary data file: its version, the sources it cites, the census code set
    and the factors."""

    version: Text
    sources: tuple[Source, ...]
    census_codes: CensusCodes
    factors: tuple[Factor, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> VocabularyFile:
        source_ids = {s.id for s in self.sources}
        problems: list[tuple[Path, str, str, object]] = []
        seen: set[str] = set()
        for i, factor in enumerate(self.factors):
            if factor.id in seen:
                problems.append(
                    (
                        ("factors", i, "id"),
                        "duplicate_id",
                        f"duplicate factor id {factor.id!r}",
                        factor.id,
                    )
                )
            seen.add(factor.id)
            for j, src in enumerate(factor.sources):
                if src.ref not in source_ids:
                    problems.append(
                        (
                            ("factors", i, "sources", j, "ref"),
                            "unknown_source",
                            f"unknown source {src.ref!r}; add it under `sources`",
                            src.ref,
                        )
                    )
        problems.extend(self._census_problems())
        raise_problems("VocabularyFile", problems)
        return self

    def _census_problems(self) -> list[tuple[Path, str, str, object]]:
        """Every census code listed once, in census order; each code but 21 claimed by
        exactly one factor, 21 by none."""
        problems: list[tuple[Path, str, str, object]] = []
        listed = tuple(c.code for c in self.census_codes.codes)
        if listed != CIN_CODES:
            problems.append(
                (
                    ("census_codes", "codes"),
                    "census_codes",
                    f"the census codes must be listed once each, in census order: {CIN_CODES}",
                    None,
                )
            )
        claims: dict[str, list[str]] = {code: [] for code in CIN_CODES}
        for factor in self.factors:
            for claimed in factor.cin_codes:
                claims[claimed].append(factor.id)
        for code, claimed_by in claims.items():
            wanted = 0 if code == CIN_NO_FACTORS else 1
            if len(claimed_by) != wanted:
                problems.append(
                    (
                        ("census_codes",),
                        "census_claims",
                        f"census code {code!r} is claimed by {claimed_by or 'no factor'}; "
                        f"it must be claimed by {'no factor' if wanted == 0 else 'one factor'}",
                        code,
                    )
                )
        return problems
