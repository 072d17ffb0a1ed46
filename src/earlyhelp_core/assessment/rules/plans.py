"""Team-around-the-family plan rules (EH050-EH069).

A plan has a named lead professional, outcomes that are measurable and linked to the
needs the assessment found, reviews held at the authority's interval and scored on its
scale, and step-ups and step-downs between the authority's own levels of need. The rules
never read the clock: "overdue" is judged between dates the plan itself records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..._located import did_you_mean
from ...models import Plan, Review, StepDirection
from ...thresholds import explain
from .._core import ASSESSMENT, Context, Hit, Severity, hit, rule

LEAD_PROFESSIONAL = (
    "sources/003_ad7a1e81f3700b97.txt (City of London Early Help Strategy, §5 Our "
    "objectives, Objective 4, l. 232: every family referred 'will have a named lead "
    "professional'); sources/002_5690c2041d93ffbe.txt §1.1, l. 46 (Bedford, quoting Working "
    "Together 2013: 'a trusted lead professional'); Working Together to Safeguard Children "
    "2018 and 2023, the lead practitioner (as a council's guidance quotes them, see "
    "sources/README.md)"
)
COVERS_NEEDS = (
    "Working Together to Safeguard Children 2023, the lead practitioner: the assessment and "
    "the family plan respond to all needs identified (as a council's guidance quotes it); "
    "Supporting Families programme guidance 2022 to 2025: an action plan covering every "
    "need (as a council's page reports the claim terms, not read in the guidance itself) "
    "(see sources/README.md)"
)
SMART = (
    "SMART plans delivered through a team around the family (local practice: Sefton "
    "Council, effective reviewing of the plan, see sources/README.md)"
)
ORDER = (
    "consent, then assessment, then plan, then review, then closure (local practice: "
    "Norfolk County Council, early help assessments and plans, see sources/README.md)"
)
REVIEW_INTERVAL = (
    "the authority's review interval (parameter review_interval_weeks); team around the "
    "family and early help plan reviews every 6-12 weeks or at least every 6-8 weeks in "
    "local practice (Worcestershire, Trafford, see sources/README.md)"
)
IMPACT_SCORES = (
    "sources/003_ad7a1e81f3700b97.txt (City of London Early Help Strategy, §6 Our key "
    "indicators of impact and success, 2. Evaluating our impact, l. 270: Team Around the "
    "Family review plans and impact scores); the authority's scale (parameters "
    "review_score_min, review_score_max); Outcomes Star tools score 1-10 (Triangle, see "
    "sources/README.md)"
)
STEPS = (
    "sources/001_a91837fca6d6ef15.txt (Bromley Early Help Strategy, Understanding levels of "
    "need, l. 807-809: 'stepping down' from statutory social work, 'step up' into statutory "
    "children's social care); sources/003_ad7a1e81f3700b97.txt (City of London, §5 "
    "Objective 3, l. 222-224); sources/002_5690c2041d93ffbe.txt §8.8, l. 277 (Bedford: "
    "'step up/down' between levels of need)"
)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _latest(reviews: tuple[Review, ...]) -> tuple[int, Review] | None:
    """The most recent review (by ``held_on``; the later entry on a tie), with its index."""
    if not reviews:
        return None
    return max(enumerate(reviews), key=lambda pair: (pair[1].held_on, pair[0]))


@rule(
    code="EH050",
    title="plan-no-lead-professional",
    severity=Severity.ERROR,
    summary="A plan names the family's lead professional",
    kinds=["plan"],
    citation=LEAD_PROFESSIONAL,
)
def plan_no_lead_professional(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A plan with no `lead_professional`.

    Why it matters: every family in early help has one named lead professional (lead
    practitioner) who coordinates the team around the family, makes sure the plan covers
    every need and is the family's point of contact. Without one, nobody is accountable
    for the plan happening.

    Example that fails::

        lead_professional: null
    """
    if doc.lead_professional is None:
        yield hit(
            ("lead_professional",),
            "the plan names no lead professional (`lead_professional`)",
            "agree with the family who the lead professional is and record their name, "
            "agency and role",
        )


@rule(
    code="EH051",
    title="outcome-addresses-no-factor",
    severity=Severity.ERROR,
    summary="Every outcome addresses at least one needs factor",
    kinds=["plan"],
    citation=COVERS_NEEDS,
)
def outcome_addresses_no_factor(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """An outcome whose `addresses` list is empty.

    Why it matters: a plan's outcomes are there to meet the needs the assessment found.
    An outcome linked to no needs factor cannot be traced back to the assessment, and
    nobody can tell which need it is meant to change.

    Example that fails::

        outcomes:
          - id: attendance
            description: attends school every day
            addresses: []
    """
    for i, outcome in enumerate(doc.outcomes):
        if not outcome.addresses:
            yield hit(
                ("outcomes", i, "addresses"),
                f"outcome {outcome.id!r} addresses no needs factor (`addresses` is empty)",
                "list the needs factor(s) from the assessment that this outcome is meant to change",
                outcome.id,
            )


@rule(
    code="EH052",
    title="outcome-factor-not-in-assessment",
    severity=Severity.ERROR,
    summary="Outcomes address only factors the plan's assessment recorded",
    kinds=["plan"],
    citation=COVERS_NEEDS,
    requires=[ASSESSMENT],
)
def outcome_factor_not_in_assessment(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """An outcome that addresses a needs factor the assessment did not record.

    Checked only when the assessment the plan follows is given
    (``eh.validate(authority, plan, assessment=a)``).

    Why it matters: the plan follows the assessment. A factor in the plan that is not in
    the assessment is either a typing slip or a need that was never assessed; either way
    the assessment, the level of need and the plan no longer agree.

    Example that fails::

        outcomes:
          - id: attendance
            description: attends school every day
            addresses: [neglect]
    """
    assessment = ctx.assessment
    if assessment is None:
        return
    recorded = assessment.factor_ids
    listed = ", ".join(sorted(recorded)) or "none"
    for i, outcome in enumerate(doc.outcomes):
        for j, factor in enumerate(outcome.addresses):
            if factor not in recorded:
                yield hit(
                    ("outcomes", i, "addresses", j),
                    f"outcome {outcome.id!r} addresses {factor!r}, which assessment "
                    f"{assessment.id!r} did not record{did_you_mean(factor, recorded)}",
                    f"address a factor the assessment recorded ({listed}), "
                    "or update the assessment first",
                    factor,
                )


@rule(
    code="EH053",
    title="outcome-not-measurable",
    severity=Severity.WARNING,
    summary="Every outcome has a measure, a baseline, a target and a date",
    kinds=["plan"],
    citation=SMART,
)
def outcome_not_measurable(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """An outcome missing any of `measure`, `baseline`, `target` or `by`.

    Why it matters: early help plans are SMART. Without a measure, a starting point, a
    target and a date, the team around the family cannot tell at a review whether
    anything has changed, or when the outcome is achieved.

    Example that fails::

        outcomes:
          - id: attendance
            description: attends school every day
            addresses: [persistent-absence]
            baseline: null
            by: null
    """
    for i, outcome in enumerate(doc.outcomes):
        missing = [
            key
            for key, value in (
                ("measure", outcome.measure),
                ("baseline", outcome.baseline),
                ("target", outcome.target),
                ("by", outcome.by),
            )
            if _missing(value)
        ]
        if missing:
            keys = ", ".join(f"`{key}`" for key in missing)
            yield hit(
                ("outcomes", i),
                f"outcome {outcome.id!r} is not measurable: it has no {keys}",
                "say how progress is measured, where it starts, what it should reach and by when",
                outcome.id,
            )


@rule(
    code="EH054",
    title="review-overdue",
    severity=Severity.WARNING,
    summary="Reviews are held within the authority's review interval",
    kinds=["plan"],
    reads=["review_interval_weeks"],
    citation=REVIEW_INTERVAL,
    requires=["review_interval_weeks"],
)
def review_overdue(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A first review held more than the authority's review interval after the plan
    started, or a review held more than the interval after the one before it.

    Reviews are taken in date order. A plan with no review yet is not judged: the rules do
    not read today's date. Not checked when the authority sets no interval.

    Why it matters: the team around the family reviews the plan regularly, with the family,
    to see whether things are changing and to change the plan (or step up) when they are
    not. A long gap means the family may have gone without help that was not working.

    Example that fails::

        reviews:
          - {held_on: 2024-04-19, progress: positive-change}
          - {held_on: 2024-09-06, progress: no-change, next_review_on: null}
    """
    weeks = ctx.params.review_interval_weeks.value
    if weeks is None:
        return
    limit = weeks * 7  # in days: a date difference never overflows, a timedelta of it may
    since: date = doc.started_on
    after = "the plan started (`started_on`)"
    for i, review in sorted(enumerate(doc.reviews), key=lambda pair: (pair[1].held_on, pair[0])):
        gap = review.held_on - since
        if gap.days > limit:
            yield hit(
                ("reviews", i, "held_on"),
                f"reviews[{i}] was held {_days(gap.days)} after {after}, more than the "
                f"{weeks}-week review interval",
                f"review the plan at least every {weeks} weeks; if the date is wrong, correct it",
                gap.days,
            )
        if review.held_on >= since:
            since, after = review.held_on, f"reviews[{i}]"


@rule(
    code="EH055",
    title="review-score-out-of-range",
    severity=Severity.ERROR,
    summary="Review scores are on the authority's scale",
    kinds=["plan"],
    reads=["review_score_min", "review_score_max"],
    citation=IMPACT_SCORES,
    requires=["review_score_min", "review_score_max"],
)
def review_score_out_of_range(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A review score below the authority's lowest score or above its highest.

    Not checked when the authority sets no scale.

    Why it matters: impact scores are compared from review to review, and across
    families, to show whether the help is working. A score off the scale is a slip that
    makes that comparison meaningless.

    Example that fails::

        reviews:
          - held_on: 2024-04-19
            scores: {attendance: 11, calmer-home: 4, housing: 3}
            progress: positive-change
    """
    low = ctx.params.review_score_min.value
    high = ctx.params.review_score_max.value
    if low is None or high is None:
        return
    for i, review in enumerate(doc.reviews):
        for outcome_id, score in review.scores.items():
            if not low <= score <= high:
                yield hit(
                    ("reviews", i, "scores", outcome_id),
                    f"reviews[{i}] scores outcome {outcome_id!r} {score}, outside the "
                    f"authority's scale of {low} to {high}",
                    f"use a score from {low} to {high}",
                    score,
                )


@rule(
    code="EH056",
    title="step-level-unknown",
    severity=Severity.ERROR,
    summary="Step-ups and step-downs name the authority's levels of need",
    kinds=["plan"],
    citation=STEPS,
)
def step_level_unknown(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A step whose `from` or `to` level is not one of the authority's levels of need.

    Why it matters: a step-up or step-down moves a family between the authority's levels
    of need. A level the authority does not have (often a typing slip, or another
    authority's level) means nobody can tell which service the family moved to.

    Example that fails::

        steps:
          - on: 2024-06-01
            direction: step-up
            from: level-2
            to: level-5
            reason: concerns increased
    """
    levels = [level.id for level in ctx.authority.levels]
    known = set(levels)
    for i, step in enumerate(doc.steps):
        for key, level_id in (("from", step.from_level), ("to", step.to_level)):
            if level_id not in known:
                yield hit(
                    ("steps", i, key),
                    f"steps[{i}] `{key}` level {level_id!r} is not a level of "
                    f"{ctx.authority.id}{did_you_mean(level_id, levels)}",
                    f"use one of the authority's levels: {', '.join(levels)}",
                    level_id,
                )


@rule(
    code="EH057",
    title="step-direction-inconsistent",
    severity=Severity.ERROR,
    summary="A step-up goes to a higher level, a step-down to a lower one",
    kinds=["plan"],
    citation=STEPS,
)
def step_direction_inconsistent(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A step-up whose `to` level ranks at or below its `from` level, or a step-down whose
    `to` level ranks at or above it.

    Checked only when both levels are levels of the authority (see EH056).

    Why it matters: stepping up moves a family towards statutory children's social care,
    stepping down moves it back into early help. A direction that disagrees with the
    levels means one of them is wrong, and the family's route cannot be followed.

    Example that fails::

        steps:
          - on: 2024-06-01
            direction: step-up
            from: level-3
            to: level-2
            reason: things improved
    """
    known = {level.id for level in ctx.authority.levels}
    for i, step in enumerate(doc.steps):
        if step.from_level not in known or step.to_level not in known:
            continue
        before = ctx.authority.level(step.from_level).rank
        after = ctx.authority.level(step.to_level).rank
        if step.direction is StepDirection.STEP_UP and after <= before:
            wrong = "a step-up goes to a higher level"
        elif step.direction is StepDirection.STEP_DOWN and after >= before:
            wrong = "a step-down goes to a lower level"
        else:
            continue
        yield hit(
            ("steps", i, "direction"),
            f"steps[{i}] is a {step.direction.value} from {step.from_level!r} (rank {before}) "
            f"to {step.to_level!r} (rank {after}), but {wrong}",
            "correct the direction, or the `from` and `to` levels",
            step.direction.value,
        )


@rule(
    code="EH058",
    title="review-before-plan",
    severity=Severity.ERROR,
    summary="Reviews are held on or after the day the plan starts",
    kinds=["plan"],
    citation=ORDER,
)
def review_before_plan(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A review whose `held_on` date is before the plan's `started_on` date.

    Why it matters: a review looks back at a plan that is already running; a review
    before the plan started means one of the dates is wrong, and the review interval
    cannot be judged.

    Example that fails::

        reviews:
          - {held_on: 2024-03-01, progress: no-change}
    """
    for i, review in enumerate(doc.reviews):
        if review.held_on < doc.started_on:
            days = (doc.started_on - review.held_on).days
            yield hit(
                ("reviews", i, "held_on"),
                f"reviews[{i}] is dated {_days(days)} before the plan started (`started_on`)",
                "check both dates: a plan is reviewed after it starts",
            )


@rule(
    code="EH059",
    title="next-review-beyond-interval",
    severity=Severity.WARNING,
    summary="The next review is booked within the authority's review interval",
    kinds=["plan"],
    reads=["review_interval_weeks"],
    citation=REVIEW_INTERVAL,
    requires=["review_interval_weeks"],
)
def next_review_beyond_interval(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """The latest review books the next one (`next_review_on`) more than the authority's
    review interval later.

    Earlier reviews are judged by the date the next review was actually held (EH054).
    Not checked when the authority sets no interval.

    Why it matters: the date agreed at a review is the one the team and the family work
    to. Booking it beyond the interval builds the delay into the plan.

    Example that fails::

        reviews:
          - {held_on: 2024-04-19, progress: positive-change}
          - {held_on: 2024-05-31, progress: positive-change, next_review_on: 2024-10-04}
    """
    weeks = ctx.params.review_interval_weeks.value
    latest = _latest(doc.reviews)
    if weeks is None or latest is None:
        return
    i, review = latest
    if review.next_review_on is None:
        return
    gap = review.next_review_on - review.held_on
    if gap.days > weeks * 7:
        yield hit(
            ("reviews", i, "next_review_on"),
            f"reviews[{i}] books the next review {_days(gap.days)} later, more than the "
            f"{weeks}-week review interval",
            f"book the next review within {weeks} weeks of this one",
            gap.days,
        )


@rule(
    code="EH060",
    title="plan-no-outcomes",
    severity=Severity.ERROR,
    summary="A plan has at least one outcome",
    kinds=["plan"],
    citation=f"{COVERS_NEEDS}; {SMART}",
)
def plan_no_outcomes(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A plan with no outcomes.

    Why it matters: the plan says what the family wants to change, linked to the needs
    the assessment found, and how everyone will know it has. Without outcomes there is
    nothing to review, and no need is covered.

    Example that fails::

        outcomes: []
        reviews: []
    """
    if not doc.outcomes:
        yield hit(
            ("outcomes",),
            "the plan has no outcomes",
            "agree outcomes with the family, each linked to the needs factors it addresses",
        )


@rule(
    code="EH061",
    title="assessment-factor-not-addressed",
    severity=Severity.WARNING,
    summary="Every needs factor the assessment recorded is addressed by an outcome",
    kinds=["plan"],
    citation=COVERS_NEEDS,
    requires=[ASSESSMENT],
)
def assessment_factor_not_addressed(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A needs factor the assessment recorded that no outcome of the plan addresses.

    Checked only when the assessment the plan follows is given, and the plan has outcomes
    (a plan with none is EH060).

    Why it matters: the lead practitioner makes sure the family plan covers every need
    the assessment found. A need with no outcome is a need nobody is working on.

    Example that fails::

        outcomes:
          - {id: attendance, description: attends school every day, addresses: [persistent-absence]}
          - {id: calmer-home, description: calmer at home, addresses: [parental-conflict]}
          - {id: housing, description: a home without damp, addresses: [persistent-absence]}
    """
    assessment = ctx.assessment
    if assessment is None or not doc.outcomes:
        return
    addressed = {factor for outcome in doc.outcomes for factor in outcome.addresses}
    seen: set[str] = set()
    for observation in assessment.factors:
        factor = observation.factor
        if factor in addressed or factor in seen:
            continue
        seen.add(factor)
        yield hit(
            ("outcomes",),
            f"no outcome addresses {factor!r}, a needs factor assessment {assessment.id!r} "
            "recorded",
            "add an outcome for it, or add it to the `addresses` of an outcome that covers it",
            factor,
        )


@rule(
    code="EH062",
    title="plan-before-assessment",
    severity=Severity.ERROR,
    summary="A plan starts on or after the assessment it follows",
    kinds=["plan"],
    citation=ORDER,
    requires=[ASSESSMENT],
)
def plan_before_assessment(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A plan whose `started_on` is before the date of the assessment it follows.

    Checked only when the assessment the plan follows is given.

    Why it matters: the plan is built from the assessment's findings; a plan that starts
    before the assessment was done was not built from it, or one of the dates is wrong.

    Example that fails::

        started_on: 2024-02-26
    """
    assessment = ctx.assessment
    if assessment is None or doc.started_on >= assessment.assessed_on:
        return
    days = (assessment.assessed_on - doc.started_on).days
    yield hit(
        ("started_on",),
        f"the plan started {_days(days)} before assessment {assessment.id!r} (`assessed_on`)",
        "check both dates, and that this is the assessment the plan follows",
    )


@rule(
    code="EH063",
    title="outcome-due-before-plan",
    severity=Severity.ERROR,
    summary="Outcomes are due after the plan starts",
    kinds=["plan"],
    citation=f"{SMART}; {ORDER}",
)
def outcome_due_before_plan(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """An outcome whose date (`by`) is before the plan's `started_on` date.

    Why it matters: an outcome is something the plan sets out to achieve; a date before
    the plan started cannot be worked towards, so the date (or the plan's start) is wrong.

    Example that fails::

        outcomes:
          - id: attendance
            description: attends school every day
            addresses: [persistent-absence]
            by: 2024-03-01
    """
    for i, outcome in enumerate(doc.outcomes):
        if outcome.by is not None and outcome.by < doc.started_on:
            days = (doc.started_on - outcome.by).days
            yield hit(
                ("outcomes", i, "by"),
                f"outcome {outcome.id!r} is due {_days(days)} before the plan started "
                "(`started_on`)",
                "set `by` to a date after the plan starts",
                outcome.id,
            )


@rule(
    code="EH064",
    title="review-outcome-not-scored",
    severity=Severity.WARNING,
    summary="The latest review scores every outcome, where the authority uses scores",
    kinds=["plan"],
    reads=["review_score_min", "review_score_max"],
    citation=IMPACT_SCORES,
    requires=["review_score_min", "review_score_max"],
)
def review_outcome_not_scored(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """The latest review gives no score for one or more of the plan's outcomes.

    Only the latest review is checked (outcomes may have been added since earlier ones).
    Not checked when the authority sets no scale.

    Why it matters: impact scores show, review by review, whether each outcome is getting
    closer; an outcome left unscored drops out of that picture.

    Example that fails::

        reviews:
          - {held_on: 2024-04-19, progress: positive-change}
          - {held_on: 2024-05-31, progress: positive-change}
          - {held_on: 2024-07-12, scores: {attendance: 8}, progress: positive-change}
    """
    if ctx.params.review_score_min.value is None or ctx.params.review_score_max.value is None:
        return
    latest = _latest(doc.reviews)
    if latest is None:
        return
    i, review = latest
    unscored = [outcome.id for outcome in doc.outcomes if outcome.id not in review.scores]
    if unscored:
        listed = ", ".join(repr(outcome_id) for outcome_id in unscored)
        yield hit(
            ("reviews", i, "scores"),
            f"reviews[{i}], the latest review, gives no score for outcome(s) {listed}",
            "score every outcome at each review, on the authority's scale",
        )


@rule(
    code="EH065",
    title="plan-checked-against-another-assessment",
    severity=Severity.ERROR,
    summary="A plan is checked against the assessment it names",
    kinds=["plan"],
    citation=(
        "Consent, assessment, plan, review, closure: a plan follows its assessment "
        "(local practice: Norfolk County Council, see sources/README.md)"
    ),
    requires=[ASSESSMENT],
)
def plan_checked_against_another_assessment(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A plan validated together with an assessment whose id is not the one the plan names
    in `assessment`.

    Why it matters: the checks that outcomes address the assessment's needs (EH052,
    EH061) compare the plan with that assessment; against the wrong one they mislead.

    Example that fails::

        assessment: EHA-2024-9999
    """
    if ctx.assessment is not None and doc.assessment != ctx.assessment.id:
        named = repr(doc.assessment) if doc.assessment else "no assessment"
        yield hit(
            ("assessment",),
            f"the plan names {named} but was checked against {ctx.assessment.id!r}",
            "pass the assessment the plan follows, or correct the plan's `assessment`",
            input=doc.assessment,
        )


STEP_DOWN_NEEDS = (
    f"{STEPS}; the needs whose resolution would bring the family to the lower level are "
    "the authority's own matrix read backwards (eh.explain), and the plan's outcomes are "
    f"how it works on needs ({COVERS_NEEDS})"
)


@rule(
    code="EH067",
    title="step-down-needs-not-addressed",
    severity=Severity.WARNING,
    summary="A step-down's plan works on the needs that must resolve for it",
    kinds=["plan"],
    citation=STEP_DOWN_NEEDS,
    requires=[ASSESSMENT],
)
def step_down_needs_not_addressed(doc: Plan, ctx: Context) -> Iterator[Hit]:
    """A step-down to a level below the one the assessment reaches, where the plan's
    outcomes address none of the smallest sets of needs whose resolution would bring the
    family there (as :func:`earlyhelp_core.explain` finds them). Significant-harm needs are
    left out of the comparison: enquiries resolve them, not a plan.

    Checked only when the assessment the plan follows is given and the step's `to` level
    is one of the authority's (see EH056).

    Why it matters: a family steps down because the needs that held it at the higher level
    have resolved. A step-down whose plan never worked on those needs may be a step-down
    on paper only, and the family may lose help it still needs.

    Example that fails::

        outcomes: [{}, {}, {addresses: [persistent-absence]}]
        steps:
          - on: 2024-06-01
            direction: step-down
            from: level-3
            to: level-1
            reason: things improved
    """
    assessment = ctx.assessment
    if assessment is None:
        return
    downs = [
        (i, step)
        for i, step in enumerate(doc.steps)
        if step.direction is StepDirection.STEP_DOWN
        and step.to_level in {level.id for level in ctx.authority.levels}
    ]
    if not downs:
        return
    explanation = explain(ctx.authority, assessment).explanation
    if explanation is None:
        return
    addressed = {factor for outcome in doc.outcomes for factor in outcome.addresses}
    by_target = {step.target.id: step for step in explanation.down}
    for i, step in downs:
        found = by_target.get(step.to_level)
        if found is None:  # at or above the assessment's level: nothing must resolve
            continue
        sets = [
            [n.factor for n in option.needs if not n.significant_harm] for option in found.options
        ]
        if not sets or any(all(f in addressed for f in needs) for needs in sets):
            continue
        first = sets[0]
        missing = [f for f in first if f not in addressed]
        others = f" (or one of {len(sets) - 1} other sets as small)" if len(sets) > 1 else ""
        yield hit(
            ("steps", i, "to"),
            f"the step-down to {step.to_level!r} needs {', '.join(first)} resolved{others}, "
            f"by assessment {assessment.id!r}; no outcome addresses {', '.join(missing)}",
            "add outcomes for the needs that must resolve, or check the step's `to` level",
            step.to_level,
        )
