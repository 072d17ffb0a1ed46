"""Step-ups to and step-downs from children's social care, counted over a cohort of plans."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest

import earlyhelp_core as eh
from earlyhelp_core.cli import main
from earlyhelp_core.cohorts import StepSummary

from .assessment.conftest import document, example_data


def plan(*steps: tuple[str, str, str, str], authority: str = "bromley", pid: str = "P") -> eh.Plan:
    """A plan with steps ``(on, direction, from, to)``."""
    rows = [{"on": on, "direction": d, "from": a, "to": b, "reason": "r"} for on, d, a, b in steps]
    doc = document("plan", {"id": pid, "authority": authority, "steps": rows})
    assert isinstance(doc, eh.Plan)
    return doc


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


def test_steps_to_and_from_social_care_are_counted_and_others_apart(bromley) -> None:
    summary = StepSummary(bromley)
    summary.add(plan(("2024-04-01", "step-up", "tier-2", "tier-3")))
    summary.add(
        plan(
            ("2024-05-01", "step-down", "tier-4", "tier-2"),
            ("2024-06-01", "step-down", "tier-3", "tier-1"),
            ("2024-07-01", "step-up", "tier-1", "tier-2"),  # within early help
            ("2024-08-01", "step-down", "tier-4", "tier-3"),  # within social care
            ("2024-09-01", "step-up", "tier-2", "tier-9"),  # no such level
            pid="P2",
        )
    )
    assert (summary.plans, summary.up, summary.down) == (2, 1, 2)
    assert (summary.other_steps, summary.unknown_levels) == (2, 1)
    assert summary.ratio == 0.5  # fewer stepped up than stepped down
    assert summary.moves[("tier-2", "tier-3")] == 1
    data = summary.to_dict()
    assert data["stepped_up_to_social_care"] == 1
    assert data["ratio"] == 0.5
    assert summary.lines()[0].startswith("steps in 2 plans under bromley: 1 up to children's")


def test_a_period_counts_only_the_steps_in_it(bromley) -> None:
    steps = [
        ("2024-01-10", "step-up", "tier-2", "tier-3"),
        ("2024-03-10", "step-down", "tier-3", "tier-2"),
    ]
    summary = StepSummary(bromley, since=date(2024, 2, 1), until=date(2024, 3, 31))
    summary.add(plan(*steps))
    assert (summary.up, summary.down, summary.ratio) == (0, 1, 0.0)
    with pytest.raises(ValueError, match="until 2024-01-01 is before since 2024-02-01"):
        StepSummary(bromley, since=date(2024, 2, 1), until=date(2024, 1, 1))


def test_plans_of_another_authority_are_listed_not_counted(bromley) -> None:
    summary = StepSummary(bromley)
    summary.add(
        plan(
            ("2024-04-01", "step-up", "universal-plus", "child-in-need"),
            authority="bedford",
            pid="B1",
        )
    )
    assert (summary.plans, summary.up, summary.other_authority) == (0, 0, ["B1"])
    assert "1 plans of other authorities not counted: B1" in "\n".join(summary.lines())
    assert summary.ratio is None
    with pytest.raises(TypeError, match="plan must be a Plan, got Assessment"):
        summary.add(document("early-help-assessment"))  # type: ignore[arg-type]


def test_a_step_with_no_date_is_a_located_problem() -> None:
    data: dict[str, Any] = {
        "steps": [{"direction": "step-up", "from": "tier-2", "to": "tier-3", "reason": "r"}]
    }
    with pytest.raises(eh.DocumentError) as exc:
        document("plan", data)
    assert [(p.path, p.message) for p in exc.value.problems] == [
        (("steps", 0), "missing required key 'on'")
    ]


def test_the_cohort_summary_of_validate_counts_steps(capsys, monkeypatch) -> None:
    lines = [
        plan(("2024-04-01", "step-up", "tier-2", "tier-3"), pid="P1").model_dump_json(
            by_alias=True
        ),
        plan(("2024-05-01", "step-down", "tier-3", "tier-2"), pid="P2").model_dump_json(
            by_alias=True
        ),
        plan(
            ("2024-05-01", "step-down", "child-in-need", "targeted-early-help"),
            authority="bedford",
            pid="B1",
        ).model_dump_json(by_alias=True),
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    main(["validate", "-", "--authority", "bromley", "--input-format", "jsonl"])
    out = capsys.readouterr().out
    assert (
        "steps in 2 plans under bromley: 1 up to children's social care, 1 down from it (up per down: 1.00)"
        in out
    )
    assert "1 plans of other authorities not counted: B1" in out
    for line in lines:
        json.loads(line)  # each record is one JSON line


def test_distance_travelled_follows_each_outcome_review_by_review() -> None:
    from .conftest import EXAMPLES

    example = eh.load_document(EXAMPLES / "plan-team-around-the-family.yaml")
    assert isinstance(example, eh.Plan)
    first, last = (
        sorted(example.reviews, key=lambda r: r.held_on)[0],
        max(example.reviews, key=lambda r: r.held_on),
    )
    travel = example.distance_travelled()
    for outcome, moved in travel.items():
        assert moved.first == first.scores[outcome]
        assert moved.last == last.scores[outcome]
        assert moved.change == sum(moved.steps) == moved.last - moved.first
    # reviews out of order, an outcome scored once, an outcome never scored
    reviews = [
        {"held_on": "2024-06-01", "scores": {"a": 7, "b": 2}, "progress": "positive-change"},
        {"held_on": "2024-04-01", "scores": {"a": 3}, "progress": "no-change"},
        {"held_on": "2024-05-01", "scores": {"a": 5}, "progress": "positive-change"},
    ]
    outcomes = [{"id": o, "description": "d"} for o in ("a", "b", "c")]
    data = {**example_data("plan"), "outcomes": outcomes, "reviews": reviews, "actions": []}
    doc = eh.parse_document(data)
    assert isinstance(doc, eh.Plan)
    (only,) = doc.distance_travelled().items()
    assert only[0] == "a"
    assert (only[1].first, only[1].last, only[1].steps, only[1].change) == (3, 7, (2, 2), 4)
    assert only[1].first_on == date(2024, 4, 1)
