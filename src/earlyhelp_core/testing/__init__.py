"""Hypothesis strategies for earlyhelp_core documents and configs, for your test suite and ours.

Install with `pip install "earlyhelp_core[testing]"`. Every strategy produces documents
that parse, with realistic dates and ages, and checks its arguments when it is built:

```python
from hypothesis import given
from earlyhelp_core.testing import assessments

@given(assessments(factors=["persistent-absence", "household-domestic-abuse"]))
def test_my_service_accepts_any_assessment(assessment):
    ...
```

Property-test your own matrix: `assessments(authority=eh.load_authority("mine.yaml"))`
draws only the factors it places; `authorities()` draws whole matrices that compile.

Hypothesis loads this package's setup hook through its `hypothesis` entry point, so
`st.from_type(eh.Assessment)` (and `Plan`, `Referral`, `Family`, `Member`,
`AuthorityConfig` and `Authority`) works without an import.

`check_authority(authority)` (also `eh.check_authority`) proves a matrix total, monotone,
safe, reachable, consistent and complete.
"""

from __future__ import annotations

# First, before anything imports hypothesis: Hypothesis may call the hook while this
# package is still being imported (see ``_hook``).
from ._hook import _hypothesis_setup_hook as _hypothesis_setup_hook

try:
    from hypothesis import strategies as st  # noqa: F401 - fail early without hypothesis
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "earlyhelp_core.testing needs hypothesis: pip install 'earlyhelp_core[testing]'"
    ) from exc

from ..thresholds import Violation, check_authority
from ._configs import authorities, authority_configs
from ._documents import assessments, families, members, plans, referrals, texts

__all__ = [
    "Violation",
    "assessments",
    "authorities",
    "authority_configs",
    "check_authority",
    "families",
    "members",
    "plans",
    "referrals",
    "texts",
]
