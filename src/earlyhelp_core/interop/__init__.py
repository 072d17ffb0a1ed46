"""Read and write the data authorities already hold: the Children in Need census return
(XML) and the Standard Safeguarding Dataset (a folder of tables).

Readers are lazy: they yield one document (or one :class:`~earlyhelp_core.cohorts.Unread`
record, with its located problems) at a time, so a cohort of any size runs in flat memory,
straight into :func:`earlyhelp_core.classify_many`.
"""

from .census import census_codes, read_cin_census, synthetic_census, write_cin_census
from .ssd import MAX_FIELD_CHARS, MAX_LOOKUP_ROWS, read_ssd, synthetic_ssd, write_ssd

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_LOOKUP_ROWS",
    "census_codes",
    "read_cin_census",
    "read_ssd",
    "synthetic_census",
    "synthetic_ssd",
    "write_cin_census",
    "write_ssd",
]
