"""Hostile volume: files within the 5 MiB limit (or far below it) that make the loaders do
millions of things. Each must still be refused within the time and memory limits.

These inputs may exhaust memory or hang, so the API is called in a child process as well
as the CLI (see :func:`refused_in_children`).
"""

from __future__ import annotations

from pathlib import Path

from earlyhelp_core._reader import MAX_BYTES

from ._harness import CONFIG, DOCUMENT, TARGETS, edit, refused_in_children, write


def _fill(line: str, budget: int) -> str:
    """``line`` (with ``{}`` numbered) repeated until ``budget`` characters."""
    out, size, i = [], 0, 0
    while size < budget:
        item = line.format(i)
        out.append(item)
        size += len(item)
        i += 1
    return "".join(out)


def test_aliases_that_repeat_errors_stay_within_the_limits(tmp_path: Path) -> None:
    anchor = "x-repeated: &m {" + ", ".join(f"k{i}: 1" for i in range(1_000)) + "}\n"
    repeats = "[" + ", ".join(["*m"] * 450) + "]\n"
    texts = {
        DOCUMENT: DOCUMENT.yaml + anchor + "voice: " + repeats,
        CONFIG: edit(
            CONFIG.yaml,
            "sources:\n  - {id: test-source, title: Test guidance, where: nowhere}\n",
            anchor + "sources: " + repeats,
        ),
    }
    refused_in_children((t, write(tmp_path, t, texts[t])) for t in TARGETS)


def test_a_5_mib_flood_of_unknown_keys_stays_within_the_limits(tmp_path: Path) -> None:
    flood = _fill("k{:06}: 1\n", MAX_BYTES - 200_000)
    refused_in_children((t, write(tmp_path, t, t.yaml + flood)) for t in TARGETS)


def test_a_1_mb_flood_of_unknown_keys_stays_within_the_limits(tmp_path: Path) -> None:
    flood = "".join(f"k{i:06}: 1\n" for i in range(95_000))
    refused_in_children((t, write(tmp_path, t, t.yaml + flood)) for t in TARGETS)


def test_a_5_mib_yaml_list_of_tiny_values_stays_within_the_limits(tmp_path: Path) -> None:
    values = "nested: [" + _fill("1,", MAX_BYTES - 400_000) + "1]\n"
    found = refused_in_children((t, write(tmp_path, t, t.yaml + values)) for t in TARGETS)
    for problems in found.values():
        assert "alias" not in problems[0]  # there is none


def test_a_5_mib_json_list_of_wrong_values_stays_within_the_limits(tmp_path: Path) -> None:
    values = "[" + _fill("1,", MAX_BYTES - 400_000) + "1]"
    texts = {
        DOCUMENT: '{\n  "strengths": ' + values + "," + DOCUMENT.json[1:],
        CONFIG: edit(
            CONFIG.json,
            CONFIG.json[CONFIG.json.index('"sources": [') : CONFIG.json.index('"levels"')],
            f'"sources": {values},\n  ',
        ),
    }
    refused_in_children((t, write(tmp_path, t, texts[t], ".json")) for t in TARGETS)
