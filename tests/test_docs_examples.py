"""Every Python example in the README and the documentation runs (each page in its own interpreter)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import ROOT

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PAGES = sorted(
    p
    for p in [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    if BLOCK.search(p.read_text(encoding="utf-8"))
)


def test_the_docs_have_examples() -> None:
    assert len(PAGES) >= 6


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_on_the_page_run(page) -> None:
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    script = "\n\n".join(blocks)
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, f"{page.name}:\n{proc.stderr[-2000:]}"
