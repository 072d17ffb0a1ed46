"""The public surface: small, explicit, typed."""

from __future__ import annotations

import subprocess
import sys

import pytest

import earlyhelp_core as eh


def test_all_names_exist_once() -> None:
    for name in eh.__all__:
        assert hasattr(eh, name), name
    assert len(set(eh.__all__)) == len(eh.__all__)


def test_design_names_are_public() -> None:
    for name in ("Assessment", "Plan", "Referral", "load_document", "parse_document", "vocabulary"):
        assert name in eh.__all__


def test_package_is_typed() -> None:
    from importlib import resources

    assert (resources.files("earlyhelp_core") / "py.typed").is_file()


def test_import_does_not_load_hypothesis_jsonschema_or_the_vocabulary() -> None:
    code = (
        "import sys, earlyhelp_core as eh;"
        "print(sorted(m for m in ('hypothesis', 'jsonschema') if m in sys.modules));"
        "print(eh.vocabulary.catalogue.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "0"]


def test_validation_and_cohorts_are_functions_taking_an_authority() -> None:
    """The matrix decides; checking documents and running cohorts take one. The methods of
    the same names on Authority are the same calls."""
    from .conftest import EXAMPLES

    bedford = eh.load_authority("bedford")
    plan = eh.load_document(EXAMPLES / "plan-team-around-the-family.yaml")
    followed = eh.load_document(EXAMPLES / "assessment-multi-agency.yaml")
    assert isinstance(followed, eh.Assessment)
    assert eh.validate(bedford, plan, assessment=followed) == bedford.validate(
        plan, assessment=followed
    )
    assert eh.validate(bedford, plan) != eh.validate(bedford, plan, assessment=followed)
    assert eh.rules_not_run(bedford) == bedford.rules_not_run()
    records = [followed, {"kind": "early-help-assessment"}, "not json"]
    assert list(eh.classify_many(bedford, records)) == list(bedford.classify_many(records))
    assert list(eh.validate_many(bedford, records)) == list(bedford.validate_many(records))
    with pytest.raises(TypeError, match="doc must be an Assessment, Plan or Referral, got dict"):
        eh.validate(bedford, {})  # type: ignore[arg-type]
