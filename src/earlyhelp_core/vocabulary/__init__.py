"""The national catalogue of needs factors, shared by every authority.

```python
import earlyhelp_core as eh

eh.vocabulary.factors()                     # every factor, in catalogue order
f = eh.vocabulary.get("persistent-absence")
f.domain, f.dimension, f.cin_codes, f.supporting_families, f.significant_harm
f.troubled_families                         # Troubled Families phase 2 problems
f.headlines(eh.vocabulary.SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2)
```

The data lives in ``factors.yaml`` inside the package; it is read once, on first use.
"""

from __future__ import annotations

import functools
from importlib import resources

from pydantic import ValidationError

from .._errors import LoadError, UnknownIdError
from .._located import did_you_mean, problems_from_validation
from .._reader import read_text
from ._model import (
    CIN_CODES,
    CIN_NO_FACTORS,
    DIMENSIONS,
    Basis,
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
