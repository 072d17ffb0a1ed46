"""Working days as England counts them (``eh.ENGLAND``, ``authority.calendar``).

The expected days below are England's own: each case was counted by hand from the bank
holidays the government publishes for that year, not from the library that supplies them.
The property tests then check the arithmetic against a day-by-day count.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core import ENGLAND, Closure, WorkingCalendar

D = date

# --- which days are working days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (D(2024, 3, 29), "Good Friday"),
        (D(2024, 4, 1), "Easter Monday"),
        (D(2024, 5, 6), "May Day"),  # early May bank holiday
        (D(2024, 5, 27), "Spring Bank Holiday"),  # the late May bank holiday
        (D(2024, 8, 26), "Late Summer Bank Holiday"),
        (D(2024, 12, 25), "Christmas Day"),
        (D(2024, 12, 26), "Boxing Day"),
        # Christmas 2021 fell on a Saturday and Boxing Day on a Sunday: substitutes on Mon, Tue
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
        # 2022: Christmas on a Sunday; Boxing Day Monday; Christmas's substitute on Tuesday
        (D(2022, 12, 27), "Christmas Day (substitute day)"),
        (D(2022, 1, 3), "New Year's Day (substitute day)"),
        (D(2020, 5, 8), "May Day"),  # moved to a Friday for the VE Day anniversary
        (D(2022, 6, 2), "Spring Bank Holiday"),  # moved to a Thursday for the Jubilee
        (D(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2024, 2, 10), "Saturday"),
        (D(2024, 2, 11), "Sunday"),
    ],
)
def test_days_that_are_not_working_days(day: date, why: str) -> None:
    assert not ENGLAND.is_working_day(day)
    assert ENGLAND.closed_because(day) == why


@pytest.mark.parametrize(
    "day",
    [
        D(2024, 2, 29),  # leap day, a Thursday
        D(2024, 12, 24),  # Christmas Eve is not a bank holiday
        D(2024, 12, 27),
        D(2024, 12, 31),
        D(2022, 5, 30),  # the late May bank holiday moved to 2 June that year
        D(2020, 5, 4),  # and the early May one to 8 May
        D(2024, 3, 28),  # Maundy Thursday
    ],
)
def test_days_that_are_working_days(day: date) -> None:
    assert ENGLAND.is_working_day(day)
    assert ENGLAND.closed_because(day) is None


# --- counting, both ways ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Easter 2024: Thursday before Good Friday -> Tuesday after Easter Monday
        (D(2024, 3, 28), D(2024, 4, 2), 1),
        (D(2024, 3, 28), D(2024, 4, 3), 2),
        (D(2024, 3, 29), D(2024, 4, 2), 0),  # received on Good Friday: counts from Tuesday
        (D(2024, 4, 1), D(2024, 4, 3), 1),  # received on Easter Monday
        # Christmas 2022 with a substitute day: Friday -> Wednesday is 1
        (D(2022, 12, 23), D(2022, 12, 28), 1),
        (D(2022, 12, 23), D(2022, 12, 29), 2),
        # Christmas 2021: two substitute days
        (D(2021, 12, 24), D(2021, 12, 29), 1),
        # New Year 2022 on a Saturday: substitute on Monday 3 January
        (D(2021, 12, 31), D(2022, 1, 4), 1),
        # the late May bank holiday 2024
        (D(2024, 5, 24), D(2024, 5, 28), 1),
        (D(2024, 5, 24), D(2024, 5, 29), 2),
        # leap year: 28 Feb -> 1 Mar 2024 (through 29 Feb) is 2; 2023 has no 29 Feb
        (D(2024, 2, 28), D(2024, 3, 1), 2),
        (D(2023, 2, 28), D(2023, 3, 1), 1),
        # weekends, month ends, and an end before the start
        (D(2024, 2, 9), D(2024, 2, 12), 1),
        (D(2024, 2, 10), D(2024, 2, 12), 0),
        (D(2024, 2, 17), D(2024, 2, 20), 1),
        (D(2024, 2, 16), D(2024, 2, 12), 0),
        (D(2024, 2, 12), D(2024, 2, 12), 0),
        (D(2024, 12, 31), D(2025, 1, 2), 1),  # New Year's Day is not counted
    ],
)
def test_working_days_between(start: date, end: date, expected: int) -> None:
    assert ENGLAND.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2024, 3, 28), 1, D(2024, 4, 2)),  # over Easter
        (D(2024, 3, 28), 0, D(2024, 3, 28)),
        (D(2024, 3, 29), 0, D(2024, 4, 2)),  # from Good Friday: the next working day
        (D(2022, 12, 23), 1, D(2022, 12, 28)),  # over Christmas with a substitute day
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        (D(2024, 5, 24), 1, D(2024, 5, 28)),  # over the late May bank holiday
        (D(2024, 2, 12), 45, D(2024, 4, 17)),  # 45 working days across Easter
        (D(2024, 4, 15), 45, D(2024, 6, 19)),  # ... across both May bank holidays
        (D(2024, 8, 14), 15, D(2024, 9, 5)),  # 15 across the late summer bank holiday
        (D(2024, 2, 28), 1, D(2024, 2, 29)),  # leap day
        (D(2024, 2, 10), 1, D(2024, 2, 13)),  # Saturday counts from Monday
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert ENGLAND.add_working_days(start, days) == expected
    assert ENGLAND.working_days_between(start, expected) == days


def test_add_working_days_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        ENGLAND.add_working_days(D(2024, 2, 12), -1)


def test_add_working_days_past_the_calendar_says_so() -> None:
    with pytest.raises(OverflowError, match="after the year 9999"):
        ENGLAND.add_working_days(D(9999, 12, 30), 5)


def test_counts_never_raise_at_the_ends_of_the_calendar() -> None:
    assert ENGLAND.working_days_between(date.min, date.max) > 0
    assert ENGLAND.working_days_between(date.max, date.max) == 0  # 9999-12-31 is a Friday
    assert ENGLAND.working_days_between(date.max, date.min) == 0
    assert ENGLAND.add_working_days(date.min, 0) == date.min  # 0001-01-01 is a Monday


# --- the years it knows ------------------------------------------------------------------------


def test_bank_holidays_are_known_from_1872_to_2100() -> None:
    assert ENGLAND.years == range(1872, 2101)
    assert ENGLAND.knows(D(2100, 12, 31))
    assert not ENGLAND.knows(D(2101, 1, 1))
    assert not ENGLAND.knows(D(1871, 12, 31))
    # outside them, every Monday to Friday counts: 25 Dec 2101 is a Sunday, 26 a Monday
    assert ENGLAND.is_working_day(D(2101, 12, 26))
    assert ENGLAND.is_working_day(D(1850, 12, 25))  # a Wednesday


# --- closure days ------------------------------------------------------------------------------


def test_closure_days_are_not_working_days() -> None:
    closed = ENGLAND.with_closures(
        [Closure(D(2024, 12, 24), "Christmas Eve"), Closure(D(2024, 12, 28), "a Saturday")],
        "testshire",
    )
    assert ENGLAND.working_days_between(D(2024, 12, 23), D(2024, 12, 27)) == 2
    assert closed.working_days_between(D(2024, 12, 23), D(2024, 12, 27)) == 1
    assert closed.add_working_days(D(2024, 12, 23), 1) == D(2024, 12, 27)
    assert closed.closed_because(D(2024, 12, 24)) == "closure: Christmas Eve"
    assert closed.closed_because(D(2024, 12, 28)) == "Saturday"  # the weekend comes first
    assert closed.days_off(D(2024, 12, 20), D(2025, 1, 2)) == [
        (D(2024, 12, 24), "closure: Christmas Eve"),
        (D(2024, 12, 25), "Christmas Day"),
        (D(2024, 12, 26), "Boxing Day"),
        (D(2025, 1, 1), "New Year's Day"),
    ]
    assert closed.name.endswith("and 2 closure days of testshire")
    assert "closure" not in ENGLAND.name
    assert closed != ENGLAND
    assert closed.to_dict()["closures"][0] == {"on": "2024-12-24", "why": "Christmas Eve"}


def test_the_name_says_what_is_counted_and_from_which_data() -> None:
    import holidays

    assert ENGLAND.name == (
        f"Monday to Friday less England and Wales bank holidays (holidays {holidays.__version__})"
    )
    assert str(ENGLAND) == ENGLAND.name
    one = WorkingCalendar((Closure(D(2025, 1, 2), "stock take"),), "x")
    assert one.name.endswith("and 1 closure day of x")


def test_an_authority_calendar_carries_its_configs_closure_days() -> None:
    from .thresholds.conftest import make_config

    config = eh.AuthorityConfig.model_validate(make_config())
    authority = eh.thresholds.compile_config(config)
    assert [c.on for c in authority.calendar.closures] == [D(2024, 12, 24), D(2024, 12, 31)]
    assert authority.calendar.authority == authority.id
    for bundled in ("bromley", "bedford", "city-of-london", "gloucestershire"):
        # the sources name no closure days: the bank holidays alone
        assert eh.load_authority(bundled).calendar == ENGLAND.with_closures((), bundled)
        assert eh.load_authority(bundled).calendar.closures == ()


# --- properties --------------------------------------------------------------------------------


def naive_working_days(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Day by day: from the first working day on or after ``start``, count the working days
    up to and including ``end``."""
    day = start
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    count = 0
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def reference_is_working_day(day: date, closures: set[date]) -> bool:
    import holidays

    england = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    return day.weekday() < 5 and day not in england and day not in closures


closures = st.lists(st.dates(D(1865, 1, 1), D(2110, 12, 31)), max_size=6, unique=True).map(
    lambda days: tuple(Closure(d, "closed") for d in days)
)


@given(st.dates(D(1865, 1, 1), D(2110, 12, 31)), st.integers(-10, 90), st.integers(0, 60), closures)
def test_counts_agree_with_a_day_by_day_count(
    start: date, offset: int, n: int, closed: tuple[Closure, ...]
) -> None:
    calendar = ENGLAND.with_closures(closed, "drawn")
    end = start + timedelta(days=offset)
    assert calendar.working_days_between(start, end) == naive_working_days(calendar, start, end)
    deadline = calendar.add_working_days(start, n)
    assert calendar.is_working_day(deadline)
    assert calendar.working_days_between(start, deadline) == n
    # the day before the deadline is short of it (unless the count is 0)
    if n:
        assert calendar.working_days_between(start, deadline - timedelta(days=1)) == n - 1


@given(st.dates(D(1872, 1, 1), D(2100, 12, 31)), closures)
def test_a_working_day_is_what_england_and_the_closures_say(
    day: date, closed: tuple[Closure, ...]
) -> None:
    calendar = ENGLAND.with_closures(closed, "drawn")
    assert calendar.is_working_day(day) == reference_is_working_day(day, {c.on for c in closed})
    assert (calendar.closed_because(day) is None) == calendar.is_working_day(day)


def test_importing_and_deciding_do_not_load_the_holidays_package() -> None:
    """The bank holidays load when a day is first counted, not on import or classify."""
    code = (
        "import sys, earlyhelp_core as eh\n"
        "a = eh.load_authority('bromley')\n"
        "a.classify(eh.load_document('examples/assessment-no-needs.yaml'))\n"
        "assert 'holidays' not in sys.modules, 'loaded too early'\n"
        "a.calendar.is_working_day(__import__('datetime').date(2024, 1, 1))\n"
        "assert 'holidays' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_root())


def _root() -> str:
    from .conftest import EXAMPLES

    return str(EXAMPLES.parent)
