"""A document never chooses a file the library reads; only the operator passes paths.

A document's ``authority`` is an id. It is looked up among the bundled and installed
authorities and never read as a path, however it is spelt. The checks here watch the
files the process really opens (a :func:`sys.addaudithook` hook), so they fail if any code
path, present or future, opens a file a document named.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core._resources import data_dir
from earlyhelp_core.cli import main

from ..conftest import EXAMPLES

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str | bytes | Path):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)


@contextmanager
def files_opened() -> Iterator[list[str]]:
    """Every path the process opens inside the block."""
    global _opened  # noqa: PLW0603 - the audit hook cannot be removed, only switched off
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


SECRET = "not-for-a-document-to-read"

HOSTILE_IDS = [
    "examples/../../../../etc/passwd",
    "/etc/passwd",
    "../decoy.yaml",
    "decoy.yaml",
    "decoy",
    "Decoy",
    "./decoy",
    "..",
    "bromley/../decoy",
    "bromley.yaml",
]


@pytest.fixture
def decoys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding *valid* configs a hostile id might name.

    Each decoy is Bromley's config under another id and name, so if one were ever read the
    command would succeed and print its name: the test cannot pass by a lucky error.
    """
    work = tmp_path / "work"
    work.mkdir()
    config = yaml.safe_load((data_dir("configs") / "bromley.yaml").read_text(encoding="utf-8"))
    config.update(id="decoy", name=SECRET)
    text = yaml.safe_dump(config, sort_keys=False)
    for name in ("decoy", "decoy.yaml", "Decoy", "bromley.yaml"):
        (work / name).write_text(text, encoding="utf-8")
    (tmp_path / "decoy.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(work)
    return work


def _document(tmp_path: Path, authority: str) -> Path:
    doc = yaml.safe_load((EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8"))
    doc["authority"] = authority
    path = tmp_path / "family.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


_PACKAGE = data_dir("configs").parent
_LIBRARIES = {Path(sysconfig.get_paths()[key]) for key in ("purelib", "platlib")}


def _read_for(opened: list[str], document: Path | None = None) -> list[str]:
    """The files opened that a hostile id could have named.

    That is every file but the document itself, the package's own data (bundled configs,
    the vocabulary), installed packages' metadata, read to find installed authorities, and
    installed packages' code: the document models load on first use, and pydantic imports
    a module of its own the first time it validates in a process.
    """
    return [
        name
        for name in opened
        if Path(name) != document
        and not Path(name).is_relative_to(_PACKAGE)
        and not any(Path(name).is_relative_to(lib) for lib in _LIBRARIES)
        and ".dist-info" not in name
        and not name.endswith(".zip")
    ]


@pytest.mark.parametrize("command", ["assess", "validate"])
@pytest.mark.parametrize("authority", HOSTILE_IDS)
def test_a_documents_authority_never_names_a_file(
    capsys: pytest.CaptureFixture[str], decoys: Path, authority: str, command: str
) -> None:
    doc = _document(decoys.parent, authority)
    with files_opened() as opened:
        code = main([command, str(doc), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert SECRET not in out + err
    assert "root:" not in out + err
    assert _read_for(opened, doc) == []
    assert "authority" in out + err  # the problem names the key it is about


@pytest.mark.parametrize("authority", [a for a in HOSTILE_IDS if a != "decoy"])
def test_a_hostile_authority_id_is_refused_where_it_is_written(authority: str) -> None:
    doc = yaml.safe_load((EXAMPLES / "assessment-multi-agency.yaml").read_text(encoding="utf-8"))
    doc["authority"] = authority
    with pytest.raises(eh.DocumentError) as caught:
        eh.parse_document(doc)
    (problem,) = caught.value.problems
    assert problem.path == ("authority",)
    assert "kebab-case id" in problem.message


def test_an_unknown_id_is_located_at_the_documents_authority_key(
    capsys: pytest.CaptureFixture[str], decoys: Path
) -> None:
    doc = _document(decoys.parent, "decoy")
    code = main(["assess", str(doc)])
    _, err = capsys.readouterr()
    assert code == 1
    line = next(
        n
        for n, text in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("authority:")
    )
    assert err.startswith(f"{doc}:{line}:12: authority: unknown authority 'decoy'")
    assert "known: bedford, bromley" in err


def test_validate_reports_an_unknown_authority_for_its_file_and_checks_the_others(
    capsys: pytest.CaptureFixture[str], decoys: Path
) -> None:
    bad = _document(decoys.parent, "decoy")
    good = EXAMPLES / "assessment-single-agency.yaml"
    code = main(["validate", str(bad), str(good)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert f"{bad}:" in out
    assert "unknown authority 'decoy'" in out
    assert f"{good}: ok under bedford" in out


@given(
    st.text(
        alphabet=st.sampled_from("abcdemyrl-_./\\~:%0 "),
        min_size=1,
        max_size=24,
    )
)
@settings(max_examples=200)
def test_find_authority_opens_nothing_but_bundled_configs(authority_id: str) -> None:
    known = eh.list_authorities()
    with files_opened() as opened:
        if authority_id in known:
            assert eh.find_authority(authority_id).id == authority_id
        else:
            with pytest.raises(eh.UnknownIdError, match="unknown authority"):
                eh.find_authority(authority_id)
    assert _read_for(opened) == []


def test_find_authority_takes_only_ids(decoys: Path) -> None:
    assert eh.find_authority("bromley").id == "bromley"
    for spelling in HOSTILE_IDS:
        with pytest.raises(eh.UnknownIdError):
            eh.find_authority(spelling)
    with pytest.raises(TypeError, match="authority_id must be a str"):
        eh.find_authority(decoys / "decoy")  # type: ignore[arg-type]


def test_the_operator_still_chooses_files(decoys: Path) -> None:
    """``load_authority`` is the operator's: a path, or a bare name of a file here."""
    assert eh.load_authority("decoy.yaml").name == SECRET
    assert eh.load_authority("decoy").name == SECRET
    assert eh.load_authority(decoys / "Decoy").name == SECRET
    assert eh.load_authority("bromley").name != SECRET  # a bundled id wins over a file


# --------------------------------------------------------------------------- not a config


def test_a_document_given_as_a_config_is_described_by_its_keys_only(tmp_path: Path) -> None:
    doc = shutil.copy(EXAMPLES / "assessment-multi-agency.yaml", tmp_path / "family.yaml")
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(doc)
    (problem,) = caught.value.problems
    assert problem.kind == "not-a-config"
    assert (problem.line, problem.col, problem.path) == (1, 1, ())
    assert "'assessor', 'consent', 'family'" in problem.message
    for value in ("EHA-2024-0103", "A. Practitioner", "grandparents", "2015-04-02", "bromley"):
        assert value not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("root:x:0:0:root:/root:/bin/bash\nJane Smith 2011-11-11\n", "text of 53 characters"),
        ("- Jane Smith\n- 2011-11-11\n", "a list"),
        ("{}", "an empty mapping"),
        ("Jane Smith: 2011-11-11\n", "a mapping with keys 'Jane Smith'"),
    ],
)
def test_a_file_that_is_not_a_config_is_never_echoed(tmp_path: Path, text: str, found: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(path)
    (problem,) = caught.value.problems
    assert problem.kind == "not-a-config"
    assert problem.message.endswith(f"found {found}")
    assert "2011" not in str(caught.value)
    assert "root:" not in str(caught.value)


def test_a_draft_config_still_gets_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text("id: mine\nlevels: {}\n", encoding="utf-8")
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(path)
    kinds = {p.kind for p in caught.value.problems}
    assert "not-a-config" not in kinds
    assert {"missing", "type"} <= kinds
