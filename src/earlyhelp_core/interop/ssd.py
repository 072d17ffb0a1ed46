"""Read and write a Standard Safeguarding Dataset (SSD) extract: a folder of tables.

The SSD is the national data model children's case systems are extracted into. Its spec
is public: repository ``data-to-insight/ssd-data-model``, one file per table under
``data/objects/``. This module reads three of its tables, each a file named after the
table (``ssd_person.csv``, or ``ssd_person.parquet`` where pyarrow is installed):

``ssd_cin_assessments`` (``data/objects/ssd_cin_assessments.yml``), the driving table
    ``cina_assessment_id`` (primary key, required, unique), ``cina_person_id`` (foreign
    key to ``ssd_person.pers_person_id``, required) and ``cina_assessment_auth_date``
    ("the date the assessment is completed and authorised"), which gives ``assessed_on``.
``ssd_person`` (``data/objects/ssd_person.yml``)
    ``pers_person_id`` (primary key), ``pers_dob``, and where present
    ``pers_expected_dob`` (the due date of a child unborn at referral; the spec says
    either it or ``pers_dob`` is recorded, not both) and ``pers_send_flag`` (``Y``: an EHC
    plan is recorded). Where both dates are given, the date of birth wins.
``ssd_assessment_factors`` (``data/objects/ssd_assessment_factors.yml``)
    ``cinf_assessment_id`` (foreign key to ``ssd_cin_assessments.cina_assessment_id``,
    marked required and *unique*: one row per assessment), ``cinf_assessment_factors_json``
    (the census codes of the factors identified at the end of the assessment, as a JSON
    array, ``["1A", "2B"]``), and where present ``cinf_table_id`` (the row's primary key).
    The spec names a "forward planned" form, a JSON object ``{"1A": "Yes", "2B": "No"}``;
    it is read too, a code counting where its value is ``Yes``.

Other columns are ignored. ``ssd_early_help_episodes`` carries no factor codes (episode
id, person, dates, reason, end reason, organisation, worker id), so it is neither read nor
written; nor are ``ssd_family`` and ``ssd_cin_episodes``, which no join here needs.

Join rules. The assessments table drives and is streamed row by row; persons and factors
are indexed in memory by key first. Each authorised assessment (non-blank
``cina_assessment_auth_date``) gives one record, in the order of the file:

* its person is the ``ssd_person`` row whose ``pers_person_id`` is ``cina_person_id``;
  no such row makes the record :class:`~earlyhelp_core.cohorts.Unread`;
* its factors are the ``ssd_assessment_factors`` row whose ``cinf_assessment_id`` is its
  id; no such row makes it ``Unread`` too (a completed assessment records its factors, and
  ``21`` when there are none: a missing row is not "no factors");
* an assessment with a blank authorisation date is still in progress and is skipped,
  with its factors row if it has one;
* a factors row naming an assessment that has no row gives an ``Unread`` of its own,
  after the assessments (only then is it known that none came);
* a person row no assessment names is not read further (the table holds parents and
  other people too);
* a persons or factors row whose key cannot be read (blank, or the row could not be
  parsed: an over-long field, say) gives an ``Unread`` with no id, last; an assessment
  that needed it reports its row missing.

Mapping. ``kind`` is ``early-help-assessment``; ``id`` is ``cina_assessment_id`` (it must
fit the library's id pattern); ``authority`` is the one given; ``assessor`` and
``consent`` are None: the assessments table names a worker only by id
(``cina_assessment_worker_id``, a key into ``ssd_professionals``), with no agency, and
records no consent. The family's ``id`` is the child's ``pers_person_id`` (the SSD's unit
is the child); its members are the child ``c1`` (born, with ``pers_dob``; or unborn, with
``pers_expected_dob``, where there is no date of birth), a parent ``p1`` only when a
``B`` code of 1-6 is present, and ``h1`` (``other-adult``) only for a ``C`` code of 1-6.
Each code gives one observation of the factor that claims it, ``about`` the member the
code's letter names, ``census_code`` the code, and ``noted_on`` the authorisation date
(the spec: factors "as understood at the end of the Assessment"). ``21`` gives no
observations and must be the only code. Codes are read with surrounding spaces removed
and letters in upper case; a code given twice counts once.

Dates. The spec types dates as ``datetime`` and gives no text form. Read are
``YYYY-MM-DD``, optionally followed by a time (``2024-03-01 00:00:00.000``, as SQL Server
writes them; the time is dropped), and ``DD/MM/YYYY`` (as a spreadsheet in an English
locale saves them). Written are ``YYYY-MM-DD``.

Bad input. Every problem is located: ``source`` the table's file, ``line`` the CSV line
where the row starts (for Parquet, no line and the row's index in ``path``), ``path``
the table and column, and a stable ``kind``. A missing folder or table file, a file that
is not UTF-8 in its header, or a missing required column stops the read with a
:class:`~earlyhelp_core.LoadError` (raised when :func:`read_ssd` is called). Anything
wrong in a row makes the records it touches ``Unread``, with every problem found, and the
run goes on: never a partial assessment, since a dropped code could lower the level.
Messages name tables, columns, lines and ids, never a value read from the data (no
names, dates or free text).

Bounds. A field may hold at most :data:`MAX_FIELD_CHARS` characters (set with
``csv.field_size_limit`` around each row read, and restored after; a longer field makes
its row's records ``Unread``). Memory is proportional to the lookup tables, not to the
output: an entry per person (dates and a flag) and per factors row (its codes), at most
:data:`MAX_LOOKUP_ROWS` rows each, plus the id of each assessment read (to find repeated
ids and orphan factors rows). A lookup table over the bound stops the read with a
``LoadError`` when the first record is asked for. The field bound applies once a line is
read: a single physical line is read whole before it is parsed.

Not confirmed from the spec: the text form of dates in a CSV export (above), whether any
extract writes one factors row per code rather than one JSON array per assessment (the
spec's unique ``cinf_assessment_id`` says one row; a repeated id is reported, not
merged), and how a blank ``pers_send_flag`` should be read (here: no EHC plan recorded).
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
from pydantic import ValidationError

from .. import vocabulary
from .._errors import LoadError, Problem
from .._located import did_you_mean, problems_from_validation
from ..cohorts import Unread
from ..models import Assessment, Role
from ..models._base import ID_PATTERN
from ..models.family import Send
from ..vocabulary import CIN_CODES, CIN_NO_FACTORS
from ._codes import factor_of, subject_of

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "ASSESSMENTS",
    "FACTORS",
    "MAX_FIELD_CHARS",
    "MAX_LOOKUP_ROWS",
    "PERSONS",
    "read_ssd",
    "synthetic_ssd",
    "write_ssd",
]

PERSONS = "ssd_person"
ASSESSMENTS = "ssd_cin_assessments"
FACTORS = "ssd_assessment_factors"

MAX_FIELD_CHARS = 262_144
"""The most characters one field may hold (256 Ki): far more than any id, date or code
list needs, and far less than would strain memory."""

MAX_LOOKUP_ROWS = 5_000_000
"""The most rows the persons or factors table may hold: they are indexed in memory."""

_REQUIRED: dict[str, tuple[str, ...]] = {
    PERSONS: ("pers_person_id", "pers_dob"),
    ASSESSMENTS: ("cina_assessment_id", "cina_person_id", "cina_assessment_auth_date"),
    FACTORS: ("cinf_assessment_id", "cinf_assessment_factors_json"),
}
_OPTIONAL: dict[str, tuple[str, ...]] = {
    PERSONS: ("pers_expected_dob", "pers_send_flag"),
    ASSESSMENTS: (),
    FACTORS: ("cinf_table_id",),
}
_ID = re.compile(ID_PATTERN)
_CODE_SHOWN = re.compile(r"[0-9A-Za-z]{1,4}")
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_UK = re.compile(r"(\d{2})/(\d{2})/(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?")

Format = Literal["csv", "parquet"]

_EXPECTED_CODE = (
    " (expected a census code: 1A to 6C, 7A, 8B to 8F, 9A to 17A, 18B, 18C, 19B, 19C, 20, 21,"
    " 22A to 24A)"
)


# --------------------------------------------------------------------------- table files


@attrs.frozen
class _Table:
    """One table's file, its header checked."""

    name: str
    path: Path
    format: Format
    columns: tuple[str, ...]

    @property
    def source(self) -> str:
        return str(self.path)


@attrs.frozen
class _Row:
    """One row of a table: its cells by column, where it is, and what stopped it being
    read whole (encoding, shape, an over-long field)."""

    table: _Table
    values: dict[str, str]
    line: int | None
    index: int
    problems: tuple[Problem, ...] = ()

    def at(self, column: str, message: str, kind: str) -> Problem:
        """A problem in ``column`` of this row."""
        path: tuple[str | int, ...] = (
            (self.table.name, column)
            if self.table.format == "csv"
            else (self.table.name, self.index, column)
        )
        return Problem(message, path, self.table.source, self.line, None, kind)

    def where(self) -> str:
        """How a message names this row (``line 4`` or ``row 3``)."""
        return f"line {self.line}" if self.line is not None else f"row {self.index}"


def _fail(source: str, message: str, kind: str, path: tuple[str | int, ...] = ()) -> LoadError:
    return LoadError([Problem(message, path, source, None, None, kind)])


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - an optional dependency
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            'Parquet tables need pyarrow: pip install "earlyhelp_core[columnar]"'
        ) from exc
    return pq


def _open_table(folder: Path, name: str) -> _Table:
    """Find ``name``'s file in ``folder`` and check its header has the required columns.

    Raises:
        LoadError: no file, two files (CSV and Parquet), an unreadable header, or a
            required column missing.
    """
    csv_path, parquet_path = folder / f"{name}.csv", folder / f"{name}.parquet"
    has_csv, has_parquet = csv_path.is_file(), parquet_path.is_file()
    if has_csv and has_parquet:
        raise _fail(
            str(csv_path),
            f"both {name}.csv and {name}.parquet are in the folder; keep one",
            "ambiguous-table",
        )
    if has_parquet:
        path = parquet_path
        try:
            columns = tuple(_pyarrow().ParquetFile(path).schema_arrow.names)
        except ImportError as exc:
            raise _fail(str(path), str(exc), "parquet") from None
        except Exception:  # pyarrow raises several types for a file it cannot read
            raise _fail(str(path), "is not a Parquet file pyarrow can read", "parquet") from None
    elif has_csv:
        path = csv_path
        columns = _csv_header(path)
    else:
        raise _fail(str(csv_path), f"no such file (nor {name}.parquet)", "file")
    table = _Table(name, path, "parquet" if has_parquet else "csv", columns)
    for column in _REQUIRED[name]:
        if column not in columns:
            found = ", ".join(columns[:40]) or "none"
            raise _fail(
                table.source,
                f"the table has no column {column!r} (columns found: {found})",
                "missing-column",
                (name, column),
            )
    return table


def _csv_header(path: Path) -> tuple[str, ...]:
    try:
        with path.open("rb") as handle:
            first = handle.readline(MAX_FIELD_CHARS * 4)
    except OSError as exc:
        raise _fail(str(path), f"cannot read it: {exc.strerror}", "file") from None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(str(path), "the header line is not UTF-8", "encoding") from None
    try:
        header = next(csv.reader([text]), [])
    except csv.Error:
        raise _fail(str(path), "the header line is not CSV", "csv") from None
    return tuple(h.strip() for h in header)


def _decoded(handle: Iterable[bytes], bad: set[int]) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 is decoded with replacement
    characters and its number put in ``bad``."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield raw.decode("utf-8", "replace")


def _next_row(reader: Any) -> list[str] | None:
    """The next CSV row (None at the end), parsed with fields bounded."""
    old = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        row: list[str] | None = next(reader, None)
        return row
    finally:
        csv.field_size_limit(old)


def _csv_rows(table: _Table) -> Iterator[_Row]:
    wanted = (*_REQUIRED[table.name], *_OPTIONAL[table.name])
    at = {c: table.columns.index(c) for c in wanted if c in table.columns}
    width = len(table.columns)
    bad: set[int] = set()
    with table.path.open("rb") as handle:
        reader = csv.reader(_decoded(handle, bad))
        _next_row(reader)  # the header, checked already
        index = 0
        while True:
            start = reader.line_num + 1
            problems: list[Problem] = []
            try:
                cells = _next_row(reader)
            except csv.Error:
                cells = []
                problems.append(
                    Problem(
                        f"a field is longer than {MAX_FIELD_CHARS:,} characters or the "
                        "row is not CSV",
                        (table.name,),
                        table.source,
                        start,
                        None,
                        "csv",
                    )
                )
            if cells is None:
                return
            if not problems and not any(cells):
                continue  # a blank line
            if any(start <= n <= reader.line_num for n in bad):
                problems.append(
                    Problem(
                        "the row is not UTF-8", (table.name,), table.source, start, None, "encoding"
                    )
                )
            if cells and len(cells) != width:
                problems.append(
                    Problem(
                        f"the row has {len(cells)} fields; the header has {width}",
                        (table.name,),
                        table.source,
                        start,
                        None,
                        "row-shape",
                    )
                )
            values = {c: cells[i].strip() if i < len(cells) else "" for c, i in at.items()}
            yield _Row(table, values, start, index, tuple(problems))
            index += 1


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):  # a datetime is a date too: its day is kept
        return value.isoformat()[:10]
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value).strip()


def _parquet_rows(table: _Table) -> Iterator[_Row]:
    pq = _pyarrow()
    wanted = [c for c in (*_REQUIRED[table.name], *_OPTIONAL[table.name]) if c in table.columns]
    index = 0
    for batch in pq.ParquetFile(table.path).iter_batches(batch_size=4096, columns=wanted):
        for record in batch.to_pylist():
            values = {c: _cell(record.get(c)) for c in wanted}
            problems = tuple(
                _Row(table, values, None, index).at(
                    c, f"the field is longer than {MAX_FIELD_CHARS:,} characters", "too-long"
                )
                for c, v in values.items()
                if len(v) > MAX_FIELD_CHARS
            )
            yield _Row(table, values, None, index, problems)
            index += 1


def _rows(table: _Table) -> Iterator[_Row]:
    return _csv_rows(table) if table.format == "csv" else _parquet_rows(table)


# --------------------------------------------------------------------------- cell values


def _day(row: _Row, column: str) -> tuple[date | None, list[Problem]]:
    """The date in ``column`` (None when blank), or the problem with it."""
    text = row.values.get(column, "")
    if not text:
        return None, []
    iso, uk = _ISO.fullmatch(text), _UK.fullmatch(text)
    if iso:
        y, m, d = iso.group(1, 2, 3)
    elif uk:
        d, m, y = uk.group(1, 2, 3)
    else:
        return None, [
            row.at(
                column,
                f"{column} is not a date (expected YYYY-MM-DD, optionally with a time, "
                "or DD/MM/YYYY)",
                "date",
            )
        ]
    try:
        return date(int(y), int(m), int(d)), []
    except ValueError:
        return None, [row.at(column, f"{column} is not a possible date", "date")]


def _shown(code: str) -> str:
    return repr(code) if _CODE_SHOWN.fullmatch(code) else f"an entry of {len(code)} characters"


def _codes(row: _Row) -> tuple[tuple[str, ...], list[Problem]]:
    """The census codes of a factors row, or the problems with its cell."""
    column = "cinf_assessment_factors_json"
    text = row.values.get(column, "")

    def bad(message: str, kind: str) -> tuple[tuple[str, ...], list[Problem]]:
        return (), [row.at(column, message, kind)]

    if not text:
        return bad(
            "the factors cell is empty; a completed assessment records 21 for none", "factors"
        )
    try:
        loaded = json.loads(text)
    except (ValueError, RecursionError):
        return bad(
            'the factors cell is not JSON (expected a list such as ["1A", "2B"])', "factors-json"
        )
    if isinstance(loaded, dict):
        raw: list[Any] = []
        for key, answer in loaded.items():
            flag = answer.strip().lower() if isinstance(answer, str) else None
            if flag not in {"yes", "no"}:
                return bad(f'the answer for {_shown(key)} is not "Yes" or "No"', "factors-type")
            if flag == "yes":
                raw.append(key)
    elif isinstance(loaded, list):
        raw = loaded
    else:
        return bad(
            'the factors cell is not a list of codes (expected a list such as ["1A", "2B"])',
            "factors-type",
        )
    if not raw and isinstance(loaded, list):
        return bad(
            "the list of codes is empty; a completed assessment records 21 for none", "factors"
        )
    problems: list[Problem] = []
    codes: list[str] = []
    for i, item in enumerate(raw):
        if not isinstance(item, str):
            problems.append(row.at(column, f"entry {i} of the list is not text", "factors-type"))
            continue
        code = item.strip().upper()
        if code not in CIN_CODES:
            problems.append(
                row.at(
                    column,
                    f"unknown census factor code {_shown(item)}"
                    f"{did_you_mean(code, CIN_CODES) or _EXPECTED_CODE}",
                    "unknown-code",
                )
            )
        elif code not in codes:
            codes.append(code)
    if CIN_NO_FACTORS in codes and len(codes) > 1:
        problems.append(
            row.at(
                column,
                "21 (no factors identified) must be the only code, but other codes are beside it",
                "exclusive-code",
            )
        )
    return tuple(codes), problems


@attrs.frozen
class _Entry:
    """A lookup table's row, read: the value, where it is, and its problems."""

    value: Any
    row: _Row
    problems: tuple[Problem, ...]


def _key(row: _Row, column: str) -> tuple[str | None, list[Problem]]:
    key = row.values.get(column, "")
    if not key:
        return None, [row.at(column, f"{column} is empty", "missing-value")]
    return key, []


def _index(
    table: _Table,
    column: str,
    read: Callable[[_Row], tuple[Any, list[Problem]]],
    unkeyed: list[tuple[Problem, ...]],
) -> dict[str, _Entry]:
    """The table's rows by ``column``; a repeated key keeps every row's problems and one
    more saying it is repeated. The problems of a row with no key (blank, or a row that
    could not be parsed) go to ``unkeyed``: no record can name it."""
    out: dict[str, _Entry] = {}
    table_ids: dict[str, int | None] = {}
    for row in _rows(table):
        if row.index >= MAX_LOOKUP_ROWS:
            raise _fail(
                table.source,
                f"the table has more than {MAX_LOOKUP_ROWS:,} rows, the most read into memory",
                "too-large",
            )
        key, problems = _key(row, column)
        if key is None:
            unkeyed.append(row.problems or tuple(problems))
            continue
        value, more = read(row)
        problems = [*row.problems, *problems, *more]
        row_id = row.values.get("cinf_table_id", "")
        if row_id:
            if row_id in table_ids:
                problems.append(
                    row.at(
                        "cinf_table_id",
                        f"cinf_table_id is repeated (first at line {table_ids[row_id]})",
                        "duplicate-key",
                    )
                )
            else:
                table_ids[row_id] = row.line
        if key in out:
            first = out[key]
            problems.append(
                row.at(
                    column, f"{column} is repeated (first at {first.row.where()})", "duplicate-key"
                )
            )
            out[key] = _Entry(first.value, first.row, (*first.problems, *problems))
        else:
            out[key] = _Entry(value, row, tuple(problems))
    return out


def _person(row: _Row) -> tuple[Any, list[Problem]]:
    born, problems = _day(row, "pers_dob")
    expected, more = _day(row, "pers_expected_dob")
    ehc = row.values.get("pers_send_flag", "").upper() == "Y"
    return (born, expected, ehc), [*problems, *more]


# --------------------------------------------------------------------------- reading


def read_ssd(folder: str | Path, *, authority: str | None = None) -> Iterator[Assessment | Unread]:
    """Read an SSD extract lazily: one assessment (or one ``Unread`` record) per
    authorised CIN assessment, in the order of ``ssd_cin_assessments``.

    See the module's documentation for the tables, joins and mapping.

    Args:
        folder: the folder holding ``ssd_person``, ``ssd_cin_assessments`` and
            ``ssd_assessment_factors`` (each ``.csv``, or ``.parquet`` with pyarrow).
        authority: the authority id every assessment names (``bromley``), or None.

    Returns:
        An iterator of :class:`~earlyhelp_core.Assessment` and
        :class:`~earlyhelp_core.cohorts.Unread` records, ready for
        :func:`earlyhelp_core.classify_many`.

    Raises:
        LoadError: the folder or a table file is missing, a header is not UTF-8, or a
            required column is missing (raised here, before any record is read); or,
            when the first record is asked for, the persons or factors table holds more
            than :data:`MAX_LOOKUP_ROWS` rows.
    """
    root = Path(folder)
    if not root.is_dir():
        raise _fail(str(root), "no such folder" if not root.exists() else "is not a folder", "file")
    tables = {name: _open_table(root, name) for name in (PERSONS, ASSESSMENTS, FACTORS)}
    return _read(tables, authority)


def _read(tables: dict[str, _Table], authority: str | None) -> Iterator[Assessment | Unread]:
    unkeyed: list[tuple[Problem, ...]] = []
    persons = _index(tables[PERSONS], "pers_person_id", _person, unkeyed)
    factors = _index(tables[FACTORS], "cinf_assessment_id", _codes, unkeyed)
    seen: dict[str, str] = {}
    for row in _rows(tables[ASSESSMENTS]):
        record = _record(row, persons, factors, seen, authority)
        if record is not None:
            yield record
    for key, entry in factors.items():
        if key in seen:
            continue  # an assessment still in progress
        problem = entry.row.at(
            "cinf_assessment_id",
            f"no {ASSESSMENTS} row has this assessment id",
            "missing-row",
        )
        yield Unread(key if _ID.fullmatch(key) else None, (*entry.problems, problem))
    for problems in unkeyed:
        yield Unread(None, problems)


def _record(
    row: _Row,
    persons: dict[str, _Entry],
    factors: dict[str, _Entry],
    seen: dict[str, str],
    authority: str | None,
) -> Assessment | Unread | None:
    """One assessments row as a record; None for an assessment still in progress."""
    problems = list(row.problems)
    key, more = _key(row, "cina_assessment_id")
    problems += more
    record_id = key if key is not None and _ID.fullmatch(key) else None
    if key is not None and record_id is None:
        problems.append(
            row.at(
                "cina_assessment_id",
                "cina_assessment_id is not a usable id (letters, digits and - . _ /, "
                "at most 64 characters, starting with a letter or digit)",
                "id",
            )
        )
    if key is not None:
        if key in seen:
            problems.append(
                row.at(
                    "cina_assessment_id",
                    f"cina_assessment_id is repeated (first at {seen[key]})",
                    "duplicate-key",
                )
            )
        else:
            seen[key] = row.where()
    on, more = _day(row, "cina_assessment_auth_date")
    problems += more
    if on is None and not problems:
        factors.pop(key or "", None)
        return None  # not authorised yet: still in progress
    person_id = row.values.get("cina_person_id", "")
    person = persons.get(person_id)
    if not person_id:
        problems.append(row.at("cina_person_id", "cina_person_id is empty", "missing-value"))
    elif person is None:
        problems.append(
            row.at("cina_person_id", f"no {PERSONS} row has this person id", "missing-row")
        )
    else:
        problems += person.problems
    found = factors.pop(key, None) if key is not None else None
    if found is None:
        problems.append(
            row.at(
                "cina_assessment_id",
                f"no {FACTORS} row has this assessment id (a completed assessment records "
                "its factors, 21 for none)",
                "missing-row",
            )
        )
    else:
        problems += found.problems
    if problems or on is None or person is None or found is None or record_id is None:
        return Unread(record_id, tuple(problems))
    born, expected, ehc = person.value
    if born is None and expected is None:
        return Unread(
            record_id,
            (
                person.row.at(
                    "pers_dob",
                    "the child has neither pers_dob nor pers_expected_dob",
                    "missing-value",
                ),
            ),
        )
    if not _ID.fullmatch(person_id):
        return Unread(
            record_id,
            (row.at("cina_person_id", "cina_person_id is not a usable id", "id"),),
        )
    try:
        return _assessment(
            record_id,
            authority,
            on,
            person_id=person_id,
            born=born,
            expected=expected,
            ehc=ehc,
            codes=found.value,
        )
    except ValidationError as exc:
        return Unread(
            record_id, tuple(problems_from_validation(exc, Assessment, source=row.table.source))
        )


def _assessment(
    record_id: str,
    authority: str | None,
    on: date,
    *,
    person_id: str,
    born: date | None,
    expected: date | None,
    ehc: bool,
    codes: tuple[str, ...],
) -> Assessment:
    """The assessment the SSD rows describe (see the module's documentation)."""
    child: dict[str, Any] = {"id": "c1"}
    if born is not None:
        child.update(role=Role.CHILD, date_of_birth=born)
        if ehc:
            child["send"] = Send.EHC_PLAN
    else:
        child.update(role=Role.UNBORN, expected_on=expected)
    members = [child]
    subjects = {subject_of(c) for c in codes if c != CIN_NO_FACTORS}
    if "parent" in subjects:
        members.append({"id": "p1", "role": Role.PARENT})
    if "household" in subjects:
        members.append({"id": "h1", "role": Role.OTHER_ADULT})
    member_of = {"child": "c1", "parent": "p1", "household": "h1"}
    observations = [
        {
            "factor": factor_of(code),
            "about": (member_of[subject_of(code)],),
            "noted_on": on,
            "census_code": code,
        }
        for code in codes
        if code != CIN_NO_FACTORS
    ]
    return Assessment.model_validate(
        {
            "kind": "early-help-assessment",
            "id": record_id,
            "authority": authority,
            "assessed_on": on,
            "family": {"id": person_id, "members": members},
            "factors": observations,
        }
    )


# --------------------------------------------------------------------------- writing

_COLUMNS: dict[str, tuple[str, ...]] = {
    PERSONS: ("pers_person_id", "pers_dob", "pers_expected_dob", "pers_send_flag"),
    ASSESSMENTS: ("cina_assessment_id", "cina_person_id", "cina_assessment_auth_date"),
    FACTORS: ("cinf_table_id", "cinf_assessment_id", "cinf_assessment_factors_json"),
}


def _codes_of(assessment: Assessment) -> list[str]:
    """The census codes an assessment's factors are written as."""
    codes: list[str] = []
    for obs in assessment.factors:
        code = obs.census_code
        if code is None:
            choices = vocabulary.get(obs.factor).cin_codes if obs.factor in vocabulary.ids() else ()
            if len(choices) != 1:
                listed = " or ".join(choices) or "none: the SSD cannot carry it"
                raise ValueError(
                    f"assessment {assessment.id!r}: factor {obs.factor!r} has no census_code "
                    f"and its census code cannot be chosen for it (choices: {listed})"
                )
            code = choices[0]
        if code not in codes:
            codes.append(code)
    return codes or [CIN_NO_FACTORS]


def _rows_of(assessment: Assessment, number: int) -> dict[str, list[str]]:
    """One assessment's rows: person, assessment and factors."""
    if not isinstance(assessment, Assessment):
        raise TypeError(f"expected an Assessment, got {type(assessment).__name__}")
    child = next(iter(assessment.family.children), None)
    if child is None:
        raise ValueError(f"assessment {assessment.id!r}: the family has no child to write")
    person = [
        assessment.family.id,
        child.date_of_birth.isoformat() if child.date_of_birth else "",
        child.expected_on.isoformat() if child.expected_on else "",
        "Y" if child.send is Send.EHC_PLAN else "N",
    ]
    return {
        PERSONS: person,
        ASSESSMENTS: [assessment.id, assessment.family.id, assessment.assessed_on.isoformat()],
        FACTORS: [str(number), assessment.id, json.dumps(_codes_of(assessment))],
    }


def write_ssd(
    assessments: Iterable[Assessment], folder: str | Path, *, format: Format = "csv"
) -> Path:
    """Write assessments as an SSD extract that :func:`read_ssd` reads back.

    Writes ``ssd_person``, ``ssd_cin_assessments`` and ``ssd_assessment_factors`` (each
    ``.csv``, or ``.parquet``), replacing files of those names. Carried are the
    assessment's id and date, the family's id (as the child's person id), its first
    child's date of birth (or expected date) and EHC plan flag, and each factor's census
    code; not carried are the authority, assessor, consent, other members, evidence,
    cells, voice, strengths and a recorded level. CSV is written row by row; Parquet is
    gathered in memory and written at the end.

    Args:
        assessments: the assessments, each with a child and ids fit for the SSD.
        folder: where to write (created when missing).
        format: ``"csv"`` or ``"parquet"`` (needs pyarrow).

    Returns:
        The folder.

    Raises:
        ValueError: an unknown format; a factor with no ``census_code`` whose factor has
            several codes (or none); an assessment whose family has no child; one person
            id written with two different dates; or an assessment id written twice.
    """
    if format not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', got {format!r}")
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    if format == "parquet":
        pq = _pyarrow()
        gathered: dict[str, list[list[str]]] = {name: [] for name in _COLUMNS}
        _write_rows(assessments, lambda name, row: gathered[name].append(row))
        import pyarrow as pa  # noqa: PLC0415 - an optional dependency

        for name, columns in _COLUMNS.items():
            data = {c: [row[i] for row in gathered[name]] for i, c in enumerate(columns)}
            pq.write_table(
                pa.table(data, schema=pa.schema([(c, pa.string()) for c in columns])),
                root / f"{name}.parquet",
            )
        return root
    handles = {
        name: (root / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in _COLUMNS
    }
    try:
        writers = {name: csv.writer(handle) for name, handle in handles.items()}
        for name, columns in _COLUMNS.items():
            writers[name].writerow(columns)
        _write_rows(assessments, lambda name, row: writers[name].writerow(row))
    finally:
        for handle in handles.values():
            handle.close()
    return root


def _write_rows(assessments: Iterable[Assessment], put: Callable[[str, list[str]], object]) -> None:
    persons: dict[str, list[str]] = {}
    ids: set[str] = set()
    for number, assessment in enumerate(assessments, start=1):
        rows = _rows_of(assessment, number)
        if assessment.id in ids:
            raise ValueError(f"assessment id {assessment.id!r} is written twice")
        ids.add(assessment.id)
        person = rows[PERSONS]
        known = persons.get(person[0])
        if known is None:
            persons[person[0]] = person
            put(PERSONS, person)
        elif known != person:
            raise ValueError(
                f"person {person[0]!r} (family id of assessment {assessment.id!r}) is written "
                "with a different child than before"
            )
        put(ASSESSMENTS, rows[ASSESSMENTS])
        put(FACTORS, rows[FACTORS])


# --------------------------------------------------------------------------- synthetic


def synthetic_ssd(folder: str | Path, children: int, *, seed: int = 0) -> Path:
    """Write a synthetic SSD extract: fictional ids (``SYN...``), plausible dates, and
    0 to 5 factor codes per assessment (``21`` where there are none). Never real data.

    Args:
        folder: where to write the CSV tables (created when missing).
        children: how many children, each with one authorised assessment.
        seed: the random seed; the same seed writes the same extract.

    Returns:
        The folder.

    Raises:
        ValueError: ``children`` is negative.
    """
    if isinstance(children, bool) or not isinstance(children, int) or children < 0:
        raise ValueError(f"children must be a whole number, at least 0; got {children!r}")
    rng = random.Random(seed)
    codes = [c for c in CIN_CODES if c != CIN_NO_FACTORS]

    def one(i: int) -> Assessment:
        on = date(2023, 4, 1) + timedelta(days=rng.randrange(730))
        unborn = rng.random() < 0.05
        born = None if unborn else on - timedelta(days=rng.randrange(30, 17 * 365))
        expected = on + timedelta(days=rng.randrange(14, 180)) if unborn else None
        picked = tuple(rng.sample(codes, rng.choice([0, 0, 1, 2, 2, 3, 4, 5])))
        return _assessment(
            f"SYNA{i:07d}",
            None,
            on,
            person_id=f"SYN{i:07d}",
            born=born,
            expected=expected,
            ehc=rng.random() < 0.04,
            codes=picked or (CIN_NO_FACTORS,),
        )

    return write_ssd((one(i) for i in range(1, children + 1)), folder)
