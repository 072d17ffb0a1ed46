"""The threshold commands: assess, check-config, show, translate, authorities."""

from __future__ import annotations

import json

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from .conftest import EXAMPLES, ROOT
from .thresholds.conftest import make_config


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_prints_level_reasons_and_next_step(capsys, config_file) -> None:
    code, out, _ = run(
        capsys, "assess", EXAMPLES / "assessment-significant-harm.yaml", "--authority", config_file
    )
    assert code == 0
    assert "Level: Level 4 [level-4, rank 4]" in out
    assert "physical-abuse -> level-4 (mapping)" in out
    assert "Refer to children's social care and/or the police immediately" in out


def test_assess_json_is_the_decision(capsys, config_file) -> None:
    code, out, _ = run(
        capsys,
        "assess",
        EXAMPLES / "assessment-multi-agency.yaml",
        "--authority",
        config_file,
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["level"]["id"] == "level-3"  # three level-2 needs across two domains
    assert data["reasons"][-1]["rule"] == "escalation:three-across-two"
    assert data["judgement"] == "unknown-level"
    assert len(data["fingerprint"]) == 64


def test_assess_refuses_other_kinds(capsys, config_file) -> None:
    code, _, err = run(
        capsys, "assess", EXAMPLES / "referral-self.yaml", "--authority", config_file
    )
    assert code == 1
    assert "is a referral" in err


def test_assess_bad_config_is_located(capsys, tmp_path) -> None:
    cfg = make_config()
    cfg["factors"]["sexual-abuse"]["level"] = "level-2"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    code, _, err = run(capsys, "assess", EXAMPLES / "assessment-no-needs.yaml", "--authority", path)
    assert code == 1
    assert f"{path}:" in err
    assert "significant-harm factor" in err
    assert "Traceback" not in err


def test_check_config_ok_and_bad(capsys, config_file, tmp_path) -> None:
    code, out, _ = run(capsys, "check-config", config_file)
    assert code == 0
    n = len(eh.vocabulary.factors())
    lines = out.splitlines()
    verdict = next(i for i, line in enumerate(lines) if line.startswith(f"{config_file}: ok"))
    assert lines[verdict].startswith(
        f"{config_file}: ok: testshire 1: 4 levels, {n} factors mapped"
    )
    # every parameter is set: only the rules that cannot tell which referrals they cover
    (reason,) = {r.cannot_tell for r in eh.rules() if r.cannot_tell is not None}
    assert lines[:verdict] == [f"{config_file}: rules not run: EH071, EH072: {reason}"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nlevels: {}\n", encoding="utf-8")
    code, out, _ = run(capsys, "check-config", bad, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert {p["kind"] for p in report["problems"]} >= {"missing", "type"}


def test_show_lists_levels_and_factors(capsys, config_file) -> None:
    code, out, _ = run(capsys, "show", config_file)
    assert code == 0
    assert "level-4" in out
    assert "sexual-abuse" in out
    assert "three-across-two: 3+ factors at level-2 or above across 2+ domains -> level-3" in out


def test_translate_between_configs(capsys, config_file) -> None:
    code, out, _ = run(capsys, "translate", "level-4", "--from", config_file, "--to", config_file)
    assert code == 0
    assert "-> testshire level-4 (Level 4) [exact]" in out
    code, _, err = run(capsys, "translate", "level-9", "--from", config_file, "--to", config_file)
    assert code == 1
    assert "has no level 'level-9'" in err


def test_authorities_lists_bundled_configs(capsys) -> None:
    code, out, _ = run(capsys, "authorities", "--format", "json")
    assert code == 0
    ids = [row["id"] for row in json.loads(out)]
    assert "bedford" in ids


def _mutate(cfg, change):
    change(cfg)
    return cfg


BAD_CONFIGS = {
    "typo-key": lambda c: c["levels"][0].update(titel="x"),
    "unknown-factor": lambda c: c["factors"].update(
        {"persistent-absense": c["factors"]["offending"]}
    ),
    "unknown-level": lambda c: c["factors"]["offending"].update(level="level-9"),
    "duplicate-rank": lambda c: c["levels"][1].update(rank=1),
    "no-prevention": lambda c: c["levels"][2].pop("prevention"),
    "harm-mapped-low": lambda c: c["factors"]["trafficking"].update(level="level-1"),
    "rule-to-missing-level": lambda c: c["escalation"][0].update(then="level-7"),
    "list-for-map": lambda c: c.update(parameters=[1, 2]),
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_check_config_locates_each_kind_of_mistake(capsys, tmp_path, name) -> None:
    cfg = _mutate(make_config(), BAD_CONFIGS[name])
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    code, out, err = run(capsys, "check-config", path)
    assert code == 1
    assert "Traceback" not in out + err
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:")
    line, col = first[len(str(path)) + 1 :].split(":")[:2]
    assert int(line) >= 1
    assert int(col) >= 1


def test_check_config_on_an_empty_file_and_a_directory(capsys, tmp_path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    code, out, _ = run(capsys, "check-config", empty)
    assert (code, out.strip()) == (
        1,
        f"{empty}:1:1: (document): the file is empty; expected a mapping of keys and values",
    )
    # a directory is read as a folder of an authority's dated versions
    code, out, _ = run(capsys, "check-config", tmp_path)
    assert code == 1
    assert f"{empty}:1:1: (document): the file is empty" in out
    (tmp_path / "nothing").mkdir()  # a folder with no configs is not a folder of versions
    code, out, _ = run(capsys, "check-config", tmp_path / "nothing")
    assert code == 1
    assert "is a directory" in out


def test_check_config_names_the_rules_the_config_never_runs(capsys) -> None:
    path = ROOT / "configs" / "bedford.yaml"
    code, out, _ = run(capsys, "check-config", path)
    assert code == 0
    assert (
        f"{path}: rules not run: EH054, EH059: bedford's config does not set review_interval_weeks"
    ) in out.splitlines()
    code, out, _ = run(capsys, "check-config", path, "--format", "json")
    listed = {n["code"] for n in json.loads(out)["rules_not_run"]}
    assert listed == {n.code for n in eh.rules_not_run(eh.load_authority("bedford"))}
    assert {"EH021", "EH054", "EH055", "EH059", "EH064"} <= listed


def test_check_config_and_show_print_what_each_source_states(capsys) -> None:
    from earlyhelp_core.thresholds import basis_counts

    counts = basis_counts(eh.load_authority("bedford").config)
    assert main(["check-config", "configs/bedford.yaml"]) == 0
    out = capsys.readouterr().out
    levels = counts["*"]["levels"]
    assert f"stated/reading: levels {levels['stated']}/{levels['reading']}" in out
    assert main(["show", "bedford", "--sources"]) == 0
    out = capsys.readouterr().out
    for source in eh.load_authority("bedford").config.sources:
        assert f"\n{source.id}: " in out
    assert main(["show", "bedford", "--sources", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["basis"] == counts["*"]
    total = sum(n["stated"] + n["reading"] for n in counts["*"].values())
    assert total == sum(
        n["stated"] + n["reading"] for s in data["sources"] for n in s["basis"].values()
    )


def test_show_keeps_its_columns_with_a_long_level_id(capsys) -> None:
    assert main(["show", "gloucestershire"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:7]
    header, *levels = rows
    at = header.index("prevention")
    for row in levels:
        assert row[at - 1] == " "
        assert row[at:].split()[0] in {"primary", "secondary", "tertiary"}


def _with_typo(tmp_path, change) -> str:
    """A config with a typo in its top-level keys, and ``change`` made to it."""
    config = make_config()
    config["nmae"] = config.pop("name")
    change(config)
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return str(path)


def test_check_config_reports_a_broken_safety_floor_beside_a_typo(capsys, tmp_path) -> None:
    def breach(config) -> None:
        config["factors"]["sexual-abuse"]["level"] = "level-3"

    path = _with_typo(tmp_path, breach)
    code, out, _ = run(capsys, "check-config", path, "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    kinds = {(tuple(p["path"]), p["kind"]) for p in problems}
    assert (("nmae",), "unknown-key") in kinds
    assert (("factors", "sexual-abuse", "level"), "safe") in kinds
    (safe,) = [p for p in problems if p["kind"] == "safe"]
    assert safe["line"] is not None
    assert "significant-harm factor" in safe["message"]
    # and the API says the same
    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(path)
    assert "safe" in {p.kind for p in caught.value.problems}


def test_check_config_reports_levels_out_of_order_beside_a_typo(capsys, tmp_path) -> None:
    def falls(config) -> None:
        config["levels"][2]["response"] = "universal"

    code, out, _ = run(capsys, "check-config", _with_typo(tmp_path, falls))
    assert code == 1
    assert "levels[2].response: response 'universal' falls below 'level-2'" in out


def test_a_level_that_cannot_be_read_leaves_the_floor_unjudged(tmp_path) -> None:
    def unreadable(config) -> None:
        config["levels"][3]["response"] = "section-47x"  # the only section-47 level

    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(_with_typo(tmp_path, unreadable))
    assert not [p for p in caught.value.problems if p.kind in ("safe", "consistent")]


def test_a_mapping_that_cannot_be_read_is_not_called_unmapped(tmp_path) -> None:
    def unreadable(config) -> None:
        config["factors"]["sexual-abuse"]["levle"] = config["factors"]["sexual-abuse"].pop("level")

    with pytest.raises(eh.ConfigError) as caught:
        eh.load_authority(_with_typo(tmp_path, unreadable))
    assert not [p for p in caught.value.problems if p.kind == "safe"]
