"""Calendar edges: parameters are bounded where they are read, and no rule's date
arithmetic overflows, at the first and last days the calendar has."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.thresholds.config import Parameters

from .assessment.conftest import document
from .thresholds.conftest import SRC, make_config

MAXIMA = {
    "child_age_max": 25,
    "send_age_max": 25,
    "review_interval_weeks": 104,
    "referral_decision_working_days": 60,
    "referral_feedback_hours": 720,
    "assessment_working_days": 260,
    "conference_working_days": 260,
    "voice_max_age_days": 3650,
    "review_score_min": 100,
    "review_score_max": 100,
    "supporting_families_min_headlines": 10,
}


def _config(**values: int) -> dict[str, Any]:
    config = make_config()
    for name, value in values.items():
        config["parameters"][name] = {"value": value, "source": SRC}
    return config


def test_the_bounds_are_the_documented_ones() -> None:
    from earlyhelp_core.thresholds._config import PARAMETER_MAXIMA

    assert PARAMETER_MAXIMA == MAXIMA
    assert set(MAXIMA) <= set(Parameters.model_fields)


@pytest.mark.parametrize("name", sorted(MAXIMA))
def test_a_parameter_past_its_bound_is_a_located_config_error(tmp_path, name: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(_config(**{name: 1_000_000_000}), sort_keys=False))
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(path)
    (problem,) = [p for p in caught.value.problems if p.path == ("parameters", name, "value")]
    assert f"is more than {MAXIMA[name]}" in problem.message
    assert problem.line is not None


def test_every_parameter_at_its_bound_loads(tmp_path) -> None:
    values = dict(MAXIMA)
    values["supporting_families_min_headlines"] = 3  # at most the framework's headlines
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(_config(**values), sort_keys=False))
    assert eh.load_authority(path).config.parameters.review_interval_weeks.value == 104


@pytest.fixture(scope="module")
def widest() -> eh.Authority:
    """Testshire with the longest intervals the bounds allow."""
    config = _config(review_interval_weeks=104, voice_max_age_days=3650)
    config["effective_from"] = "0001-01-01"
    return eh.thresholds.compile_config(eh.AuthorityConfig.model_validate(config))


def _no_internal_errors(report: eh.Report) -> None:
    assert not [f for f in report.findings if f.message.startswith("internal error")]


def test_voice_at_the_first_days_of_the_calendar(widest) -> None:
    doc = document(
        "early-help-assessment",
        {
            "assessed_on": "0001-01-02",
            "consent": {"given_on": "0001-01-01"},
            "family": {
                "members": [{"date_of_birth": "0001-01-01"}, {"date_of_birth": "0001-01-01"}]
            },
            "factors": [{"noted_on": "0001-01-01"}, {"noted_on": "0001-01-01"}],
            "voice": [{"recorded_on": "0001-01-01"}, {"recorded_on": "0001-01-02"}],
        },
    )
    report = eh.validate(widest, doc)
    _no_internal_errors(report)
    assert "EH021" not in report.codes  # a day old is within 3650 days


def test_reviews_across_the_whole_calendar(widest) -> None:
    plan = document(
        "plan",
        {
            "started_on": "0001-01-01",
            "reviews": [
                {"held_on": "9999-12-30", "next_review_on": "9999-12-31"},
                {"held_on": "9999-12-31", "next_review_on": None},
            ],
        },
    )
    report = eh.validate(widest, plan)
    _no_internal_errors(report)
    (late,) = [f for f in report.findings if f.code == "EH054"]
    assert late.path == ("reviews", 0, "held_on")
    assert "104-week review interval" in late.message
