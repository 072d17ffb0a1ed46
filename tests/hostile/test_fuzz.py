"""Fuzzing: whatever comes in, the loaders give a result or their own error, nothing else.

Only :class:`eh.LoadError` subclasses may escape (the target's own: DocumentError for
documents, ConfigError for configs), and every problem they hold names the file. Inputs:
any text and any bytes as a file; any JSON value, or a valid document or config with one
value replaced by any JSON value, given to ``parse_document`` or written as JSON or YAML.
"""

from __future__ import annotations

import codecs
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh

from ._harness import CONFIG, DOCUMENT, TARGETS, Target

FUZZ = settings(
    max_examples=300,
    deadline=None,  # the first config load imports jsonschema
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# text that looks like YAML and JSON: their punctuation, digits, a few letters
SYNTAX = "{}[]:,-&*!|>'\"#%@`?<=~. \n\t0123456789abcdefxyzEe_/"
texts = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200),
    st.text(alphabet=SYNTAX, max_size=200),
)
boms = st.sampled_from(
    [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _load(target: Target, path: Path) -> None:
    """Load ``path``; a problem must be the target's own error, naming the file."""
    try:
        target.load(str(path))
    except eh.LoadError as exc:
        error = exc
    else:
        return
    assert type(error) is target.error, type(error)
    assert error.problems
    assert all(p.source == str(path) for p in error.problems), error.problems
    assert str(error)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(text=texts, suffix=st.sampled_from([".yaml", ".json"]))
def test_any_text_loads_or_is_refused(folder: Path, text: str, suffix: str) -> None:
    path = folder / f"text{suffix}"
    path.write_text(text, encoding="utf-8")
    for target in TARGETS:
        _load(target, path)


@FUZZ
@given(bom=boms, raw=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_bytes_load_or_are_refused(folder: Path, bom: bytes, raw: bytes, suffix: str) -> None:
    path = folder / f"bytes{suffix}"
    path.write_bytes(bom + raw)
    for target in TARGETS:
        _load(target, path)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``data``."""
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> Any:
    """``base`` with one value (anywhere in it) replaced by an arbitrary JSON value, or
    removed; now and then, an arbitrary value instead of ``base``."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    data = copy.deepcopy(base)
    *parents, last = draw(st.sampled_from(_paths(base)))
    holder = data
    for part in parents:
        holder = holder[part]
    if isinstance(holder, dict) and draw(st.booleans()):
        del holder[last]
    else:
        holder[last] = draw(json_values)
    return data


DOCUMENT_DATA = json.loads(DOCUMENT.json)
CONFIG_DATA = json.loads(CONFIG.json)


@FUZZ
@given(data=mutated(DOCUMENT_DATA))
def test_any_json_value_as_a_document_parses_or_is_refused(data: Any) -> None:
    try:
        eh.parse_document(data)
    except eh.DocumentError as exc:
        error = exc
    else:
        return
    assert error.problems
    assert all(p.source == "<data>" for p in error.problems), error.problems
    assert str(error)


@settings(FUZZ, max_examples=80)
@given(data=mutated(CONFIG_DATA))
def test_any_json_value_as_a_config_loads_or_is_refused(folder: Path, data: Any) -> None:
    path = folder / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _load(CONFIG, path)


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_any_json_value_in_a_yaml_file_loads_or_is_refused(
    folder: Path, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(TARGETS))
    value = data.draw(mutated(DOCUMENT_DATA if target is DOCUMENT else CONFIG_DATA))
    path = folder / f"{target}.yaml"
    path.write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    _load(target, path)
