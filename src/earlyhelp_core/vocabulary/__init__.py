"""The national catalogue of needs factors, shared by every authority.

```python
import earlyhelp_core as eh

eh.vocabulary.factors()                     # every factor, in catalogue order
f = eh.vocabulary.get("persistent-absence")
f.domain, f.dimension, f.cin_codes, f.supporting_families, f.significant_harm
f.troubled_families                         # Troubled Families phase 2 problems
f.headlines(eh.vocabulary.SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2)
eh.vocabulary.census_code("18C").meaning    # the census code set, with whom each is about
eh.vocabulary.census_factor("18C")          # 'physical-abuse'
```

The data lives in ``factors.yaml`` inside the package; it is read once, on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs
from pydantic import ValidationError

from .._errors import LoadError, UnknownIdError
from .._located import did_you_mean, problems_from_validation
from .._reader import read_text
from ._model import (
    CIN_CODES,
    CIN_NO_FACTORS,
    DIMENSIONS,
    Basis,
    CensusCode,
    CensusCodes,
    CensusSubject,
    CinCode,
    Dimension,
    Domain,
    Factor,
    FactorSource,
    Source,
    SupportingFamiliesFramework,
    SupportingFamiliesOutcome,
    TroubledFamiliesProblem,
    VocabularyFile,
)

__all__ = [
    "CIN_CODES",
    "CIN_NO_FACTORS",
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
    "Vocabulary",
    "VocabularyError",
    "VocabularyFile",
    "bundled",
    "catalogue",
    "census_code",
    "census_codes",
    "census_factor",
    "factors",
    "get",
    "ids",
    "significant_harm",
    "version",
]

DATA_FILE = "factors.yaml"


class VocabularyError(LoadError):
    """The vocabulary data file is not valid (a packaging fault, never a user's)."""


def _read(text: str, source: str) -> VocabularyFile:
    loaded = read_text(text, source=source, error=VocabularyError)
    try:
        return VocabularyFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise VocabularyError(
            problems_from_validation(exc, VocabularyFile, source=source, where=loaded.where)
        ) from None


@attrs.frozen(eq=False)
class Vocabulary:
    """A needs vocabulary: its version, factors and census codes, with lookups.

    The package's own is :func:`bundled` (the module functions, ``eh.vocabulary.get`` and
    the rest, read it). A matrix is compiled against one, and every decision carries its
    version (``Decision.vocabulary``); its fingerprint covers it.
    """

    file: VocabularyFile = attrs.field(repr=False)
    _by_id: dict[str, Factor] = attrs.field(init=False, repr=False)
    _census: dict[str, tuple[CensusCode, str | None]] = attrs.field(init=False, repr=False)
    _ids: frozenset[str] = attrs.field(init=False, repr=False)
    _headlines: dict[SupportingFamiliesFramework, Mapping[str, tuple[str, ...]]] = attrs.field(
        init=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        by_id = {f.id: f for f in self.file.factors}
        object.__setattr__(self, "_ids", frozenset(by_id))
        claims = {code: f.id for f in self.file.factors for code in f.cin_codes}
        census = {c.code: (c, claims.get(c.code)) for c in self.file.census_codes.codes}
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_census", census)

    @classmethod
    def from_text(cls, text: str, *, source: str = "<vocabulary>") -> Vocabulary:
        """A vocabulary from the text of a vocabulary file (YAML or JSON).

        Raises:
            VocabularyError: every problem in it, located.
        """
        return cls(_read(text, source))

    @property
    def version(self) -> str:
        """The vocabulary's version (``"2026.11"``)."""
        return self.file.version

    def factors(self) -> tuple[Factor, ...]:
        """Every factor, in catalogue order."""
        return self.file.factors

    def ids(self) -> frozenset[str]:
        """The ids of every factor."""
        return self._ids

    def get(self, factor_id: str) -> Factor:
        """The factor with this id.

        Raises:
            UnknownIdError: no factor has this id; the message suggests the nearest.
        """
        if not isinstance(factor_id, str):
            raise TypeError(f"factor_id must be a str, got {type(factor_id).__name__}")
        try:
            return self._by_id[factor_id]
        except KeyError:
            raise UnknownIdError(
                f"unknown factor id {factor_id!r}{did_you_mean(factor_id, self._by_id)}"
            ) from None

    def headlines(self, framework: SupportingFamiliesFramework) -> Mapping[str, tuple[str, ...]]:
        """Factor id -> the headlines of ``framework`` the factor bears on (a reading), for
        every factor; worked out once for each framework."""
        table = self._headlines.get(framework)
        if table is None:
            framework = SupportingFamiliesFramework(framework)
            table = MappingProxyType({f.id: f.headlines(framework) for f in self.file.factors})
            self._headlines[framework] = table
        return table

    def significant_harm(self) -> tuple[Factor, ...]:
        """The factors that are section 47 matters."""
        return tuple(f for f in self.file.factors if f.significant_harm)

    def census_codes(self) -> tuple[CensusCode, ...]:
        """The Children in Need census assessment factor codes, in census order."""
        return self.file.census_codes.codes

    def census_code(self, code: str) -> CensusCode:
        """The census code ``code`` (``"1B"``): its meaning and whom it is about.

        Raises:
            UnknownIdError: not a census assessment factor code; the message suggests the
                nearest.
        """
        found = self._census.get(code) if isinstance(code, str) else None
        if found is None:
            hint = did_you_mean(str(code), CIN_CODES)
            raise UnknownIdError(f"unknown census code {code!r}{hint}")
        return found[0]

    def census_factor(self, code: str) -> str | None:
        """The id of the factor that claims census code ``code``; None for 21 (no factors).

        Raises:
            UnknownIdError: not a census assessment factor code.
        """
        self.census_code(code)
        return self._census[code][1]

    def __repr__(self) -> str:
        return f"Vocabulary({self.version}: {len(self.file.factors)} factors)"


@functools.cache
def bundled() -> Vocabulary:
    """The package's own vocabulary (``factors.yaml``), read once, on first use."""
    # importlib.resources (and the tempfile, shutil and random it imports) is needed only
    # here, on first use: importing it at the top cost every `import earlyhelp_core`
    from importlib import resources  # noqa: PLC0415

    ref = resources.files(__name__) / DATA_FILE
    return Vocabulary.from_text(
        ref.read_text(encoding="utf-8"), source=f"earlyhelp_core/vocabulary/{DATA_FILE}"
    )


def catalogue() -> VocabularyFile:
    """The whole vocabulary file: version, sources and factors."""
    return bundled().file


def version() -> str:
    """The vocabulary's version (``"2026.11"``): decisions and fingerprints carry it."""
    return bundled().version


def factors() -> tuple[Factor, ...]:
    """Every factor, in catalogue order."""
    return bundled().factors()


@functools.cache
def ids() -> frozenset[str]:
    """The ids of every factor."""
    return bundled().ids()


def get(factor_id: str) -> Factor:
    """The factor with this id.

    Raises:
        UnknownIdError: no factor has this id; the message suggests the nearest.
    """
    return bundled().get(factor_id)


def significant_harm() -> tuple[Factor, ...]:
    """The factors that are section 47 matters, which every authority must map to section 47."""
    return bundled().significant_harm()


def census_codes() -> tuple[CensusCode, ...]:
    """The Children in Need census assessment factor codes, in census order, each with its
    meaning and whom it is about (the source: ``catalogue().census_codes.source``)."""
    return bundled().census_codes()


def census_code(code: str) -> CensusCode:
    """The census code ``code`` (``"1B"``): its meaning and whom it is about.

    Raises:
        UnknownIdError: not a census assessment factor code; the message suggests the
            nearest.
    """
    return bundled().census_code(code)


def census_factor(code: str) -> str | None:
    """The id of the factor that claims census code ``code``; None for 21 (no factors).

    Raises:
        UnknownIdError: not a census assessment factor code.
    """
    return bundled().census_factor(code)
