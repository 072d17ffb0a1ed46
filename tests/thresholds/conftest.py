from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

import earlyhelp_core as eh

SRC = {"ref": "test-source", "section": "s1", "basis": "stated"}


def make_config() -> dict[str, Any]:
    """A small, valid config: four levels, every vocabulary factor mapped (one with indicator
    cells), one escalation rule, one consideration."""

    def level(i: int, prevention: str, response: str) -> dict[str, Any]:
        return {
            "id": f"level-{i}",
            "title": f"Level {i}",
            "rank": i,
            "description": f"level {i}",
            "prevention": prevention,
            "response": response,
            "source": SRC,
        }

    factors = {}
    for f in eh.vocabulary.factors():
        if f.significant_harm:
            factors[f.id] = {"level": "level-4", "source": SRC}
        elif f.id.startswith(("risk-of", "low-level")):
            factors[f.id] = {"level": "level-2", "source": SRC}
        else:
            factors[f.id] = {"level": "level-3", "source": SRC}
    factors["persistent-absence"] = {"level": "level-2", "source": SRC}
    factors["housing-need"] = {"level": "level-2", "source": SRC}
    factors["parental-conflict"] = {"level": "level-2", "source": SRC}
    # a need described at two levels (indicator cells), the higher one the default
    factors["early-development-delay"] = {
        "level": "level-3",
        "source": SRC,
        "cells": [
            {"level": "level-2", "text": "some milestones not met", "source": SRC},
            {"level": "level-3", "text": "milestones need targeted help", "source": SRC},
        ],
    }
    param = {"value": 18, "source": SRC}
    return {
        "id": "testshire",
        "name": "Testshire",
        "version": "1",
        "effective_from": "2024-01-01",
        "sources": [{"id": "test-source", "title": "Test", "where": "nowhere"}],
        "levels": [
            level(1, "primary", "universal"),
            level(2, "secondary", "single-agency"),
            level(3, "tertiary", "section-17"),
            level(4, "tertiary", "section-47"),
        ],
        "factors": factors,
        "escalation": [
            {
                "id": "three-across-two",
                "when": {"at_least": 3, "at_level": "level-2", "across_domains": 2},
                "then": "level-3",
                "source": SRC,
            }
        ],
        "considerations": [
            {
                "id": "many-needs",
                "when": {"at_least": 4, "at_level": "level-2", "across_domains": 2},
                "below": "level-4",
                "consider": "whether these needs add up to level 4",
                "source": SRC,
            }
        ],
        "parameters": {
            "child_age_max": param,
            "send_age_max": {"value": 25, "source": SRC},
            "review_interval_weeks": {"value": 12, "source": SRC},
            "referral_decision_working_days": {"value": 1, "source": SRC},
            "referral_feedback_hours": {"value": 24, "source": SRC},
            "assessment_working_days": {"value": 45, "source": SRC},
            "conference_working_days": {"value": 15, "source": SRC},
            "closure_days": {
                "value": [
                    {"on": "2024-12-24", "why": "Christmas Eve"},
                    {"on": "2024-12-31", "why": "New Year's Eve"},
                ],
                "source": SRC,
            },
            "no_further_action_allowed": {"value": False, "source": SRC},
            "consent_required": {"value": True, "source": SRC},
            "share_consent_required": {"value": True, "source": SRC},
            "voice_max_age_days": {"value": 90, "source": SRC},
            "review_score_min": {"value": 1, "source": SRC},
            "review_score_max": {"value": 10, "source": SRC},
            "supporting_families_framework": {"value": "supporting-families-2022", "source": SRC},
            "supporting_families_min_headlines": {"value": 3, "source": SRC},
            "graduated_pathway": {"value": True, "source": SRC},
            "referral_routes": {
                "value": [
                    {"id": "mash", "title": "MASH", "first_point": True},
                    {"id": "front-door", "title": "Front door"},
                    {"id": "self", "title": "Self-referral", "referrers": "self"},
                ],
                "source": SRC,
            },
        },
    }


@pytest.fixture
def config() -> dict[str, Any]:
    return copy.deepcopy(make_config())


def assessment(
    *factors: str | tuple[str, str], recorded: dict[str, Any] | None = None
) -> eh.Assessment:
    """A minimal assessment of one child recording ``factors`` (a ``(factor, cell)`` pair
    names the indicator cell that fits) and a recorded level."""
    return eh.Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": "A",
            "assessed_on": date(2024, 3, 1),
            "assessor": {"name": "n", "agency": "a", "role": "r"},
            "consent": {"given": True},
            "family": {
                "id": "F",
                "members": [{"id": "c1", "role": "child", "date_of_birth": date(2015, 1, 1)}],
            },
            "factors": [
                {"factor": f} if isinstance(f, str) else {"factor": f[0], "cell": f[1]}
                for f in factors
            ],
            "recorded_level": recorded,
        }
    )
