"""earlyhelp_core: decide and check early help for children and families.

```python
import earlyhelp_core as eh

doc = eh.load_document("family.yaml")       # an Assessment, Plan or Referral
eh.vocabulary.get("persistent-absence")     # the national needs vocabulary
```
"""

from . import vocabulary
from ._errors import DocumentError, EarlyHelpError, LoadError, Problem, UnknownIdError
from ._version import __version__
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
    ConfigError,
    Decision,
    Reason,
    Translation,
    list_authorities,
    load_authority,
)

__all__ = [
    "Assessment",
    "Authority",
    "ConfigError",
    "Consent",
    "Decision",
    "Document",
    "DocumentError",
    "EarlyHelpError",
    "FactorObservation",
    "Family",
    "LoadError",
    "Member",
    "Plan",
    "PreventionLevel",
    "Problem",
    "Professional",
    "Reason",
    "RecordedLevel",
    "Referral",
    "Referrer",
    "Response",
    "Role",
    "Send",
    "Translation",
    "UnknownIdError",
    "Voice",
    "__version__",
    "list_authorities",
    "load_authority",
    "load_document",
    "parse_document",
    "vocabulary",
]
