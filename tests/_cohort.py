"""Synthetic cohorts for the engine tests: the same records as long columns and as documents."""

from __future__ import annotations

import random
from typing import Any

import earlyhelp_core as eh
from earlyhelp_core.thresholds import AuthorityConfig, compile_config


def synthetic_cohort(
    authority: eh.Authority, n: int, seed: int = 17
) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """``n`` records of 0-6 of the matrix's factors, a cell named now and then where the
    matrix has cells (sometimes one it does not have), and a factor repeated now and then:
    as long columns (``record``, ``factor``, ``cell``) and as assessment documents."""
    rng = random.Random(seed)
    factors = sorted(authority.placements)
    with_cells = sorted(authority.cells)
    cell_levels = [lv.id for lv in authority.levels]
    columns: dict[str, list[Any]] = {"record": [], "factor": [], "cell": []}
    docs: list[dict[str, Any]] = []
    for i in range(n):
        record = f"R{i:07}"
        chosen = rng.sample(factors, rng.randint(0, 6))
        if with_cells and rng.random() < 0.3:
            chosen.append(rng.choice(with_cells))  # a factor twice counts once
        observed = []
        for factor in chosen:
            cell = None
            if factor in authority.cells and rng.random() < 0.7:
                cell = rng.choice(cell_levels)  # a level the factor may have no cell at
            observed.append((factor, cell))
        for factor, cell in observed or [(None, None)]:
            columns["record"].append(record)
            columns["factor"].append(factor)
            columns["cell"].append(cell)
        docs.append(
            {
                "kind": "early-help-assessment",
                "id": record,
                "assessed_on": "2024-03-01",
                "assessor": {"name": "n", "agency": "a", "role": "r"},
                "consent": {"given": True, "given_on": "2024-02-28", "by": "p1"},
                "family": {
                    "id": f"F{i:07}",
                    "members": [
                        {"id": "c1", "role": "child", "date_of_birth": "2015-01-01"},
                        {"id": "p1", "role": "parent"},
                    ],
                },
                "factors": [
                    {"factor": f, "about": ["c1"], **({"cell": c} if c else {})}
                    for f, c in observed
                ],
            }
        )
    return columns, docs


def classify_many_levels(authority: eh.Authority, docs: list[dict[str, Any]]) -> dict[str, str]:
    """Every record's computed level, as :func:`earlyhelp_core.classify_many` decides it."""
    levels = {}
    for result in eh.classify_many(authority, docs):
        assert result.decision is not None, result.problems
        levels[str(result.id)] = result.decision.computed_level.id
    return levels


def with_escalation(authority: eh.Authority) -> eh.Authority:
    """The authority with an escalation rule: three needs at its second level or above,
    across two domains, raise the level to its third."""
    data = authority.config.model_dump(mode="json")
    levels = [lv["id"] for lv in data["levels"]]
    data["escalation"] = [
        {
            "id": "three-needs-together",
            "when": {"at_least": 3, "at_level": levels[1], "across_domains": 2},
            "then": levels[2],
            "source": data["levels"][2]["source"],
        }
    ]
    return compile_config(AuthorityConfig.model_validate(data))
