"""Attacks on the parser: alias bombs, deep nesting, unsafe and abused tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._harness import CONFIG, DOCUMENT, TARGETS, edit, printed_by_cli, refused_by_api, where, write

DEPTH = 10_000


def billion_laughs(levels: int = 9, width: int = 10) -> str:
    """Top-level keys whose aliases expand to ``width ** levels`` (a billion) strings."""
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_before_any_expansion(tmp_path: Path) -> None:
    cases = [(t, write(tmp_path, t, t.yaml + billion_laughs())) for t in TARGETS]
    found = refused_by_api(cases)
    for (p,) in found.values():
        assert p.kind == "alias-bomb"
        assert "alias" in p.message
    printed_by_cli(cases, found)


def _nested_json(base: str, nest: str) -> str:
    """``base`` (a JSON object) with ``"nested": <nest>`` as its first key, on line 2."""
    assert base.startswith("{\n")
    return '{\n  "nested": ' + nest + "," + base[1:]


@pytest.mark.parametrize(
    ("suffix", "nest"),
    [
        (".yaml", "[" * DEPTH + "]" * DEPTH),
        (".yaml", "{a: " * DEPTH + "1" + "}" * DEPTH),
        (".json", "[" * DEPTH + "]" * DEPTH),
        (".json", '{"a": ' * DEPTH + "1" + "}" * DEPTH),
    ],
    ids=["yaml-lists", "yaml-mappings", "json-lists", "json-objects"],
)
def test_nesting_10000_levels_deep_is_refused(tmp_path: Path, suffix: str, nest: str) -> None:
    cases = []
    for target in TARGETS:
        if suffix == ".json":
            text = _nested_json(target.json, nest)
        else:
            text = target.yaml + f"nested: {nest}\n"
        cases.append((target, write(tmp_path, target, text, suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert p.kind == "too-deep"
        assert "64 levels" in p.message
        # the line where the nesting is (libyaml stops at 1,000 levels, so not the column)
        assert p.line == (2 if suffix == ".json" else target.yaml.count("\n") + 1)
    printed_by_cli(cases, found)


UNSAFE_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
]

# a top-level text value of each base file: the line a hostile value replaces
TEXT_LINE = {DOCUMENT: "id: EHA-1\n", CONFIG: "name: Testshire Council\n"}


@pytest.mark.parametrize("tag", UNSAFE_TAGS, ids=["object-apply", "name", "object-new"])
def test_unsafe_python_tags_are_refused_and_never_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    cases, expected = [], {}
    for target in TARGETS:
        key = TEXT_LINE[target].split(":")[0]
        line = f"{key}: {tag.format(marker=marker)}\n"
        text = edit(target.yaml, TEXT_LINE[target], line)
        expected[target] = where(text, "!!python")
        cases.append((target, write(tmp_path, target, text)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col, p.kind) == (*expected[target], "yaml-syntax")
        assert "tag:yaml.org,2002:python/" in p.message
        assert "only plain YAML" in p.message
    printed_by_cli(cases, found)
    assert not marker.exists()


@pytest.mark.parametrize("tagged", ["!!int abc", "!!float abc", "!!bool maybe", "!!timestamp soon"])
def test_an_explicit_tag_on_an_impossible_value_is_one_located_problem(
    tmp_path: Path, tagged: str
) -> None:
    cases, expected = [], {}
    for target in TARGETS:
        key = TEXT_LINE[target].split(":")[0]
        text = edit(target.yaml, TEXT_LINE[target], f"{key}: {tagged}\n")
        expected[target] = where(text, tagged)
        cases.append((target, write(tmp_path, target, text)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col) == expected[target]
        assert p.kind in {"yaml-value", "yaml-syntax", "type", "value"}
        assert tagged.split(maxsplit=1)[0] in p.message  # names the tag
    printed_by_cli(cases, found)
