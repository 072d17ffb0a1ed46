"""Working days as England counts them: Monday to Friday, less the England and Wales bank
holidays (with their substitute days) and any closure days an authority adds.

The bank holidays come from the `holidays` package (country ``GB``, subdivision ``ENG``;
Wales has the same days), loaded on first use so that importing the library stays quick.
It knows them for the years 1872 (the first under the Bank Holidays Act 1871) to 2100; a
day outside those years is a working day from Monday to Friday, and
:meth:`WorkingCalendar.knows` says so.

Every count is arithmetic on day numbers and a sorted list of the days off that fall on a
weekday, so counting across centuries costs no more than counting across a week.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any

import attrs

__all__ = ["ENGLAND", "Closure", "WorkingCalendar"]

_WEEKEND = ("Saturday", "Sunday")


@attrs.frozen
class Closure:
    """A day an authority's services close besides the bank holidays, and why (cited in
    the authority's config)."""

    on: date
    why: str


@cache
def _holidays_module() -> Any:
    import holidays  # noqa: PLC0415  (130 ms: loaded when a day is first counted)

    return holidays


@cache
def _bank_holidays() -> Mapping[int, str]:
    """Day number -> name, for every England and Wales bank holiday the package knows."""
    holidays = _holidays_module()
    known = holidays.country_holidays("GB", subdiv="ENG", years=range(*_known_years()))
    return {
        day.toordinal(): name.replace("(observed)", "(substitute day)")
        for day, name in known.items()
    }


@cache
def _known_years() -> tuple[int, int]:
    """The years whose bank holidays are known, as ``range`` arguments."""
    uk = _holidays_module().UnitedKingdom
    return int(uk.start_year), int(uk.end_year) + 1


@cache
def _package() -> str:
    return f"holidays {_holidays_module().__version__}"


def _weekdays_through(ordinal: int) -> int:
    """Monday-Friday days from 0001-01-01 (a Monday, day number 1) to ``ordinal``,
    inclusive."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _is_weekend(ordinal: int) -> bool:
    return (ordinal - 1) % 7 >= 5


def _by_day(closures: Iterable[Closure]) -> tuple[Closure, ...]:
    return tuple(sorted(closures, key=lambda c: c.on))


@attrs.frozen
class WorkingCalendar:
    """Which days are working days, and counts of them.

    :data:`ENGLAND` is the calendar with no closure days; an authority's calendar
    (``authority.calendar``) adds the closure days its config lists
    (``parameters.closure_days``).

    Attributes:
        closures: the authority's closure days, in date order.
        authority: whose closure days they are (an authority id), or None.

    >>> ENGLAND.working_days_between(date(2024, 3, 28), date(2024, 4, 2))  # Easter
    1
    >>> ENGLAND.add_working_days(date(2024, 12, 24), 1)  # Christmas Eve + 1
    datetime.date(2024, 12, 27)
    """

    closures: tuple[Closure, ...] = attrs.field(default=(), converter=_by_day)
    authority: str | None = None
    _off: list[int] | None = attrs.field(default=None, init=False, eq=False, repr=False)

    # --- naming -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """What the calendar counts, as findings name it: ``Monday to Friday less England
        and Wales bank holidays (holidays 0.109)``, then the authority's closure days if it
        has any."""
        base = f"Monday to Friday less England and Wales bank holidays ({_package()})"
        if not self.closures:
            return base
        n = len(self.closures)
        whose = f" of {self.authority}" if self.authority else ""
        return f"{base} and {n} closure day{'' if n == 1 else 's'}{whose}"

    @property
    def years(self) -> range:
        """The years whose bank holidays the calendar knows (1872 to 2100)."""
        return range(*_known_years())

    def knows(self, day: date) -> bool:
        """Whether the calendar knows the bank holidays of ``day``'s year. Outside
        :attr:`years` every Monday to Friday counts as a working day."""
        return day.year in self.years

    def with_closures(self, closures: Iterable[Closure], authority: str | None) -> WorkingCalendar:
        """This calendar with ``closures`` added (an authority's own closure days)."""
        return WorkingCalendar((*self.closures, *closures), authority)

    # --- days ---------------------------------------------------------------------------------

    def _off_days(self) -> list[int]:
        """The day numbers of the days off that fall from Monday to Friday, sorted."""
        off = self._off
        if off is None:
            days = set(_bank_holidays()) | {c.on.toordinal() for c in self.closures}
            off = sorted(d for d in days if not _is_weekend(d))
            object.__setattr__(self, "_off", off)
        return off

    def closed_because(self, day: date) -> str | None:
        """Why ``day`` is not a working day (``Saturday``, ``Good Friday``, ``Boxing Day
        (substitute day)``, a closure's reason), or None for a working day."""
        ordinal = day.toordinal()
        if _is_weekend(ordinal):
            return _WEEKEND[day.weekday() - 5]
        name = _bank_holidays().get(ordinal)
        if name is not None:
            return name
        for closure in self.closures:
            if closure.on == day:
                return f"closure: {closure.why}"
        return None

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        ordinal = day.toordinal()
        if _is_weekend(ordinal):
            return False
        off = self._off_days()
        i = bisect.bisect_left(off, ordinal)
        return i == len(off) or off[i] != ordinal

    def _first_working(self, ordinal: int) -> int:
        """The first working day number on or after ``ordinal`` (may pass the year 9999)."""
        off = self._off_days()
        i = bisect.bisect_left(off, ordinal)
        while True:
            if _is_weekend(ordinal):
                ordinal += 1
            elif i < len(off) and off[i] == ordinal:
                ordinal += 1
                i += 1
            else:
                return ordinal
            while i < len(off) and off[i] < ordinal:
                i += 1

    def _count(self, after: int, through: int) -> int:
        """Working days numbered in ``(after, through]``."""
        if through <= after:
            return 0
        off = self._off_days()
        days_off = bisect.bisect_right(off, through) - bisect.bisect_right(off, after)
        return _weekdays_through(through) - _weekdays_through(after) - days_off

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start``'s day, up to and including ``end``.

        A ``start`` that is not a working day (a weekend, a bank holiday, a closure) counts
        from the next working day, as if received then. An ``end`` on or before that day
        gives 0. Never raises for any two dates.

        >>> ENGLAND.working_days_between(date(2024, 2, 9), date(2024, 2, 12))  # Fri -> Mon
        1
        >>> ENGLAND.working_days_between(date(2024, 2, 10), date(2024, 2, 12))  # Sat -> Mon
        0
        """
        return self._count(self._first_working(start.toordinal()), end.toordinal())

    def add_working_days(self, start: date, days: int) -> date:
        """The day that is ``days`` working days after ``start``.

        A ``start`` that is not a working day counts from the next working day; with
        ``days=0`` the answer is that day. ``working_days_between(start, answer) == days``
        always holds.

        Raises:
            ValueError: ``days`` is negative.
            OverflowError: the answer would fall after the year 9999.
        """
        if days < 0:
            raise ValueError(f"days must be 0 or more, got {days}")
        first = self._first_working(start.toordinal())
        if days:
            # every 5 working days take at most 7 calendar days, every day off one more
            lo, hi = first + days, first + (days // 5 + 1) * 7 + len(self._off_days())
            while lo < hi:
                mid = (lo + hi) // 2
                if self._count(first, mid) >= days:
                    hi = mid
                else:
                    lo = mid + 1
            first = lo
        if first > date.max.toordinal():
            raise OverflowError(f"{days} working days after {start} fall after the year 9999")
        return date.fromordinal(first)

    def days_off(self, start: date, end: date) -> list[tuple[date, str]]:
        """The days from Monday to Friday after ``start`` up to and including ``end`` that
        are not working days (bank holidays, closures), each with why, in date order."""
        off = self._off_days()
        lo = bisect.bisect_right(off, start.toordinal())
        hi = bisect.bisect_right(off, end.toordinal())
        days = (date.fromordinal(d) for d in off[lo:hi])
        return [(day, self.closed_because(day) or "") for day in days]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output: the name, the years it knows, the closure days."""
        return {
            "name": self.name,
            "years": [self.years.start, self.years.stop - 1],
            "closures": [{"on": c.on.isoformat(), "why": c.why} for c in self.closures],
        }

    def __str__(self) -> str:
        return self.name


ENGLAND = WorkingCalendar()
"""Working days in England: Monday to Friday, less the England and Wales bank holidays."""
