"""Hostile bytes: not UTF-8, UTF-16 and UTF-32, byte-order marks, control characters."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ._harness import (
    CONFIG,
    DOCUMENT,
    TARGETS,
    accepted,
    edit,
    printed_by_cli,
    refused_by_api,
    where,
    write,
)

# a free-text value of each base file, and where a hostile character goes in it
TEXT_VALUE = {
    DOCUMENT: ("attendance 82% this term", "82%"),
    CONFIG: ("Testshire Council", "Council"),
}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_bytes_that_are_not_utf8_are_located_at_the_first_bad_byte(
    tmp_path: Path, suffix: str
) -> None:
    cases, expected = [], {}
    for target in TARGETS:
        value, word = TEXT_VALUE[target]
        text = edit(target.base(suffix), value, value.replace(word, "café"))
        expected[target] = where(text, "é")
        cases.append((target, write(tmp_path, target, text.encode("latin-1"), suffix)))

    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col) == expected[target]
        assert p.kind == "encoding"
        assert "0xe9" in p.message
        assert "UTF-8" in p.message
    printed_by_cli(cases, found)


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        # its mark starts with UTF-16-LE's: it must still be named UTF-32
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    ],
    ids=["utf-16-be", "utf-32-le"],
)
def test_utf16_and_utf32_files_are_named(tmp_path: Path, bom: bytes, codec: str, name: str) -> None:
    cases = [(t, write(tmp_path, t, bom + t.yaml.encode(codec))) for t in TARGETS]
    found = refused_by_api(cases)
    for (p,) in found.values():
        assert (p.line, p.col, p.kind) == (1, 1, "encoding")
        assert f"is {name}" in p.message
        assert "save it as UTF-8" in p.message
    printed_by_cli(cases, found)


@pytest.mark.parametrize(
    ("codec", "suffix", "name"),
    [
        ("utf-16-le", ".yaml", "UTF-16"),
        ("utf-32-be", ".json", "UTF-32"),
    ],
)
def test_utf16_and_utf32_without_a_byte_order_mark_are_named(
    tmp_path: Path, codec: str, suffix: str, name: str
) -> None:
    # YAML 1.2 (5.2) and RFC 4627 (3) tell these from the NUL bytes of the first characters
    cases = [(t, write(tmp_path, t, t.base(suffix).encode(codec), suffix)) for t in TARGETS]
    found = refused_by_api(cases)
    for (p,) in found.values():
        assert (p.line, p.kind) == (1, "encoding")
        assert name in p.message
        assert "save it as UTF-8" in p.message
    printed_by_cli(cases, found)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, suffix: str) -> None:
    accepted(
        (t, write(tmp_path, t, codecs.BOM_UTF8 + t.base(suffix).encode(), suffix)) for t in TARGETS
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_control_character_in_the_file_is_located(tmp_path: Path, suffix: str) -> None:
    cases, expected = [], {}
    for target in TARGETS:
        value, word = TEXT_VALUE[target]
        text = edit(target.base(suffix), value, value.replace(word, "\x1b[2J" + word))
        expected[target] = where(text, "\x1b")
        cases.append((target, write(tmp_path, target, text, suffix)))

    kind = "json-syntax" if suffix == ".json" else "yaml-syntax"
    found = refused_by_api(cases)
    for target, (p,) in found.items():
        assert (p.line, p.col, p.kind) == (*expected[target], kind)
        assert "control character" in p.message or "U+001B" in p.message
    printed_by_cli(cases, found)
