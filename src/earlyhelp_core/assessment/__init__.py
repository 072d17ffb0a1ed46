"""Validation of assessments, plans and referrals against an authority's policy.

```python
import earlyhelp_core as eh

report = eh.validate(eh.load_authority("bedford"), eh.load_document("referral.json"))
report.ok, [str(f) for f in report.findings]
report.not_checked               # rules that could not run here, and why
eh.rules()                       # every rule: code, severity, summary, source
```

(The rules themselves live in the subpackage ``earlyhelp_core.assessment.rules``; list them
with ``eh.rules()``.)

Add your own rules with :func:`rule` (codes of your own, e.g. ``LA001``): they run under
every authority. For rules of one authority only, build them with :func:`define_rule`, put
them in a :class:`RuleSet` and bind it with ``authority.with_rules(...)``. Switch rules off
or change their severity per authority in its config's ``validation`` section.
"""

from . import rules as _builtin  # noqa: F401 - importing the rules registers them
from ._core import (
    ASSESSMENT,
    Context,
    Finding,
    Hit,
    NotChecked,
    Report,
    Rule,
    RuleSet,
    Severity,
    check_rule_overrides,
    define_rule,
    hit,
    register,
    rule,
    with_assessments,
)

__all__ = [
    "ASSESSMENT",
    "Context",
    "Finding",
    "Hit",
    "NotChecked",
    "Report",
    "Rule",
    "RuleSet",
    "Severity",
    "check_rule_overrides",
    "define_rule",
    "hit",
    "register",
    "rule",
    "with_assessments",
]
