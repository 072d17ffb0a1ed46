"""The one reader for every file earlyhelp_core loads: documents, authority configs, vocabulary.

It reads bytes, decodes UTF-8, parses YAML (safe constructors only) or JSON, and keeps a
map from paths inside the data back to ``line:col`` in the file, so that every later
error can be located. The YAML half (PyYAML and the classes built on it) is in
:mod:`earlyhelp_core._yaml`, imported when a YAML text is first read.

Choices made here, on purpose:

* **YAML 1.2 scalars.** PyYAML follows YAML 1.1, where ``yes``, ``no``, ``on`` and
  ``off`` are booleans, ``0777`` is octal and ``10:30`` is the integer 630. Here only
  ``true``/``false`` are booleans, integers are decimal (or ``0o``/``0x``), and
  ``10:30`` stays text. Dates (``2024-03-01``) and timestamps are kept: documents use them.
* **Duplicate keys are errors**, naming both lines (PyYAML silently keeps the last).
* **Bounded input.** Files larger than ``max_bytes``, nesting deeper than
  :data:`MAX_DEPTH`, and alias expansion beyond :data:`MAX_NODES` nodes (the "billion
  laughs") are refused with one located error, before any of it is expanded.
* **Encoding.** UTF-8 only; a UTF-8 byte-order mark is accepted and skipped; UTF-16/32
  and invalid bytes are refused with the line and column of the first bad byte.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any, Final, Literal, Protocol

from ._errors import LoadError, Path, Problem, quote
from ._limits import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_VALUES, TOO_LARGE_NUMBER

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "Format",
    "Loaded",
    "SourceMap",
    "read_bytes",
    "read_path",
    "read_text",
]

Format = Literal["yaml", "json"]


class SourceMap(Protocol):
    """Maps a path inside loaded data back to a position in the text."""

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """1-based ``(line, col)`` of the value at ``path`` (or of its key, with ``key=True``).

        When ``path`` does not exist (a missing key), the position of the deepest
        existing part of it is returned.
        """
        ...


@dataclass(frozen=True, slots=True)
class Loaded:
    """Parsed data with where it came from."""

    data: Any
    source: str
    where: SourceMap


class _Fail(Exception):
    """Internal: a problem found while reading; turned into the caller's error type."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# --------------------------------------------------------------------------- bytes -> text


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _Fail(_at(source, 1, 1, "the file is UTF-32; save it as UTF-8", "encoding"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Fail(_at(source, 1, 1, "the file is UTF-16; save it as UTF-8", "encoding"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        before = raw[:nul]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise _Fail(
            _at(
                source,
                line,
                col,
                "the file has NUL bytes: it looks like UTF-16 or UTF-32 without a byte-order "
                "mark, or is not a text file; save it as UTF-8",
                "encoding",
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise _Fail(
            _at(
                source,
                line,
                col,
                f"byte 0x{bad} is not valid UTF-8; save the file as UTF-8",
                "encoding",
            )
        ) from None


def _at(source: str, line: int | None, col: int | None, message: str, kind: str) -> Problem:
    return Problem(message=message, source=source, line=line, col=col, kind=kind)


# --------------------------------------------------------------------------- YAML


def _parse_yaml(text: str, source: str) -> Loaded:
    from . import _yaml  # noqa: PLC0415  (PyYAML, ~30 ms: loaded when a YAML text is read)

    try:
        data, where = _yaml.parse(text, source)
    except _yaml.Refused as exc:
        raise _MultiFail(exc.problems) from None
    return Loaded(data=data, source=source, where=where)


class _MultiFail(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        # the count is only for a traceback, which users never see: leaving it out is the same
        super().__init__(len(problems))  # pragma: no mutate
        self.problems = problems


# --------------------------------------------------------------------------- JSON

_JSON_ATOM = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null")
_WS = re.compile(r"[ \t\n\r]*")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True, slots=True)
class _JsonIndex:
    """Positions of every value and key in a JSON text (built only when an error needs one)."""

    values: dict[Path, int]
    keys: dict[Path, int]
    duplicates: list[tuple[Path, int, int]]

    @classmethod
    def build(cls, text: str) -> _JsonIndex:
        values: dict[Path, int] = {}
        keys: dict[Path, int] = {}
        dups: list[tuple[Path, int, int]] = []
        scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

        def ws(i: int) -> int:
            m = _WS.match(text, i)
            return m.end() if m else i

        def value(i: int, path: Path, depth: int) -> int:
            i = ws(i)
            values.setdefault(path, i)
            if depth > MAX_DEPTH:
                return len(text)
            ch = text[i : i + 1]
            if ch == "{":
                i = ws(i + 1)
                seen: dict[str, int] = {}
                if text[i : i + 1] == "}":
                    return i + 1
                while True:
                    start = i
                    name, i = scanstring(text, i + 1)
                    if name in seen:
                        dups.append(((*path, name), seen[name], start))
                    else:
                        seen[name] = start
                        keys[(*path, name)] = start
                    i = ws(i) + 1  # ':'
                    i = ws(value(i, (*path, name), depth + 1))
                    if text[i : i + 1] == ",":
                        i = ws(i + 1)
                        continue
                    return i + 1
            if ch == "[":
                i = ws(i + 1)
                if text[i : i + 1] == "]":
                    return i + 1
                n = 0
                while True:
                    i = ws(value(i, (*path, n), depth + 1))
                    n += 1
                    if text[i : i + 1] == ",":
                        i += 1
                        continue
                    return i + 1
            if ch == '"':
                return scanstring(text, i + 1)[1]
            m = _JSON_ATOM.match(text, i)
            return m.end() if m else len(text)

        value(0, (), 0)
        return cls(values, keys, dups)


@dataclass(slots=True)
class _JsonMap:
    text: str
    _index: _JsonIndex | None = None

    @property
    def index(self) -> _JsonIndex:
        if self._index is None:
            self._index = _JsonIndex.build(self.text)
        return self._index

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        index = self.index
        if key and path in index.keys:
            return _line_col(self.text, index.keys[path])
        for n in range(len(path), -1, -1):
            if path[:n] in index.values:
                return _line_col(self.text, index.values[path[:n]])
        return None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


_JSON_BAD_NUMBER = re.compile(
    r'"(?:\\.|[^"\\])*"|(-?Infinity|NaN|-?[0-9]{4000,}|-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+)'
)
_TOO_LARGE = TOO_LARGE_NUMBER


def _finite(text: str) -> float:
    """A JSON number with a fraction or an exponent; one too large for a float (``1e999``,
    which Python reads as infinity) is refused, like NaN and Infinity."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(_TOO_LARGE)
    return value


def _bad_json_number(text: str, source: str) -> _Fail | None:
    """NaN, Infinity, an absurdly long number or one that overflows, located (strings
    are skipped)."""
    for match in _JSON_BAD_NUMBER.finditer(text):
        token = match.group(1)
        if token is None:
            continue
        if token.endswith(("Infinity", "NaN")):
            message = f"not valid JSON: {token} is not a JSON number"
        elif "e" in token.lower():
            if not math.isinf(float(token)):
                continue
            message = _TOO_LARGE
        else:
            message = f"a whole number of {len(token.lstrip('-'))} digits is not a real value"
        return _Fail(_at(source, *_line_col(text, match.start(1)), message, "value"))
    return None


def _parse_json(text: str, source: str) -> Loaded:
    if len(text) < _BOUNDED_JSON:
        return _parse_bounded_json(text, source)
    dup = False
    seen = 0  # values met while parsing, duplicates included (they vanish from the result)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal dup, seen
        out = dict(items)
        if len(out) != len(items):
            dup = True
        seen += sum(1 + len(v) if isinstance(v, list) else 1 for _, v in items)
        return out

    data = _loads(text, source, pairs)
    too_deep, too_many = _json_shape(data) if isinstance(data, dict | list) else (False, False)
    if too_many or seen > MAX_VALUES:
        raise _Fail(
            _at(
                source,
                1,
                1,
                f"more than {MAX_VALUES:,} values; a document or config is never this large: "
                "check it is the right file",
                "too-large",
            )
        )
    return _json_loaded(text, source, data, dup=dup, too_deep=too_deep)


_BOUNDED_JSON = 2 * MAX_VALUES
"""JSON shorter than this cannot hold more than MAX_VALUES values: each value takes a
character of its own (a container two) and each value after the first a separator, so ``n``
values take at least ``2n - 1`` characters. A JSON Lines record is far shorter."""


class _Duplicate(Exception):
    """A mapping with a key twice, met while decoding: the text is decoded again to say where."""


def _no_duplicates(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(items)
    if len(out) != len(items):
        raise _Duplicate
    return out


_BOUNDED_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_constant=_reject_constant, parse_float=_finite
)
"""The decoder of short JSON, built once (``json.loads`` with options builds one a call)."""


def _parse_bounded_json(text: str, source: str) -> Loaded:
    """JSON too short to hold too many values (:data:`_BOUNDED_JSON`): duplicate keys are
    found while decoding and the depth on the raw text, with no second walk over the data.
    A text with a duplicate key (rare) is decoded again to locate every one."""
    try:
        data = _BOUNDED_DECODER.decode(text)
    except (_Duplicate, ValueError, RecursionError):
        dup = False

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            nonlocal dup
            out = dict(items)
            if len(out) != len(items):
                dup = True
            return out

        data = _loads(text, source, pairs)  # a located problem, or the duplicates
        return _json_loaded(text, source, data, dup=dup, too_deep=_nested_too_deep(text))
    return _json_loaded(text, source, data, dup=False, too_deep=_nested_too_deep(text))


def _loads(text: str, source: str, pairs: Callable[[list[tuple[str, Any]]], Any]) -> Any:
    """``json.loads`` with ``pairs`` as the object hook; a located problem when it fails."""
    try:
        return json.loads(
            text, object_pairs_hook=pairs, parse_constant=_reject_constant, parse_float=_finite
        )
    except json.JSONDecodeError as exc:
        raise _Fail(
            _at(source, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}", "json-syntax")
        ) from None
    except ValueError as exc:
        located = _bad_json_number(text, source)
        if located is not None:
            raise located from None
        raise _Fail(_at(source, None, None, f"not valid JSON: {exc}", "json-syntax")) from None
    except RecursionError:
        raise _json_too_deep(text, source) from None


_JSON_NOT_A_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+')
_JSON_EMPTY_PAIR = re.compile(r"\[\]|\{\}")


def _nested_too_deep(text: str) -> bool:
    """Whether valid JSON ``text`` nests mappings and lists more than MAX_DEPTH deep, read
    from the text: with strings and everything but brackets taken out, each pass removes the
    innermost pairs, so the passes it takes to empty it are its depth. Most texts have too
    few brackets to nest that deep, and are answered by counting them."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    brackets = _JSON_NOT_A_BRACKET.sub("", text)
    for _ in range(MAX_DEPTH):
        if not brackets:
            return False
        brackets = _JSON_EMPTY_PAIR.sub("", brackets)
    return bool(brackets)


def _json_loaded(text: str, source: str, data: Any, *, dup: bool, too_deep: bool) -> Loaded:
    """The loaded JSON, or its duplicate keys and depth as located problems."""
    where = _JsonMap(text)
    if dup or too_deep:
        problems = [
            Problem(
                f"duplicate key {quote(str(path[-1]))}: first at line "
                f"{_line_col(text, first)[0]}, again at line {_line_col(text, second)[0]}; "
                "keep one",
                path,
                source,
                *_line_col(text, second),
                "duplicate-key",
            )
            for path, first, second in where.index.duplicates
        ]
        if too_deep:
            problems.append(_json_too_deep(text, source).problem)
        raise _MultiFail(problems)
    return Loaded(data=data, source=source, where=where)


_JSON_NESTING = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')


def _json_too_deep(text: str, source: str) -> _Fail:
    """The problem for JSON nested beyond MAX_DEPTH, located where it goes too deep."""
    message = f"nested more than {MAX_DEPTH} levels deep; a document or config is never this deep"
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _Fail(_at(source, *_line_col(text, match.start()), message, "too-deep"))
        elif token in "]}":
            depth -= 1
    return _Fail(_at(source, None, None, message, "too-deep"))  # not found: the whole file


def _json_shape(data: Any) -> tuple[bool, bool]:
    """(nested beyond MAX_DEPTH, more than MAX_VALUES values), walking the parsed data once
    and stopping as soon as it knows (only containers are kept on the way)."""
    count = 1
    too_deep = False
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            too_deep = True
            continue
        children = list(item.values()) if isinstance(item, dict) else item
        count += len(children)
        if count > MAX_VALUES:
            return too_deep, True
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return too_deep, False


# --------------------------------------------------------------------------- entry points


def _format_of(path: FsPath) -> Format:
    return "json" if path.suffix.lower() in {".json", ".jsonl"} else "yaml"


def read_text(
    text: str,
    *,
    source: str = "<data>",
    fmt: Format = "yaml",
    error: type[LoadError] = LoadError,
) -> Loaded:
    """Parse text already in memory; raise ``error`` with located problems."""
    return _guard(
        lambda: _parse_json(text, source) if fmt == "json" else _parse_yaml(text, source), error
    )


def read_bytes(
    raw: bytes,
    *,
    source: str,
    fmt: Format,
    error: type[LoadError] = LoadError,
    max_bytes: int = MAX_BYTES,
) -> Loaded:
    """Parse the bytes of a whole file already read (standard input), as :func:`read_path`
    parses a file's: the same size limit, decoding and problems."""

    def run() -> Loaded:
        if len(raw) > max_bytes:
            raise _Fail(
                _at(
                    source,
                    None,
                    None,
                    f"the input is larger than {max_bytes:,} bytes, too large to be a "
                    "document; check it is the right input",
                    "too-large",
                )
            )
        text = _decode(raw, source)
        if not text.strip():
            raise _Fail(_at(source, 1, 1, "the input is empty; expected a document", "empty"))
        return _parse_json(text, source) if fmt == "json" else _parse_yaml(text, source)

    return _guard(run, error)


def read_path(
    path: str | os.PathLike[str],
    *,
    error: type[LoadError] = LoadError,
    max_bytes: int = MAX_BYTES,
    fmt: Format | None = None,
) -> Loaded:
    """Read and parse a YAML or JSON file (by suffix: ``.json`` is JSON, anything else YAML)."""
    fs = FsPath(path)
    source = os.fspath(path)

    def run() -> Loaded:
        raw = _read_bytes(fs, source, max_bytes)
        text = _decode(raw, source)
        if not text.strip():
            raise _Fail(
                _at(
                    source,
                    1,
                    1,
                    "the file is empty; expected a mapping of keys and values",
                    "empty",
                )
            )
        kind = fmt or _format_of(fs)
        return _parse_json(text, source) if kind == "json" else _parse_yaml(text, source)

    return _guard(run, error)


def _read_bytes(fs: FsPath, source: str, max_bytes: int) -> bytes:
    try:
        special = fs.exists() and not fs.is_file() and not fs.is_dir()
    except OSError:
        special = False
    if special:  # a pipe or a device would block, or never end
        raise _Fail(_at(source, None, None, "is not a regular file; expected a file", "file"))
    try:
        with fs.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise _Fail(_at(source, None, None, "no such file", "file")) from None
    except IsADirectoryError:
        raise _Fail(_at(source, None, None, "is a directory; expected a file", "file")) from None
    except PermissionError:
        raise _Fail(_at(source, None, None, "permission denied; cannot read it", "file")) from None
    except OSError as exc:
        raise _Fail(_at(source, None, None, f"cannot read it: {exc.strerror}", "file")) from None
    if len(raw) > max_bytes:
        raise _Fail(
            _at(
                source,
                None,
                None,
                f"the file is larger than {max_bytes:,} bytes, too large to be "
                "a document or config; check it is the right file (for a document, "
                "load_document(..., max_bytes=N) raises the limit)",
                "too-large",
            )
        )
    return raw


def _guard(run: Callable[[], Loaded], error: type[LoadError]) -> Loaded:
    try:
        return run()
    except _Fail as exc:
        raise error([exc.problem]) from None
    except _MultiFail as exc:
        raise error(exc.problems) from None


def dump_yaml(data: Any) -> str:
    """Plain data (as ``model_dump(mode="json")`` gives) as YAML that reads back the same."""
    from . import _yaml  # noqa: PLC0415  (PyYAML: loaded when YAML is written)

    return _yaml.dump(data)
