"""The one reader for every file earlyhelp_core loads: documents, authority configs, vocabulary.

It reads bytes, decodes UTF-8, parses YAML (safe constructors only) or JSON, and keeps a
map from paths inside the data back to ``line:col`` in the file, so that every later
error can be located.

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
from datetime import date, datetime
from pathlib import Path as FsPath
from typing import Any, Literal, Protocol

import attrs
import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._errors import LoadError, Path, Problem, quote

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

MAX_BYTES = 5 * 1024 * 1024
"""Default largest file accepted (5 MiB): far above any real assessment, plan or config."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""

MAX_NODES = 50_000
"""Most values a YAML document may expand to once aliases are followed."""

MAX_VALUES = 50_000
"""Most values (mappings, lists, scalars) a YAML text may hold, counted before composing:
composing millions of nodes would use gigabytes. A real document holds a few thousand."""

Format = Literal["yaml", "json"]


class SourceMap(Protocol):
    """Maps a path inside loaded data back to a position in the text."""

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """1-based ``(line, col)`` of the value at ``path`` (or of its key, with ``key=True``).

        When ``path`` does not exist (a missing key), the position of the deepest
        existing part of it is returned.
        """
        ...


@attrs.frozen
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


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars, plus YAML 1.1 timestamps."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        re.X,
    ),
    list("0123456789"),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


_TAG_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "timestamp": "a date or date-time",
    "null": "null",
    "str": "text",
    "binary": "base64 data",
    "set": "a set",
    "omap": "an ordered mapping",
    "pairs": "a list of pairs",
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return f"a {type(value).__name__}"


class _Constructor(SafeConstructor):
    """Safe construction that records problems (with their node) instead of raising.

    Values are never echoed in these messages: the reader does not know which fields
    hold personal data, so it names the place and the kind of value instead.
    """

    problems: list[tuple[Node, str, str]]
    source: str

    def _problem(self, node: Node, message: str, kind: str) -> None:
        self.problems.append((node, message, kind))

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError, IndexError):
            # an explicitly tagged scalar PyYAML cannot convert (`!!int abc`, `!!bool maybe`)
            self.recursive_objects.pop(node, None)
            tag = str(node.tag).rpartition(":")[2]
            self._problem(
                node,
                f"this value is not {_TAG_WORDS.get(tag, tag)}, as its tag `!!{tag}` says",
                "yaml-value",
            )
            return None

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        assert isinstance(node, MappingNode)
        # Duplicates are looked for among the keys written in this mapping, before merge
        # keys (`<<: *base`) copy others in: a written key may override a merged one.
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                # PyYAML itself reports the unhashable key, with its line, and stops: going
                # on to the next key and stopping here are the same
                continue  # pragma: no mutate
            if not isinstance(key, str):
                self._problem(
                    key_node,
                    f"a key must be text, found {_kind_of(key)}; put it in quotes",
                    "yaml-key",
                )
                continue
            if key in seen:
                first = seen[key].start_mark
                mark = key_node.start_mark
                self._problem(
                    key_node,
                    f"duplicate key {quote(key)}: first at line {first.line + 1}, "
                    f"again at line {mark.line + 1}; keep one",
                    "duplicate-key",
                )
            else:
                seen[key] = key_node
        self.flatten_mapping(node)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: ScalarNode) -> int | None:  # type: ignore[override]
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if len(digits) > 100:
            self._problem(
                node, f"a whole number of {len(digits)} digits is not a real value", "value"
            )
            return None
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)

    def construct_yaml_float(self, node: ScalarNode) -> float | None:  # type: ignore[override]
        value: float = super().construct_yaml_float(node)
        if math.isinf(value) and "inf" not in str(node.value).lower():
            self._problem(node, _TOO_LARGE, "value")  # 1e999, not a written .inf
            return None
        return value

    def construct_yaml_timestamp(self, node: ScalarNode) -> date | datetime | str:  # type: ignore[override]
        try:
            value: date | datetime = super().construct_yaml_timestamp(node)
        except ValueError:
            # Shaped like a date but not one (2023-02-29): kept as the text it is, so the
            # model reports it exactly as it reports the same text from JSON, together
            # with every other problem in the document.
            return str(node.value)
        return value


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)  # type: ignore[type-var]
_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp
)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)  # type: ignore[type-var]


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    _Constructor,
    _Resolver,
):
    """A safe loader: only plain YAML types are ever constructed."""

    def __init__(self, text: str, source: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        # sets up path resolvers, of which there are none: leaving it out changes nothing
        _Resolver.__init__(self)  # pragma: no mutate
        self.source = source
        self.problems = []
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.source, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

if _CParser is not None:

    class _CLoader(_CParser, _Constructor, _Resolver):  # type: ignore[misc]
        """The same safe loader on libyaml's parser (about ten times faster).

        libyaml refuses nesting beyond 1000 levels itself; the tighter
        :data:`MAX_DEPTH` is checked on the composed tree.
        """

        def __init__(self, text: str, source: str) -> None:
            _CParser.__init__(self, text)
            _Constructor.__init__(self)
            # sets up path resolvers, of which there are none: leaving it out changes nothing
            _Resolver.__init__(self)  # pragma: no mutate
            self.source = source
            self.problems = []


def _yaml_hint(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """PyYAML's problem in plain words, with what to do where that is clear."""
    what = exc.problem or "invalid YAML"
    if isinstance(exc, ConstructorError) and "tag" in what:
        return f"{what}; only plain YAML (mappings, lists, text, numbers, booleans, dates) is read"
    lines = text.splitlines()
    if mark is not None and mark.line < len(lines) and lines[mark.line][mark.column :][:1] == "\t":
        return "a tab: YAML does not allow tabs for indentation; use spaces"
    block = exc.context_mark
    if (
        exc.context
        and exc.context.startswith("while parsing a block")
        and block is not None
        and (mark is None or block.line != mark.line)
    ):
        return (
            f"{what} (in the block that starts at line {block.line + 1}: check the "
            "indentation of this line)"
        )
    return what


def _too_deep(source: str, mark: Any) -> _Fail:
    return _Fail(
        _at(
            source,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
            f"nested more than {MAX_DEPTH} levels deep; a document or config is never this deep",
            "too-deep",
        )
    )


def _measure(root: Node) -> tuple[dict[int, int], int, Node | None]:
    """(nodes under each node once every alias is followed, capped at MAX_NODES + 1 and
    keyed by ``id``; depth; the first node beyond MAX_DEPTH), counted over the composed
    tree without expanding any alias."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    stack: list[tuple[Node, bool, int]] = [(root, False, 1)]
    while stack:
        node, done, level = stack.pop()
        if level > MAX_DEPTH:
            return sizes, level, node
        if id(node) in sizes:
            continue
        children: list[Node]
        if isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        else:
            children = []
        if done:
            sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
            depths[id(node)] = 1 + max((depths[id(c)] for c in children), default=0)
        else:
            stack.append((node, True, level))
            stack.extend((c, False, level + 1) for c in children if id(c) not in sizes)
    return sizes, depths[id(root)], None


def _expands_most(root: Node, sizes: dict[int, int]) -> tuple[Node, Path]:
    """The innermost node whose expansion passes MAX_NODES, and its path: the value whose
    aliases make the bomb, rather than the top of the document."""
    node = root
    path: Path = ()
    while True:
        items: list[tuple[str | int, Node]]
        if isinstance(node, MappingNode):
            items = [
                (str(key.value) if isinstance(key, ScalarNode) else "?", value)
                for key, value in node.value
            ]
        elif isinstance(node, SequenceNode):
            items = list(enumerate(node.value))
        else:
            return node, path
        inner = next(((part, c) for part, c in items if sizes[id(c)] > MAX_NODES), None)
        if inner is None:
            return node, path
        path, node = (*path, inner[0]), inner[1]


_VALUE_EVENTS = (
    yaml.ScalarEvent,
    yaml.MappingStartEvent,
    yaml.SequenceStartEvent,
    yaml.AliasEvent,
)


def _count_values(text: str, source: str) -> None:
    """Refuse a text of more than MAX_VALUES values, streaming its events (nothing is kept)."""
    count = 0
    loader_class = yaml.CSafeLoader if _CParser is not None else yaml.SafeLoader
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, _VALUE_EVENTS):
            count += 1
            if count > MAX_VALUES:
                mark = event.start_mark
                raise _Fail(
                    _at(
                        source,
                        mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None,
                        f"more than {MAX_VALUES:,} values; a document or config is never this "
                        "large: check it is the right file",
                        "too-large",
                    )
                )


def _paths(root: Node) -> dict[int, Path]:
    """The path of every node (a key node gets the path of its entry), first path wins."""
    paths: dict[int, Path] = {id(root): ()}
    stack: list[tuple[Node, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                child = (*path, key.value if isinstance(key, ScalarNode) else "?")
                for n in (key, value):
                    if id(n) not in paths:
                        paths[id(n)] = child
                        stack.append((n, child))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                if id(item) not in paths:
                    paths[id(item)] = (*path, i)
                    stack.append((item, (*path, i)))
    return paths


@attrs.define
class _YamlMap:
    root: Node | None
    _keys: dict[int, dict[str, tuple[Node, Node]]] = attrs.Factory(dict)

    def _entries(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        index = self._keys.get(id(node))
        if index is None:  # built once per mapping, so many lookups stay linear
            index = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode):
                    index[k.value] = (k, v)  # the last of a repeated key wins
            self._keys[id(node)] = index
        return index

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        node = self.root
        if node is None:
            return None
        found: Node = node
        for i, part in enumerate(path):
            last = i == len(path) - 1
            child: Node | None = None
            if isinstance(found, MappingNode):
                entry = self._entries(found).get(str(part))
                if entry is not None:
                    child = entry[0] if (last and key) else entry[1]
            elif (
                isinstance(found, SequenceNode)
                and isinstance(part, int)
                and 0 <= part < len(found.value)
            ):
                child = found.value[part]
            if child is None:
                break
            found = child
        return found.start_mark.line + 1, found.start_mark.column + 1


def _parse_yaml(text: str, source: str) -> Loaded:
    loader: Any = None
    try:
        if len(text) > 2 * MAX_VALUES:  # a shorter text cannot hold more values than this
            _count_values(text, source)
        loader = (_CLoader if _CParser is not None else _Loader)(text, source)
        root = loader.get_single_node()
        sizes, _, deepest = _measure(root) if root is not None else ({}, 0, None)
        if deepest is not None:
            raise _too_deep(source, deepest.start_mark)
        if root is not None and sizes[id(root)] > MAX_NODES:
            bomb, path = _expands_most(root, sizes)
            raise _Fail(
                Problem(
                    message=f"YAML aliases expand this value to more than {MAX_NODES:,} "
                    "values; write the values out instead of repeating an alias",
                    path=path,
                    source=source,
                    line=bomb.start_mark.line + 1,
                    col=bomb.start_mark.column + 1,
                    kind="alias-bomb",
                )
            )
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.problem and "maximum nesting depth" in exc.problem:
            raise _too_deep(source, mark) from None
        what = _yaml_hint(exc, text, mark)
        raise _Fail(
            _at(
                source,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                f"not valid YAML: {what}",
                "yaml-syntax",
            )
        ) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        if _CParser is not None:  # libyaml (used whenever present) counts UTF-8 bytes
            before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        raise _Fail(
            _at(
                source,
                line,
                col,
                f"character U+{exc.character:04X} is not allowed in YAML; remove it",
                "yaml-syntax",
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise _Fail(_at(source, None, None, f"not valid YAML: {exc}", "yaml-syntax")) from None
    finally:
        if loader is not None:
            loader.dispose()
    if loader.problems:
        paths = _paths(root) if root is not None else {}
        raise _MultiFail(
            [
                Problem(
                    message,
                    paths.get(id(node), ()),
                    source,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    kind,
                )
                for node, message, kind in loader.problems
            ]
        )
    return Loaded(data=data, source=source, where=_YamlMap(root))


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


@attrs.frozen
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


@attrs.define
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
_TOO_LARGE = "a number too large to be a real value (it would read as infinity)"


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


def _parse_bounded_json(text: str, source: str) -> Loaded:
    """JSON too short to hold too many values (:data:`_BOUNDED_JSON`): duplicate keys are
    found while decoding and the depth on the raw text, with no second walk over the data."""
    dup = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal dup
        out = dict(items)
        if len(out) != len(items):
            dup = True
        return out

    data = _loads(text, source, pairs)
    return _json_loaded(text, source, data, dup=dup, too_deep=_nested_too_deep(text))


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


class _Dumper(
    yaml.emitter.Emitter,
    yaml.serializer.Serializer,
    yaml.representer.SafeRepresenter,
    _Resolver,
):
    """Writes YAML that this module reads back unchanged: text that would read as a
    YAML 1.2 number, boolean or null is quoted (PyYAML's own dumper follows YAML 1.1
    and leaves ``0o17`` or ``1e5`` bare)."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        yaml.emitter.Emitter.__init__(
            self, stream, allow_unicode=True, width=kwargs.get("width", 100)
        )
        yaml.serializer.Serializer.__init__(self)
        yaml.representer.SafeRepresenter.__init__(self, sort_keys=False)
        # sets up path resolvers, of which there are none: leaving it out changes nothing
        _Resolver.__init__(self)  # pragma: no mutate


def dump_yaml(data: Any) -> str:
    """Plain data (as ``model_dump(mode="json")`` gives) as YAML that reads back the same."""
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False)
