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
    ("_version", "_errors", "_resources", "_limits"),
    ("_yaml",),
    ("_reader",),
    ("_located", "_schema_check", "_model"),
    ("prevention", "vocabulary", "_calendar"),
    ("models",),
    ("thresholds",),
    ("assessment",),
    ("cohorts", "interop"),
    ("_schemas", "testing", "cli", "service"),
]
"""Lowest first. The package's ``__init__`` (the public façade) sits above them all."""

KNOWN: dict[tuple[str, str], str] = {
    # module, imported module: why it is still there (none are left; keep it that way)
}

LATE: dict[tuple[str, str], str] = {
    # module, imported module: why it is imported inside a function (never to dodge a circle)
    ("testing._hook", "models"): "the pytest plugin hook stays light until a strategy is used",
    ("testing._hook", "thresholds"): "the pytest plugin hook stays light until a strategy is used",
    ("testing._hook", "testing._configs"): "the pytest plugin hook stays light",
    ("testing._hook", "testing._documents"): "the pytest plugin hook stays light",
    ("testing._checks", "thresholds"): "kept off the pytest plugin hook's import path",
    ("_reader", "_yaml"): "PyYAML (about 30 ms) loads only when a YAML text is read or written, "
    "not on `import earlyhelp_core` nor for JSON",
    ("cli._common", "interop"): "the readers (and their XML and columnar libraries) load only "
    "when `earlyhelp assess --from` uses them",
    ("cli._serve", "service"): "the service extra (an ASGI stack) is optional and loads only "
    "for `earlyhelp serve`",
    ("cli._serve", "service._env"): "as above: the environment's limits, read for `serve`",
}
"""Package imports made inside a function, each with why. An import is never put there to
get round an import circle: :func:`test_there_is_no_import_circle` counts them too."""


def _layer_of(module: str) -> int | None:
    top = module.split(".", 1)[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(n) for child in node.body for n in ast.walk(child))
    return inside


def _function_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside a function body."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for child in node.body for n in ast.walk(child))
    return inside


def _imports(path: Path, *, where: str = "all") -> set[str]:
    """Modules of the package that ``path`` imports, relative to the package.

    ``where``: ``"all"``; ``"runtime"`` (not under ``if TYPE_CHECKING``); ``"late"`` (inside
    a function).
    """
    name = _module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree) if where == "runtime" else set()
    only = _function_nodes(tree) if where == "late" else None
    for node in ast.walk(tree):
        if id(node) in skip or (only is not None and id(node) not in only):
            continue
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
    hook = PACKAGE / "testing" / "_hook.py"
    assert "thresholds" in _imports(hook, where="late")
    matrix = PACKAGE / "thresholds" / "_matrix.py"
    assert "thresholds._config" in _imports(matrix)
    assert "thresholds._check" in _imports(matrix)  # under TYPE_CHECKING
    assert "thresholds._check" not in _imports(matrix, where="runtime")
    assert "thresholds._config" not in _imports(matrix, where="late")


def _graph() -> dict[str, set[str]]:
    """Every module of the package -> the package modules it imports when it runs."""
    return {
        _module_name(path): _imports(path, where="runtime")
        for path in PACKAGE.rglob("*.py")
        if _module_name(path) != ""
    }


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from a module back to itself, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for nxt in sorted(graph.get(module, ())):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt in graph and nxt not in state and (found := visit(nxt, [*trail, nxt])):
                return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module, [module])):
            return found
    return None


def test_there_is_no_import_circle() -> None:
    """No module reaches itself through the imports it runs, wherever they are written."""
    assert _circle(_graph()) is None


def test_the_circle_check_finds_a_circle_through_several_modules() -> None:
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_imports_inside_functions_are_listed_with_why() -> None:
    late = {
        (_module_name(path), imported)
        for path in PACKAGE.rglob("*.py")
        for imported in _imports(path, where="late")
    }
    assert late == set(LATE)
