"""Results as JSON Lines, quickly: what repeats from record to record is encoded once."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, Final

from ..thresholds import Consideration, Decision, LevelInfo, Provenance, Reason, ReasonKind
from ._records import _DECISIONS, RecordResult

__all__ = ["JsonLines"]

_MOST: Final = 10_000
"""The most texts kept: the levels, mappings and provenances of the authorities in use
are far fewer."""

_CONSTANT: Final = frozenset({ReasonKind.MAPPING, ReasonKind.NO_FACTORS})
"""Reasons a matrix builds once and gives every decision (a cell's or a rule's reason is
built for each decision, so it is encoded with it)."""

_OBJECTS: Final = _DECISIONS | {"report", "problems"}
"""The fields of :meth:`RecordResult._parts` that hold objects rather than plain data."""

_encode: Final[Callable[[Any], str]] = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)``, without building an encoder for each call."""

_string: Final[Callable[[str], str]] = json.encoder.encode_basestring
"""A string as JSON, its other characters as they are (as ``ensure_ascii=False`` writes)."""


def _scalar(value: Any) -> str:
    """A field that is not a decision as JSON, as ``json.dumps`` writes it."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _string(value)
    return _encode(value)


class JsonLines:
    """One line of JSON for each result: the text ``json.dumps(result.to_dict(texts=texts),
    ensure_ascii=False)`` gives, without its newline.

    ``texts``: whether each decision carries its levels' texts (kilobytes, twice when the
    computed level is the level; see :meth:`Decision.to_dict`). What a decision shares with
    every other decision at its level (the provenance, each level, each mapping's reason)
    is encoded the first time it is met and put in place after, and the line is put
    together from the pieces, so a cohort's output costs a fraction of encoding every
    record whole. Keep one for a run (a cohort, a response).
    """

    def __init__(self, *, texts: bool = True) -> None:
        self.texts: Final = texts
        self._texts: dict[tuple[int, str], tuple[object, str]] = {}  # (id, what) -> (object, text)

    def line(self, result: RecordResult, row: dict[str, Any] | None = None) -> str:
        """``result`` as one line of JSON; ``row``: its ``to_dict(texts=...)``, when the
        caller has changed a field that is not a decision (a service naming the request as
        the problems' source)."""
        if row is None:
            pieces = [
                f'"{key}": ' + (_scalar(value) if key not in _OBJECTS else self._field(key, value))
                for key, value in result._parts()
            ]
        else:
            pieces = [
                f"{_string(key)}: "
                + (
                    self._decision(decision)
                    if key in _DECISIONS and (decision := getattr(result, key)) is not None
                    else _encode(value)
                )
                for key, value in row.items()
            ]
        return "{" + ", ".join(pieces) + "}"

    def _field(self, key: str, value: Any) -> str:
        """A field that holds objects (see :data:`_OBJECTS`) as JSON."""
        if key in _DECISIONS:
            return self._decision(value)
        if key == "report":
            return _encode(value.to_dict())
        return _encode([p.to_dict() for p in value])  # the problems

    def _decision(self, d: Decision) -> str:
        """``json.dumps(d.to_dict(texts=self.texts), ensure_ascii=False)``, from pieces
        (the tests hold the two equal for every bundled authority)."""
        level, recorded, texts, unmapped = d.level, d.recorded_level, self.texts, d.unmapped_factors
        reasons = ", ".join(
            self._once(r, "reason", partial(_as_json, r)) if r.kind in _CONSTANT else _as_json(r)
            for r in d.reasons
        )
        provenance = d.provenance
        return (
            # {"authority": ..., "vocabulary": ...  (the object left open)
            f"{self._once(provenance, 'provenance', lambda: _opened(provenance))}, "
            f'"level": {self._level(level)}, '
            f'"computed_level": {self._level(d.computed_level)}, '
            f'"recorded_level": {self._level(recorded) if recorded is not None else "null"}, '
            f'"recorded_as": {_scalar(d.recorded_as)}, '
            f'"judgement": {_string(d.judgement.value)}, '
            # "prevention": ..., "response": ... (and the next step, with texts)
            f"{self._once(level, 'says', lambda: _encode(_says(level, texts))[1:-1])}, "
            f'"reasons": [{reasons}], '
            f'"considerations": {_listed(d.considerations)}, '
            f'"unmapped_factors": {_encode(list(unmapped)) if unmapped else "[]"}, '
            f'"explanation": '
            f"{_encode(d.explanation.to_dict()) if d.explanation is not None else 'null'}}}"
        )

    def _level(self, level: LevelInfo) -> str:
        return self._once(level, "level", lambda: _encode(level.to_dict(texts=self.texts)))

    def _once(self, obj: object, what: str, make: Callable[[], str]) -> str:
        """``make()``: a text of ``obj``, made the first time it is asked for (while
        fewer than :data:`_MOST` are kept)."""
        key = (id(obj), what)
        found = self._texts.get(key)
        if found is not None and found[0] is obj:
            return found[1]
        text = make()
        if len(self._texts) < _MOST:
            self._texts[key] = (obj, text)
        return text


def _as_json(item: Reason) -> str:
    return _encode(item.to_dict())


def _listed(items: tuple[Consideration, ...]) -> str:
    return _encode([item.to_dict() for item in items]) if items else "[]"


def _opened(provenance: Provenance) -> str:
    """The start of a decision's JSON: its fields that come from the provenance, in their
    order, the object left open."""
    fields = {
        "authority": provenance.authority,
        "version": provenance.version,
        "fingerprint": provenance.fingerprint,
        "vocabulary": provenance.vocabulary,
    }
    return _encode(fields)[:-1]


def _says(level: LevelInfo, texts: bool) -> dict[str, Any]:
    """The fields of a decision's dict that come from its level, in its order."""
    says: dict[str, Any] = {
        "prevention": level.prevention.value,
        "response": level.response.value,
    }
    if texts:
        says.update(next_step=level.next_step, next_step_source=level.next_step_source)
    return says
