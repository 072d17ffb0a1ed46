"""The team-around-the-family plan: lead professional, team, outcomes, actions, reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Any, Literal

from pydantic import Field, StrictInt, ValidationInfo, model_validator

from .._errors import Path
from ._base import (
    AuthorityId,
    Day,
    FactorId,
    Id,
    Measure,
    Model,
    Text,
    factors_not_in,
    personal,
    raise_problems,
)
from .family import Family, Professional

__all__ = [
    "Action",
    "ActionStatus",
    "Outcome",
    "Plan",
    "Progress",
    "Review",
    "Step",
    "StepDirection",
    "Travel",
]


class ActionStatus(StrEnum):
    """Where an action stands."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Progress(StrEnum):
    """Progress recorded at a review: positive change, no change, or worse."""

    POSITIVE_CHANGE = "positive-change"
    NO_CHANGE = "no-change"
    WORSE = "worse"


class StepDirection(StrEnum):
    """Step-up to statutory care, or step-down from it to early help."""

    STEP_UP = "step-up"
    STEP_DOWN = "step-down"


class Outcome(Model):
    """What the family wants to change, linked to the factors it addresses; measurable."""

    id: Id
    description: Text = personal()
    addresses: tuple[FactorId, ...] = ()
    measure: Text | None = None
    baseline: Measure | None = None
    target: Measure | None = None
    by: Day | None = None


class Action(Model):
    """Who does what, by when."""

    description: Text = personal()
    owner: Text
    due: Day
    status: ActionStatus = ActionStatus.NOT_STARTED


class Review(Model):
    """A Team Around the Family review: scores per outcome, progress, next review."""

    held_on: Day
    scores: dict[Id, StrictInt] = Field(default_factory=dict)
    progress: Progress
    next_review_on: Day | None = None
    notes: Text | None = personal(default=None)


class Step(Model):
    """A step-up or step-down between levels of need (YAML keys ``from`` and ``to``).

    A step-up to child protection may record the strategy discussion that started section
    47 enquiries and the initial child protection conference that followed it.
    """

    on: Day
    direction: StepDirection
    from_level: Id = Field(alias="from")
    to_level: Id = Field(alias="to")
    reason: Text = personal()
    strategy_discussion_on: Day | None = None
    """The day of the strategy discussion that started section 47 enquiries (the first,
    if there were several); a step-up only."""
    conference_on: Day | None = None
    """The day of the initial child protection conference; a step-up only."""


class Plan(Model):
    """A team-around-the-family plan."""

    kind: Literal["plan"]
    id: Id
    authority: AuthorityId | None = None
    assessment: Id | None = None
    started_on: Day
    family: Family
    lead_professional: Professional | None = None
    team: tuple[Professional, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    actions: tuple[Action, ...] = ()
    reviews: tuple[Review, ...] = ()
    steps: tuple[Step, ...] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Plan:
        problems: list[tuple[Path, str, str, Any]] = factors_not_in(
            info,
            (
                (("outcomes", i, "addresses", j), f)
                for i, o in enumerate(self.outcomes)
                for j, f in enumerate(o.addresses)
            ),
        )
        outcome_ids: set[str] = set()
        for i, outcome in enumerate(self.outcomes):
            if outcome.id in outcome_ids:
                problems.append(
                    (
                        ("outcomes", i, "id"),
                        "duplicate_id",
                        f"outcome id {outcome.id!r} is used twice",
                        outcome.id,
                    )
                )
            outcome_ids.add(outcome.id)
        listed = ", ".join(o.id for o in self.outcomes) or "none"
        for i, review in enumerate(self.reviews):
            problems.extend(
                (
                    ("reviews", i, "scores", key),
                    "unknown_outcome",
                    f"{key!r} is not an outcome of this plan (outcomes: {listed})",
                    key,
                )
                for key in review.scores
                if key not in outcome_ids
            )
            if review.next_review_on is not None and review.next_review_on <= review.held_on:
                problems.append(
                    (
                        ("reviews", i, "next_review_on"),
                        "date_order",
                        "the next review must come after the review it follows (`held_on`)",
                        None,
                    )
                )
        for i, step in enumerate(self.steps):
            if step.from_level == step.to_level:
                problems.append(
                    (
                        ("steps", i, "to"),
                        "same_level",
                        f"a {step.direction} must change the level; both are {step.to_level!r}",
                        step.to_level,
                    )
                )
            problems.extend(_step_dates(i, step))
        raise_problems("Plan", problems)
        return self

    def distance_travelled(self) -> dict[str, Travel]:
        """Each outcome scored at two or more reviews: how its score moved, review by review
        (reviews in date order; the scale is the authority's, ``review_score_min`` to
        ``review_score_max``). Outcomes scored once or never are left out."""
        scored: dict[str, list[tuple[Day, int]]] = {}
        for review in sorted(self.reviews, key=lambda r: r.held_on):
            for outcome, score in review.scores.items():
                scored.setdefault(outcome, []).append((review.held_on, score))
        return {
            outcome: Travel(
                first_on=points[0][0],
                first=points[0][1],
                last_on=points[-1][0],
                last=points[-1][1],
                steps=tuple(b[1] - a[1] for a, b in pairwise(points)),
            )
            for outcome, points in scored.items()
            if len(points) > 1
        }


def _step_dates(i: int, step: Step) -> list[tuple[Path, str, str, Any]]:
    """The strategy discussion and conference days belong to a step-up, in that order."""
    problems: list[tuple[Path, str, str, Any]] = []
    for key in ("strategy_discussion_on", "conference_on"):
        if getattr(step, key) is not None and step.direction is not StepDirection.STEP_UP:
            problems.append(
                (
                    ("steps", i, key),
                    "step_up_only",
                    f"`{key}` belongs to a step-up to child protection; this step is a "
                    f"{step.direction}",
                    None,
                )
            )
    held, conference = step.strategy_discussion_on, step.conference_on
    if held is not None and conference is not None and conference < held:
        problems.append(
            (
                ("steps", i, "conference_on"),
                "date_order",
                "the initial child protection conference is before the strategy discussion "
                "(`strategy_discussion_on`) that starts the enquiries it follows",
                None,
            )
        )
    return problems


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Travel:
    """How one outcome's review score moved: from the first scored review to the last, and
    the change between each review and the next."""

    first_on: date
    first: int
    last_on: date
    last: int
    steps: tuple[int, ...]

    @property
    def change(self) -> int:
        """The distance travelled: the last score minus the first (positive is progress on a
        scale where higher is better)."""
        return self.last - self.first
