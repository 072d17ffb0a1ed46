"""Families, the people in them, the professionals around them, and observed needs factors."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .._errors import Path
from ..vocabulary import CinCode
from ._base import Day, FactorId, Id, Model, Text, personal, raise_problems, vocabulary_of

__all__ = [
    "FactorObservation",
    "Family",
    "Member",
    "Professional",
    "Role",
    "Send",
    "check_members",
]


class Role(StrEnum):
    """A person's place in the family."""

    CHILD = "child"
    UNBORN = "unborn"
    PARENT = "parent"
    CARER = "carer"
    OTHER_ADULT = "other-adult"


class Send(StrEnum):
    """Special educational needs and disability support (SEND Code of Practice 0-25)."""

    NONE = "none"
    SEN_SUPPORT = "sen-support"
    EHC_PLAN = "ehc-plan"


class Member(Model):
    """One person in the family.

    A child has a ``date_of_birth``; an unborn child has ``expected_on`` instead.
    """

    id: Id
    role: Role
    name: Text | None = personal(default=None)
    date_of_birth: Day | None = personal(default=None)
    expected_on: Day | None = None
    send: Send = Send.NONE

    @model_validator(mode="after")
    def _dates_fit_role(self) -> Member:
        born = self.role is not Role.UNBORN
        if (
            born
            and self.expected_on is None
            and (self.date_of_birth or self.role is not Role.CHILD)
        ):
            return self  # the common case, checked first: a born member with no expected date
        problems: list[tuple[Path, str, str, Any]] = []
        if self.role is Role.UNBORN:
            if self.date_of_birth is not None:
                problems.append(
                    (
                        ("date_of_birth",),
                        "unborn_dob",
                        "an unborn child has `expected_on`, not `date_of_birth`",
                        None,
                    )
                )
            if self.expected_on is None:
                problems.append(
                    (
                        ("expected_on",),
                        "required_for_role",
                        "missing required key 'expected_on' (an unborn child's expected date)",
                        None,
                    )
                )
            if self.send is not Send.NONE:
                problems.append(
                    (("send",), "unborn_send", "an unborn child cannot have SEND support yet", None)
                )
        else:
            if self.expected_on is not None:
                problems.append(
                    (
                        ("expected_on",),
                        "born_expected_on",
                        f"`expected_on` is only for an unborn child; this member is a {self.role}",
                        None,
                    )
                )
            if self.role is Role.CHILD and self.date_of_birth is None:
                problems.append(
                    (
                        ("date_of_birth",),
                        "required_for_role",
                        "missing required key 'date_of_birth' "
                        "(a child's age decides what help fits)",
                        None,
                    )
                )
        raise_problems("Member", problems)
        return self


class Family(Model):
    """A family: an id and its members (children, unborn, parents, carers, other adults)."""

    id: Id
    members: tuple[Member, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_members(self) -> Family:
        if len({m.id for m in self.members}) == len(self.members):
            return self
        seen: set[str] = set()
        problems: list[tuple[Path, str, str, Any]] = []
        for i, member in enumerate(self.members):
            if member.id in seen:
                problems.append(
                    (
                        ("members", i, "id"),
                        "duplicate_id",
                        f"member id {member.id!r} is used twice; give each person their own id",
                        member.id,
                    )
                )
            seen.add(member.id)
        raise_problems("Family", problems)
        return self

    def member(self, member_id: str) -> Member:
        """The member with this id (``KeyError`` if none)."""
        for m in self.members:
            if m.id == member_id:
                return m
        raise KeyError(member_id)

    @property
    def member_ids(self) -> tuple[str, ...]:
        """Member ids, in order."""
        return tuple(m.id for m in self.members)

    @property
    def children(self) -> tuple[Member, ...]:
        """Members who are children (born or unborn)."""
        return tuple(m for m in self.members if m.role in (Role.CHILD, Role.UNBORN))


class Professional(Model):
    """A practitioner: name, agency and role."""

    name: Text = personal()
    agency: Text
    role: Text


class FactorObservation(Model):
    """A needs factor observed in the family.

    ``factor`` is a national vocabulary id (``persistent-absence``) or an authority's
    local factor (``bedford:relay-notification``). ``about`` names the members it
    concerns; empty means the family as a whole. ``cell`` names the indicator cell of the
    authority's threshold document that fits what was seen, by the id of the cell's level
    (``tier-3``), where the authority gives the factor cells at several levels.
    """

    factor: FactorId
    cell: Id | None = None
    about: tuple[Id, ...] = ()
    noted_on: Day | None = None
    evidence: Text | None = personal(default=None)
    census_code: CinCode | None = None
    """The Children in Need census code the need was recorded under, where it came from a
    census return or an extract (``18C``: physical abuse, adult on child); one of the
    factor's own ``cin_codes``."""

    @field_validator("census_code")
    @classmethod
    def _code_is_the_factors(cls, code: str | None, info: ValidationInfo) -> str | None:
        # run only when a code is given (a field left at its default is not validated)
        factor = info.data.get("factor")
        if code is None or factor is None:
            return code  # no code, or the factor itself was refused
        words = vocabulary_of(info)
        known = words.get(factor).cin_codes if factor in words.ids() else ()
        if code not in known:
            claims = ", ".join(known) or "none"
            message = f"census code {code!r} is not one of {factor!r}'s codes ({claims})"
            raise PydanticCustomError("census_code", message)
        return code


def check_members(
    family: Family, refs: list[tuple[Path, str | None]]
) -> list[tuple[Path, str, str, Any]]:
    """Problems for each ``(path, member id)`` that is not a member of ``family``."""
    ids = {m.id for m in family.members}
    if all(ref is None or ref in ids for _, ref in refs):
        return []
    listed = ", ".join(family.member_ids)
    return [
        (
            path,
            "unknown_member",
            f"{ref!r} is not a member of this family (members: {listed})",
            ref,
        )
        for path, ref in refs
        if ref is not None and ref not in ids
    ]
