"""The package's layers: no module imports a layer above its own, at module level or inside
a function.

Data flows one way (document -> model -> decision/report) and so do imports: the lower a
layer, the less it knows. The imports are read from the source with :mod:`ast`, so an
import inside a function (the usual way round a circle) counts like any other.

``KNOWN`` lists the upward imports that are still there, each with why; the test fails on
any import not in it *and* on any entry that is no longer needed, so the list can only
shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "earlyhelp_core"

LAYERS: list[tuple[str, ...]] = [
    ("_version", "_errors", "_resources"),
    ("_reader",),
    ("_located", "_schema_check", "_model"),
    ("prevention", "vocabulary"),
    ("models",),
    ("thresholds",),
    ("assessment",),
    ("_bulk", "columnar"),
    ("_schemas", "testing", "_cli_bulk", "cli"),
]
"""Lowest first. The package's ``__init__`` (the public façade) sits above them all."""

KNOWN: dict[tuple[str, str], str] = {
    # module, imported module: why it is still there
    ("thresholds", "_bulk"): "Authority.classify_many/validate_many, kept as shims",
    ("thresholds", "assessment"): "Authority.validate/rules_not_run, kept as shims; the "
    "loader checks validation overrides against the rule registry",
}


def _layer_of(module: str) -> int | None:
    top = module.split(".", 1)[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, relative to the package."""
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("earlyhelp_core."):
                    found.add(node.module.removeprefix("earlyhelp_core."))
                continue
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if node.module is None:  # from . import x, y
                found.update(".".join([*base, alias.name]) for alias in node.names)
            else:
                found.add(target)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("earlyhelp_core.")
                for a in node.names
                if a.name.startswith("earlyhelp_core.")
            )
    return {m.lstrip(".") for m in found if m}


def upward_imports() -> dict[tuple[str, str], list[str]]:
    """(importing top-level module, imported top-level module) -> the files doing it."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if name == "":  # the façade
            continue
        own = _layer_of(name)
        assert own is not None, f"{name} is in no layer; add it to LAYERS"
        for imported in _imports(path):
            layer = _layer_of(imported)
            if layer is not None and layer > own:
                key = (name.split(".", 1)[0], imported.split(".", 1)[0])
                found.setdefault(key, []).append(str(path.relative_to(PACKAGE)))
    return found


def test_every_module_is_in_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        assert name == "" or _layer_of(name) is not None, name


def test_no_module_imports_a_layer_above_its_own() -> None:
    found = upward_imports()
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert new == {}, "imports of a higher layer (move the code, or invert the dependency)"


def test_the_list_of_known_upward_imports_only_shrinks() -> None:
    gone = set(KNOWN) - set(upward_imports())
    assert gone == set(), "no longer imported: remove these from KNOWN"


def test_the_reader_of_imports_sees_imports_inside_functions() -> None:
    matrix = PACKAGE / "thresholds" / "_matrix.py"
    assert "assessment._core" in _imports(matrix)
    assert "thresholds._config" in _imports(matrix)
