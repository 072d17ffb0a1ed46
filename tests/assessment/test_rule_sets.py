"""Rule sets: a rule of one authority runs under that authority only, and a set can leave
rules out; the registry is what every other authority runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh

from ..thresholds.conftest import make_config
from .conftest import document


def always(doc: Any, ctx: eh.assessment.Context) -> Iterator[eh.assessment.Hit]:
    yield eh.assessment.hit(("id",), f"checked under {ctx.authority.id}")


def local(code: str = "LA001", **changes: Any) -> eh.assessment.Rule:
    given: dict[str, Any] = {
        "code": code,
        "title": "ours-only",
        "severity": "warning",
        "summary": "a rule of one authority",
        "kinds": ["early-help-assessment"],
        "citation": "our practice standard, 2.1",
        **changes,
    }
    return eh.define_rule(always, **given)


@pytest.fixture
def ours(testshire: eh.Authority) -> eh.Authority:
    return testshire.with_rules(eh.rules().with_rules(local()))


def test_a_bound_rule_runs_under_its_authority_only(
    ours: eh.Authority, testshire: eh.Authority
) -> None:
    doc = document("early-help-assessment")
    (finding,) = [f for f in eh.validate(ours, doc).findings if f.code == "LA001"]
    assert finding.citation == "our practice standard, 2.1"
    # the same matrix (the same fingerprint) without the binding, and the registry itself
    assert ours.fingerprint == testshire.fingerprint
    assert "LA001" not in eh.validate(testshire, doc).codes
    assert "LA001" not in eh.rules().codes
    # and again, in the other order: the plans kept per authority never mix the two
    assert "LA001" in eh.validate(ours, doc).codes


def test_binding_keeps_the_matrix_and_leaves_the_original_alone(
    ours: eh.Authority, testshire: eh.Authority
) -> None:
    doc = document("early-help-assessment")
    assert isinstance(doc, eh.Assessment)
    assert ours.classify(doc) == testshire.classify(doc)
    assert testshire.rules is None
    assert isinstance(ours.rules, eh.RuleSet)


def test_a_set_can_leave_rules_out(testshire: eh.Authority) -> None:
    doc = document("early-help-assessment", {"consent": None})
    assert "EH001" in eh.validate(testshire, doc).codes
    fewer = testshire.with_rules(eh.rules().without("EH001"))
    report = eh.validate(fewer, doc)
    assert "EH001" not in report.codes
    assert "EH001" not in {n.code for n in report.not_checked}
    assert "EH001" not in {n.code for n in eh.rules_not_run(fewer)}


def test_rules_not_run_reads_the_bound_set(testshire: eh.Authority) -> None:
    unsure = local("LA002", cannot_tell="no document records it")
    bound = testshire.with_rules(eh.rules().with_rules(unsure))
    assert "LA002" in {n.code for n in eh.rules_not_run(bound)}
    assert "LA002" not in {n.code for n in eh.rules_not_run(testshire)}


def test_a_config_overriding_a_rule_not_in_the_set_cannot_bind_it(tmp_path) -> None:
    cfg = make_config()
    cfg["validation"] = {"LA001": {"severity": "error"}}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    authority = eh.load_authority(path)
    with pytest.raises(eh.ConfigError) as exc:
        authority.with_rules(eh.rules().with_rules(local("LA011")))
    (problem,) = exc.value.problems
    assert problem.path == ("validation", "LA001")
    assert problem.line is not None
    assert "did you mean 'LA011'" in problem.message
    bound = authority.with_rules(eh.rules().with_rules(local()))
    (finding,) = [
        f
        for f in eh.validate(bound, document("early-help-assessment")).findings
        if f.code == "LA001"
    ]
    assert finding.severity is eh.Severity.ERROR  # the config's override applies


def test_a_set_is_ordered_by_code_and_refuses_a_code_twice() -> None:
    more = eh.rules().with_rules(local("LA002"), local("AA001"))
    assert [r.code for r in more] == sorted(r.code for r in more)
    assert more[0].code == "AA001"
    assert len(more) == len(eh.rules()) + 2
    with pytest.raises(ValueError, match="'LA002' is given twice"):
        more.with_rules(local("LA002"))
    with pytest.raises(ValueError, match="must look like"):
        eh.rules().with_rules(local("bad"))


def test_an_unknown_code_names_the_nearest() -> None:
    with pytest.raises(KeyError, match="did you mean"):
        eh.rules().get("EH00l")
    with pytest.raises(KeyError, match="EH999"):
        eh.rules().without("EH999")


def test_define_rule_checks_the_rule_but_registers_nothing() -> None:
    before = eh.rules()
    rule = local("LA003")
    assert rule.code == "LA003"
    assert eh.rules() == before
    with pytest.raises(ValueError, match="reads unknown parameters"):
        local("LA004", reads=["no_such_parameter"])


def test_binding_something_that_is_not_a_rule_set_is_refused_when_it_is_used(
    testshire: eh.Authority,
) -> None:
    class Codes:
        codes: frozenset[str] = frozenset()

    odd = testshire.with_rules(Codes())
    with pytest.raises(TypeError, match="must be a RuleSet"):
        eh.validate(odd, document("early-help-assessment"))


# --------------------------------------------------------------- bound when it is compiled


def test_a_set_given_to_load_authority_is_bound_as_it_compiles(tmp_path) -> None:
    cfg = make_config()
    cfg["validation"] = {"LA001": {"severity": "error"}}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    ours = eh.rules().with_rules(local())
    authority = eh.load_authority(path, rules=ours)
    assert authority.rules is ours
    (finding,) = [
        f
        for f in eh.validate(authority, document("early-help-assessment")).findings
        if f.code == "LA001"
    ]
    assert finding.severity is eh.Severity.ERROR
    # every dated version is compiled with it
    assert all(v.rules is ours for v in eh.load_versions(path, rules=ours))


def test_a_set_without_an_overridden_rule_is_a_problem_of_the_file_beside_the_others(
    tmp_path,
) -> None:
    cfg = make_config()
    cfg["validation"] = {"LA001": {"severity": "error"}}
    cfg["levels"][1]["rank"] = 1  # and a second problem, found by the same compile
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    with pytest.raises(eh.ConfigError) as exc:
        eh.load_authority(path, rules=eh.rules().with_rules(local("LA011")))
    unknown = [p for p in exc.value.problems if p.kind == "unknown-rule"]
    assert [p.path for p in unknown] == [("validation", "LA001")]
    assert unknown[0].source == str(path)
    assert unknown[0].line is not None
    assert "did you mean 'LA011'" in unknown[0].message
    assert len(exc.value.problems) > 1  # the rank problem is reported too


def test_compile_config_binds_a_set_to_a_config_built_from_data() -> None:
    from earlyhelp_core.thresholds import AuthorityConfig, compile_config

    config = AuthorityConfig.model_validate(make_config())
    fewer = eh.rules().without("EH001")
    bound = compile_config(config, rules=fewer)
    assert bound.rules is fewer
    assert (
        "EH001"
        not in eh.validate(bound, document("early-help-assessment", {"consent": None})).codes
    )
    assert compile_config(config).rules is None
