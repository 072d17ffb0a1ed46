"""The YAML half of the reader: PyYAML with YAML 1.2 scalars, duplicate keys refused and
alias expansion bounded (see :mod:`earlyhelp_core._reader` for the choices).

Imported only when a YAML text is read or written, so that ``import earlyhelp_core``, and
a process that reads only JSON, never loads PyYAML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._errors import Path, Problem, quote
from ._limits import MAX_DEPTH, MAX_NODES, MAX_VALUES, TOO_LARGE_NUMBER

__all__ = ["Refused", "dump", "parse"]


class Refused(Exception):
    """A YAML text not read: every problem found, each located."""

    def __init__(self, problems: list[Problem]) -> None:
        # the count is only for a traceback, which users never see: leaving it out is the same
        super().__init__(len(problems))  # pragma: no mutate
        self.problems = problems


def _refused(problem: Problem) -> Refused:
    return Refused([problem])


def _at(source: str, line: int | None, col: int | None, message: str, kind: str) -> Problem:
    return Problem(message=message, source=source, line=line, col=col, kind=kind)


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
            self._problem(node, TOO_LARGE_NUMBER, "value")  # 1e999, not a written .inf
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


def _too_deep(source: str, mark: Any) -> Refused:
    return _refused(
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
                raise _refused(
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


@dataclass(slots=True)
class _YamlMap:
    root: Node | None
    _keys: dict[int, dict[str, tuple[Node, Node]]] = field(default_factory=dict)

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


def parse(text: str, source: str) -> tuple[Any, _YamlMap]:
    """The data of a YAML text and the map of where each value is in it.

    Raises:
        Refused: the text is not read; every problem found, located.
    """
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
            raise _refused(
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
        raise _refused(
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
        raise _refused(
            _at(
                source,
                line,
                col,
                f"character U+{exc.character:04X} is not allowed in YAML; remove it",
                "yaml-syntax",
            )
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise _refused(_at(source, None, None, f"not valid YAML: {exc}", "yaml-syntax")) from None
    finally:
        if loader is not None:
            loader.dispose()
    if loader.problems:
        paths = _paths(root) if root is not None else {}
        raise Refused(
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
    return data, _YamlMap(root)


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


def dump(data: Any) -> str:
    """Plain data (as ``model_dump(mode="json")`` gives) as YAML that reads back the same."""
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False)
