"""Cohorts: classify and validate many records lazily, one result per record, never stopping.

Records may be parsed documents, mappings (as ``json.loads`` gives them), JSON text (one
JSON Lines line), or :class:`Unread` records from a reader (a census return, an extract).
A record that cannot be read becomes a result holding its located problems; the run goes
on. Only one record is held at a time, so memory stays flat
whatever the cohort's size.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._errors import DocumentError, LoadError, Problem
from .._located import describe
from .._reader import MAX_BYTES, read_text
from ..assessment._core import validate
from ..models import Assessment, Document, Plan, Referral, parse_document

if TYPE_CHECKING:
    from ..assessment._core import Report
    from ..thresholds import Authority, Decision
    from ..vocabulary import Vocabulary

__all__ = [
    "MAX_RECORD_BYTES",
    "RecordResult",
    "Unread",
    "classify_many",
    "read_jsonl",
    "read_record",
    "records",
    "results_of_jsonl",
    "results_of_read",
    "validate_many",
]


MAX_RECORD_BYTES = MAX_BYTES
"""The longest JSON Lines record read (5 MiB, as for a document file): a longer line is one
located problem, read past without being held, and the run goes on. Raise it with
``max_record_bytes=`` (``earlyhelp assess|validate --max-record-bytes N``)."""


@attrs.frozen
class Unread:
    """A record a reader could not turn into a document (a census child with an unknown
    code, an extract row whose key has no match): its id, when known, and the located
    problems. Cohort runs give it a result holding those problems, and go on.
    """

    id: str | None
    problems: tuple[Problem, ...]


Record = Document | Unread | Mapping[str, Any] | str | bytes


@attrs.frozen
class RecordResult:
    """What one record of a cohort gave: its decision or report, or the problems that
    stopped it being read.

    Attributes:
        index: the record's position in the input, from 0.
        id: the document's id, when it could be read that far.
        decision: for :func:`classify_many`, the decision.
        report: for :func:`validate_many`, the report.
        problems: why the record could not be read (empty when it was).
        compared: when comparing two matrices, the second one's decision.
        document: the record as a document, when it could be read (kept out of ``repr``
            and ``to_dict``: it holds personal data).
        line: the record's line in its file (JSON Lines), when it has one.
    """

    index: int
    id: str | None
    decision: Decision | None = None
    report: Report | None = None
    problems: tuple[Problem, ...] = ()
    compared: Decision | None = None
    document: Document | None = attrs.field(default=None, repr=False, eq=False)
    line: int | None = None

    @property
    def ok(self) -> bool:
        """Read, and (for validation) without errors."""
        return not self.problems and (self.report is None or self.report.ok)

    def to_dict(self, *, texts: bool = True) -> dict[str, Any]:
        """Plain data, for JSON Lines output; ``texts=False``: each decision without the
        texts of its levels (see :meth:`Decision.to_dict`)."""
        out: dict[str, Any] = {}
        for key, value in self._parts():
            if key in _DECISIONS:
                out[key] = value.to_dict(texts=texts)
            elif key == "report":
                out[key] = value.to_dict()
            elif key == "problems":
                out[key] = [p.to_dict() for p in value]
            else:
                out[key] = value
        return out

    def _parts(self) -> list[tuple[str, Any]]:
        """The fields of :meth:`to_dict`, in its order: each decision and the report as
        the object, the problems as a tuple of them; the others as plain data."""
        parts: list[tuple[str, Any]] = [("index", self.index)]
        if self.line is not None:
            parts.append(("line", self.line))
        parts += (("id", self.id), ("ok", self.ok))
        if self.decision is not None:
            parts.append(("decision", self.decision))
        if self.report is not None:
            parts.append(("report", self.report))
        if self.compared is not None:
            parts.append(("compared", self.compared))
        if self.problems:
            parts.append(("problems", self.problems))
        return parts


_DECISIONS: Final = frozenset({"decision", "compared"})
"""The fields of a result that hold a :class:`Decision`."""


def _id_of(raw: Any) -> str | None:
    """The record's ``id`` as written, when it is text (cut, and with any character that
    cannot be written as UTF-8 escaped, so that output stays valid)."""
    value = raw.get("id") if isinstance(raw, Mapping) else None
    if not isinstance(value, str):
        return None
    return value[:100].encode("utf-8", "backslashreplace").decode("utf-8")


def read_record(
    record: Record,
    *,
    source: str = "<record>",
    line: int | None = None,
    vocabulary: Vocabulary | None = None,
) -> Document:
    """One record as a document; its factor ids checked against ``vocabulary`` (the
    bundled one by default; :func:`classify_many` passes the authority's).

    Raises:
        DocumentError: the record is not a valid document; problems are located in
            ``source`` (at ``line``, for a JSON Lines record).
    """
    if isinstance(record, Assessment | Plan | Referral):
        return record
    if isinstance(record, Unread):
        raise DocumentError(list(record.problems))
    if isinstance(record, bytes):
        try:
            record = record.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError(
                [Problem("the record is not UTF-8", (), source, line, None, "encoding")]
            ) from None
    if isinstance(record, str):
        if not record.strip():
            raise DocumentError(
                [Problem("a blank line: each line holds one record", (), source, line, 1, "empty")]
            )
        try:
            loaded = read_text(record, source=source, fmt="json", error=DocumentError)
        except DocumentError as exc:
            raise DocumentError([_on_line(p, line) for p in exc.problems]) from None
        try:
            return parse_document(
                loaded.data, source=source, where=loaded.where, vocabulary=vocabulary
            )
        except DocumentError as exc:
            raise DocumentError([_on_line(p, line) for p in exc.problems]) from None
    if isinstance(record, Mapping):
        return parse_document(record, source=source, vocabulary=vocabulary)
    raise DocumentError(
        [
            Problem(
                f"a record must be a document, a mapping or JSON text, found {describe(record)}",
                (),
                source,
                line,
                None,
                "type",
            )
        ]
    )


def _on_line(problem: Problem, line: int | None) -> Problem:
    """A problem found inside one JSON Lines record, moved to that record's line."""
    if line is None:
        return problem
    return dataclasses.replace(problem, line=line)


def records(
    items: Iterable[Record], *, source: str = "<records>", max_record_bytes: int = MAX_RECORD_BYTES
) -> Iterator[tuple[int, Record, int | None]]:
    """(index, record, line) for plain iterables: no line numbers. A file (anything with
    ``readline``) is read a line at a time, none longer than ``max_record_bytes``."""
    if getattr(items, "readline", None) is None:
        yield from ((index, item, None) for index, item in enumerate(items))
        return
    for index, text in enumerate(_lines(items, max_record_bytes)):  # type: ignore[arg-type]
        if text is None:
            yield index, _too_long(max_record_bytes, f"{source}[{index}]", None), None
        else:
            yield index, text, None


def read_jsonl(
    stream: Iterable[str | bytes],
    *,
    source: str = "<records>",
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[tuple[int, str | bytes | Unread, int]]:
    """(index, text, line number) for each line of a JSON Lines stream. A blank line is a
    record too (one that cannot be read), so that every line is accounted for; so is a
    line longer than ``max_record_bytes``, given as an :class:`Unread` record whose problem
    names its line (read from a file, it is never held whole)."""
    for index, (number, text) in enumerate(enumerate(_lines(stream, max_record_bytes), start=1)):
        yield (
            index,
            text if text is not None else _too_long(max_record_bytes, source, number),
            number,
        )


_SKIP = 1 << 20
"""How much of an over-long line is read at a time, to pass it."""


def _lines(stream: Iterable[str | bytes], limit: int) -> Iterator[str | bytes | None]:
    """Each line of ``stream``, or None for a line longer than ``limit`` (bytes, or
    characters for text). A stream with ``readline`` is read at most ``limit`` and a
    little at a time, so an over-long line never is in memory whole."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        for text in stream:
            ending = len(text) - len(
                text.rstrip(b"\r\n") if isinstance(text, bytes) else text.rstrip("\r\n")
            )
            yield None if len(text) - ending > limit else text
        return
    while True:
        line = readline(limit + 1)
        if not line:
            return
        end = b"\n" if isinstance(line, bytes) else "\n"
        if len(line) <= limit or line.endswith(end):
            yield line
            continue
        while line and not line.endswith(end):  # read past the rest of it
            line = readline(_SKIP)
        yield None


def _too_long(limit: int, source: str, line: int | None) -> Unread:
    message = (
        f"the record is longer than {limit:,} bytes, too long to be one document: check it "
        "is the right file, or raise the limit (--max-record-bytes, or max_record_bytes=)"
    )
    return Unread(None, (Problem(message, (), source, line, None, "too-large"),))


def _results(
    authority: Authority,
    items: Iterable[tuple[int, Record, int | None]],
    source: str,
    what: str,
    also: Authority | None = None,
) -> Iterator[RecordResult]:
    """One result per record; with ``also``, each result's ``compared`` holds the decision
    of the second matrix for the same record (read once)."""
    for index, record, line in items:
        raw_id = (
            _id_of(record)
            if isinstance(record, Mapping)
            else record.id
            if isinstance(record, Unread)
            else None
        )
        where = source if line is not None else f"{source}[{index}]"
        try:
            doc = read_record(record, source=where, line=line, vocabulary=authority.vocabulary)
        except LoadError as exc:
            if raw_id is None and isinstance(record, str | bytes):
                try:
                    raw_id = _id_of(json.loads(record))
                except (ValueError, RecursionError):  # not JSON, or nested past Python's limit
                    raw_id = None
            yield RecordResult(index, raw_id, problems=exc.problems, line=line)
            continue
        if what == "classify":
            if not isinstance(doc, Assessment):
                problem = Problem(
                    f"is a {doc.kind}; only an early-help-assessment can be classified",
                    ("kind",),
                    where,
                    line,
                    None,
                    "kind",
                )
                yield RecordResult(index, doc.id, problems=(problem,), line=line)
                continue
            yield RecordResult(
                index,
                doc.id,
                decision=authority.classify(doc),
                compared=also.classify(doc) if also is not None else None,
                document=doc,
                line=line,
            )
        else:
            report = validate(authority, doc)
            yield RecordResult(index, doc.id, report=report, document=doc, line=line)


def classify_many(
    authority: Authority,
    items: Iterable[Record],
    *,
    source: str = "<records>",
    compared_with: Authority | None = None,
) -> Iterator[RecordResult]:
    """Classify a cohort lazily under ``authority``: one :class:`RecordResult` per record,
    in order.

    ``items`` may hold assessments, mappings (as ``json.loads`` gives them), JSON text
    (JSON Lines) or :class:`Unread` records from a reader (``read_cin_census``,
    ``read_ssd``). A record that cannot be read, or is not an assessment, gives a result
    with its problems (and its index and id) and the run goes on. With ``compared_with``,
    each result's ``compared`` holds that authority's decision for the same record (read
    once). Memory stays flat: one record is held at a time.
    """
    return _results(authority, records(items, source=source), source, "classify", compared_with)


def results_of_jsonl(
    authority: Authority,
    stream: Iterable[str | bytes],
    what: str,
    *,
    source: str,
    also: Authority | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[RecordResult]:
    """Classify (``what="classify"``) or validate each record of a JSON Lines stream; a
    line longer than ``max_record_bytes`` is a result holding one problem at its line.
    The same as :func:`results_of_read` over :func:`read_jsonl`."""
    lines = read_jsonl(stream, source=source, max_record_bytes=max_record_bytes)
    return _results(authority, lines, source, what, also)


def results_of_read(
    authority: Authority,
    items: Iterable[tuple[int, Record, int | None]],
    what: str,
    *,
    source: str,
    also: Authority | None = None,
) -> Iterator[RecordResult]:
    """Classify (``what="classify"``) or validate records as :func:`read_jsonl` gives them
    (index, text, line number): for work split across processes, each given some of the
    lines one reader read, every result keeps its index and line in the whole input."""
    return _results(authority, items, source, what, also)


def validate_many(
    authority: Authority, items: Iterable[Record], *, source: str = "<records>"
) -> Iterator[RecordResult]:
    """Validate a cohort lazily under ``authority``: one :class:`RecordResult` (with its
    report, or the problems that stopped it being read) per record, in order, never
    stopping."""
    return _results(authority, records(items, source=source), source, "validate")
