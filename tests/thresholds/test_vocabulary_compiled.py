"""A matrix is compiled against a vocabulary: its version is in the fingerprint and every
decision's provenance, and its significant-harm set is the safety floor the matrix must
keep."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core.thresholds import compile_config
from earlyhelp_core.vocabulary import Vocabulary

from ..conftest import EXAMPLES


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
