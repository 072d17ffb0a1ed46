"""Authority threshold matrices: the config model, loading with located errors, and the
compiled matrix that classifies assessments and explains itself."""

from ._check import PROPERTIES, Violation, check_authority
from ._config import AuthorityConfig
from ._diff import CohortDiff, ConfigDiff, Difference, Move, config_diff
from ._explain import Change, Explanation, Need, StepDown, StepUp, explain
from ._load import (
    BASIS_PARTS,
    ENTRY_POINT_GROUP,
    ConfigError,
    basis_counts,
    compile_config,
    find_authority,
    list_authorities,
    load_authority,
)
from ._matrix import (
    Authority,
    CellInfo,
    Consideration,
    ConsiderationRule,
    Decision,
    EscalationRule,
    Evaluation,
    Firing,
    Judgement,
    LevelInfo,
    MatchedOn,
    Provenance,
    Reason,
    ReasonKind,
    Translation,
    fingerprint,
)
from ._narrative import narrative

__all__ = [
    "BASIS_PARTS",
    "ENTRY_POINT_GROUP",
    "PROPERTIES",
    "Authority",
    "AuthorityConfig",
    "CellInfo",
    "Change",
    "CohortDiff",
    "ConfigDiff",
    "ConfigError",
    "Consideration",
    "ConsiderationRule",
    "Decision",
    "Difference",
    "EscalationRule",
    "Evaluation",
    "Explanation",
    "Firing",
    "Judgement",
    "LevelInfo",
    "MatchedOn",
    "Move",
    "Need",
    "Provenance",
    "Reason",
    "ReasonKind",
    "StepDown",
    "StepUp",
    "Translation",
    "Violation",
    "basis_counts",
    "check_authority",
    "compile_config",
    "config_diff",
    "explain",
    "find_authority",
    "fingerprint",
    "list_authorities",
    "load_authority",
    "narrative",
]
