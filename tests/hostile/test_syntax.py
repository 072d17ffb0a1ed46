"""Malformed YAML and JSON: one located syntax problem, whatever the file was meant to be."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._harness import TARGETS, printed_by_cli, refused_by_api, write


@pytest.mark.parametrize(
    ("tail", "offset", "says"),
    [
        # text appended to a valid file; `offset`: the problem's line, counted from the
        # first appended line (0)
        ("broken: [unclosed, list\nnext: 1\n", 1, "did not find expected ',' or ']'"),
        ("broken:\n\t- tab-indented\n", 1, "YAML does not allow tabs for indentation"),
    ],
    ids=["unclosed-list", "tab-indent"],
)
def test_malformed_yaml_is_one_located_syntax_problem(
    tmp_path: Path, tail: str, offset: int, says: str
) -> None:
    cases = [(t, write(tmp_path, t, t.yaml + tail)) for t in TARGETS]
    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert p.kind == "yaml-syntax"
        assert p.line == target.yaml.count("\n") + 1 + offset
        assert p.message.startswith("not valid YAML: ")
        assert says in p.message
    printed_by_cli(cases, found)


@pytest.mark.parametrize(
    ("fragment", "says"),
    [
        ('"note": ,', "Expecting value"),
        ("'note': 1,", "Expecting property name enclosed in double quotes"),
    ],
    ids=["missing-value", "single-quotes"],
)
def test_malformed_json_is_one_located_syntax_problem(
    tmp_path: Path, fragment: str, says: str
) -> None:
    cases = []
    for target in TARGETS:
        assert target.json.startswith("{\n")
        text = "{\n  " + fragment + "\n" + target.json[2:]  # the fragment is line 2
        cases.append((target, write(tmp_path, target, text, ".json")))
    found = refused_by_api(cases)
    for (p,) in found.values():
        assert (p.line, p.kind) == (2, "json-syntax")
        assert p.message.startswith(f"not valid JSON: {says}")
    printed_by_cli(cases, found)


def test_a_truncated_json_file_is_located_at_its_end(tmp_path: Path) -> None:
    cases = []
    for target in TARGETS:
        text = target.json[: len(target.json) // 2]
        cases.append((target, write(tmp_path, target, text, ".json")))
    found = refused_by_api(cases)
    for target, (p,) in found.items():
        text = target.json[: len(target.json) // 2]
        assert p.kind == "json-syntax"
        assert p.line == text.count("\n") + 1
    printed_by_cli(cases, found)
