"""`eh.diff` and `earlyhelp diff`: what changed between two configs, with both sources, and
which records of a cohort it moves, both ways."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from ..conftest import EXAMPLES

ROOT = EXAMPLES.parent


def _revised(tmp_path: Path, change: Any) -> eh.Authority:
    """Bromley's config, revised by ``change`` (a function of its data), as a new version."""
    data = yaml.safe_load((ROOT / "configs" / "bromley.yaml").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    change(data)
    path = tmp_path / "bromley-2027.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return eh.load_authority(path)


def _revision(data: dict[str, Any]) -> None:
    src = {"ref": "bromley-strategy", "section": "a revision, for the test", "basis": "reading"}
    data["factors"]["housing-need"] = {"level": "tier-3", "source": src}
    data["parameters"]["child_age_max"] = {"value": 17, "source": src}
    data["considerations"] = []
    data["escalation"] = [
        {
            "id": "three-at-tier-2",
            "when": {"at_least": 3, "at_level": "tier-2", "across_domains": 2},
            "then": "tier-3",
            "source": src,
        }
    ]


@pytest.fixture(scope="module")
def bromley() -> eh.Authority:
    return eh.load_authority("bromley")


@pytest.fixture(scope="module")
def revised(tmp_path_factory) -> eh.Authority:
    return _revised(tmp_path_factory.mktemp("rev"), _revision)


def _cohort() -> list[eh.Document]:
    return [eh.load_document(p) for p in sorted(EXAMPLES.glob("assessment-*.yaml"))]


def test_a_config_against_itself_has_no_differences_and_moves_nobody(bromley) -> None:
    found = eh.diff(bromley, bromley, cohort=_cohort())
    assert found.differences == ()
    assert found.same_authority
    assert found.cohort is not None
    assert found.cohort.moved == 0
    assert found.cohort.unchanged == found.cohort.records == len(_cohort())
    assert "no differences" in str(found)


def test_every_change_of_a_revision_is_found_with_both_sources(bromley, revised) -> None:
    found = eh.diff(bromley, revised)
    by_key = {(d.part, d.key): d for d in found.differences}
    mapping = by_key["mappings", "housing-need"]
    assert (mapping.change, mapping.old, mapping.new) == ("changed", "tier-2", "tier-3")
    assert mapping.old_source is not None
    assert mapping.new_source is not None
    assert "a revision, for the test" in mapping.new_source
    assert by_key["parameters", "child_age_max"].what == "18 -> 17"
    assert by_key["escalation", "three-at-tier-2"].change == "added"
    assert by_key["considerations", "complex-multiple-needs"].change == "removed"
    assert not any(d.part == "levels" for d in found.differences)  # levels untouched


def test_the_cohort_moves_are_counted_both_ways(bromley, revised) -> None:
    cohort = _cohort()
    found = eh.diff(bromley, revised, cohort=cohort)
    assert found.cohort is not None
    expected: dict[tuple[str, str], int] = {}
    for doc in cohort:
        a, b = bromley.classify(doc).level, revised.classify(doc).level
        if a != b:
            expected[a.id, b.id] = expected.get((a.id, b.id), 0) + 1
    assert {(m.old, m.new): m.count for m in found.cohort.moves} == expected
    assert expected  # housing-need at tier-3 moves the multi-agency example up
    for move in found.cohort.moves:
        assert move.up is (bromley.level(move.new).rank > bromley.level(move.old).rank)
        assert 1 <= len(move.examples) <= min(move.count, 3)
    assert found.cohort.moved + found.cohort.unchanged == found.cohort.records
    reverse = eh.diff(revised, bromley, cohort=cohort)
    assert reverse.cohort is not None
    assert {(m.new, m.old) for m in reverse.cohort.moves} == set(expected)
    assert all(not m.up for m in reverse.cohort.moves) is all(m.up for m in found.cohort.moves)


def test_two_authorities_are_compared_by_what_a_level_means(bromley) -> None:
    bedford = eh.load_authority("bedford")
    found = eh.diff(bromley, bedford, cohort=_cohort())
    assert not found.same_authority
    assert found.to_dict()["compared_by"] == "prevention and response"
    assert found.cohort is not None
    # the significant-harm example is at section 47 under both: it has not moved
    harm = eh.load_document(EXAMPLES / "assessment-significant-harm.yaml")
    assert bromley.classify(harm).level.id == "tier-4"
    assert bedford.classify(harm).level.id == "child-protection"
    assert ("tier-4", "child-protection") not in {(m.old, m.new) for m in found.cohort.moves}
    # mappings say both the meanings and the level ids
    changed = [d for d in found.differences if d.part == "mappings"]
    assert changed
    assert all("->" in d.what and "(" in d.what for d in changed)
    # sources differ between authorities as a matter of course: only values are listed
    assert all(d.what != "source changed" for d in found.differences)


def test_earlyhelp_diff_text_json_and_markdown(capsys, revised, tmp_path) -> None:
    path = revised.source_path
    assert path is not None
    assert main(["diff", "bromley", path]) == 0
    text = capsys.readouterr().out
    assert text.startswith("bromley 2026.3 -> bromley 2027.1 (levels compared by level ids)")
    assert "changed housing-need: tier-2 -> tier-3" in text
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(
        "".join(json.dumps(d.model_dump(mode="json", by_alias=True)) + "\n" for d in _cohort()),
        encoding="utf-8",
    )
    assert main(["diff", "bromley", path, "--cohort", str(cohort), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cohort"]["records"] == len(_cohort())
    assert data["cohort"]["moved"] >= 1
    assert main(["diff", "bromley", path, "--cohort", str(cohort), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("## bromley 2026.3 → bromley 2027.1")
    assert "| mappings | housing-need | changed |" in markdown
    assert "| from | to | way | records | examples |" in markdown
    assert main(["diff", "bromley", path, "--from", "ssd"]) == 1
    assert "give --cohort" in capsys.readouterr().err
