"""The one YAML/JSON reader: safe, strict about scalars, bounded, and located."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyhelp_core import LoadError
from earlyhelp_core._reader import MAX_DEPTH, MAX_NODES, MAX_VALUES, read_path, read_text


def only_problem(exc: pytest.ExceptionInfo[LoadError]):
    assert len(exc.value.problems) == 1, exc.value.problems
    return exc.value.problems[0]


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO"])
def test_yaml_11_booleans_stay_text(word: str) -> None:
    assert read_text(f"a: {word}").data == {"a": word}


@pytest.mark.parametrize(("text", "value"), [("true", True), ("False", False), ("TRUE", True)])
def test_yaml_12_booleans(text: str, value: bool) -> None:
    assert read_text(f"a: {text}").data == {"a": value}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0777", 777),
        ("0o17", 15),
        ("0x1f", 31),
        ("-12", -12),
        ("10:30", "10:30"),
        ("1_000", "1_000"),
    ],
)
def test_integers_are_yaml_12(text: str, value: object) -> None:
    assert read_text(f"a: {text}").data == {"a": value}


def test_dates_are_dates() -> None:
    assert read_text("a: 2024-02-29").data == {"a": date(2024, 2, 29)}


def test_an_impossible_date_stays_the_text_it_is() -> None:
    # YAML 1.2 has no timestamps: text shaped like a date that is not one is text, and
    # the model that expects a date reports it (as it would the same text from JSON)
    assert read_text("a: 1\nb: 2023-02-29\n").data == {"a": 1, "b": "2023-02-29"}


def test_duplicate_keys_name_both_lines() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: 1\nb:\n  c: 2\n  c: 3\n", source="f.yaml")
    p = only_problem(exc)
    assert (p.line, p.col, p.kind, p.path) == (4, 3, "duplicate-key", ("b", "c"))
    assert "first at line 3, again at line 4" in p.message


def test_every_duplicate_is_reported_at_once() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: 1\na: 2\nb: 1\nb: 2\n")
    assert [p.line for p in exc.value.problems] == [2, 4]


def test_json_duplicate_keys_name_both_lines() -> None:
    with pytest.raises(LoadError) as exc:
        read_text('{\n  "a": 1,\n  "b": {"x": 1,\n "x": 2}\n}', fmt="json", source="f.json")
    p = only_problem(exc)
    assert (p.line, p.col) == (4, 2)
    assert "'x': first at line 3, again at line 4" in p.message


def test_json_positions_are_found_for_values_and_keys() -> None:
    loaded = read_text('{\n\t"a": [1,\n\t\t{"b": true}]\n}', fmt="json")
    assert loaded.data == {"a": [1, {"b": True}]}
    assert loaded.where.locate(("a", 1, "b")) == (3, 9)
    assert loaded.where.locate(("a", 1, "b"), key=True) == (3, 4)
    assert loaded.where.locate(("a", 1, "missing")) == (3, 3)


def test_yaml_positions_fall_back_to_the_deepest_existing_part() -> None:
    loaded = read_text("a:\n  - b: 1\n    c: x\n")
    assert loaded.where.locate(("a", 0, "c")) == (3, 8)
    assert loaded.where.locate(("a", 0, "c"), key=True) == (3, 5)
    assert loaded.where.locate(("a", 0, "zzz")) == (2, 5)


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: !!python/object/apply:os.system ['true']\n", source="f.yaml")
    p = only_problem(exc)
    assert p.line == 1
    assert "only plain YAML" in p.message


def test_syntax_error_is_located() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: [1, 2\nb: 3\n", source="f.yaml")
    p = only_problem(exc)
    assert p.kind == "yaml-syntax"
    assert p.line == 2


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(LoadError) as exc:
        read_text("\n".join(lines), source="bomb.yaml")
    p = only_problem(exc)
    assert p.kind == "alias-bomb"
    # the first value whose aliases pass the limit: a4 expands to 111,111 values
    assert (p.line, p.col, p.path) == (5, 5, ("a4",))  # at its anchor
    assert str(p).startswith("bomb.yaml:5:5: a4: YAML aliases expand this value")


def test_an_alias_bomb_inside_a_list_is_located_by_index() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 4)]
    lines += ["b:", "  - 1", "  - [*a3, *a3, *a3, *a3, *a3]"]
    with pytest.raises(LoadError) as exc:
        read_text("\n".join(lines), source="bomb.yaml")
    p = only_problem(exc)
    assert (p.kind, p.line, p.col, p.path) == ("alias-bomb", 7, 5, ("b", 1))


def test_a_few_aliases_are_fine() -> None:
    assert read_text("a: &x [1, 2]\nb: *x\n").data == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_nesting_is_refused(fmt: str) -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(LoadError) as exc:
        read_text(text, fmt=fmt)  # type: ignore[arg-type]
    assert only_problem(exc).kind == "too-deep"


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert read_text("[" * depth + "]" * depth, fmt="json").data is not None


def test_non_utf8_is_located(write) -> None:
    path = write(b"a: 1\nname: caf\xe9\n")
    with pytest.raises(LoadError) as exc:
        read_path(path)
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (2, 10, "encoding")
    assert "0xe9" in p.message


def test_utf16_is_named(write) -> None:
    path = write("a: 1\n".encode("utf-16"))
    with pytest.raises(LoadError) as exc:
        read_path(path)
    assert "UTF-16" in only_problem(exc).message


def test_utf8_bom_is_accepted(write) -> None:
    assert read_path(write(b"\xef\xbb\xbfa: 1\n")).data == {"a": 1}


def test_control_characters_are_located() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: 1\nb: x\x07y\n")
    p = only_problem(exc)
    assert (p.line, p.col) == (2, 5)


@pytest.mark.parametrize("content", ["", "   \n\n", b""])
def test_empty_file(write, content) -> None:
    with pytest.raises(LoadError) as exc:
        read_path(write(content))
    assert only_problem(exc).kind == "empty"


def test_too_large_file_is_refused_before_parsing(write) -> None:
    path = write("a: " + "x" * 2000 + "\n")
    with pytest.raises(LoadError) as exc:
        read_path(path, max_bytes=1000)
    p = only_problem(exc)
    assert p.kind == "too-large"
    assert "1,000 bytes" in p.message


def test_directory_and_missing_file(tmp_path) -> None:
    with pytest.raises(LoadError) as exc:
        read_path(tmp_path)
    assert "is a directory" in only_problem(exc).message
    with pytest.raises(LoadError) as exc:
        read_path(tmp_path / "nope.yaml")
    assert only_problem(exc).message == "no such file"


def test_json_is_chosen_by_suffix_and_accepts_tabs(write) -> None:
    path = write('{\n\t"a": [1, 2.5e3]\n}\n', name="doc.json")
    assert read_path(path).data == {"a": [1, 2500.0]}


def test_json_syntax_error_is_located(write) -> None:
    with pytest.raises(LoadError) as exc:
        read_path(write('{"a": 1,\n "b": }', name="doc.json"))
    p = only_problem(exc)
    assert (p.line, p.kind) == (2, "json-syntax")


def test_json_nan_is_refused() -> None:
    with pytest.raises(LoadError, match="NaN"):
        read_text('{"a": NaN}', fmt="json")


def test_several_yaml_documents_are_refused() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: 1\n---\nb: 2\n")
    assert only_problem(exc).line == 2


@pytest.mark.parametrize(
    "text", ["0o17", "1e5", "0x1F", "true", "null", "~", "", "12", "-.5", ".inf"]
)
def test_dumped_text_reads_back_as_text(text: str) -> None:
    from earlyhelp_core._reader import dump_yaml

    assert read_text(dump_yaml({"a": text})).data == {"a": text}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_data_or_located_errors_and_nothing_else(text: str) -> None:
    import earlyhelp_core as eh

    for fmt in ("yaml", "json"):
        problems: tuple[eh.Problem, ...] = ()
        try:
            loaded = read_text(text, fmt=fmt, error=eh.DocumentError)  # type: ignore[arg-type]
            eh.parse_document(loaded.data, where=loaded.where)
        except eh.DocumentError as exc:
            problems = exc.problems
        assert all(p.source == "<data>" and p.message for p in problems)


def test_control_character_after_non_ascii_text_is_located_by_character() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: café\nb: naïve x\x07y\n")
    p = only_problem(exc)
    assert (p.line, p.col) == (2, 11)


@pytest.fixture(params=["libyaml", "pure-python"])
def either_parser(request, monkeypatch):
    """Run a test with libyaml's parser and with PyYAML's own (used where libyaml is absent)."""
    import earlyhelp_core._yaml as reader

    if request.param == "pure-python":
        monkeypatch.setattr(reader, "_CParser", None)
    elif reader._CParser is None:
        pytest.skip("libyaml is not installed")
    return request.param


@pytest.mark.usefixtures("either_parser")
def test_both_parsers_agree_on_values_and_positions() -> None:
    loaded = read_text("a:\n  - b: yes\n    c: 0777\n    d: 2024-02-29\n    e: 2023-02-29\n")
    assert loaded.data == {"a": [{"b": "yes", "c": 777, "d": date(2024, 2, 29), "e": "2023-02-29"}]}
    assert loaded.where.locate(("a", 0, "c")) == (3, 8)


@pytest.mark.usefixtures("either_parser")
@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("a: 1\nb: 1\na: 2\n", "duplicate-key", 3),
        ("[" * 100 + "]" * 100, "too-deep", 1),
        ("a: [1\n", "yaml-syntax", 2),
        ("a: 1\nb: " + "9" * 101 + "\n", "value", 2),
        ("a: !!python/name:os.system\n", "yaml-syntax", 1),
    ],
)
def test_both_parsers_report_the_same_problem(text: str, kind: str, line: int) -> None:
    with pytest.raises(LoadError) as exc:
        read_text(text)
    p = only_problem(exc)
    assert (p.kind, p.line) == (kind, line)


@pytest.mark.usefixtures("either_parser")
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_is_bounded_exactly_at_the_limit(fmt: str) -> None:
    at, beyond = MAX_DEPTH, MAX_DEPTH + 1
    assert read_text("[" * at + "]" * at, fmt=fmt).data is not None  # type: ignore[arg-type]
    with pytest.raises(LoadError) as exc:
        read_text("[" * beyond + "]" * beyond, fmt=fmt)  # type: ignore[arg-type]
    assert only_problem(exc).kind == "too-deep"


@pytest.mark.usefixtures("either_parser")
@pytest.mark.parametrize(
    ("key", "found"),
    [("~", "null"), ("true", "true or false"), ("1", "a number"), ("2024-01-01", "a date")],
)
def test_a_key_that_is_not_text_is_named_by_its_kind_at_the_key(key: str, found: str) -> None:
    with pytest.raises(LoadError) as exc:
        read_text(f"a: 1\n{key}: x\n")
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (2, 1, "yaml-key")
    assert p.message == f"a key must be text, found {found}; put it in quotes"


@pytest.mark.usefixtures("either_parser")
def test_every_duplicate_key_is_reported_at_its_key() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: 1\na: 2\nb: 1\n~: 0\nb:   2\n")
    found = [(p.line, p.col, p.kind) for p in exc.value.problems]
    assert found == [(2, 1, "duplicate-key"), (4, 1, "yaml-key"), (5, 1, "duplicate-key")]


@pytest.mark.usefixtures("either_parser")
def test_keys_after_a_merge_key_are_still_checked() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("base: &b {a: 1}\nm:\n  <<: *b\n  c: 1\n  c: 2\n")
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (5, 3, "duplicate-key")


@pytest.mark.usefixtures("either_parser")
def test_a_list_as_a_key_is_one_syntax_problem() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("? [1, 2]\n: x\nc: 1\n")
    p = only_problem(exc)
    assert (p.line, p.kind) == (1, "yaml-syntax")
    assert "unhashable key" in p.message


@pytest.mark.usefixtures("either_parser")
def test_a_badly_tagged_value_used_twice_is_a_value_problem_each_time() -> None:
    with pytest.raises(LoadError) as exc:
        read_text("a: &x !!int abc\nb: *x\nc: !!float nope\n")
    found = [(p.line, p.col, p.kind) for p in exc.value.problems]
    assert found == [(1, 4, "yaml-value"), (1, 4, "yaml-value"), (3, 4, "yaml-value")]
    assert exc.value.problems[-1].message == (
        "this value is not a number, as its tag `!!float` says"
    )


@pytest.mark.usefixtures("either_parser")
def test_depth_is_counted_per_branch_not_per_sibling() -> None:
    """Many shallow siblings before one deep branch: the deep one is still measured from
    the top, so a branch one level too deep is refused wherever it sits."""
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH  # inside the outer list: one level too deep
    siblings = ", ".join(["[1]"] * 30)
    with pytest.raises(LoadError) as exc:
        read_text(f"[{siblings}, {deep}]")
    assert only_problem(exc).kind == "too-deep"
    fits = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert read_text(f"[{siblings}, {fits}]").data is not None


@pytest.mark.usefixtures("either_parser")
def test_an_alias_bomb_is_located_at_the_innermost_value_over_the_limit() -> None:
    # `s` is a list of 99 values (100 with itself); `a` repeats it 499 times and adds
    # `extra` values: 1 + 499 * 100 + extra values in all
    def document(extra: int) -> str:
        shared = "s: &s [" + ", ".join(["0"] * 99) + "]\n"
        return shared + "a: [" + ", ".join(["*s"] * 499 + ["0"] * extra) + "]\n"

    with pytest.raises(LoadError) as exc:
        read_text(document(MAX_NODES - 1 - 499 * 100))  # `a` holds exactly the limit
    assert (only_problem(exc).path, only_problem(exc).line) == ((), 1)
    with pytest.raises(LoadError) as exc:
        read_text(document(MAX_NODES - 499 * 100))  # `a` holds one value more
    p = only_problem(exc)
    assert (p.path, p.line, p.col, p.kind) == (("a",), 2, 4, "alias-bomb")


@pytest.mark.usefixtures("either_parser")
def test_too_deep_is_located_where_it_goes_too_deep() -> None:
    text = "a:\n  b: " + "[" * 70 + "]" * 70 + "\n"
    with pytest.raises(LoadError) as exc:
        read_text(text)
    p = only_problem(exc)
    # `a` and `b` are two levels; the 63rd bracket (column 6 + 63 - 1) is the 65th level
    assert (p.line, p.col, p.kind) == (2, 68, "too-deep")


@pytest.mark.usefixtures("either_parser")
def test_aliases_give_the_same_values_with_either_parser() -> None:
    loaded = read_text("a: &x [1, {b: 2}]\nc: *x\nd: [*x, *x]\n")
    assert loaded.data == {
        "a": [1, {"b": 2}],
        "c": [1, {"b": 2}],
        "d": [[1, {"b": 2}], [1, {"b": 2}]],
    }
    assert loaded.where.locate(("d",)) == (3, 4)


@pytest.mark.usefixtures("either_parser")
def test_too_many_values_is_located_at_the_first_one_over() -> None:
    # the mapping, the key `a` and the list are three values; the list's items follow,
    # one a line from line 2, so the value past the limit is on line MAX_VALUES - 1
    text = "a:\n" + "- 0\n" * (MAX_VALUES + 5)
    with pytest.raises(LoadError) as exc:
        read_text(text)
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (MAX_VALUES - 1, 3, "too-large")
    assert read_text("a:\n" + "- 0\n" * (MAX_VALUES - 3)).data is not None  # exactly the limit


def test_json_too_deep_is_located_at_the_bracket_past_the_limit() -> None:
    # brackets inside strings and closed lists do not count; `{` is level 1, so the
    # 64th bracket of `a` (column 6 + 64) is level 65
    deep = "[" * 70 + "]" * 70
    text = '{"s": "[[[[{{", "b": [[1], [2]],\n "a": ' + deep + "}"
    with pytest.raises(LoadError) as exc:
        read_text(text, fmt="json")
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (2, 70, "too-deep")


def test_json_with_too_many_values_is_refused_at_the_limit() -> None:
    assert read_text(json.dumps([0] * (MAX_VALUES - 1)), fmt="json").data is not None
    with pytest.raises(LoadError) as exc:
        read_text(json.dumps([0] * MAX_VALUES), fmt="json")
    assert (only_problem(exc).line, only_problem(exc).col, only_problem(exc).kind) == (
        1,
        1,
        "too-large",
    )


def test_json_too_large_is_found_past_a_branch_that_is_too_deep() -> None:
    deep = "[" * 70 + "]" * 70
    text = json.dumps([[0] * (MAX_VALUES + 5), "x"]).replace('"x"', deep)
    with pytest.raises(LoadError) as exc:
        read_text(text, fmt="json")
    assert only_problem(exc).kind == "too-large"


def test_a_file_name_too_long_is_a_problem_reading_it(tmp_path) -> None:
    with pytest.raises(LoadError) as exc:
        read_path(tmp_path / ("x" * 5000 + ".yaml"))
    p = only_problem(exc)
    assert p.kind == "file"
    assert p.message.startswith("cannot read it:")


@pytest.mark.usefixtures("either_parser")
@pytest.mark.parametrize(
    ("text", "line", "col", "says"),
    [
        ("a:\n\tb: 1\n", 2, 1, ": a tab: YAML does not allow tabs for indentation; use spaces"),
        (
            "a:\n  b: 1\n c: 2\n",
            3,
            2,
            " (in the block that starts at line 1: check the indentation of this line)",
        ),
    ],
    ids=["tab", "indentation"],
)
def test_yaml_syntax_errors_say_what_to_do(text: str, line: int, col: int, says: str) -> None:
    with pytest.raises(LoadError) as exc:
        read_text(text)
    p = only_problem(exc)
    assert (p.line, p.col, p.kind) == (line, col, "yaml-syntax")
    assert p.message.startswith("not valid YAML")
    assert p.message.endswith(says)


# JSON short enough to hold no more than MAX_VALUES values (every JSON Lines record) is
# checked for depth on its text, not by walking the parsed data: the two must agree.
json_trees = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ ab', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=40,
)


def _nest(value: object, depth: int) -> object:
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@settings(max_examples=300, deadline=None)
@given(tree=json_trees, extra=st.integers(min_value=0, max_value=MAX_DEPTH + 2))
def test_json_depth_read_from_the_text_agrees_with_the_data(tree: object, extra: int) -> None:
    from earlyhelp_core._reader import _json_shape, _nested_too_deep

    data = _nest(tree, extra)
    text = json.dumps(data, indent=extra % 3 or None)
    expected = _json_shape(data)[0] if isinstance(data, dict | list) else False
    assert _nested_too_deep(text) is expected


def test_short_json_with_many_brackets_is_refused_only_when_too_deep() -> None:
    wide = json.dumps([[i] for i in range(200)])  # 201 brackets, two levels
    assert read_text(wide, fmt="json").data[199] == [199]
    fits = json.dumps(_nest("[[[{{", MAX_DEPTH))
    assert read_text(fits, fmt="json").data is not None
    deep = json.dumps({"s": "]]]}}}", "a": _nest(1, MAX_DEPTH)})
    with pytest.raises(LoadError) as exc:
        read_text(deep, source="r.jsonl", fmt="json")
    p = only_problem(exc)
    assert (p.kind, p.source, p.line) == ("too-deep", "r.jsonl", 1)
    # the root is level 1, so the MAX_DEPTH-th bracket of `a` is the first too deep
    opened = [i for i, ch in enumerate(deep) if ch in "[{" and i > deep.index('"a"')]
    assert p.col == opened[MAX_DEPTH - 1] + 1


def test_duplicates_and_depth_are_reported_together_in_short_and_long_json() -> None:
    deep = "[" * 70 + "]" * 70
    short = '{"a": 1,\n "a": 2, "b": ' + deep + "}"
    long = '{"a": 1,\n "a": 2, "pad": "' + "x" * 2 * MAX_VALUES + '", "b": ' + deep + "}"
    for text in (short, long):
        with pytest.raises(LoadError) as exc:
            read_text(text, fmt="json")
        assert [(p.kind, p.line) for p in exc.value.problems] == [
            ("duplicate-key", 2),
            ("too-deep", 2),
        ]
