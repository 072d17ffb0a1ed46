"""Every ```python block of docs/testing.md runs, and every test it defines passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import settings

from earlyhelp_core import testing

PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
BLOCKS = [
    (PAGE.read_text(encoding="utf-8")[: m.start()].count("\n") + 2, m.group(1))
    for m in FENCE.finditer(PAGE.read_text(encoding="utf-8"))
]

settings.register_profile("docs-page", max_examples=15, deadline=None, database=None)


def test_the_page_has_code_to_run() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line-{n}" for n, _ in BLOCKS])
def test_a_python_block_runs(line: int, code: str) -> None:
    name = f"docs_testing_md_line_{line}"
    namespace: dict[str, object] = {"__name__": name}
    before = settings.get_current_profile_name()
    settings.load_profile("docs-page")  # the blocks' @given tests draw a few examples each
    try:
        exec(compile(code, f"{PAGE}:{line}", "exec"), namespace)
        tests = [
            value
            for key, value in namespace.items()
            if key.startswith("test_") and callable(value) and value.__module__ == name
        ]
        for test in tests:
            test()
    finally:
        settings.load_profile(before)
    if "@given" in code:
        assert tests, "a block with @given should define a test_... function"


def test_the_page_covers_every_strategy() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for name in testing.__all__:
        assert f"`{name}(" in text or f"### `{name}`" in text, name
    listed = re.search(r"members: \[(.*)\]", text)
    assert listed is not None
    assert sorted(m.strip() for m in listed.group(1).split(",")) == sorted(testing.__all__)
    assert "HYPOTHESIS_NO_PLUGINS" in text
    assert 'pip install "earlyhelp_core[testing]"' in text
