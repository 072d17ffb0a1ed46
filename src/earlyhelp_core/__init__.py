"""earlyhelp_core: decide and check early help for children and families.

```python
import earlyhelp_core as eh

bromley = eh.load_authority("bromley")      # an authority's threshold matrix
doc = eh.load_document("family.yaml")       # an Assessment, Plan or Referral
bromley.classify(doc)                       # the level of need, with reasons
eh.vocabulary.get("persistent-absence")     # the national needs vocabulary
```
"""

from typing import TYPE_CHECKING, Any

from ._errors import DocumentError, EarlyHelpError, LoadError, Location, Problem, UnknownIdError
from ._version import __version__

__all__ = [
    "ENGLAND",
    "Assessment",
    "Authority",
    "AuthorityConfig",
    "AuthorityVersions",
    "Closure",
    "ConfigError",
    "Consent",
    "Decision",
    "Document",
    "DocumentError",
    "EarlyHelpError",
    "FactorObservation",
    "Family",
    "Finding",
    "LevelInfo",
    "LoadError",
    "Location",
    "Member",
    "NotChecked",
    "NotInForceError",
    "Plan",
    "PreventionLevel",
    "Problem",
    "Professional",
    "Reason",
    "RecordResult",
    "RecordedLevel",
    "Referral",
    "Referrer",
    "Report",
    "Response",
    "Role",
    "RuleSet",
    "Send",
    "Severity",
    "Translation",
    "UnknownIdError",
    "Violation",
    "Voice",
    "WorkingCalendar",
    "__version__",
    "check_authority",
    "classify_many",
    "define_rule",
    "diff",
    "explain",
    "find_authority",
    "list_authorities",
    "load_authority",
    "load_document",
    "load_versions",
    "narrative",
    "parse_document",
    "rule",
    "rules",
    "rules_not_run",
    "validate",
    "validate_many",
    "vocabulary",
]

if TYPE_CHECKING:
    from . import vocabulary
    from ._calendar import ENGLAND, Closure, WorkingCalendar
    from .assessment._core import (
        Finding,
        NotChecked,
        Report,
        RuleSet,
        Severity,
        define_rule,
        rule,
        rules,
        rules_not_run,
        validate,
    )
    from .cohorts import RecordResult, classify_many, diff, validate_many
    from .models import (
        Assessment,
        Consent,
        Document,
        FactorObservation,
        Family,
        Member,
        Plan,
        Professional,
        RecordedLevel,
        Referral,
        Referrer,
        Role,
        Send,
        Voice,
        load_document,
        parse_document,
    )
    from .prevention import PreventionLevel, Response
    from .thresholds import (
        Authority,
        AuthorityConfig,
        AuthorityVersions,
        ConfigError,
        Decision,
        LevelInfo,
        NotInForceError,
        Reason,
        Translation,
        Violation,
        check_authority,
        explain,
        find_authority,
        list_authorities,
        load_authority,
        load_versions,
        narrative,
    )

_LAZY = {
    "Assessment": "models",
    "Consent": "models",
    "Document": "models",
    "FactorObservation": "models",
    "Family": "models",
    "Member": "models",
    "Plan": "models",
    "Professional": "models",
    "RecordedLevel": "models",
    "Referral": "models",
    "Referrer": "models",
    "Role": "models",
    "Send": "models",
    "Voice": "models",
    "load_document": "models",
    "parse_document": "models",
    "ENGLAND": "_calendar",
    "Closure": "_calendar",
    "WorkingCalendar": "_calendar",
    "RecordResult": "cohorts",
    "classify_many": "cohorts",
    "diff": "cohorts",
    "validate_many": "cohorts",
    "rules_not_run": "assessment._core",
    "validate": "assessment._core",
    "Finding": "assessment._core",
    "NotChecked": "assessment._core",
    "Report": "assessment._core",
    "RuleSet": "assessment._core",
    "define_rule": "assessment._core",
    "Severity": "assessment._core",
    "rule": "assessment._core",
    "rules": "assessment._core",
    "PreventionLevel": "prevention",
    "Response": "prevention",
    "Authority": "thresholds",
    "AuthorityConfig": "thresholds",
    "LevelInfo": "thresholds",
    "ConfigError": "thresholds",
    "Decision": "thresholds",
    "Reason": "thresholds",
    "Translation": "thresholds",
    "list_authorities": "thresholds",
    "Violation": "thresholds",
    "check_authority": "thresholds",
    "explain": "thresholds",
    "find_authority": "thresholds",
    "load_authority": "thresholds",
    "load_versions": "thresholds",
    "AuthorityVersions": "thresholds",
    "NotInForceError": "thresholds",
    "narrative": "thresholds",
}

_SUBPACKAGES = frozenset(
    {"assessment", "cohorts", "models", "prevention", "testing", "thresholds", "vocabulary"}
)


def __getattr__(name: str) -> Any:
    """Import the document models (and pydantic), the vocabulary and the threshold engine
    on first use, keeping ``import earlyhelp_core`` quick."""
    module = _LAZY.get(name)
    if module is None and name not in _SUBPACKAGES:
        raise AttributeError(f"module 'earlyhelp_core' has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    if module is None:  # eh.cohorts, eh.thresholds, ...: the subpackage itself
        value = importlib.import_module(f".{name}", __name__)
    else:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
