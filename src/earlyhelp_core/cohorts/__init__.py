"""Many records at once: classify or validate a cohort, one result per record, never
stopping on a bad one.

```python
import earlyhelp_core as eh

bromley = eh.load_authority("bromley")
for result in eh.classify_many(bromley, records):   # documents, mappings or JSON text
    result.ok, result.decision, result.problems
```

The columnar path for whole tables (pyarrow, pandas) is :mod:`earlyhelp_core.cohorts.columnar`.
"""

from ._diff import diff
from ._json import JsonLines
from ._records import (
    MAX_RECORD_BYTES,
    RecordResult,
    Unread,
    classify_many,
    read_jsonl,
    read_record,
    results_of_jsonl,
    results_of_read,
    validate_many,
)
from ._summary import DecisionSummary, StepSummary, ValidationSummary

__all__ = [
    "MAX_RECORD_BYTES",
    "DecisionSummary",
    "JsonLines",
    "RecordResult",
    "StepSummary",
    "Unread",
    "ValidationSummary",
    "classify_many",
    "diff",
    "read_jsonl",
    "read_record",
    "results_of_jsonl",
    "results_of_read",
    "validate_many",
]
