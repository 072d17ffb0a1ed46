"""Dated versions of one authority's config: which one was in force on a day.

An authority revises its thresholds; a family assessed in 2024 is decided under the
version in force in 2024, not the one published since. Each version says when it comes in
(``effective_from``) and, optionally, when it ends (``effective_to``, inclusive); a
version with no end lasts until the next one begins.

Where versions live: for a bundled authority, ``configs/<id>.yaml`` and any files in a
folder ``configs/<id>/``; for an installed one, the file its entry point names, or every
config in the folder it names; for the operator, a config file or a folder of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING

import attrs

from .._errors import EarlyHelpError, Problem
from ..models import Assessment, Document, Plan, Referral

if TYPE_CHECKING:
    from ._matrix import Authority, Decision

__all__ = ["AuthorityVersions", "NotInForceError", "document_day", "version_problems"]


class NotInForceError(EarlyHelpError, LookupError):
    """No version of an authority's config was in force on the day asked about."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def document_day(doc: Document) -> date:
    """The day a document is judged on: an assessment's ``assessed_on``, a plan's
    ``started_on``, the day a referral was received (in its own timezone)."""
    if isinstance(doc, Assessment):
        return doc.assessed_on
    if isinstance(doc, Plan):
        return doc.started_on
    if isinstance(doc, Referral):
        return doc.received_at.date()
    raise TypeError(f"expected a document, got {type(doc).__name__}")


def _ends(authority: Authority) -> date | None:
    return authority.config.effective_to


def version_problems(versions: Sequence[Authority]) -> list[Problem]:
    """What is wrong with a set of versions taken together: not one authority, a version
    given twice, two versions starting on the same day, one starting before the last has
    ended, a level whose rank changes between versions. Each problem is located in the
    file of the later version."""
    problems: list[Problem] = []
    ordered = sorted(versions, key=lambda a: a.config.effective_from)

    def at(authority: Authority, key: str, message: str, kind: str) -> None:
        source, line, col = authority.where_is((key,))
        problems.append(Problem(message, (key,), source, line, col, kind))

    ids = sorted({a.id for a in ordered})
    if len(ids) > 1:
        at(ordered[-1], "id", f"the versions are of different authorities: {ids}", "versions")
        return problems
    seen: dict[str, Authority] = {}
    for a in ordered:
        if a.version in seen:
            at(a, "version", f"version {a.version!r} is given twice", "versions")
        seen[a.version] = a
    ranks: dict[str, tuple[int, str]] = {}
    for before, after in pairwise(ordered):
        start, previous = after.config.effective_from, before.config.effective_from
        end = _ends(before)
        if start == previous:
            at(
                after,
                "effective_from",
                f"versions {before.version!r} and {after.version!r} both come in on "
                f"{start.isoformat()}",
                "versions",
            )
        elif end is not None and end >= start:
            at(
                after,
                "effective_from",
                f"version {after.version!r} comes in on {start.isoformat()}, before version "
                f"{before.version!r} ends ({end.isoformat()})",
                "versions",
            )
    for a in ordered:
        for level in a.levels:
            known = ranks.get(level.id)
            if known is not None and known[0] != level.rank:
                at(
                    a,
                    "levels",
                    f"level {level.id!r} has rank {known[0]} in version {known[1]!r} and "
                    f"{level.rank} in version {a.version!r}; a level keeps its rank, or gets a "
                    "new id",
                    "versions",
                )
            ranks.setdefault(level.id, (level.rank, a.version))
    return problems


def _by_date(versions: Sequence[Authority]) -> tuple[Authority, ...]:
    return tuple(sorted(versions, key=lambda a: a.config.effective_from))


@attrs.frozen
class AuthorityVersions:
    """The dated versions of one authority's config, earliest first.

    Build it with :func:`earlyhelp_core.load_versions`. ``on(day)`` is the version in force
    that day; ``classify`` decides an assessment under the version in force on its
    ``assessed_on`` (the decision's ``version`` says which), and
    :func:`earlyhelp_core.validate` picks the version for a document the same way.
    """

    versions: tuple[Authority, ...] = attrs.field(converter=_by_date)

    def __attrs_post_init__(self) -> None:
        if not self.versions:
            raise ValueError("an authority has at least one version")

    @property
    def id(self) -> str:
        """The authority's id."""
        return self.versions[0].id

    @property
    def latest(self) -> Authority:
        """The version that comes in last."""
        return self.versions[-1]

    @property
    def current(self) -> Authority:
        """The version in force today (by the machine's date), else the latest: what
        ``load_authority(id)`` gives for an authority whose versions are a folder."""
        return self.in_force(date.today()) or self.latest

    def __iter__(self) -> Iterator[Authority]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    def in_force(self, day: date) -> Authority | None:
        """The version in force on ``day``, or None."""
        found = None
        for authority in self.versions:
            if authority.config.effective_from > day:
                break
            found = authority
        if found is None:
            return None
        end = _ends(found)
        return found if end is None or day <= end else None

    def on(self, day: date) -> Authority:
        """The version in force on ``day``.

        Raises:
            NotInForceError: no version was in force that day; the message says which
                days the versions cover.
        """
        found = self.in_force(day)
        if found is None:
            raise NotInForceError(
                f"no version of {self.id}'s config was in force on {day.isoformat()}; "
                f"{self.coverage()}"
            )
        return found

    def coverage(self) -> str:
        """The days the versions cover, in words."""
        parts = []
        for a in self.versions:
            end = _ends(a)
            span = f"from {a.config.effective_from.isoformat()}"
            if end is not None:
                span += f" to {end.isoformat()}"
            parts.append(f"{a.version} {span}")
        return "versions: " + "; ".join(parts)

    def classify(self, assessment: Assessment) -> Decision:
        """``assessment`` decided under the version in force on its ``assessed_on``.

        Raises:
            NotInForceError: no version was in force that day (never a silent decision
                under another version).
        """
        if not isinstance(assessment, Assessment):
            raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
        return self.on(assessment.assessed_on).classify(assessment)

    def __repr__(self) -> str:
        return f"AuthorityVersions({self.id}: {', '.join(a.version for a in self.versions)})"
