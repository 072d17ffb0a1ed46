"""Hostile structure: duplicate keys (and merge keys that look like them), unknown keys
(near misses, control characters, a megabyte long), values of the wrong type, keys that
are not text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._harness import (
    CONFIG,
    DOCUMENT,
    Target,
    accepted,
    edit,
    printed_by_cli,
    refused_by_api,
    where,
    write,
)

# an (old, new) edit of a base file
Edit = tuple[str, str]


def _write_edits(
    tmp_path: Path, edits: dict[Target, Edit], suffix: str = ".yaml"
) -> tuple[list[tuple[Target, Path]], dict[Target, str]]:
    cases, texts = [], {}
    for target, (old, new) in edits.items():
        texts[target] = edit(target.base(suffix), old, new)
        cases.append((target, write(tmp_path, target, texts[target], suffix)))
    return cases, texts


KeyPath = tuple[str | int, ...]

# a key given twice: (edits adding the second one, format, the path of the key)
DUPLICATES: dict[str, tuple[dict[Target, Edit], str, dict[Target, KeyPath]]] = {
    "yaml": (
        {
            DOCUMENT: ("id: EHA-1\n", "id: EHA-1\nid: EHA-2\n"),
            CONFIG: ("name: Testshire Council\n", "name: Testshire Council\nname: Testshire\n"),
        },
        ".yaml",
        {DOCUMENT: ("id",), CONFIG: ("name",)},
    ),
    "yaml-nested": (
        {
            DOCUMENT: ("  id: F-1\n", "  id: F-1\n  id: F-2\n"),
            CONFIG: ("    title: Level 1\n", "    title: Level 1\n    title: Level one\n"),
        },
        ".yaml",
        {DOCUMENT: ("family", "id"), CONFIG: ("levels", 0, "title")},
    ),
    "json": (
        {
            DOCUMENT: ('  "id": "EHA-1",\n', '  "id": "EHA-1",\n  "id": "EHA-2",\n'),
            CONFIG: (
                '  "name": "Testshire Council",\n',
                '  "name": "Testshire Council",\n  "name": "Testshire",\n',
            ),
        },
        ".json",
        {DOCUMENT: ("id",), CONFIG: ("name",)},
    ),
}


@pytest.mark.parametrize(
    "name",
    [
        "yaml",
        "yaml-nested",
        pytest.param(
            "json",
        ),
    ],
)
def test_a_duplicate_key_is_one_problem_naming_both_lines(tmp_path: Path, name: str) -> None:
    edits, suffix, paths = DUPLICATES[name]
    cases, texts = _write_edits(tmp_path, edits, suffix)
    found = refused_by_api(cases)
    for target, (p,) in found.items():
        old, new = edits[target]
        first, _ = where(texts[target], old)
        second = new[len(old) :]
        key = paths[target][-1]
        assert p.kind == "duplicate-key"
        assert (p.line, p.col) == (first + 1, len(second) - len(second.lstrip()) + 1)
        assert f"duplicate key {key!r}: first at line {first}, again at line {first + 1}" in (
            p.message
        )
        assert p.path == paths[target]
    printed_by_cli(cases, found)


def test_a_key_that_overrides_a_merge_key_is_not_a_duplicate(tmp_path: Path) -> None:
    document = edit(
        DOCUMENT.yaml,
        "  - factor: persistent-absence\n",
        "  - &first\n    factor: persistent-absence\n",
    )
    document = edit(
        document, "strengths:\n", "  - <<: *first\n    factor: housing-need\nstrengths:\n"
    )
    config = edit(CONFIG.yaml, "  child_age_max: {", "  child_age_max: &age {")
    config = edit(
        config,
        "  send_age_max: {value: 25, source: {ref: test-source, section: s1, basis: stated}}",
        "  send_age_max: {<<: *age, value: 25}",
    )
    accepted(
        [(DOCUMENT, write(tmp_path, DOCUMENT, document)), (CONFIG, write(tmp_path, CONFIG, config))]
    )


@pytest.mark.parametrize(
    ("edits", "count"),
    [
        ({DOCUMENT: ("strengths:", "strenghts:"), CONFIG: ("escalation:", "escalaton:")}, 1),
        (
            {
                DOCUMENT: ("assessed_on:", "asessed_on:"),
                CONFIG: ("effective_from:", "efective_from:"),
            },
            # two true statements, both useful: the key given is unknown (with the fix),
            # and a required key is missing
            2,
        ),
    ],
    ids=["optional-key", "required-key"],
)
def test_an_unknown_key_suggests_the_near_miss(
    tmp_path: Path, edits: dict[Target, Edit], count: int
) -> None:
    cases, texts = _write_edits(tmp_path, edits)
    found = refused_by_api(cases, count=count)
    for target, problems in found.items():
        old, new = edits[target]
        unknown = [p for p in problems if p.kind == "unknown-key"]
        assert len(unknown) == 1, problems
        (p,) = unknown
        assert (p.line, p.col) == where(texts[target], new)
        assert p.path == (new.rstrip(":"),)
        assert f"(did you mean {old.rstrip(':')!r}?)" in p.message
        if count == 2:
            (missing,) = (p for p in problems if p.kind == "missing")
            assert f"missing required key {old.rstrip(':')!r}" in missing.message
    printed_by_cli(cases, found)


@pytest.mark.parametrize(
    ("key", "suffix"),
    [("evil\x1b[2J\nkey", ".yaml"), ("k" * 1_000_000, ".json")],
    ids=["control-characters", "a-megabyte-long"],
)
def test_an_unknown_key_is_printed_on_one_short_line(tmp_path: Path, key: str, suffix: str) -> None:
    quoted = json.dumps(key)  # a JSON string is a YAML double-quoted one
    cases = []
    for target in (DOCUMENT, CONFIG):
        if suffix == ".json":
            text = "{\n  " + quoted + ": 1," + target.json[1:]
        else:
            text = target.yaml + quoted + ": 1\n"
        cases.append((target, write(tmp_path, target, text, suffix)))
    found = refused_by_api(cases)
    for (p,) in found.values():
        shown = str(p)[len(str(p.location)) :]
        assert p.kind == "unknown-key"
        assert shown.isprintable(), repr(shown[:200])
        assert len(shown) < 500, f"{len(shown):,} characters"
    printed_by_cli(cases, found)


# each target: (old, new, where the bad value starts in `new`, the path of the value)
WRONG_TYPES: dict[str, dict[Target, tuple[str, str, str, KeyPath]]] = {
    "yes-for-a-boolean": {
        DOCUMENT: ("given: true", 'given: "yes"', '"yes"', ("consent", "given")),
        CONFIG: (
            "consent_required: {value: true",
            'consent_required: {value: "yes"',
            '"yes"',
            ("parameters", "consent_required", "value"),
        ),
    },
    "number-for-a-date": {
        DOCUMENT: ("assessed_on: 2024-03-01", "assessed_on: 1", "1", ("assessed_on",)),
        CONFIG: ("effective_from: 2024-01-01", "effective_from: 1", "1", ("effective_from",)),
    },
    "list-for-a-mapping": {
        DOCUMENT: (
            "assessor: {name: A. Practitioner, agency: Example School, role: DSL}",
            "assessor: [A. Practitioner, Example School, DSL]",
            "[",
            ("assessor",),
        ),
        CONFIG: (
            "when: {at_least: 2, at_level: level-2}",
            "when: [2, level-2]",
            "[",
            ("escalation", 0, "when"),
        ),
    },
    "mapping-for-a-list": {
        DOCUMENT: ("about: [c1]", "about: {c1: child}", "{", ("factors", 0, "about")),
        CONFIG: (
            "sources:\n  - {id: test-source, title: Test guidance, where: nowhere}",
            "sources: {id: test-source, title: Test guidance, where: nowhere}",
            "{",
            ("sources",),
        ),
    },
}


@pytest.mark.parametrize("edits", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_value_of_the_wrong_type_is_one_problem_at_the_value(
    tmp_path: Path, edits: dict[Target, tuple[str, str, str, KeyPath]]
) -> None:
    cases, texts = _write_edits(tmp_path, {t: (old, new) for t, (old, new, _, _) in edits.items()})
    found = refused_by_api(cases)
    for target, (p,) in found.items():
        _, new, at, path = edits[target]
        line, col = where(texts[target], new)
        assert (p.line, p.col) == (line, col + new.index(at))
        assert (p.path, p.kind) == (path, "type")
        assert p.message.startswith("expected ")
        assert ", found " in p.message
    printed_by_cli(cases, found)


_FACTOR = "{level: level-2, source: {ref: test-source, section: s1, basis: stated}}"
PLACES = {
    "document": (DOCUMENT, "  id: F-1\n", "  id: F-1\n  {key}: x\n"),
    "config-factors": (CONFIG, "factors:\n", "factors:\n  {key}: " + _FACTOR + "\n"),
    "config-top-level": (
        CONFIG,
        "name: Testshire Council\n",
        "name: Testshire Council\n{key}: x\n",
    ),
}


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("key", ["1", "2024-01-01", "true", "~"])
def test_a_key_that_is_not_text_is_one_problem_on_its_line(
    tmp_path: Path, place: str, key: str
) -> None:
    target, old, new = PLACES[place]
    new = new.replace("{key}", key)
    text = edit(target.yaml, old, new)
    cases = [(target, write(tmp_path, target, text))]
    found = refused_by_api(cases)
    ((p,),) = found.values()
    assert p.line == where(text, new)[0] + new.count("\n") - 1
    assert p.kind == "yaml-key"  # the reader refuses it before any schema or model sees it
    assert p.message.startswith("a key must be text, found ")
    printed_by_cli(cases, found)
