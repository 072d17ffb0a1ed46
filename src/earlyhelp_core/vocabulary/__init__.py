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
    "VocabularyError",
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


@functools.cache
def catalogue() -> VocabularyFile:
    """The whole vocabulary file: version, sources and factors."""
    # importlib.resources (and the tempfile, shutil and random it imports) is needed only
    # here, on first use: importing it at the top cost every `import earlyhelp_core`
    from importlib import resources  # noqa: PLC0415

    ref = resources.files(__name__) / DATA_FILE
    source = f"earlyhelp_core/vocabulary/{DATA_FILE}"
    loaded = read_text(ref.read_text(encoding="utf-8"), source=source, error=VocabularyError)
    try:
        return VocabularyFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise VocabularyError(
            problems_from_validation(exc, VocabularyFile, source=source, where=loaded.where)
        ) from None


@functools.cache
def _by_id() -> dict[str, Factor]:
    return {f.id: f for f in catalogue().factors}


def version() -> str:
    """The vocabulary's version (``"2026.11"``): decisions and fingerprints carry it."""
    return catalogue().version


def factors() -> tuple[Factor, ...]:
    """Every factor, in catalogue order."""
    return catalogue().factors


@functools.cache
def ids() -> frozenset[str]:
    """The ids of every factor."""
    return frozenset(_by_id())


def get(factor_id: str) -> Factor:
    """The factor with this id.

    Raises:
        UnknownIdError: no factor has this id; the message suggests the nearest.
    """
    if not isinstance(factor_id, str):
        raise TypeError(f"factor_id must be a str, got {type(factor_id).__name__}")
    try:
        return _by_id()[factor_id]
    except KeyError:
        raise UnknownIdError(
            f"unknown factor id {factor_id!r}{did_you_mean(factor_id, _by_id())}"
        ) from None


def significant_harm() -> tuple[Factor, ...]:
    """The factors that are section 47 matters, which every authority must map to section 47."""
    return tuple(f for f in factors() if f.significant_harm)


def census_codes() -> tuple[CensusCode, ...]:
    """The Children in Need census assessment factor codes, in census order, each with its
    meaning and whom it is about (the source: ``catalogue().census_codes.source``)."""
    return catalogue().census_codes.codes


@functools.cache
def _census_by_code() -> dict[str, tuple[CensusCode, str | None]]:
    claims = {code: f.id for f in factors() for code in f.cin_codes}
    return {c.code: (c, claims.get(c.code)) for c in census_codes()}


def census_code(code: str) -> CensusCode:
    """The census code ``code`` (``"1B"``): its meaning and whom it is about.

    Raises:
        UnknownIdError: not a census assessment factor code; the message suggests the
            nearest.
    """
    found = _census_by_code().get(code) if isinstance(code, str) else None
    if found is None:
        raise UnknownIdError(f"unknown census code {code!r}{did_you_mean(str(code), CIN_CODES)}")
    return found[0]


def census_factor(code: str) -> str | None:
    """The id of the factor that claims census code ``code``; None for 21 (no factors).

    Raises:
        UnknownIdError: not a census assessment factor code.
    """
    census_code(code)
    return _census_by_code()[code][1]
