"""A matrix is compiled against a vocabulary: its version is in the fingerprint and every
decision's provenance, and its significant-harm set is the safety floor the matrix must
keep."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.thresholds import compile_config
from earlyhelp_core.vocabulary import Vocabulary

from ..assessment.conftest import example_data
from ..conftest import EXAMPLES
from .conftest import SRC, make_config


def _vocabulary(**change: Any) -> Vocabulary:
    data = eh.vocabulary.catalogue().model_dump(mode="json", by_alias=True, exclude_none=True)
    harm = change.pop("significant_harm", None)
    data.update(change)
    if harm is not None:
        for factor in data["factors"]:
            if factor["id"] == harm:
                factor["significant_harm"] = True
    return Vocabulary.from_text(yaml.safe_dump(data), source="mine.yaml")


def test_a_matrix_is_compiled_against_the_bundled_vocabulary_by_default() -> None:
    bromley = eh.load_authority("bromley")
    assert bromley.vocabulary is eh.vocabulary.bundled()
    assert bromley.provenance.vocabulary == eh.vocabulary.version()


def test_another_version_is_in_the_fingerprint_and_every_decision() -> None:
    bromley = eh.load_authority("bromley")
    newer = compile_config(bromley.config, vocabulary=_vocabulary(version="2099.1"))
    assert newer.vocabulary.version == "2099.1"
    assert newer.fingerprint != bromley.fingerprint
    doc = eh.load_document(EXAMPLES / "assessment-complex-needs.yaml")
    assert isinstance(doc, eh.Assessment)
    decision = newer.classify(doc)
    assert decision.vocabulary == "2099.1"
    assert decision.fingerprint == newer.fingerprint
    assert decision.level == bromley.classify(doc).level


def test_the_safety_floor_is_the_compiled_vocabulary_s() -> None:
    bromley = eh.load_authority("bromley")
    below = next(
        f for f, level in bromley.placements.items() if level.response is not eh.Response.SECTION_47
    )
    with pytest.raises(eh.ConfigError, match=below):
        compile_config(bromley.config, vocabulary=_vocabulary(significant_harm=below))
    unsafe = compile_config(
        bromley.config, vocabulary=_vocabulary(significant_harm=below), verify=False
    )
    broken = [v for v in eh.check_authority(unsafe, properties=["safe"]) if below in str(v)]
    assert broken


def test_a_config_file_loads_against_another_vocabulary(tmp_path) -> None:
    newer = _vocabulary(version="2099.2")
    bromley = eh.load_authority("bromley", vocabulary=newer)
    assert bromley.vocabulary is newer
    assert bromley.provenance.vocabulary == "2099.2"
    versions = eh.load_versions("bromley", vocabulary=newer)
    assert {v.vocabulary.version for v in versions} == {"2099.2"}


# ------------------------------------------------------- documents read in the vocabulary


def _with_a_new_factor(new: str = "online-harm-risk") -> Vocabulary:
    """The bundled vocabulary with one more factor (and one fewer: the first is dropped)."""
    data = eh.vocabulary.catalogue().model_dump(mode="json", by_alias=True, exclude_none=True)
    added = {**data["factors"][1], "id": new, "title": "A need the bundled vocabulary lacks"}
    added["cin_codes"] = []
    data["factors"] = [*data["factors"][1:], added]
    data["version"] = "2099.3"
    return Vocabulary.from_text(yaml.safe_dump(data), source="mine.yaml")


def _assessment(*factors: str, census_code: str | None = None) -> dict[str, Any]:
    """The example assessment, its factors replaced by ``factors``."""
    data = example_data("early-help-assessment")
    observations: list[dict[str, Any]] = [{"factor": f} for f in factors]
    if census_code is not None:
        observations[0]["census_code"] = census_code
    return {**data, "factors": observations}


def test_a_document_names_a_factor_only_another_vocabulary_has() -> None:
    newer = _with_a_new_factor()
    data = _assessment("online-harm-risk")
    with pytest.raises(eh.DocumentError, match="unknown factor id 'online-harm-risk'"):
        eh.parse_document(data)
    doc = eh.parse_document(data, vocabulary=newer)
    assert isinstance(doc, eh.Assessment)
    assert [o.factor for o in doc.factors] == ["online-harm-risk"]


def test_a_factor_the_other_vocabulary_dropped_is_unknown_there() -> None:
    newer = _with_a_new_factor()
    dropped = eh.vocabulary.factors()[0].id
    eh.parse_document(_assessment(dropped))  # known to the bundled vocabulary
    with pytest.raises(eh.DocumentError) as exc:
        eh.parse_document(_assessment(dropped), vocabulary=newer)
    (problem,) = exc.value.problems
    assert problem.path == ("factors", 0, "factor")
    assert f"unknown factor id {dropped!r}" in problem.message
    # local factors are the authority's, whatever the vocabulary
    eh.parse_document(_assessment("testshire:our-own-need"), vocabulary=newer)


def test_a_census_code_is_checked_against_the_factor_in_that_vocabulary() -> None:
    data = eh.vocabulary.catalogue().model_dump(mode="json", by_alias=True, exclude_none=True)
    coded = next(f for f in data["factors"] if f["cin_codes"])
    code = coded["cin_codes"][0]
    plain = next(f for f in data["factors"] if not f["cin_codes"])
    # the other vocabulary moves the code from one factor to another
    coded["cin_codes"] = [c for c in coded["cin_codes"] if c != code]
    plain["cin_codes"] = [code]
    moved = Vocabulary.from_text(yaml.safe_dump(data), source="moved.yaml")
    eh.parse_document(_assessment(coded["id"], census_code=code))
    with pytest.raises(eh.DocumentError, match=f"not one of {coded['id']!r}'s codes"):
        eh.parse_document(_assessment(coded["id"], census_code=code), vocabulary=moved)
    eh.parse_document(_assessment(plain["id"], census_code=code), vocabulary=moved)


def test_a_file_and_a_cohort_are_read_in_the_authority_s_vocabulary(tmp_path) -> None:
    newer = _with_a_new_factor()
    config = make_config()
    config["factors"] = {f: m for f, m in config["factors"].items() if f in newer.ids()} | {
        "online-harm-risk": {"level": "level-3", "source": SRC}
    }
    path = tmp_path / "testshire.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    authority = eh.load_authority(path, vocabulary=newer)
    doc_path = tmp_path / "a.json"
    doc_path.write_text(json.dumps(_assessment("online-harm-risk"), default=str), encoding="utf-8")
    doc = eh.load_document(doc_path, vocabulary=authority.vocabulary)
    assert isinstance(doc, eh.Assessment)
    assert authority.classify(doc).level.id == "level-3"
    (result,) = eh.classify_many(
        authority, [json.dumps(_assessment("online-harm-risk"), default=str)]
    )
    assert result.problems == ()
    assert result.decision is not None
    assert result.decision.level.id == "level-3"
    assert result.decision.vocabulary == "2099.3"


def test_a_validation_context_holding_something_else_is_refused() -> None:
    with pytest.raises(TypeError, match="must be a Vocabulary"):
        eh.Assessment.model_validate(
            _assessment("persistent-absence"), context={"vocabulary": "2099.1"}
        )


def test_a_misspelt_factor_is_matched_against_the_vocabulary_it_is_read_in() -> None:
    newer = _with_a_new_factor()
    with pytest.raises(eh.DocumentError) as exc:
        eh.parse_document(_assessment("online-harm-risc"), vocabulary=newer)
    (problem,) = exc.value.problems
    assert problem.kind == "unknown-factor"
    assert "did you mean 'online-harm-risk'" in problem.message


def test_a_plan_outcome_addressing_a_dropped_factor_is_located() -> None:
    newer = _with_a_new_factor()
    dropped = eh.vocabulary.factors()[0].id
    data = example_data("plan")
    data["outcomes"][0]["addresses"] = ["online-harm-risk", dropped]
    with pytest.raises(eh.DocumentError) as exc:
        eh.parse_document(data, vocabulary=newer)
    (problem,) = exc.value.problems
    assert problem.path == ("outcomes", 0, "addresses", 1)
    assert f"unknown factor id {dropped!r}" in problem.message
    with pytest.raises(eh.DocumentError, match="online-harm-risk"):
        eh.parse_document(data)  # the bundled vocabulary knows the one and not the other
