"""check_authority proves each invariant on the bundled configs and finds a planted bug of each kind."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.cli import main

from .conftest import make_config


def write(tmp_path, config: dict[str, Any], name: str = "planted.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def check(tmp_path, config, **kwargs) -> list[eh.Violation]:
    return eh.check_authority(eh.load_authority(write(tmp_path, config), verify=False), **kwargs)


@pytest.mark.parametrize("authority_id", eh.list_authorities())
def test_bundled_configs_keep_every_invariant(authority_id) -> None:
    assert eh.check_authority(eh.load_authority(authority_id)) == []


def test_the_test_config_keeps_every_invariant(tmp_path) -> None:
    assert check(tmp_path, make_config()) == []


def test_safe_finds_a_significant_harm_factor_mapped_low(tmp_path) -> None:
    config = make_config()
    config["factors"]["trafficking"]["level"] = "level-3"
    (v,) = check(tmp_path, config)
    assert (v.property, v.path, v.counterexample) == (
        "safe",
        ("factors", "trafficking", "level"),
        ("trafficking",),
    )
    assert v.line is not None
    assert str(v).startswith(
        f"{tmp_path / 'planted.yaml'}:{v.line}:{v.col}: safe: factors.trafficking.level: "
    )
    # the counterexample is a real assessment that shows it
    decision = eh.load_authority(write(tmp_path, config), verify=False).classify(v.assessment())
    assert decision.response is not eh.Response.SECTION_47


def test_safe_finds_a_combination_that_leaves_section_47(tmp_path) -> None:
    config = make_config()
    config["levels"].append(
        {**config["levels"][2], "id": "level-5", "rank": 5, "response": "section-17"}
    )
    config["factors"]["offending"]["level"] = "level-5"
    found = check(tmp_path, config, properties=["safe"])
    combo = [v for v in found if v.path == ("levels", 4, "response")]
    assert combo
    assert "offending" in (combo[0].counterexample or ())


def test_the_loader_refuses_what_is_not_safe_or_consistent(tmp_path) -> None:
    config = make_config()
    config["factors"]["trafficking"]["level"] = "level-3"
    with pytest.raises(eh.ConfigError) as exc:
        eh.load_authority(write(tmp_path, config))
    (problem,) = exc.value.problems
    assert problem.kind == "safe"
    assert "(counterexample: an assessment with trafficking)" in problem.message


def test_consistent_finds_ranks_and_responses_out_of_order(tmp_path) -> None:
    config = make_config()
    config["levels"][1]["rank"] = 1
    config["levels"][2]["prevention"] = "primary"
    found = {(v.property, v.path) for v in check(tmp_path, config)}
    assert ("consistent", ("levels", 1, "rank")) in found
    assert ("consistent", ("levels", 2, "prevention")) in found


def test_complete_finds_a_factor_neither_mapped_nor_marked(tmp_path) -> None:
    config = make_config()
    del config["factors"]["bereavement-or-loss"]
    (v,) = check(tmp_path, config)
    assert v.property == "complete"
    assert "'bereavement-or-loss'" in v.message


def test_not_applicable_with_a_reason_is_complete(tmp_path) -> None:
    config = make_config()
    del config["factors"]["bereavement-or-loss"]
    config["not_applicable"] = {"bereavement-or-loss": {"reason": "met by universal services here"}}
    assert check(tmp_path, config) == []


def test_reachable_finds_an_empty_level_and_a_rule_that_cannot_fire(tmp_path) -> None:
    config = make_config()
    for mapping in config["factors"].values():
        if mapping["level"] == "level-2":
            mapping["level"] = "level-3"
    config["escalation"][0]["when"]["at_least"] = 500
    cells = config["factors"]["early-development-delay"].pop("cells")
    found = {(v.property, v.path) for v in check(tmp_path, config)}
    assert ("reachable", ("levels", 1)) in found
    assert ("reachable", ("escalation", 0)) in found
    # a level no mapping reaches is reached through a need's indicator cell there
    config["factors"]["early-development-delay"]["cells"] = cells
    found = {(v.property, v.path) for v in check(tmp_path, config)}
    assert ("reachable", ("levels", 1)) not in found


def test_a_level_reached_only_by_a_rule_is_reachable(tmp_path) -> None:
    config = make_config()
    for mapping in config["factors"].values():
        if mapping["level"] == "level-3":
            mapping["level"] = "level-2"
    assert [v for v in check(tmp_path, config) if v.property == "reachable"] == []


def test_total_and_monotone_are_searched_and_shrunk(tmp_path, monkeypatch) -> None:
    authority = eh.load_authority(write(tmp_path, make_config()))
    # plant an engine bug: offending *lowers* whatever else is there to level-1
    real = type(authority).evaluate

    def buggy(self, factors, cells=None):
        factors = list(factors)
        evaluation = real(self, factors, cells=cells)
        if "offending" in factors and len(factors) > 1:
            return attrs.evolve(evaluation, level=self.levels[0])
        return evaluation

    monkeypatch.setattr(type(authority), "evaluate", buggy)
    (v,) = eh.check_authority(authority, properties=["monotone"])
    assert v.property == "monotone"
    assert v.counterexample is not None
    assert len(v.counterexample) == 2  # shrunk to one factor plus 'offending'
    assert v.counterexample[-1] == "offending" or "offending" in v.counterexample


def test_total_catches_a_level_from_elsewhere(tmp_path, monkeypatch) -> None:
    authority = eh.load_authority(write(tmp_path, make_config()))
    foreign = eh.load_authority("bromley").levels[0]
    real = type(authority).evaluate

    def buggy(self, factors, cells=None):
        return attrs.evolve(real(self, factors, cells=cells), level=foreign)

    monkeypatch.setattr(type(authority), "evaluate", buggy)
    (v,) = eh.check_authority(authority, properties=["total"])
    assert v.property == "total"


def test_check_authority_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="authority must be an Authority, got str"):
        eh.check_authority("bromley")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"properties=\['kind'\]"):
        eh.check_authority(eh.load_authority("bromley"), properties=["kind"])  # type: ignore[list-item]


def test_check_config_reports_violations_and_exits_1(tmp_path, capsys) -> None:
    config = make_config()
    del config["factors"]["bereavement-or-loss"]
    path = write(tmp_path, config)
    assert main(["check-config", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:" in out
    assert ": complete: factors: vocabulary factor 'bereavement-or-loss'" in out
    assert main(["check-config", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["violations"][0]["property"] == "complete"


def test_minimal_assessment_parses_and_records_the_factors() -> None:
    from earlyhelp_core.thresholds._check import minimal_assessment

    doc = minimal_assessment(["offending", "housing-need"])
    assert doc.factor_ids == {"offending", "housing-need"}


def test_safe_reports_every_unsafe_factor_whatever_is_wrong_with_each(tmp_path) -> None:
    # in the vocabulary's order: not applicable, unmapped, mapped low, mapped low again
    config = make_config()
    source = config["factors"]["child-sexual-exploitation"]["source"]
    del config["factors"]["child-sexual-exploitation"]
    config["not_applicable"] = {"child-sexual-exploitation": {"reason": "r", "source": source}}
    del config["factors"]["child-criminal-exploitation"]
    config["factors"]["trafficking"]["level"] = "level-3"
    config["factors"]["neglect"]["level"] = "level-2"
    found = [(v.path, v.counterexample) for v in check(tmp_path, config, properties=["safe"])]
    assert found == [
        (("not_applicable", "child-sexual-exploitation"), ("child-sexual-exploitation",)),
        (("factors",), ("child-criminal-exploitation",)),
        (("factors", "trafficking", "level"), ("trafficking",)),
        (("factors", "neglect", "level"), ("neglect",)),
    ]


def test_safe_names_an_unmapped_significant_harm_factor(tmp_path) -> None:
    config = make_config()
    del config["factors"]["neglect"]
    (v,) = check(tmp_path, config, properties=["safe"])
    assert (
        v.message
        == "significant-harm factor 'neglect' is not mapped; map it to a section-47 level (level-4)"
    )


def test_reachable_reports_every_rule_that_cannot_fire(tmp_path) -> None:
    config = make_config()
    never = {**config["escalation"][0], "id": "never"}
    never["when"] = {**never["when"], "at_least": 500}
    config["escalation"] = [never, {**never, "id": "never-either"}, config["escalation"][0]]
    found = [v.path for v in check(tmp_path, config, properties=["reachable"])]
    assert found == [("escalation", 0), ("escalation", 1)]


def test_a_monotone_counterexample_really_lowers_and_is_minimal(tmp_path, monkeypatch) -> None:
    authority = eh.load_authority(write(tmp_path, make_config()))
    real = type(authority).evaluate

    # offending with two or more others lowers to level-1; with one other it changes nothing
    def buggy(self, factors, cells=None):
        factors = list(factors)
        evaluation = real(self, factors, cells=cells)
        if "offending" in factors and len(set(factors)) > 2:
            return attrs.evolve(evaluation, level=self.levels[0])
        return evaluation

    monkeypatch.setattr(type(authority), "evaluate", buggy)
    (v,) = eh.check_authority(authority, properties=["monotone"])
    assert v.counterexample is not None
    *others, extra = v.counterexample  # the factors, then the one whose adding lowers
    assert "offending" in v.counterexample
    assert len(others) == 2

    def rank(factors):
        return buggy(authority, factors).level.rank

    assert rank([*others, extra]) < rank(others)
    for dropped in others:
        fewer = [f for f in others if f != dropped]
        assert not rank([*fewer, extra]) < rank(fewer)
    assert f"(rank {rank(others)} to {rank([*others, extra])})" in v.message


def test_a_significant_harm_factor_at_an_unknown_level_does_not_hide_the_next(tmp_path) -> None:
    config = make_config()
    config["factors"]["child-sexual-exploitation"]["level"] = "level-9"  # first in the vocabulary
    config["factors"]["trafficking"]["level"] = "level-3"
    with pytest.raises(eh.ConfigError) as exc:
        eh.load_authority(write(tmp_path, config))
    found = {(p.path, p.kind) for p in exc.value.problems}
    assert found == {
        (("factors", "child-sexual-exploitation", "level"), "unknown-level"),
        (("factors", "trafficking", "level"), "safe"),
    }


def test_a_monotone_counterexample_is_shrunk_to_the_factors_that_matter(
    tmp_path, monkeypatch
) -> None:
    authority = eh.load_authority(write(tmp_path, make_config()))
    real = type(authority).evaluate

    # a parental-* factor together with a child-* factor lowers the level, whatever else
    def buggy(self, factors, cells=None):
        factors = list(factors)
        evaluation = real(self, factors, cells=cells)
        parental = any(f.startswith("parental-") for f in factors)
        if parental and any(f.startswith("child-") for f in factors):
            return attrs.evolve(evaluation, level=self.levels[0])
        return evaluation

    monkeypatch.setattr(type(authority), "evaluate", buggy)
    (v,) = eh.check_authority(authority, properties=["monotone"])
    assert v.counterexample is not None
    assert len(v.counterexample) == 2
    assert {f.split("-", 1)[0] for f in v.counterexample} == {"parental", "child"}
