"""``earlyhelp assess --jobs N``: a JSON Lines cohort classified by N processes and written
in the order it was read, exactly as one process writes it.

One reader (this process) reads the lines and hands them out in chunks; each worker reads
and classifies its chunk's records and writes their lines; this process writes the chunks
in order and counts the summary. At most two chunks a worker are in flight, so memory stays
flat whatever the size of the input.
"""

from __future__ import annotations

import codecs
import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any, BinaryIO, TextIO

from ..cohorts import DecisionSummary, read_jsonl, results_of_read
from ..cohorts._records import Record
from ..cohorts.columnar import _compiled, _shipped  # the matrix as the engines ship it
from ..thresholds import Authority
from ._jsonl import Progress, Replay, interrupted_note, jsonl_writer, open_input

__all__ = ["CHUNK", "assess_jsonl_parallel"]

CHUNK = 500
"""Records a worker is given at a time: enough that handing them over costs little beside
classifying them, few enough that the output follows the input closely."""

_Chunk = list[tuple[int, Record, int | None]]
_Done = tuple[bytes, list[tuple[str | None, str | None]]]

_WORK: dict[str, Any] = {}
"""What a worker needs for every chunk, set once when it starts."""


def _start(
    authority: tuple[str, str],
    other: tuple[str, str] | None,
    source: str,
    fields: tuple[str, ...] | None,
    texts: bool,
) -> None:
    """A worker's start: Ctrl-C is the parent's to handle; the matrices compiled from the
    configs shipped to it (as the Spark and Dask steps ship them: no file is read again)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORK.update(
        authority=_compiled(*authority),
        other=_compiled(*other) if other is not None else None,
        source=source,
        line_of=jsonl_writer(fields, texts),
    )


def _classify(chunk: _Chunk) -> _Done:
    """A chunk's lines of output, and what the summary counts of each of its records."""
    results = results_of_read(
        _WORK["authority"], chunk, "classify", source=_WORK["source"], also=_WORK["other"]
    )
    line_of = _WORK["line_of"]
    text: list[str] = []
    counted: list[tuple[str | None, str | None]] = []
    for result in results:
        text.append(line_of(result))
        counted.append(DecisionSummary.counted(result))
    return "".join(text).encode("utf-8"), counted  # sent and written as it is


def _utf8_bytes_of(out: TextIO) -> BinaryIO | None:
    """The byte stream under ``out``, when ``out`` encodes its text as UTF-8."""
    raw: BinaryIO | None = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if raw is None or not isinstance(encoding, str):
        return None
    try:
        return raw if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def _chunks(items: Iterable[tuple[int, Record, int | None]]) -> Iterator[_Chunk]:
    it = iter(items)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def assess_jsonl_parallel(
    source: str,
    authority: Authority,
    other: Authority | None,
    *,
    jobs: int,
    out: TextIO,
    err: TextIO,
    max_record_bytes: int,
    stream: Replay | None = None,
    fields: tuple[str, ...] | None = None,
    texts: bool = False,
    start_method: str | None = None,
) -> int:
    """Classify a JSON Lines input with ``jobs`` worker processes and write each record's
    line (``--format jsonl``), in order, then the summary: the output a single process
    writes, byte for byte. Each worker compiles the matrices once from their configs,
    shipped as JSON; ``start_method``: ``fork`` where the platform has it, else ``spawn``."""
    summary = DecisionSummary(authority, compared_with=other)
    progress = Progress(err)
    if start_method is None:
        forks = "fork" in multiprocessing.get_all_start_methods()
        start_method = "fork" if forks else "spawn"
    context = multiprocessing.get_context(start_method)
    shipped = (_shipped(authority), _shipped(other) if other is not None else None)
    interrupted = False
    with open_input(source) if stream is None else nullcontext(stream) as lines:
        items = read_jsonl(lines, source=source, max_record_bytes=max_record_bytes)
        # the workers start here, before the pool's own threads do
        pool = context.Pool(jobs, _start, (*shipped, source, fields, texts))
        try:
            pending: deque[AsyncResult[_Done]] = deque()

            # the chunks' UTF-8 goes straight to the stream's bytes when it writes UTF-8
            out.flush()
            raw = _utf8_bytes_of(out)

            def write(done: AsyncResult[_Done]) -> None:
                text, counted = done.get()
                if raw is not None:
                    raw.write(text)
                else:
                    out.write(text.decode("utf-8"))
                for level, compared in counted:
                    summary.count(level, compared)
                    progress.step()

            for chunk in _chunks(items):
                pending.append(pool.apply_async(_classify, (chunk,)))
                if len(pending) >= 2 * jobs:
                    write(pending.popleft())
            while pending:
                write(pending.popleft())
            if raw is not None:
                raw.flush()
            pool.close()
        except KeyboardInterrupt:  # Ctrl-C: stop, and count what was written
            interrupted = True
        finally:
            pool.terminate()
            pool.join()
    progress.done()
    for line in summary.lines():
        print(line, file=err)
    if interrupted:
        return interrupted_note(err)
    return 1 if summary.unreadable else 0
