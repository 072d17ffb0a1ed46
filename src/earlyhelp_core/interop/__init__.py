"""Read and write the data authorities already hold: the Children in Need census return
(XML) and the Standard Safeguarding Dataset (a folder of tables).

Readers are lazy: they yield one document (or one :class:`~earlyhelp_core.cohorts.Unread`
record, with its located problems) at a time, so a cohort of any size runs in flat memory,
straight into :func:`earlyhelp_core.classify_many`.
"""

from .census import census_codes, read_cin_census, synthetic_census, write_cin_census

__all__ = ["census_codes", "read_cin_census", "synthetic_census", "write_cin_census"]
