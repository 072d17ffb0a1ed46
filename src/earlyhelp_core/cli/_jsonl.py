"""The command line's cohort mode: JSON Lines in (a file or stdin), JSON Lines or CSV out,
a progress line on a terminal, and a summary at the end."""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import IO, Any, TextIO

from ..cohorts import (
    MAX_RECORD_BYTES,
    DecisionSummary,
    JsonLines,
    RecordResult,
    StepSummary,
    ValidationSummary,
    results_of_jsonl,
)
from ..models import Plan
from ..thresholds import Authority, Decision

__all__ = [
    "FIELDS",
    "Replay",
    "assess_jsonl",
    "assess_results",
    "jsonl_writer",
    "open_input",
    "parse_fields",
    "sniff_stdin",
    "validate_jsonl",
]


@contextmanager
def open_input(name: str) -> Iterator[IO[bytes] | IO[str]]:
    """A byte stream over ``name``, or standard input for ``<stdin>``: each line is decoded
    on its own, so one line that is not UTF-8 is one bad record, not a stopped run."""
    if name == "<stdin>":
        buffer: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        yield buffer if buffer is not None else sys.stdin  # a replaced stdin may be text
        return
    with open(name, "rb") as handle:
        yield handle


class Replay:
    """Standard input whose first lines were read to tell what it holds, read again first."""

    def __init__(self, head: bytes | str, rest: IO[bytes] | IO[str]) -> None:
        self.head: Any = head  # bytes, or text when stdin was replaced by a text stream
        self.rest: Any = rest
        self.empty: Any = head[:0]

    def readline(self, size: int = -1) -> Any:
        if not self.head:
            return self.rest.readline(size)
        end = self.head.find(b"\n" if isinstance(self.head, bytes) else "\n") + 1
        take = end if end > 0 else len(self.head)
        if 0 <= size < take:
            take = size
        line, self.head = self.head[:take], self.head[take:]
        if end == 0 and not self.head and (size < 0 or len(line) < size):
            line += self.rest.readline(-1 if size < 0 else size - len(line))  # the line goes on
        return line

    def read(self, size: int = -1) -> Any:
        head, self.head = self.head, self.empty
        more = self.rest.read(-1 if size < 0 else max(0, size - len(head)))
        return head + more

    def __iter__(self) -> Iterator[Any]:
        return iter(self.readline, self.empty)


def sniff_stdin(limit: int) -> tuple[str, Replay]:
    """What standard input holds, from its first line that is not blank: ``"jsonl"`` (a
    whole JSON object on the line), ``"json"`` (a document that starts ``{`` or ``[`` and
    goes on), or ``"yaml"``; and the input, to be read from its start. At most ``limit``
    bytes of a line are read to tell."""
    with open_input("<stdin>") as stream:
        head: Any = stream.readline(limit + 1)
        while head and not head.strip() and len(head) <= limit:
            more = stream.readline(limit + 1)
            if not more:
                break
            head += more
        replay = Replay(head, stream)
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.startswith("{") and (first.endswith("}") or len(head) > limit):
        return "jsonl", replay
    return ("json" if first.startswith(("{", "[")) else "yaml"), replay


class Progress:
    """A one-line count on stderr, redrawn at most five times a second; silent when
    stderr is not a terminal (a pipe, a log file, a test)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.shown = 0.0
        self.count = 0

    def step(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and now - self.shown >= 0.2:
            self.shown = now
            rate = self.count / max(now - self.started, 1e-9)
            self.stream.write(f"\r{self.count:,} records, {rate:,.0f}/s")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 40 + "\r")
            self.stream.flush()


class _JsonArray:
    """A JSON list written an item at a time (``--format json`` for many records): the
    output is one JSON document, and no record is held once written."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def write(self, item: dict[str, Any]) -> None:
        self.out.write(("[\n" if not self.count else ",\n") + json.dumps(item, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")


class _Csv:
    """CSV rows with the header taken from the first row."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.writer: csv.DictWriter[str] | None = None

    def write(self, row: dict[str, Any]) -> None:
        if self.writer is None:
            self.writer = csv.DictWriter(self.out, fieldnames=list(row))
            self.writer.writeheader()
        self.writer.writerow(row)


def _problem_lines(result: RecordResult) -> list[str]:
    return [str(p) for p in result.problems]


def _why(result: RecordResult) -> str:
    """Why a record could not be read, for one CSV cell: each problem located, one a line."""
    return "\n".join(str(p) for p in result.problems)


def _decision_row(result: RecordResult, comparing: bool) -> dict[str, Any]:
    d = result.decision
    row: dict[str, Any] = {
        "index": result.index,
        "line": result.line or "",
        "id": result.id or "",
        "level": d.level.id if d else "",
        "rank": d.level.rank if d else "",
        "prevention": d.prevention.value if d else "",
        "response": d.response.value if d else "",
        "judgement": d.judgement.value if d else "",
        "problems": _why(result),
    }
    o = result.compared
    if comparing:
        row["other_level"] = o.level.id if o else ""
        row["other_response"] = o.response.value if o else ""
        row["changed"] = bool(d and o and d.level.id != o.level.id)
    return row


def _decided(get: Callable[[Decision], Any]) -> Callable[[RecordResult], Any]:
    """A field of the record's decision; null for a record that was not classified."""
    return lambda result: get(result.decision) if result.decision is not None else None


FIELDS: dict[str, tuple[str, Callable[[RecordResult], Any]]] = {
    "index": ("the record's place in the input, from 0 (always written)", lambda r: r.index),
    "id": ("the record's `id`, when it has one (always written)", lambda r: r.id),
    "ok": ("whether the record was read and classified", lambda r: r.ok),
    "level": (
        "the level id decided (the computed level, or a higher recorded one)",
        _decided(lambda d: d.level.id),
    ),
    "rank": ("the rank of that level", _decided(lambda d: d.level.rank)),
    "prevention": ("its Munro prevention level", _decided(lambda d: d.prevention.value)),
    "response": ("its social-care response", _decided(lambda d: d.response.value)),
    "computed_level": (
        "the level id the matrix computes, before a recorded level",
        _decided(lambda d: d.computed_level.id),
    ),
    "recorded_level": (
        "the level id the practitioner recorded, as written",
        _decided(lambda d: d.recorded_as),
    ),
    "judgement": (
        "how the recorded level stands to the computed one",
        _decided(lambda d: d.judgement.value),
    ),
    "reasons": (
        "why: each reason as in the full output (factors, kind, rule, level, source)",
        _decided(lambda d: [r.to_dict() for r in d.reasons]),
    ),
    "considerations": (
        "the advisories raised, as in the full output",
        _decided(lambda d: [c.to_dict() for c in d.considerations]),
    ),
    "unmapped_factors": (
        "factors the matrix does not place",
        _decided(lambda d: list(d.unmapped_factors)),
    ),
    "next_step": ("what the practitioner does next", _decided(lambda d: d.next_step)),
    "authority": ("the id of the authority that decided", _decided(lambda d: d.authority)),
    "version": ("the version of its config", _decided(lambda d: d.version)),
    "compared_level": (
        "with --compare: the level id under the other matrix",
        lambda r: r.compared.level.id if r.compared is not None else None,
    ),
    "problems": (
        "why a record could not be read, each problem located",
        lambda r: [p.to_dict() for p in r.problems],
    ),
}
"""What ``earlyhelp assess --format jsonl --fields`` can write of each record's result: the
name, what it holds, and how to get it. A field of the decision is null for a record that
was not classified."""


def parse_fields(text: str) -> tuple[str, ...]:
    """The field names of a ``--fields`` value (comma-separated, each once, in order).

    Raises:
        ValueError: no name, or a name not in :data:`FIELDS` (the message names them all).
    """
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in FIELDS]
    if unknown or not names:
        what = f"unknown field {', '.join(map(repr, unknown))}" if unknown else "no field named"
        raise ValueError(f"{what}; the fields are: {', '.join(FIELDS)}")
    return names


def _only(result: RecordResult, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a record's result, after its index and id."""
    row = {"index": result.index, "id": result.id}
    for name in fields:
        row[name] = FIELDS[name][1](result)
    return row


def jsonl_writer(fields: tuple[str, ...] | None, texts: bool) -> Callable[[RecordResult], str]:
    """Each result as its line of ``--format jsonl`` (with its newline): whole (``texts``:
    with its levels' texts), or only the ``fields`` named."""
    if fields is None:
        lines = JsonLines(texts=texts)
        return lambda result: lines.line(result) + "\n"
    return lambda result: json.dumps(_only(result, fields), ensure_ascii=False) + "\n"


def assess_jsonl(
    source: str,
    authority: Authority,
    other: Authority | None,
    *,
    fmt: str,
    out: TextIO,
    err: TextIO,
    max_record_bytes: int = MAX_RECORD_BYTES,
    stream: Replay | None = None,
    fields: tuple[str, ...] | None = None,
    texts: bool = False,
) -> int:
    """Classify every record of a JSON Lines input; with ``other``, under both matrices.
    ``stream``: standard input, already begun (see :func:`sniff_stdin`); ``fields`` and
    ``texts``: see :func:`assess_results`."""
    with open_input(source) if stream is None else nullcontext(stream) as lines:
        results = results_of_jsonl(
            authority,
            lines,
            "classify",
            source=source,
            also=other,
            max_record_bytes=max_record_bytes,
        )
        return assess_results(
            results, authority, other, fmt=fmt, out=out, err=err, fields=fields, texts=texts
        )


def assess_results(
    results: Iterable[RecordResult],
    authority: Authority,
    other: Authority | None,
    *,
    fmt: str,
    out: TextIO,
    err: TextIO,
    fields: tuple[str, ...] | None = None,
    texts: bool = False,
) -> int:
    """Print each classified record (text, JSON Lines or CSV), a progress line on a
    terminal, and the summary; whatever the records were read from. ``fields``: with JSON
    Lines, write only these of :data:`FIELDS` for each record (after its index and id);
    ``texts``: with JSON or JSON Lines, give each decision its levels' texts (see
    :meth:`Decision.to_dict`)."""
    summary = DecisionSummary(authority, compared_with=other)
    progress = Progress(err)
    table = _Csv(out)
    listed = _JsonArray(out)
    line_of = jsonl_writer(fields, texts)
    interrupted = False
    try:
        for result in results:
            compared = result.compared
            progress.step()
            summary.add(result)
            if fmt == "json":
                listed.write(result.to_dict(texts=texts))
            elif fmt == "jsonl":
                out.write(line_of(result))
            elif fmt == "csv":
                table.write(_decision_row(result, other is not None))
            else:
                for line in _problem_lines(result):
                    print(line, file=out)
                if result.decision is not None:
                    also = f" | {other.id}: {compared.level.id}" if other and compared else ""
                    print(
                        f"{result.index} {result.id}: {result.decision.level.id} "
                        f"({result.decision.response.value}){also}",
                        file=out,
                    )
    except KeyboardInterrupt:  # Ctrl-C: stop, and count what was read
        interrupted = True
    progress.done()
    if fmt == "json":
        listed.close()
    where = err if fmt in ("json", "jsonl", "csv") or interrupted else out
    for line in summary.lines():
        print(line, file=where)
    if interrupted:
        return interrupted_note(err)
    return 1 if summary.unreadable else 0


def validate_jsonl(
    source: str,
    authority: Authority,
    *,
    fmt: str,
    out: TextIO,
    err: TextIO,
    max_record_bytes: int = MAX_RECORD_BYTES,
    stream: Replay | None = None,
) -> int:
    """Validate every record of a JSON Lines input (``stream``: as for :func:`assess_jsonl`)."""
    summary = ValidationSummary(authority)
    steps = StepSummary(authority)
    progress = Progress(err)
    table = _Csv(out)
    listed = _JsonArray(out)
    interrupted = False
    try:
        with open_input(source) if stream is None else nullcontext(stream) as lines:
            results = results_of_jsonl(
                authority, lines, "validate", source=source, max_record_bytes=max_record_bytes
            )
            for result in results:
                progress.step()
                summary.add(result)
                if isinstance(result.document, Plan):
                    steps.add(result.document)
                if fmt == "json":
                    listed.write(result.to_dict())
                elif fmt == "jsonl":
                    out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
                elif fmt == "csv":
                    findings = result.report.findings if result.report else ()
                    for row in [
                        {
                            "index": result.index,
                            "line": result.line or "",
                            "id": result.id or "",
                            "code": f.code,
                            "severity": f.severity.value,
                            "path": ".".join(map(str, f.path)),
                            "message": f.message,
                        }
                        for f in findings
                    ] + [
                        {
                            "index": result.index,
                            "line": result.line or "",
                            "id": result.id or "",
                            "code": "",
                            "severity": "error",
                            "path": ".".join(map(str, p.path)),
                            "message": p.message,
                        }
                        for p in result.problems
                    ]:
                        table.write(row)
                else:
                    for line in _problem_lines(result):
                        print(line, file=out)
                    for finding in result.report.findings if result.report else ():
                        print(f"{source}: record {result.index} ({result.id}): {finding}", file=out)
    except KeyboardInterrupt:  # Ctrl-C: stop, and count what was read
        interrupted = True
    progress.done()
    if fmt == "json":
        listed.close()
    where = err if fmt in ("json", "jsonl", "csv") or interrupted else out
    for line in summary.lines():
        print(line, file=where)
    if steps.plans or steps.other_authority:
        for line in steps.lines():
            print(line, file=where)
    if interrupted:
        return interrupted_note(err)
    return 1 if summary.failed or summary.unreadable else 0


EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped with Ctrl-C."""


def interrupted_note(err: TextIO) -> int:
    print("earlyhelp: interrupted; the summary above counts the records read until then", file=err)
    return EXIT_INTERRUPTED
