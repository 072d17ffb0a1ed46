"""The authority config file as typed models: what ``configs/<id>.yaml`` holds.

``AuthorityConfig`` is the whole file; the other models are its parts. Read a loaded
authority's config from ``authority.config``; build one in code with
``AuthorityConfig.model_validate(mapping)`` and compile it with
:func:`earlyhelp_core.thresholds.compile_config`. (The compiled escalation rule that
classification uses is :class:`earlyhelp_core.thresholds.EscalationRule`; the rule as
written in the file is :class:`EscalationRule` here; likewise the compiled
:class:`earlyhelp_core.thresholds.ConsiderationRule` and :class:`Consideration` here.)
"""

from ._config import (
    CONFIG_LIMITS,
    AuthorityConfig,
    Cell,
    Cited,
    ClosureDay,
    ClosuresParameter,
    ConfigSource,
    Consideration,
    ConsiderationWhen,
    CountParameter,
    EscalationRule,
    EscalationWhen,
    FactorMapping,
    FrameworkParameter,
    Labels,
    Level,
    LocalFactor,
    NotApplicable,
    Parameters,
    ReferralRoute,
    RoutesParameter,
    RuleOverride,
    SourceRef,
    SwitchParameter,
)

__all__ = [
    "CONFIG_LIMITS",
    "AuthorityConfig",
    "Cell",
    "Cited",
    "ClosureDay",
    "ClosuresParameter",
    "ConfigSource",
    "Consideration",
    "ConsiderationWhen",
    "CountParameter",
    "EscalationRule",
    "EscalationWhen",
    "FactorMapping",
    "FrameworkParameter",
    "Labels",
    "Level",
    "LocalFactor",
    "NotApplicable",
    "Parameters",
    "ReferralRoute",
    "RoutesParameter",
    "RuleOverride",
    "SourceRef",
    "SwitchParameter",
]
