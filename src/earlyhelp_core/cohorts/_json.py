"""Results as JSON Lines, quickly: what repeats from record to record is encoded once."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from ..thresholds import Decision, LevelInfo, ReasonKind
from ._records import RecordResult

__all__ = ["JsonLines"]

_MARK: Final = re.compile(r'"\\u0000(\d+)"')
"""A value put in place of a text encoded once: a JSON string holding only a NUL and a
number. JSON always escapes a control character, and no value of a decision can hold one
(ids and factor ids are patterns, a config's texts refuse control characters), so the mark
is found only where it was put; a line where the count differs is encoded in full."""

_MOST: Final = 10_000
"""The most texts kept: the levels and mappings of the authorities in use are far fewer."""

_CONSTANT: Final = frozenset({ReasonKind.MAPPING, ReasonKind.NO_FACTORS})
"""Reasons a matrix builds once and gives every decision (a cell's or a rule's reason is
built for each decision, so it is encoded with it)."""


class JsonLines:
    """One line of JSON for each result: the text ``json.dumps(result.to_dict(),
    ensure_ascii=False)`` gives, without its newline.

    A decision holds a level's texts (kilobytes, twice when the computed level is the
    level) and its mappings' reasons, the same for every record at that level: each is
    encoded the first time it is met and put in place after, so a cohort's output costs a
    fraction of encoding every record whole. Keep one for a run (a cohort, a response).
    """

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}  # id -> (the object, kept alive; text)

    def line(self, result: RecordResult, row: dict[str, Any] | None = None) -> str:
        """``result`` as one line of JSON; ``row``: its ``to_dict()``, when the caller
        has changed it (a service naming the request as the problems' source)."""
        given = result.to_dict() if row is None else row
        marked = dict(given)  # the caller's row is left as it was given
        texts: list[str] = []
        for key, decision in (("decision", result.decision), ("compared", result.compared)):
            if decision is not None and key in marked:
                marked[key] = self._marked(marked[key], decision, texts)
        if not texts:
            return json.dumps(given, ensure_ascii=False)
        line, count = _MARK.subn(lambda m: texts[int(m[1])], json.dumps(marked, ensure_ascii=False))
        if count != len(texts):  # cannot happen (see _MARK); never write a wrong line
            return json.dumps(given, ensure_ascii=False)
        return line

    def _marked(self, data: dict[str, Any], decision: Decision, texts: list[str]) -> dict[str, Any]:
        """A copy of ``data`` (the decision's ``to_dict()``) with a mark in place of each
        text encoded once; the texts are added to ``texts``."""

        def put(obj: object, encode: Any) -> str:
            texts.append(self._text(obj, encode))
            return f"\x00{len(texts) - 1}"

        data = dict(data)
        for key in ("level", "computed_level", "recorded_level"):
            level: LevelInfo | None = getattr(decision, key)
            if level is not None:
                data[key] = put(level, level.to_dict)
        reasons: list[Any] = list(data["reasons"])
        for i, reason in enumerate(decision.reasons):
            if reason.kind in _CONSTANT:
                reasons[i] = put(reason, reason.to_dict)
        data["reasons"] = reasons
        return data

    def _text(self, obj: object, encode: Any) -> str:
        found = self._texts.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        text = json.dumps(encode(), ensure_ascii=False)
        if len(self._texts) < _MOST:
            self._texts[id(obj)] = (obj, text)
        return text
