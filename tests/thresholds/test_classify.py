"""Classification: highest mapped level, raised by rules, reasons, judgement, the safety floor."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import earlyhelp_core as eh
from earlyhelp_core.testing import assessments
from earlyhelp_core.thresholds import ConfigError, Judgement, load_authority

from .conftest import assessment, make_config


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "testshire.yaml"
    path.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    return load_authority(path)


def test_no_factors_gives_the_lowest_level(authority) -> None:
    d = authority.classify(assessment())
    assert d.level.id == "level-1"
    assert d.reasons[0].rule == "no-factors"
    assert (d.reasons[0].kind, d.reasons[0].rule_id) == (eh.thresholds.ReasonKind.NO_FACTORS, None)
    assert d.reasons[0].factor is None


def test_highest_mapped_level_wins_with_its_reasons(authority) -> None:
    d = authority.classify(assessment("persistent-absence", "offending"))
    assert (d.level.id, d.response) == ("level-3", eh.Response.SECTION_17)
    assert [r.factors for r in d.reasons] == [("offending",)]
    assert d.reasons[0].factor == "offending"


def test_escalation_rule_fires_across_domains(authority) -> None:
    # persistent-absence (child-development), parental-conflict and housing-need (family)
    d = authority.classify(assessment("persistent-absence", "parental-conflict", "housing-need"))
    assert d.level.id == "level-3"
    assert d.reasons[-1].rule == "escalation:three-across-two"
    assert (d.reasons[-1].kind, d.reasons[-1].rule_id) == (
        eh.thresholds.ReasonKind.ESCALATION,
        "three-across-two",
    )
    assert d.reasons[-1].to_dict()["kind"] == "escalation"
    assert d.reasons[-1].factor is None  # a rule counts several: see .factors
    assert len(d.reasons[-1].factors) == 3


def test_escalation_needs_the_domains(authority) -> None:
    d = authority.classify(assessment("parental-conflict", "housing-need"))
    assert d.level.id == "level-2"


def test_significant_harm_reaches_section_47(authority) -> None:
    d = authority.classify(assessment("sexual-abuse"))
    assert d.response is eh.Response.SECTION_47


def test_recorded_level_may_raise_but_never_lowers(authority) -> None:
    raised = authority.classify(assessment("persistent-absence", recorded={"level": "level-3"}))
    assert (raised.level.id, raised.computed_level.id, raised.judgement) == (
        "level-3",
        "level-2",
        Judgement.RAISES,
    )
    lower = authority.classify(assessment("offending", recorded={"level": "level-2"}))
    assert (lower.level.id, lower.judgement) == ("level-3", Judgement.LOWER)
    floor = authority.classify(assessment("sexual-abuse", recorded={"level": "level-1"}))
    assert (floor.level.id, floor.judgement) == ("level-4", Judgement.BELOW_SAFETY_FLOOR)
    unknown = authority.classify(assessment(recorded={"level": "tier-9"}))
    assert unknown.judgement is Judgement.UNKNOWN_LEVEL
    # the id the practitioner wrote is kept, for the JSON a service shows
    assert (unknown.recorded_level, unknown.recorded_as) == (None, "tier-9")
    assert unknown.to_dict()["recorded_as"] == "tier-9"
    assert raised.recorded_as == "level-3"
    assert authority.classify(assessment()).recorded_as is None


def test_decision_is_reproducible_plain_data(authority) -> None:
    a = assessment("persistent-absence")
    d1, d2 = authority.classify(a), authority.classify(a)
    assert d1 == d2
    assert d1.to_dict()["fingerprint"] == authority.fingerprint
    assert len(authority.fingerprint) == 64


@settings(max_examples=200)
@given(assessments(), st.sampled_from(sorted(eh.vocabulary.ids())))
def test_adding_a_factor_never_lowers_the_level(authority, a: eh.Assessment, extra: str) -> None:
    before = authority.classify(a).computed_level.rank
    more = a.model_copy(update={"factors": (*a.factors, eh.FactorObservation(factor=extra))})
    assert authority.classify(more).computed_level.rank >= before


@settings(max_examples=100)
@given(assessments(factors=[f.id for f in eh.vocabulary.significant_harm()]))
def test_any_significant_harm_factor_gives_section_47(authority, a: eh.Assessment) -> None:
    if a.factors:
        assert authority.classify(a).response is eh.Response.SECTION_47


# ------------------------------------------------------------------ config errors


def load(tmp_path, data: Any):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_authority(path)
    return exc.value.problems


def test_significant_harm_mapped_low_is_rejected_naming_factor_and_line(tmp_path, config) -> None:
    config["factors"]["sexual-abuse"]["level"] = "level-3"
    (p,) = load(tmp_path, config)
    assert p.path == ("factors", "sexual-abuse", "level")
    assert "'sexual-abuse' is a significant-harm factor" in p.message
    assert p.line is not None


def test_unknown_ids_suggest_the_nearest(tmp_path, config) -> None:
    config["factors"]["persistent-absense"] = config["factors"].pop("persistent-absence")
    config["factors"]["offending"]["level"] = "levle-3"
    found = load(tmp_path, config)
    messages = {p.path: p.message for p in found}
    assert "did you mean 'persistent-absence'?" in messages[("factors", "persistent-absense")]
    assert "did you mean 'level-3'?" in messages[("factors", "offending", "level")]


def test_duplicate_ranks_and_falling_response(tmp_path, config) -> None:
    config["levels"][2]["rank"] = 2
    config["levels"][2]["response"] = "universal"
    found = {p.path: p for p in load(tmp_path, config)}
    assert found[("levels", 2, "rank")].kind == "consistent"
    assert "rank 2 does not rise above 'level-2'" in found[("levels", 2, "rank")].message
    assert "falls below 'level-2'" in found[("levels", 2, "response")].message


def test_rule_to_a_missing_level(tmp_path, config) -> None:
    config["escalation"][0]["then"] = "level-9"
    (p,) = load(tmp_path, config)
    assert p.path == ("escalation", 0, "then")


def test_level_without_prevention(tmp_path, config) -> None:
    del config["levels"][0]["prevention"]
    (p,) = load(tmp_path, config)
    assert p.message == "missing required key 'prevention'"
    assert p.path == ("levels", 0)


def test_list_where_a_map_belongs(tmp_path, config) -> None:
    config["factors"] = [1, 2]
    (p,) = load(tmp_path, config)
    assert p.message == "expected a mapping, found a list"


def test_unknown_authority_id() -> None:
    with pytest.raises(eh.UnknownIdError, match="unknown authority 'bromly'"):
        load_authority("bromly")


def test_a_valid_config_satisfies_the_authority_json_schema(config) -> None:
    import jsonschema

    from earlyhelp_core._schemas import schema

    jsonschema.Draft202012Validator(schema("authority")).validate(config)


def test_translate_matches_prevention_and_response(authority, tmp_path) -> None:
    other = make_config()
    other["id"] = "otherton"
    other["levels"].insert(2, {**other["levels"][1], "id": "level-2b", "rank": 3})
    for i, level in enumerate(other["levels"]):
        level["rank"] = i + 1
    path = tmp_path / "otherton.yaml"
    path.write_text(yaml.safe_dump(other, sort_keys=False), encoding="utf-8")
    target = load_authority(path)
    exact = authority.translate("level-4", to=target)
    assert (exact.exact, [t.id for t in exact.targets]) == (True, ["level-4"])
    ambiguous = authority.translate("level-2", to=target)
    assert ambiguous.ambiguous
    assert [t.id for t in ambiguous.targets] == ["level-2", "level-2b"]
    assert "2 levels of otherton" in ambiguous.explanation


def test_schema_stage_suggests_prevention_and_keys(tmp_path, config) -> None:
    config["levels"][0]["prevention"] = "teritary"
    config["levels"][1]["mapping_sorce"] = {}
    found = {p.path: p.message for p in load(tmp_path, config)}
    assert found[("levels", 0, "prevention")].endswith(
        "found 'teritary' (did you mean 'tertiary'?)"
    )
    assert "did you mean 'mapping_source'?" in found[("levels", 1, "mapping_sorce")]


def test_schema_and_model_problems_come_together(tmp_path, config) -> None:
    config["parameters"]["child_age_max"]["value"] = 0
    config["parameters"]["send_age_max"] = {"value": None}
    config["parameters"]["consent_required"]["value"] = "yes"
    found = {p.path: p.message for p in load(tmp_path, config)}
    assert (
        found[("parameters", "child_age_max", "value")] == "must be at least 1, found the number 0"
    )
    assert "add a `note`" in found[("parameters", "send_age_max", "note")]
    assert found[("parameters", "consent_required", "value")] == (
        "expected true or false or nothing (null), found 'yes'"
    )


def test_empty_config_file(tmp_path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_authority(path)
    assert exc.value.problems[0].kind == "empty"


def test_same_factor_twice_is_one_reason(authority) -> None:
    d = authority.classify(assessment("offending", "offending"))
    assert [r.factors for r in d.reasons] == [("offending",)]


def test_local_factor_of_another_authority_is_listed_not_counted(authority) -> None:
    d = authority.classify(
        assessment("bedford:something", "persistent-absence", "bedford:something")
    )
    assert d.unmapped_factors == ("bedford:something",)
    assert d.level.id == "level-2"


@settings(max_examples=100)
@given(assessments())
def test_decision_does_not_depend_on_factor_order(authority, a: eh.Assessment) -> None:
    reversed_ = a.model_copy(update={"factors": tuple(reversed(a.factors))})
    assert authority.classify(a) == authority.classify(reversed_)


def test_classify_checks_its_argument(authority) -> None:
    with pytest.raises(TypeError, match="assessment must be an Assessment, got dict"):
        authority.classify({})  # type: ignore[arg-type]


def test_source_path_names_the_file(authority) -> None:
    assert authority.source_path is not None
    assert authority.source_path.endswith("testshire.yaml")
    assert eh.load_authority("bromley").source_path.endswith("bromley.yaml")


def test_configs_installed_by_other_packages_are_found(monkeypatch, tmp_path) -> None:
    from importlib import metadata

    from earlyhelp_core.thresholds import _load

    cfg = make_config()
    cfg["id"] = "elsewhere"
    path = tmp_path / "elsewhere.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    module = tmp_path / "elsewhere_config.py"
    module.write_text(f"def path():\n    return {str(path)!r}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = metadata.EntryPoint("elsewhere", "elsewhere_config:path", _load.ENTRY_POINT_GROUP)
    monkeypatch.setattr(_load.metadata, "entry_points", lambda group: [entry])
    assert "elsewhere" in eh.list_authorities()
    assert eh.load_authority("elsewhere").id == "elsewhere"


def test_parameters_that_contradict_each_other(tmp_path, config) -> None:
    config["parameters"]["review_score_min"]["value"] = 11
    config["parameters"]["send_age_max"]["value"] = 16
    found = {p.path: p.message for p in load(tmp_path, config)}
    assert found[("parameters", "review_score_max", "value")].startswith(
        "review_score_max 10 is below review_score_min 11"
    )
    assert found[("parameters", "send_age_max", "value")].startswith(
        "send_age_max 16 is below child_age_max 18"
    )


@pytest.mark.parametrize(
    ("values", "at", "says"),
    [
        ((None, 3), "supporting_families_framework", "null, but supporting_families_min_headlines"),
        (("supporting-families-2022", None), "supporting_families_min_headlines", "null, but"),
        (
            ("troubled-families-phase-2", 7),
            "supporting_families_min_headlines",
            "7 is more than the 6 headline problems of 'troubled-families-phase-2'",
        ),
    ],
)
def test_a_supporting_families_framework_and_its_minimum_go_together(
    tmp_path, config, values, at, says
) -> None:
    params = config["parameters"]
    names = ("supporting_families_framework", "supporting_families_min_headlines")
    for name, value in zip(names, values, strict=True):
        params[name] = (
            {"value": value, "source": params[name]["source"]}
            if value is not None
            else {"value": None, "note": "the sources are silent"}
        )
    (p,) = load(tmp_path, config)
    assert p.path == ("parameters", at, "value")
    assert p.message.startswith(says)
    assert p.line is not None


def test_the_framework_minimum_may_be_every_headline(tmp_path, config) -> None:
    config["parameters"]["supporting_families_framework"]["value"] = "troubled-families-phase-2"
    config["parameters"]["supporting_families_min_headlines"]["value"] = 6
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    params = load_authority(path).config.parameters
    assert params.supporting_families_framework.value is (
        eh.vocabulary.SupportingFamiliesFramework.TROUBLED_FAMILIES_PHASE_2
    )
    assert params.supporting_families_min_headlines.value == 6


def test_an_unknown_framework_suggests_the_known_ones(tmp_path, config) -> None:
    config["parameters"]["supporting_families_framework"]["value"] = "troubled-families-phase-3"
    (p,) = load(tmp_path, config)
    assert p.path == ("parameters", "supporting_families_framework", "value")
    assert "troubled-families-phase-2" in p.message


# ------------------------------------------------------------------ escalation, each condition


def test_escalation_needs_the_count(authority) -> None:
    # two level-2 needs in two domains: the domains are met, the count (3) is not
    d = authority.classify(assessment("persistent-absence", "housing-need"))
    assert d.level.id == "level-2"
    assert all(r.rule == "mapping" for r in d.reasons)


def test_escalation_needs_the_domains_even_when_the_count_is_met(authority) -> None:
    # three level-2 needs, all child development: the count is met, the domains (2) are not
    three = ("persistent-absence", "risk-of-neet", "low-level-health-needs")
    assert {eh.vocabulary.get(f).domain for f in three} == {eh.vocabulary.Domain.CHILD_DEVELOPMENT}
    d = authority.classify(assessment(*three))
    assert d.level.id == "level-2"
    assert not any(r.rule.startswith("escalation:") for r in d.reasons)
    assert authority.level_for(three).id == "level-2"


def test_escalation_fires_when_both_conditions_are_met(authority) -> None:
    three = ("persistent-absence", "risk-of-neet", "housing-need")
    assert authority.classify(assessment(*three)).level.id == "level-3"
    assert authority.level_for(three).id == "level-3"


def test_escalation_to_the_mapped_level_keeps_the_mapping_reasons(authority) -> None:
    # offending is mapped to level-3; the rule also gives level-3: both are reasons
    d = authority.classify(
        assessment("offending", "persistent-absence", "parental-conflict", "housing-need")
    )
    assert d.level.id == "level-3"
    assert [r.rule for r in d.reasons] == ["mapping", "escalation:three-across-two"]
    assert d.reasons[0].factors == ("offending",)
    assert set(d.reasons[1].factors) == {
        "offending",
        "persistent-absence",
        "parental-conflict",
        "housing-need",
    }


def test_a_rule_whose_domains_cannot_be_met_is_unreachable(tmp_path, config) -> None:
    # level-5 holds three child-development factors: a rule counting 2 of them across 2
    # domains can never fire, though the count alone could be met
    source = config["escalation"][0]["source"]
    top = config["levels"][3]
    config["levels"] += [{**top, "id": "level-5", "rank": 5}, {**top, "id": "level-6", "rank": 6}]
    exploitation = ("child-sexual-exploitation", "child-criminal-exploitation", "trafficking")
    for f in exploitation:
        assert eh.vocabulary.get(f).domain is eh.vocabulary.Domain.CHILD_DEVELOPMENT
        config["factors"][f]["level"] = "level-5"
    rule = {"at_least": 2, "at_level": "level-5", "across_domains": 2}
    config["escalation"] = [{"id": "r", "when": rule, "then": "level-6", "source": source}]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    violations = eh.check_authority(load_authority(path), properties=["reachable"])
    (v,) = [v for v in violations if v.path == ("escalation", 0)]
    assert "3 factors in 1 domains" in v.message
    rule["across_domains"] = 1
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert eh.check_authority(load_authority(path), properties=["reachable"]) == []


def test_a_significant_harm_factor_marked_not_applicable_is_unsafe(tmp_path, config) -> None:
    source = config["factors"]["sexual-abuse"]["source"]
    del config["factors"]["sexual-abuse"]
    config["not_applicable"] = {"sexual-abuse": {"reason": "not used here", "source": source}}
    problems = {p.path: p for p in load(tmp_path, config)}
    p = problems[("not_applicable", "sexual-abuse")]
    assert p.kind == "safe"
    assert "must be mapped to a section-47 level" in p.message
    assert p.line is not None


def test_translate_on_response_alone_can_be_ambiguous(authority, tmp_path) -> None:
    # otherton has no tertiary/section-17 level, but two secondary ones with section-17
    other = make_config()
    other["id"] = "otherton"
    other["levels"][1]["response"] = "section-17"
    other["levels"].insert(2, {**other["levels"][1], "id": "level-2b", "rank": 3})
    other["levels"][3]["prevention"] = "tertiary"
    other["levels"][3]["response"] = "section-47"
    for i, level in enumerate(other["levels"]):
        level["rank"] = i + 1
    other["factors"] = {
        f: ({**m, "level": "level-2"} if m["level"] == "level-3" else m)
        for f, m in other["factors"].items()
    }
    other["escalation"] = []
    path = tmp_path / "otherton.yaml"
    path.write_text(yaml.safe_dump(other, sort_keys=False), encoding="utf-8")
    target = load_authority(path)
    t = authority.translate("level-3", to=target)
    assert [x.id for x in t.targets] == ["level-2", "level-2b"]
    assert (t.exact, t.ambiguous) == (False, True)
    assert "matched on response only" in t.explanation


# ------------------------------------------------------------------ every problem, at its key


def _key_position(tmp_path, key: str, under: str | None = None) -> tuple[int, int]:
    """Line and column where ``key:`` is written in the config last loaded (the first
    time after the line of ``under:``, when given)."""
    lines = (tmp_path / "c.yaml").read_text(encoding="utf-8").splitlines()
    start = next(n for n, t in enumerate(lines) if t.startswith(f"{under}:")) if under else 0
    for n, text in enumerate(lines[start:], start + 1):
        stripped = text.lstrip()
        if stripped.startswith(f"{key}:"):
            return n, len(text) - len(stripped) + 1
    raise AssertionError(key)


def test_every_unknown_factor_is_reported_at_its_key(tmp_path, config) -> None:
    config["factors"]["not-a-factor"] = {
        "level": "level-2",
        "source": config["levels"][0]["source"],
    }
    config["factors"]["nor-this-one"] = {
        "level": "level-2",
        "source": config["levels"][0]["source"],
    }
    config["not_applicable"] = {"neither-this": {"reason": "r"}, "offending": {"reason": "r"}}
    found = {p.path: p for p in load(tmp_path, config)}
    for key in ("not-a-factor", "nor-this-one"):
        p = found[("factors", key)]
        assert p.kind == "unknown-factor"
        assert (p.line, p.col) == _key_position(tmp_path, key)
    unknown = found[("not_applicable", "neither-this")]
    assert (unknown.kind, (unknown.line, unknown.col)) == (
        "unknown-factor",
        _key_position(tmp_path, "neither-this"),
    )
    both = found[("not_applicable", "offending")]
    assert both.kind == "conflict"
    assert "'offending' is both mapped and not applicable" in both.message
    assert (both.line, both.col) == _key_position(tmp_path, "offending", under="not_applicable")


def test_every_bad_escalation_rule_is_reported(tmp_path, config) -> None:
    rule = config["escalation"][0]
    config["escalation"] = [
        {**rule, "id": "to-nowhere", "then": "level-9"},
        {**rule, "id": "also-nowhere", "then": "level-8"},
        {**rule, "id": "downwards", "then": "level-2"},
        {**rule, "id": "sideways", "then": "level-2"},
    ]
    found = {p.path: p.kind for p in load(tmp_path, config)}
    assert found == {
        ("escalation", 0, "then"): "unknown-level",
        ("escalation", 1, "then"): "unknown-level",
        ("escalation", 2, "then"): "rule-order",
        ("escalation", 3, "then"): "rule-order",
    }


def test_an_unknown_rule_code_is_reported_at_its_key(tmp_path, config) -> None:
    """The matrix loads without the rules (they sit in the layer above); validating under
    it, and the command line as it loads the config, report the code at its key."""
    config["validation"] = {"EH999": {"enabled": False, "reason": "r"}}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    authority = load_authority(path)
    with pytest.raises(ConfigError) as exc:
        eh.rules_not_run(authority)
    (p,) = exc.value.problems
    assert p.kind == "unknown-rule"
    assert (p.source, p.line, p.col) == (str(path), *_key_position(tmp_path, "EH999"))


def test_every_response_says_what_to_do_next() -> None:
    steps = {r: r.next_step for r in eh.Response}
    assert len(set(steps.values())) == len(steps)
    assert "immediately" in eh.Response.SECTION_47.next_step
    assert "no referral" in eh.Response.UNIVERSAL.next_step


def test_a_decisions_plain_data_carries_what_a_person_is_shown(authority) -> None:
    d = authority.classify(assessment("offending"))
    data = d.to_dict()
    assert data["next_step"] == eh.Response.SECTION_17.next_step
    assert data["level"]["description"] == d.level.description == "level 3"
    assert data["level"]["title"] == "Level 3"
    assert "family_can_expect" in data["level"]


def test_reprs_are_one_line_and_name_what_they_are(authority) -> None:
    assert repr(authority) == (
        f"Authority(testshire 1: Testshire, 4 levels, config {authority.fingerprint[:12]})"
    )
    d = authority.classify(assessment("persistent-absence", recorded={"level": "level-3"}))
    assert repr(d) == (
        "Decision(testshire level-3: tertiary, section-17, computed level-2; 1 reason, "
        "judgement raises)"
    )
    assert "\n" not in repr(authority.translate("level-2", to=authority))


def test_an_unknown_level_names_the_known_ones(authority) -> None:
    assert authority.level("level-2").rank == 2
    with pytest.raises(eh.UnknownIdError) as exc:
        authority.level("levle-2")
    assert str(exc.value) == (
        "testshire has no level 'levle-2' (did you mean 'level-2'?); its levels: "
        "level-1, level-2, level-3, level-4"
    )
    with pytest.raises(LookupError):
        authority.translate("tier-9", to=authority)
    with pytest.raises(eh.UnknownIdError) as exc:
        authority.level("x" * 61 + "YZ" + "q" * 500)
    assert f"testshire has no level {'x' * 61!r}...;" in str(exc.value)  # cut
    assert "Y" not in str(exc.value)


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """Install entry points (name -> Python source of the module they point at)."""
    from importlib import metadata

    from earlyhelp_core.thresholds import _load

    def install(packages: dict[str, str]) -> None:
        entries = []
        for name, code in packages.items():
            module = f"pkg_{name.replace('-', '_')}"
            (tmp_path / f"{module}.py").write_text(code, encoding="utf-8")
            entries.append(metadata.EntryPoint(name, f"{module}:path", _load.ENTRY_POINT_GROUP))
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setattr(_load.metadata, "entry_points", lambda group: entries)

    return install


def _config_at(tmp_path, authority_id: str) -> str:
    cfg = make_config()
    cfg["id"] = authority_id
    path = tmp_path / f"{authority_id}-config.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return f"def path():\n    return {str(path)!r}\n"


def test_a_broken_installed_authority_is_reported_and_the_others_listed(
    installed, tmp_path, capsys
) -> None:
    from earlyhelp_core.cli import main

    installed(
        {
            "good-shire": _config_at(tmp_path, "good-shire"),
            "broken-shire": "import not_a_module_anywhere\ndef path():\n    return ''\n",
            "raising-shire": f"def path():\n    raise RuntimeError({'a' * 200 + 'TAIL'!r})\n",
            "odd-shire": "def path():\n    return 42\n",
            "misnamed-shire": _config_at(tmp_path, "other-shire"),
        }
    )
    with pytest.raises(eh.ConfigError, match="could not be loaded: ModuleNotFoundError"):
        eh.find_authority("broken-shire")
    with pytest.raises(eh.ConfigError, match="returned the number 42, not the path"):
        eh.find_authority("odd-shire")
    with pytest.raises(eh.ConfigError) as raised:
        eh.find_authority("raising-shire")
    assert raised.value.problems[0].message.endswith("RuntimeError: " + "a" * 200)
    with pytest.raises(eh.ConfigError) as exc:
        eh.load_authority("misnamed-shire")
    (p,) = exc.value.problems
    assert (p.kind, p.path) == ("id-mismatch", ("id",))
    assert p.source.endswith("other-shire-config.yaml")
    assert "installed as 'misnamed-shire', but its id is 'other-shire'" in p.message
    assert p.line == 1
    code = main(["authorities"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "good-shire" in out
    assert "bromley" in out
    for name in ("broken-shire", "odd-shire", "misnamed-shire", "raising-shire"):
        assert f"earlyhelp: error: {name} cannot be loaded:" in err
    code = main(["authorities", "--format", "json"])
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["good-shire"]["name"] == "Testshire"
    assert rows["broken-shire"]["problems"][0]["kind"] == "entry-point"


@pytest.mark.parametrize("authority_id", eh.list_authorities())
def test_a_bundled_authority_is_summarised_from_the_top_of_its_file(authority_id) -> None:
    from earlyhelp_core.thresholds._load import bundled_summary

    summary = bundled_summary(authority_id)
    authority = eh.find_authority(authority_id)
    assert summary is not None
    assert (summary.id, summary.name, summary.version, summary.effective_from) == (
        authority.id,
        authority.name,
        authority.version,
        authority.config.effective_from,
    )


HEADS = {
    "plain": ("# c\nid: x\nname: X\nversion: '1'\neffective_from: 2024-01-01\nnote: n\n", True),
    "any-order": ("version: '1'\neffective_from: 2024-01-01\nname: X\nid: x\nlevels: []\n", True),
    "name-over-two-lines": (
        "id: x\nname: X\n  Council\nversion: '1'\neffective_from: 2024-01-01\nnote: n\n",
        False,
    ),
    "last-value-over-two-lines": (
        "id: x\nname: X\nversion: '1'\neffective_from: 2024-01-01\n  # ?\nnote: n\n",
        False,
    ),
    "another-key-first": (
        "note: n\nid: x\nname: X\nversion: '1'\neffective_from: 2024-01-01\n",
        False,
    ),
    "a-key-missing": ("id: x\nname: X\nversion: '1'\nnote: n\n", False),
    "nothing-after": ("id: x\nname: X\nversion: '1'\neffective_from: 2024-01-01\n", False),
    "a-document-marker": ("---\nid: x\nname: X\nversion: '1'\neffective_from: 2024-01-01\n", False),
    "a-duplicate": (
        "id: x\nid: y\nname: X\nversion: '1'\neffective_from: 2024-01-01\nn: 1\n",
        None,
    ),
    "a-number-for-the-version": (
        "id: x\nname: X\nversion: 1\neffective_from: 2024-01-01\nnote: n\n",
        None,
    ),
    "another-id": ("id: y\nname: X\nversion: '1'\neffective_from: 2024-01-01\nnote: n\n", None),
}


@pytest.mark.parametrize(("text", "read"), HEADS.values(), ids=HEADS.keys())
def test_only_a_plain_head_is_read_for_a_summary(monkeypatch, tmp_path, text, read) -> None:
    """Anything but one plain value a line (the summary's keys first, then another key) is
    left to the full load, as is a head whose values are not what a config holds."""
    from earlyhelp_core.thresholds import _load

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(_load, "_bundled", lambda: {"x": path})
    assert (_load._head(text) is not None) is bool(read or read is None)
    summary = _load.bundled_summary("x")
    if read:
        assert summary == _load.Summary("x", "X", "1", date(2024, 1, 1))
    else:
        assert summary is None
    assert _load.bundled_summary("not-bundled") is None


def test_the_listing_loads_whole_a_bundled_config_whose_head_it_cannot_read(
    monkeypatch, tmp_path, capsys
) -> None:
    from earlyhelp_core.cli import main
    from earlyhelp_core.thresholds import _load

    cfg = make_config()
    cfg["id"] = "odd-shire"
    path = tmp_path / "odd-shire.yaml"
    text = yaml.safe_dump(cfg, sort_keys=True)  # `considerations` first: no plain head
    path.write_text(text, encoding="utf-8")
    mismatched = tmp_path / "mismatched-shire.yaml"  # a plain head, but another id
    mismatched.write_text(
        "id: other\nname: O\nversion: '1'\neffective_from: 2024-01-01\nlevels: []\n",
        encoding="utf-8",
    )
    bundled = _load._bundled()
    monkeypatch.setattr(
        _load,
        "_bundled",
        lambda: {**bundled, "odd-shire": path, "mismatched-shire": mismatched},
    )
    assert _load.bundled_summary("odd-shire") is None
    code = main(["authorities", "--format", "json"])
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert code == 1
    assert rows["odd-shire"] == {"id": "odd-shire", "name": "Testshire", "version": cfg["version"]}
    assert rows["bromley"]["name"] == "London Borough of Bromley"
    assert rows["mismatched-shire"]["problems"]


def test_an_installed_authority_is_never_summarised_from_its_head(installed, tmp_path) -> None:
    from earlyhelp_core.thresholds._load import bundled_summary

    installed({"good-shire": _config_at(tmp_path, "good-shire")})
    assert "good-shire" in eh.list_authorities()
    assert bundled_summary("good-shire") is None
