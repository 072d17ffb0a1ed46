"""The built wheel carries configs, schemas and the vocabulary, and works outside the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("earlyhelp_core-*.whl")
    return built


def test_wheel_carries_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "earlyhelp_core/py.typed" in names
    assert "earlyhelp_core/vocabulary/factors.yaml" in names
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"earlyhelp_core/schemas/{schema.name}" in names
    for config in (ROOT / "configs").glob("*.yaml"):
        assert f"earlyhelp_core/configs/{config.name}" in names
    service = ROOT / "src" / "earlyhelp_core" / "service"
    page = [*(service / "templates").glob("*.html"), *(service / "static").glob("*.css")]
    assert page
    for path in page:  # the practitioners' page: its templates and style sheet
        assert f"earlyhelp_core/service/{path.relative_to(service).as_posix()}" in names
    assert not any(n.startswith(("tests/", "earlyhelp_core/tests")) for n in names)


def test_installed_wheel_parses_every_example_from_another_directory(wheel: Path, tmp_path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import earlyhelp_core as eh, pathlib;"
        "assert pathlib.Path(eh.__file__).is_relative_to(sys.argv[1]), eh.__file__;"
        "docs = [eh.load_document(p) for p in sys.argv[2:]];"
        "print(len(docs), len(eh.vocabulary.factors()))"
    )
    examples = sorted(str(p) for p in EXAMPLES.glob("*.*"))
    proc = subprocess.run(
        [sys.executable, "-c", code, str(site), *examples],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    n_docs, n_factors = map(int, proc.stdout.split())
    assert n_docs == len(examples) >= 8
    assert n_factors >= 60
