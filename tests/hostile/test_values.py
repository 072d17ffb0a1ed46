"""Hostile values: impossible dates, ids with control characters, numbers JSON and Python
cannot hold, escalation rules that go round in a cycle."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ._harness import CONFIG, DOCUMENT, TARGETS, edit, printed_by_cli, refused_by_api, where, write

# a date of each base file, in YAML (a date) and in JSON (ISO text), and its path: in a
# document, a child's date of birth (personal data, never to be echoed)
DATE = {
    (DOCUMENT, ".yaml"): "role: child, date_of_birth: 2015-04-02",
    (CONFIG, ".yaml"): "effective_from: 2024-01-01",
    (DOCUMENT, ".json"): '"date_of_birth": "2015-04-02"',
    (CONFIG, ".json"): '"effective_from": "2024-01-01"',
}
DATE_PATH = {DOCUMENT: ("family", "members", 0, "date_of_birth"), CONFIG: ("effective_from",)}


@pytest.mark.parametrize(
    ("day", "suffix"),
    [
        ("0000-01-01", ".yaml"),
        ("10000-01-01", ".yaml"),
        ("2023-02-29", ".yaml"),
        ("2023-02-29", ".json"),
    ],
)
def test_a_date_out_of_range_is_one_problem_at_the_date(
    tmp_path: Path, day: str, suffix: str
) -> None:
    cases, at = [], {}
    for target in TARGETS:
        old = DATE[target, suffix]
        text = edit(target.base(suffix), old, re.sub(r"\d{4}-\d{2}-\d{2}", day, old))
        at[target] = where(text, day if suffix == ".yaml" else f'"{day}"')
        cases.append((target, write(tmp_path, target, text, suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col, p.path) == (*at[target], DATE_PATH[target])
        # "date" when the YAML reader finds it, "type" when the model does (JSON, or text
        # that YAML does not read as a date, like 10000-01-01)
        assert p.kind in {"date", "type"}
        assert "YYYY-MM-DD" in p.message
    (doc,) = found[DOCUMENT]
    assert day not in str(doc), "a date of birth is personal data"
    printed_by_cli(cases, found)


ID = {
    (DOCUMENT, ".yaml"): ("id: EHA-1\n", "id: {}\n", "EHA{}1"),
    (CONFIG, ".yaml"): ("id: testshire\n", "id: {}\n", "test{}shire"),
    (DOCUMENT, ".json"): ('"id": "EHA-1"', '"id": {}', "EHA{}1"),
    (CONFIG, ".json"): ('"id": "testshire"', '"id": {}', "test{}shire"),
}


@pytest.mark.parametrize(
    ("middle", "suffix"),
    [(" ", ".yaml"), ("\x1b[2J", ".yaml"), ("\n", ".json")],
    ids=["space", "escape-sequence", "newline"],
)
def test_an_id_with_a_space_or_control_character_is_one_problem_never_echoed_raw(
    tmp_path: Path, middle: str, suffix: str
) -> None:
    cases, at = [], {}
    for target in TARGETS:
        old, line, value = ID[target, suffix]
        quoted = json.dumps(value.format(middle))  # a JSON string is a YAML double-quoted one
        text = edit(target.base(suffix), old, line.format(quoted))
        at[target] = where(text, quoted)
        cases.append((target, write(tmp_path, target, text, suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col, p.path, p.kind) == (*at[target], ("id",), "value")
        # the CLI prints exactly str(p): no terminal escape or line break gets through
        assert str(p).isprintable(), repr(str(p))
    printed_by_cli(cases, found)


# where a number goes: a text id in a document, a level's rank in a config
NUMBER = {
    (DOCUMENT, ".yaml"): ("id: EHA-1\n", "id: {}\n"),
    (CONFIG, ".yaml"): ("    rank: 1\n", "    rank: {}\n"),
    (DOCUMENT, ".json"): ('"id": "EHA-1"', '"id": {}'),
    (CONFIG, ".json"): ('"rank": 1,', '"rank": {},'),
}
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("number", "suffix"),
    [
        pytest.param(HUGE, ".yaml", id="yaml-5000-digits"),
        pytest.param(HUGE, ".json", id="json-5000-digits"),
        *(
            pytest.param(
                word,
                ".json",
                id=f"json-{word}",
            )
            for word in ["NaN", "Infinity", "-Infinity"]
        ),
    ],
)
def test_a_number_json_or_python_cannot_hold_is_one_problem_at_the_number(
    tmp_path: Path, number: str, suffix: str
) -> None:
    cases, at = [], {}
    for target in TARGETS:
        old, new = NUMBER[target, suffix]
        text = edit(target.base(suffix), old, new.format(number))
        at[target] = where(text, number)
        cases.append((target, write(tmp_path, target, text, suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col) == at[target]
        assert p.kind in {"type", "value", "json-syntax", "yaml-syntax"}
    printed_by_cli(cases, found)


@pytest.mark.parametrize(
    ("number", "suffix"),
    [("1e999", ".json"), ("-1.5E+400", ".json"), ("1e999", ".yaml"), ("-2.5e400", ".yaml")],
)
def test_a_number_too_large_for_a_float_is_refused_like_infinity(
    tmp_path: Path, number: str, suffix: str
) -> None:
    cases, at = [], {}
    for target in TARGETS:
        old, new = NUMBER[target, suffix]
        text = edit(target.base(suffix), old, new.format(number))
        at[target] = where(text, number)
        cases.append((target, write(tmp_path, target, text, suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col, p.kind) == (*at[target], "value")
        assert p.message == "a number too large to be a real value (it would read as infinity)"
    printed_by_cli(cases, found)


def test_a_number_too_large_for_a_float_is_one_problem_at_its_json_lines_record() -> None:
    import earlyhelp_core as eh

    bromley = eh.load_authority("bromley")
    good = DOCUMENT.json.replace("\n", "")
    lines = [good, good.replace('"EHA-1"', "1e999"), good]
    results = list(eh.cohorts.results_of_jsonl(bromley, lines, "validate", source="c.jsonl"))
    assert [r.problems == () for r in results] == [True, False, True]
    (problem,) = results[1].problems
    assert (problem.line, problem.kind) == (2, "value")
    assert "too large to be a real value" in problem.message


def test_finite_numbers_with_an_exponent_still_read(tmp_path: Path) -> None:
    from earlyhelp_core._reader import read_text

    assert read_text('{"a": 1.5e3, "b": -2E-400}', fmt="json").data == {"a": 1500.0, "b": -0.0}
    assert read_text("a: 2.5e3\n").data == {"a": 2500.0}


def test_a_long_run_of_digits_in_text_is_not_taken_for_the_bad_number(tmp_path: Path) -> None:
    digits = '"' + "1" * 4000 + '"'
    texts = {
        DOCUMENT: edit(DOCUMENT.json, '"attendance 82% this term"', digits),
        CONFIG: edit(CONFIG.json, '"Testshire Council"', digits),
    }
    cases, at = [], {}
    for target in TARGETS:
        old, new = NUMBER[target, ".json"]
        texts[target] = edit(texts[target], old, new.format("NaN"))
        at[target] = where(texts[target], "NaN")
        cases.append((target, write(tmp_path, target, texts[target], ".json")))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col) == at[target]
        assert "NaN" in p.message
    printed_by_cli(cases, found)


def _rule(name: str, at_level: str, then: str) -> str:
    return (
        f"  - id: {name}\n"
        f"    when: {{at_least: 1, at_level: {at_level}}}\n"
        f"    then: {then}\n"
        "    source: {ref: test-source, section: s1, basis: stated}\n"
    )


@pytest.mark.parametrize(
    "rules",
    [
        # the base config's rule raises level-2 to level-3; these add to it
        [("back-down", "level-3", "level-2")],
        [("up-again", "level-3", "level-4"), ("round-again", "level-4", "level-2")],
        [("stay-put", "level-2", "level-2")],
    ],
    ids=["two-rule-cycle", "three-rule-cycle", "self-loop"],
)
def test_escalation_rules_in_a_cycle_are_one_problem_at_the_rule_that_lowers(
    tmp_path: Path, rules: list[tuple[str, str, str]]
) -> None:
    # escalation rules exist only in configs: there is no document form of this input
    added = "".join(_rule(*rule) for rule in rules)
    text = edit(CONFIG.yaml, "parameters:\n", added + "parameters:\n")
    name, at_level, then = rules[-1]
    cases = [(CONFIG, write(tmp_path, CONFIG, text))]
    found = refused_by_api(cases)
    ((p,),) = found.values()
    line, _ = where(text, f"  - id: {name}\n")
    assert (p.line, p.col) == (line + 2, len("    then: ") + 1)
    assert (p.kind, p.path) == ("rule-order", ("escalation", len(rules), "then"))
    assert p.message == f"{then!r} must rank above {at_level!r}: a rule raises the level"
    printed_by_cli(cases, found)
