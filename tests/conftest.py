from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI and the mutation run: every property draws the same examples every run (derived from
# the test's name, not a random seed) and keeps no example database, so a property either
# catches a bug every run or never does, and a failure seen in CI is seen again locally
# with `pytest --hypothesis-profile=ci`.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in a temporary directory and return its path."""

    def _write(content: str | bytes, name: str = "doc.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
