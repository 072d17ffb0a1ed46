"""What the service sends: the library's results as pydantic models, so that the OpenAPI
document describes exactly what a response holds. Each model is the ``to_dict()`` of a
library type (``extra="forbid"``: a field the library adds and the model lacks fails
the service's tests rather than slipping out undocumented)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..thresholds.config import AuthorityConfig
from ..vocabulary._model import Factor

__all__ = [
    "AuthorityDetail",
    "AuthoritySummary",
    "BatchRecord",
    "DecisionBriefOut",
    "DecisionOut",
    "Failure",
    "Health",
    "ProblemOut",
    "ReportOut",
    "TranslationOut",
    "VocabularyOut",
]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProblemOut(_Wire):
    """One thing wrong with what was sent, located in the body where it can be."""

    source: str = Field(description="`<request>` for the body, or the record's place")
    line: int | None
    col: int | None
    path: list[str | int] = Field(description="where inside the document, outermost first")
    kind: str = Field(description="a stable machine id of the kind of problem")
    message: str


class Failure(_Wire):
    """Why a request was refused: its problems, each located where that is known."""

    status: int
    problems: list[ProblemOut]


class LevelBriefOut(_Wire):
    """A level as a cohort's record refers to it: the authority gives its texts."""

    id: str
    title: str
    rank: int
    prevention: str
    response: str


class LevelOut(LevelBriefOut):
    """A level with its texts."""

    description: str
    family_can_expect: str | None
    next_step: str
    next_step_source: str | None
    assessment_label: str | None
    plan_label: str | None


class ReasonOut(_Wire):
    factors: list[str]
    kind: Literal["mapping", "cell", "default-cell", "escalation", "no-factors"]
    rule_id: str | None
    rule: str
    level: str
    source: str
    cell: str | None


class ConsiderationOut(_Wire):
    id: str
    message: str
    level: str
    factors: list[str]
    source: str


class NeedOut(_Wire):
    factor: str
    level: str
    cell: str | None
    significant_harm: bool


class ChangeOut(_Wire):
    needs: list[NeedOut]
    level: str
    reasons: list[ReasonOut]


class StepDownOut(_Wire):
    target: str
    options: list[ChangeOut]
    complete: bool


class StepUpOut(_Wire):
    level: str
    additions: list[ChangeOut]


class ExplanationOut(_Wire):
    """What would change the computed level."""

    level: str
    down: list[StepDownOut]
    up: StepUpOut | None
    complete: bool


class DecisionOut(_Wire):
    """The level an authority's matrix gives an assessment, with its reasons."""

    id: str | None = Field(default=None, description="the assessment's id, as sent")
    authority: str
    version: str
    fingerprint: str
    vocabulary: str
    level: LevelOut
    computed_level: LevelOut
    recorded_level: LevelOut | None
    recorded_as: str | None
    judgement: Literal["none", "agrees", "raises", "lower", "below-safety-floor", "unknown-level"]
    prevention: str
    response: str
    next_step: str
    next_step_source: str | None
    reasons: list[ReasonOut]
    considerations: list[ConsiderationOut]
    unmapped_factors: list[str]
    explanation: ExplanationOut | None


class DecisionBriefOut(_Wire):
    """A decision without its levels' texts (a batch's records, unless ``?texts=true``)."""

    authority: str
    version: str
    fingerprint: str
    vocabulary: str
    level: LevelBriefOut
    computed_level: LevelBriefOut
    recorded_level: LevelBriefOut | None
    recorded_as: str | None
    judgement: Literal["none", "agrees", "raises", "lower", "below-safety-floor", "unknown-level"]
    prevention: str
    response: str
    reasons: list[ReasonOut]
    considerations: list[ConsiderationOut]
    unmapped_factors: list[str]
    explanation: ExplanationOut | None


class FindingOut(_Wire):
    code: str
    severity: Literal["error", "warning"]
    path: list[str | int]
    line: int | None
    col: int | None
    message: str
    hint: str | None
    input: Any = None
    citation: str | None
    file: str | None
    calendar: str | None
    url: str


class NotCheckedOut(_Wire):
    code: str
    title: str
    reason: str


class ReportOut(_Wire):
    """The findings for one document, in document order."""

    kind: str
    id: str
    authority: str
    version: str
    ok: bool
    errors: int
    warnings: int
    findings: list[FindingOut]
    not_checked: list[NotCheckedOut]


class BatchRecord(_Wire):
    """One line of an ``assess:batch`` answer: the record's decision, or why it could not
    be read."""

    index: int
    id: str | None
    ok: bool
    decision: DecisionBriefOut | DecisionOut | None = Field(
        default=None, description="without the levels' texts unless ``?texts=true``"
    )
    problems: list[ProblemOut] = []


class AuthoritySummary(_Wire):
    id: str
    name: str
    version: str
    effective_from: str
    effective_to: str | None
    fingerprint: str
    vocabulary: str
    levels: list[str] = Field(description="level ids, lowest first")


class AuthorityDetail(_Wire):
    """An authority's matrix: its config (levels, mappings, rules, each with its source)
    and what it compiles to."""

    summary: AuthoritySummary
    placements: dict[str, str] = Field(description="each needs factor and the level it is at")
    config: AuthorityConfig


class TranslatedFrom(LevelOut):
    authority: str


class TranslationOut(_Wire):
    """A level of one authority expressed in another's levels."""

    from_: TranslatedFrom = Field(alias="from")
    to: str
    targets: list[LevelOut]
    matched_on: str
    quality: Literal["exact", "ambiguous", "inexact"]
    exact: bool
    ambiguous: bool
    readings: list[str]
    explanation: str

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Health(_Wire):
    status: Literal["ok"]
    version: str
    authorities: list[str]


class VocabularyOut(_Wire):
    """The national needs vocabulary: its version and every factor, with sources."""

    version: str
    factors: list[Factor]
