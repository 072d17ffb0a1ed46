"""Munro's levels of prevention and the social-care response of each level of need.

Every level of every authority states both, which is what makes authorities comparable.
Both enums are ordered: ``Response.SECTION_17 < Response.SECTION_47``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = ["PreventionLevel", "Response"]


class _Ordered(StrEnum):
    """A string enum ordered by declaration, not alphabetically."""

    @property
    def order(self) -> int:
        """Position in declaration order, from 0."""
        return list(type(self)).index(self)

    def _check(self, other: Any) -> int:
        if type(other) is not type(self):
            raise TypeError(f"cannot compare {type(self).__name__} with {type(other).__name__}")
        return int(other.order)

    def __lt__(self, other: Any) -> bool:
        return self.order < self._check(other)

    def __le__(self, other: Any) -> bool:
        return self.order <= self._check(other)

    def __gt__(self, other: Any) -> bool:
        return self.order > self._check(other)

    def __ge__(self, other: Any) -> bool:
        return self.order >= self._check(other)


class PreventionLevel(_Ordered):
    """Munro's levels of prevention (Munro Review 2011, as Bedford's strategy applies them).

    - primary: reduce the effects of socio-economic disadvantage;
    - secondary: act quickly on low-level problems before they get worse;
    - tertiary: support and therapy to counter the effects of long-term suffering.
    """

    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"


class Response(_Ordered):
    """The response a level of need calls for, lowest first.

    - universal: needs met by universal and community services;
    - single-agency: additional needs met by one agency ("universal plus");
    - multi-agency: early help assessment, team around the family, a lead professional;
    - section-17: child in need, referral to children's social care (Children Act 1989 s17);
    - section-47: reasonable cause to suspect significant harm; immediate referral to
      children's social care and/or the police (s47).
    """

    UNIVERSAL = "universal"
    SINGLE_AGENCY = "single-agency"
    MULTI_AGENCY = "multi-agency"
    SECTION_17 = "section-17"
    SECTION_47 = "section-47"

    @property
    def next_step(self) -> str:
        """What a practitioner does next when a level calls for this response, in one
        sentence (the same text for every authority: what each response means, above)."""
        return _NEXT_STEP[self]


_NEXT_STEP = {
    Response.UNIVERSAL: "Universal and community services meet these needs; no referral is needed.",
    Response.SINGLE_AGENCY: "The agency that identified the needs plans support from its own "
    "resources (single-agency response).",
    Response.MULTI_AGENCY: "With the family's consent, complete an early help assessment, name a "
    "lead professional and bring together a team around the family.",
    Response.SECTION_17: "Refer to children's social care: a child in need "
    "(Children Act 1989 s17).",
    Response.SECTION_47: "Refer to children's social care and/or the police immediately: "
    "reasonable cause to suspect significant harm (Children Act 1989 s47).",
}
