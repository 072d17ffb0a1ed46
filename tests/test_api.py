"""The public surface: small, explicit, typed."""

from __future__ import annotations

import subprocess
import sys

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
