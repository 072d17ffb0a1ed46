"""The public surface: small, explicit, typed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import typing

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
        "print(eh.vocabulary.bundled.cache_info().currsize)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "0"]


def test_validation_and_cohorts_are_functions_taking_an_authority() -> None:
    """The matrix decides; checking documents and running cohorts are functions of the
    layers above that take one, and Authority has no methods of the same names."""
    from .conftest import EXAMPLES

    bedford = eh.load_authority("bedford")
    for name in ("validate", "rules_not_run", "classify_many", "validate_many"):
        with pytest.raises(AttributeError, match=rf"use earlyhelp_core\.{name}\(authority"):
            getattr(bedford, name)
    with pytest.raises(AttributeError, match="'Authority' object has no attribute 'nonsense'"):
        bedford.nonsense  # type: ignore[attr-defined]  # noqa: B018
    plan = eh.load_document(EXAMPLES / "plan-team-around-the-family.yaml")
    followed = eh.load_document(EXAMPLES / "assessment-multi-agency.yaml")
    assert isinstance(followed, eh.Assessment)
    assert eh.validate(bedford, plan) != eh.validate(bedford, plan, assessment=followed)
    records = [followed, {"kind": "early-help-assessment"}, "not json"]
    results = list(eh.classify_many(bedford, records))
    assert [r.ok for r in results] == [True, False, False]
    with pytest.raises(TypeError, match="doc must be an Assessment, Plan or Referral, got dict"):
        eh.validate(bedford, {})  # type: ignore[arg-type]


PUBLIC_MODULES = [
    "earlyhelp_core",
    "earlyhelp_core.thresholds",
    "earlyhelp_core.thresholds.config",
    "earlyhelp_core.assessment",
    "earlyhelp_core.models",
    "earlyhelp_core.testing",
    "earlyhelp_core.vocabulary",
    "earlyhelp_core.prevention",
    "earlyhelp_core.cohorts",
    "earlyhelp_core.cohorts.columnar",
    "earlyhelp_core.cli",
]

NOT_YET_PUBLIC = {
    "earlyhelp_core._reader.SourceMap": "compile_config(where=...) takes the reader's map of "
    "positions; it becomes public with one Location type for problems, violations, findings",
}


def _classes_in(hint: object):
    if isinstance(hint, type):
        yield hint
    for arg in typing.get_args(hint):
        yield from _classes_in(arg)


def test_every_type_in_a_public_signature_is_importable_from_a_public_module() -> None:
    exported = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            exported[id(getattr(module, attr))] = f"{name}.{attr}"
    seen: set[int] = set()
    hidden: set[str] = set()
    # names imported only for type checking, resolved from every module of the package
    names: dict[str, object] = {}
    for info in pkgutil.walk_packages(eh.__path__, "earlyhelp_core."):
        if info.name.endswith(("__main__", "columnar")):
            continue
        module = importlib.import_module(info.name)
        names.update({k: v for k, v in vars(module).items() if isinstance(v, type)})

    def hints_of(obj: object) -> dict[str, object]:
        return typing.get_type_hints(obj, localns=names)

    def visit(obj: object) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        functions = []
        if inspect.isclass(obj):
            for name, member in inspect.getmembers(obj):
                if name.startswith("_"):
                    continue
                if isinstance(member, property):
                    functions.append(member.fget)
                elif inspect.isfunction(member) or inspect.ismethod(member):
                    functions.append(member)
            ours = obj.__module__.startswith("earlyhelp_core")
            hints = hints_of(obj) if ours else {}
            for name, hint in hints.items():
                if not name.startswith("_"):
                    for cls in _classes_in(hint):
                        check(cls)
        elif callable(obj):
            functions.append(obj)
        for function in functions:
            if not getattr(function, "__module__", "").startswith("earlyhelp_core"):
                continue  # inherited from pydantic or attrs: not ours to export
            for hint in hints_of(function).values():
                for cls in _classes_in(hint):
                    check(cls)

    def check(cls: type) -> None:
        if cls.__module__.startswith("earlyhelp_core"):
            if id(cls) not in exported:
                hidden.add(f"{cls.__module__}.{cls.__qualname__}")
            visit(cls)

    for name in eh.__all__:
        visit(getattr(eh, name))
    assert hidden == set(NOT_YET_PUBLIC)


def test_subpackages_are_reached_from_the_package_without_importing_them() -> None:
    code = (
        "import sys, earlyhelp_core as eh; "
        "print('earlyhelp_core.cohorts' in sys.modules, eh.cohorts.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "earlyhelp_core.cohorts"]
    with pytest.raises(AttributeError, match="no attribute 'cohort'"):
        eh.cohort  # noqa: B018
