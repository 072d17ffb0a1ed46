"""What the commands share: exit statuses, the operator's authorities, output helpers,
standard input, and the readers of the data authorities hold."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from .._errors import DocumentError, Problem, UnknownIdError
from .._reader import MAX_BYTES, Format, SourceMap, read_bytes
from ..assessment._core import NotChecked, check_rule_overrides
from ..cohorts import MAX_RECORD_BYTES, Unread
from ..models import Assessment, Document
from ..models.documents import parse_document
from ..thresholds import Authority, list_authorities
from ..thresholds import find_authority as _find_matrix
from ..thresholds import load_authority as _load_matrix
from ._jsonl import Replay, sniff_stdin

__all__ = [
    "COMMAND_LINE",
    "EXIT_CLOSED_PIPE",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "READERS",
    "STDIN",
    "UserError",
    "add_bulk",
    "add_format",
    "authority_for",
    "basis_line",
    "by_reason",
    "dump",
    "find_authority",
    "is_jsonl",
    "load_authority",
    "load_stdin",
    "positive",
    "stdin_kind",
    "wrap",
]


EXIT_OK = 0


EXIT_PROBLEMS = 1


EXIT_USAGE = 2


EXIT_CLOSED_PIPE = 141
"""128 + SIGPIPE: the reader of the output went away (``| head``), as shells report it for
any command; not a problem in the input."""


def load_authority(spec: str) -> Authority:
    """The operator's authority (an id or a path), checked whole: the matrix and the rules
    its config overrides, so a config error shows before any document is read."""
    authority = _load_matrix(spec)
    check_rule_overrides(authority)
    return authority


def find_authority(authority_id: str) -> Authority:
    """A bundled or installed authority by id, checked whole as :func:`load_authority`."""
    authority = _find_matrix(authority_id)
    check_rule_overrides(authority)
    return authority


class UserError(Exception):
    """A problem with the command line's inputs, printed as one line."""


def add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")


def add_bulk(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("text", "json", "jsonl", "csv"),
        default="text",
        help="output format (for JSON Lines input: json is one list of every record's "
        "result, jsonl and csv one row per record)",
    )
    p.add_argument(
        "--input-format",
        choices=("auto", "document", "jsonl"),
        default="auto",
        help="'jsonl': one document per line, streamed (the default for *.jsonl, and for '-' "
        "when its first line is a whole JSON object); 'document': one YAML or JSON document "
        "per file ('-': the one document on stdin, the default when its first line is not "
        "a whole JSON object)",
    )
    p.add_argument(
        "--max-record-bytes",
        type=positive,
        default=MAX_RECORD_BYTES,
        metavar="N",
        help=f"with JSON Lines: the longest record read (default {MAX_RECORD_BYTES:,}); a "
        "longer line is one problem at its line number, and the run goes on",
    )


def positive(text: str) -> int:
    """A whole number of at least 1, for an option."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, found {value}")
    return value


def is_jsonl(name: str, given: str) -> bool:
    if given != "auto":
        return given == "jsonl"
    return name == "-" or name.endswith(".jsonl")


STDIN = "<stdin>"
"""How standard input (``-``) is named in problems and output."""


def stdin_kind(given: str, limit: int) -> tuple[str, Replay | None]:
    """What standard input holds (``"jsonl"``, ``"json"`` or ``"yaml"``) and the input,
    begun if it was looked at: JSON Lines when ``--input-format jsonl`` says so, a
    document with ``--input-format document``, and otherwise as its first line shows."""
    if given == "jsonl":
        return "jsonl", None
    kind, replay = sniff_stdin(limit)
    if given == "document" and kind == "jsonl":
        kind = "json"  # one document written on one line
    return kind, replay


def load_stdin(replay: Replay, kind: str) -> tuple[Document, SourceMap]:
    """The one document on standard input (YAML or JSON), located in it."""
    raw = replay.read(MAX_BYTES + 1)
    if isinstance(raw, str):  # a replaced stdin may be text
        raw = raw.encode("utf-8", "surrogateescape")
    fmt: Format = "json" if kind == "json" else "yaml"
    loaded = read_bytes(raw, source=STDIN, fmt=fmt, error=DocumentError)
    return parse_document(loaded.data, source=STDIN, where=loaded.where), loaded.where


def dump(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()), width=96, initial_indent=indent, subsequent_indent=indent
    )


def authority_for(
    doc: Document, given: str | None, *, source: str, where: SourceMap | None = None
) -> Authority:
    """The operator's ``--authority`` (an id or a path), else the document's own id.

    A document's ``authority`` is only ever looked up as an id: it never names a file. An
    id that is not known is a problem in the document, located at its ``authority`` key.
    """
    if given is not None:
        return load_authority(given)
    if doc.authority is None:
        raise UserError(
            "no authority: pass --authority ID|PATH or set `authority:` in the document "
            f"(known: {', '.join(list_authorities())})"
        )
    try:
        return find_authority(doc.authority)
    except UnknownIdError as exc:
        pos = where.locate(("authority",), key=False) if where is not None else None
        line, col = pos if pos is not None else (None, None)
        message = f"{exc}; or pass --authority"
        problem = Problem(message, ("authority",), source, line, col, "unknown-authority")
        raise DocumentError([problem]) from None


def _read_ssd(path: str, authority: str) -> Iterator[Assessment | Unread]:
    from ..interop import read_ssd  # noqa: PLC0415  (the readers load on use)

    return read_ssd(path, authority=authority)


def _read_cin_census(path: str, authority: str) -> Iterator[Assessment | Unread]:
    from ..interop import read_cin_census  # noqa: PLC0415  (the readers load on use)

    return read_cin_census(path, authority=authority)


READERS: dict[str, Callable[[str, str], Iterator[Assessment | Unread]]] = {
    "cin-census": _read_cin_census,
    "ssd": _read_ssd,
}
"""The sources ``earlyhelp assess --from KIND`` reads: the path and authority id in, the
records out."""


def basis_line(parts: dict[str, dict[str, int]]) -> str:
    """``stated/reading: levels 4/0, mappings 12/80, ...``."""
    shown = ", ".join(f"{part} {n['stated']}/{n['reading']}" for part, n in parts.items())
    return f"stated/reading: {shown or 'nothing cited'}"


COMMAND_LINE = "<command line>"
"""Where a problem with the command's own arguments is (an unknown id, a missing option)."""


def by_reason(skipped: Iterable[NotChecked]) -> dict[str, list[str]]:
    """Codes of the rules that did not run, grouped by why (one line each)."""
    grouped: dict[str, list[str]] = {}
    for item in skipped:
        grouped.setdefault(item.reason, []).append(item.code)
    return grouped
