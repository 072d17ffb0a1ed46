"""Children in Need census factor codes (``AssessmentFactors``) to and from the vocabulary.

Each code but 21 is claimed by exactly one vocabulary factor (``Factor.cin_codes``). The
codes 1 to 6 split by whom the need is about: ``A`` the child, ``B`` a parent or carer,
``C`` another person in the household. For every other code the need is the child's: the
letters of 18 and 19 say who harmed the child (``B`` another child, ``C`` an adult), and
those of 8 which kind of private fostering. 21 means no factors identified, and must be the
only code of its assessment.
"""

from __future__ import annotations

from typing import Literal

from .. import vocabulary
from ..vocabulary import CIN_CODES

__all__ = ["Subject", "factor_of", "subject_of"]

Subject = Literal["child", "parent", "household"]
"""Whom a census code's need is about."""


def factor_of(code: str) -> str | None:
    """The vocabulary factor that claims ``code``; None for 21 (no factors).

    Raises:
        KeyError: ``code`` is not a census factor code.
    """
    if code not in CIN_CODES:
        raise KeyError(code)
    return vocabulary.census_factor(code)


def subject_of(code: str) -> Subject:
    """Whom the need of ``code`` is about: the A/B/C split for codes 1 to 6, else the
    child (21, no factors, is about the child's assessment as a whole)."""
    about = vocabulary.census_code(code).about
    return "child" if about == "none" else about
