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

__all__ = [
    "Assessment",
    "Consent",
    "Document",
    "DocumentError",
    "EarlyHelpError",
    "FactorObservation",
    "Family",
    "LoadError",
    "Member",
    "Plan",
    "Problem",
    "Professional",
    "RecordedLevel",
    "Referral",
    "Referrer",
    "Role",
    "Send",
    "UnknownIdError",
    "Voice",
    "__version__",
    "load_document",
    "parse_document",
    "vocabulary",
]
