"""Helpers for rule tests: example documents with changes merged in, and a test authority."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import earlyhelp_core as eh
from earlyhelp_core._reader import read_path, read_text

from ..conftest import EXAMPLES
from ..thresholds.conftest import make_config

BASE_EXAMPLE = {
    "early-help-assessment": "assessment-multi-agency.yaml",
    "plan": "plan-team-around-the-family.yaml",
    "referral": "referral-mash.json",
}


def merge(base: Any, change: Any) -> Any:
    """Deep-merge ``change`` onto ``base``.

    Mappings merge key by key; non-empty lists merge item by item (extra items are
    added); an empty list, and anything else, replaces.
    """
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for key, value in change.items():
            out[key] = merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(change, list) and change:
        merged = [merge(b, c) for b, c in zip(base, change, strict=False)]
        return merged + base[len(change) :] + copy.deepcopy(change[len(base) :])
    return copy.deepcopy(change)


def example_data(kind: str) -> dict[str, Any]:
    """The plain data of the example document used as the base for ``kind``."""
    return read_path(EXAMPLES / BASE_EXAMPLE[kind]).data


def document(kind: str, fragment: str | dict[str, Any] = "") -> eh.Document:
    """The example document of ``kind`` with a YAML fragment (or a mapping) merged in."""
    change = (
        read_text(fragment).data if isinstance(fragment, str) and fragment.strip() else fragment
    )
    return eh.parse_document(merge(example_data(kind), change or {}))


@pytest.fixture(scope="session")
def testshire(tmp_path_factory) -> eh.Authority:
    """A small authority whose parameters are all set (see tests/thresholds/conftest.py)."""
    path: Path = tmp_path_factory.mktemp("cfg") / "testshire.yaml"
    path.write_text(yaml.safe_dump(make_config(), sort_keys=False), encoding="utf-8")
    return eh.load_authority(path)


def codes(report: Any) -> list[str]:
    return list(report.codes)
