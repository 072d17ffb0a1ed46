"""Dated versions of an authority's config: the one in force on a day decides.

An installed test package ships two versions of one authority ('versioned'): 2023.1 in
force from 1 April 2023 to 31 March 2025, and 2025.1 from 1 April 2025, which moves
housing need up a level. Assessments either side of the date get the right version."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from .conftest import SRC, assessment, make_config


def _version(version: str, start: str, end: str | None = None, **changes: Any) -> dict[str, Any]:
    config = make_config()
    config["id"] = "versioned"
    config["version"] = version
    config["effective_from"] = start
    if end is not None:
        config["effective_to"] = end
    for factor, level in changes.items():
        config["factors"][factor.replace("_", "-")] = {"level": level, "source": SRC}
    return config


FIRST = _version("2023.1", "2023-04-01", "2025-03-31")
SECOND = _version("2025.1", "2025-04-01", housing_need="level-3")


def _write(folder: Path, *configs: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for config in configs:
        path = folder / f"{config['id']}-{config['version']}-{config['effective_from']}.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture
def package(monkeypatch, tmp_path) -> Path:
    """The 'versioned' authority, installed: its entry point names a folder of versions."""
    from importlib import metadata

    from earlyhelp_core.thresholds import _load

    folder = _write(tmp_path / "versions", FIRST, SECOND)
    module = tmp_path / "pkg_versioned.py"
    module.write_text(f"def path():\n    return {str(folder)!r}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = metadata.EntryPoint("versioned", "pkg_versioned:path", _load.ENTRY_POINT_GROUP)
    monkeypatch.setattr(_load.metadata, "entry_points", lambda group: [entry])
    return folder


def _on(day: str, *factors: str) -> eh.Assessment:
    doc = assessment(*factors)
    return doc.model_copy(update={"assessed_on": date.fromisoformat(day)})


def test_the_installed_versions_are_found_in_date_order(package) -> None:
    versions = eh.load_versions("versioned")
    assert [v.version for v in versions] == ["2023.1", "2025.1"]
    assert versions.id == "versioned"
    assert versions.latest.version == "2025.1"
    assert "2023.1 from 2023-04-01 to 2025-03-31; 2025.1 from 2025-04-01" in versions.coverage()


@pytest.mark.parametrize(
    ("day", "version", "level"),
    [
        ("2023-04-01", "2023.1", "level-2"),
        ("2025-03-31", "2023.1", "level-2"),  # the last day of the first version
        ("2025-04-01", "2025.1", "level-3"),  # the first day of the second
        ("2031-01-01", "2025.1", "level-3"),
    ],
)
def test_an_assessment_is_decided_by_the_version_in_force_on_its_date(
    package, day: str, version: str, level: str
) -> None:
    versions = eh.load_versions("versioned")
    decision = versions.classify(_on(day, "housing-need"))
    assert decision.version == version
    assert decision.level.id == level
    assert eh.load_authority("versioned", on=date.fromisoformat(day)).version == version
    report = eh.validate(versions, _on(day, "housing-need"))
    assert report.version == version
    assert "EH091" not in report.codes


def test_before_any_version_there_is_no_silent_decision(package) -> None:
    versions = eh.load_versions("versioned")
    early = _on("2022-12-01", "housing-need")
    with pytest.raises(eh.NotInForceError, match="no version of versioned's config was in force"):
        versions.classify(early)
    with pytest.raises(eh.NotInForceError, match=r"2023\.1 from 2023-04-01"):
        eh.load_authority("versioned", on=date(2022, 12, 1))
    report = eh.validate(versions, early)
    (finding,) = [f for f in report.findings if f.code == "EH091"]
    assert "before versioned's config '2023.1' came in (2023-04-01)" in finding.message
    assert not report.ok


def test_a_single_config_says_when_an_assessment_predates_it() -> None:
    bromley = eh.load_authority("bromley")  # in force from 2023-05-01
    report = eh.validate(bromley, _on("2020-01-06"))
    assert "EH091" in report.codes
    assert "EH091" not in eh.validate(bromley, _on("2024-01-08")).codes


def test_a_bundled_authority_is_one_version_until_it_ships_more() -> None:
    versions = eh.load_versions("bromley")
    assert len(versions) == 1
    assert versions.latest.fingerprint == eh.load_authority("bromley").fingerprint


@pytest.mark.parametrize(
    ("configs", "words"),
    [
        ((FIRST, _version("2025.1", "2025-03-01")), "before version '2023.1' ends"),
        ((FIRST, _version("2025.1", "2023-04-01")), "both come in on 2023-04-01"),
        ((FIRST, {**copy.deepcopy(SECOND), "version": "2023.1"}), "given twice"),
        ((FIRST, {**copy.deepcopy(SECOND), "id": "other"}), "different authorities"),
    ],
)
def test_versions_that_cannot_stand_together_are_refused_and_located(
    tmp_path, configs, words
) -> None:
    folder = _write(tmp_path / "v", *configs)
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_versions(folder)
    assert any(words in p.message for p in caught.value.problems), caught.value.problems
    assert all(p.source.endswith(".yaml") and p.line for p in caught.value.problems)


def test_a_level_keeps_its_rank_across_versions(tmp_path) -> None:
    renumbered = _version("2025.1", "2025-04-01")
    for level in renumbered["levels"]:
        level["rank"] += 10
    folder = _write(tmp_path / "v", FIRST, renumbered)
    with pytest.raises(eh.ConfigError, match="keeps its rank"):
        eh.load_versions(folder)


def test_a_version_cannot_end_before_it_begins(tmp_path) -> None:
    folder = _write(tmp_path / "v", _version("2023.1", "2023-04-01", "2023-01-01"))
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_versions(folder)
    assert [p.path for p in caught.value.problems] == [("effective_to",)]


def test_an_empty_folder_or_an_unknown_id_is_told(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(eh.ConfigError, match="no config files"):
        eh.load_versions(tmp_path / "empty")
    with pytest.raises(eh.UnknownIdError, match="unknown authority"):
        eh.load_versions("nowhere")


def test_check_config_checks_a_folder_of_versions_together(capsys, tmp_path) -> None:
    good = _write(tmp_path / "good", FIRST, SECOND)
    assert main(["check-config", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok: versioned") == 2
    assert "versions: 2023.1 from 2023-04-01 to 2025-03-31; 2025.1 from 2025-04-01" in out
    bad = _write(tmp_path / "bad", FIRST, _version("2025.1", "2025-03-01"))
    assert main(["check-config", str(bad), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert not data["ok"]
    assert "before version '2023.1' ends" in data["problems"][0]["message"]


def test_a_diff_between_the_versions_shows_the_revision(package) -> None:
    first, second = eh.load_versions("versioned")
    found = eh.diff(first, second, cohort=[_on("2024-06-03", "housing-need")])
    by_key = {(d.part, d.key): d for d in found.differences}
    assert by_key["mappings", "housing-need"].what == "level-2 -> level-3"
    assert found.cohort is not None
    assert [(m.old, m.new, m.up) for m in found.cohort.moves] == [("level-2", "level-3", True)]


def test_loading_an_installed_folder_by_id_gives_the_version_in_force_today(package) -> None:
    versions = eh.load_versions("versioned")
    today = versions.in_force(date.today()) or versions.latest
    assert eh.load_authority("versioned").version == today.version == versions.current.version
    assert eh.load_authority(package).version == today.version  # the operator's folder too
    assert eh.find_authority("versioned").version == today.version  # a document's own id


def test_check_config_json_on_a_folder_of_versions_is_one_json_list(capsys, tmp_path) -> None:
    good = _write(tmp_path / "good", FIRST, SECOND)
    assert main(["check-config", str(good), "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)  # not one object per version, run together
    assert [r["version"] for r in results] == ["2023.1", "2025.1"]
    assert all(r["ok"] for r in results)
