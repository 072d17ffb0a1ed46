"""Referral routes: an authority declares them; a referral comes by one, professionals by the
first point of call where there is one."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh

from ..thresholds.conftest import make_config
from .conftest import document


def with_routes(tmp_path, routes: Any) -> eh.Authority:
    config = copy.deepcopy(make_config())
    config["parameters"]["referral_routes"] = routes
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


def found(report: eh.Report, code: str) -> list[eh.Finding]:
    return [f for f in report.findings if f.code == code]


def test_an_undeclared_route_is_an_error_naming_the_nearest(testshire) -> None:
    report = eh.validate(testshire, document("referral", {"route": "mashh"}))
    (f,) = found(report, "EH079")
    assert f.path == ("route",)
    assert f.severity is eh.Severity.ERROR
    assert "'mashh' is not a referral route of testshire" in f.message
    assert f.hint is not None
    assert "mash" in f.hint


def test_a_declared_route_passes(testshire) -> None:
    report = eh.validate(testshire, document("referral", {"route": "mash"}))
    assert found(report, "EH079") == found(report, "EH080") == []


def test_a_professional_referral_by_another_route_is_pointed_at_the_first(testshire) -> None:
    report = eh.validate(testshire, document("referral", {"route": "front-door"}))
    (f,) = found(report, "EH080")
    assert "goes first by mash, not 'front-door'" in f.message


def test_a_route_for_the_other_kind_of_referrer_is_flagged(testshire) -> None:
    professional_by_self = eh.validate(testshire, document("referral", {"route": "self"}))
    (f,) = found(professional_by_self, "EH080")
    assert "route for families referring themselves" in f.message
    family = {"route": "self", "referrer": {"self_referral": True, "agency": None, "role": None}}
    assert found(eh.validate(testshire, document("referral", family)), "EH080") == []
    family["route"] = "front-door"  # any referrer; the first point is for professionals
    assert found(eh.validate(testshire, document("referral", family)), "EH080") == []


def test_without_declared_routes_the_rules_say_they_did_not_run(tmp_path) -> None:
    authority = with_routes(tmp_path, {"value": None, "note": "the sources are silent"})
    report = eh.validate(authority, document("referral", {"route": "anything"}))
    assert found(report, "EH079") == []
    skipped = {n.code: n.reason for n in report.not_checked}
    assert skipped["EH079"] == skipped["EH080"] == "testshire's config does not set referral_routes"


@pytest.mark.parametrize(
    ("routes", "path_end"),
    [
        (
            {"value": [], "source": {"ref": "test-source", "section": "s", "basis": "stated"}},
            "value",
        ),
        (
            {
                "value": [{"id": "mash", "title": "a"}, {"id": "mash", "title": "b"}],
                "source": {"ref": "test-source", "section": "s", "basis": "stated"},
            },
            "id",
        ),
        ({"value": [{"id": "Mash Hub", "title": "a"}], "note": "n"}, "id"),
        ({"value": [{"id": "mash", "title": "a"}]}, "source"),
    ],
)
def test_bad_routes_are_located_config_errors(tmp_path, routes, path_end) -> None:
    with pytest.raises(eh.ConfigError) as exc:
        with_routes(tmp_path, routes)
    paths = [p.path for p in exc.value.problems]
    assert any(p[:2] == ("parameters", "referral_routes") and p[-1] == path_end for p in paths), (
        paths
    )
    assert all(p.line for p in exc.value.problems)


def test_bedford_declares_its_mash_as_the_single_point_of_entry() -> None:
    bedford = eh.load_authority("bedford")
    routes = bedford.config.parameters.referral_routes
    assert routes.value is not None
    assert [(r.id, r.referrers, r.first_point) for r in routes.value] == [("mash", "any", True)]
    assert routes.source is not None
    assert routes.source.basis == "stated"
    assert bedford.config.parameters.referral_routes.source.section.startswith("8.6")


# --- requests for a level, and the graduated pathway ------------------------------------------


def test_a_requested_level_the_authority_lacks_is_an_error(testshire) -> None:
    report = eh.validate(testshire, document("referral", {"requested_level": "level-9"}))
    (f,) = found(report, "EH081")
    assert f.path == ("requested_level",)
    assert "'level-9' is not a level of testshire" in f.message


def test_a_statutory_request_without_support_tried_is_flagged(testshire) -> None:
    report = eh.validate(testshire, document("referral", {"requested_level": "level-3"}))
    (f,) = found(report, "EH082")
    assert f.path == ("support_tried",)
    assert "records no support tried" in f.message
    tried = {
        "requested_level": "level-3",
        "support_tried": [
            {"level": "level-2", "description": "parenting course", "started_on": "2024-01-08"}
        ],
    }
    assert found(eh.validate(testshire, document("referral", tried)), "EH082") == []
    lower = {"requested_level": "level-2"}  # not a statutory level: nothing to say
    assert found(eh.validate(testshire, document("referral", lower)), "EH082") == []


def test_a_significant_harm_referral_is_never_held_back_by_the_pathway(testshire) -> None:
    harm = {"requested_level": "level-4", "factors": [{"factor": "physical-abuse"}]}
    report = eh.validate(testshire, document("referral", harm))
    assert found(report, "EH082") == []


def test_without_a_graduated_pathway_the_rule_says_it_did_not_run() -> None:
    bromley = eh.load_authority("bromley")
    report = eh.validate(bromley, document("referral", {"requested_level": "tier-3"}))
    assert found(report, "EH082") == []
    assert "EH082" in {n.code for n in report.not_checked}


def test_gloucestershire_follows_a_graduated_pathway() -> None:
    glos = eh.load_authority("gloucestershire")
    pathway = glos.config.parameters.graduated_pathway
    assert pathway.value is True
    assert pathway.source is not None
    assert pathway.source.basis == "stated"
    specialist = next(lv for lv in glos.levels if lv.response is eh.Response.SECTION_17)
    report = eh.validate(glos, document("referral", {"requested_level": specialist.id}))
    assert [f.code for f in report.findings if f.code == "EH082"] == ["EH082"]
