"""Loading an authority config: read, parse, compile; every problem located, all at once."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from importlib import metadata
from pathlib import Path as FsPath
from types import SimpleNamespace
from typing import Any

import attrs
from pydantic import ValidationError

from .._errors import MAX_PROBLEMS, ConfigError, LoadError, Path, Problem, UnknownIdError, quote
from .._located import describe, did_you_mean, problems_from_validation
from .._reader import SourceMap, read_path, read_text
from .._resources import data_dir
from .._schema_check import schema_problems
from ..models._base import AUTHORITY_ID_PATTERN
from ..vocabulary import Vocabulary
from ..vocabulary import bundled as bundled_vocabulary
from ._check import Violation, consistency, safety
from ._config import AuthorityConfig, EscalationWhen, FactorMapping, Level, SourceRef
from ._matrix import (
    Authority,
    CellInfo,
    ConsiderationRule,
    EscalationRule,
    LevelInfo,
    Reason,
    ReasonKind,
    RuleCodes,
    _cite,
    fingerprint,
    unknown_rule_problems,
)
from ._versions import AuthorityVersions, version_problems

__all__ = [
    "BASIS_PARTS",
    "ENTRY_POINT_GROUP",
    "ConfigError",
    "Summary",
    "basis_counts",
    "bundled_summary",
    "compile_config",
    "find_authority",
    "holds_configs",
    "list_authorities",
    "load_authority",
    "load_versions",
]

ENTRY_POINT_GROUP = "earlyhelp_core.authorities"
"""Entry-point group through which other distributions ship authority configs.

Each entry point is named by the authority id and refers to a callable returning the path
of the config file."""


def _sources(config: AuthorityConfig) -> Iterator[tuple[Path, SourceRef]]:
    for i, level in enumerate(config.levels):
        yield ("levels", i, "source"), level.source
        if level.mapping_source is not None:
            yield ("levels", i, "mapping_source"), level.mapping_source
        if level.next_step is not None:
            yield ("levels", i, "next_step", "source"), level.next_step.source
        if level.labels is not None:
            yield ("levels", i, "labels", "source"), level.labels.source
    for key, mapping in config.factors.items():
        yield ("factors", key, "source"), mapping.source
        for k, cell in enumerate(mapping.cells):
            yield ("factors", key, "cells", k, "source"), cell.source
    for key, na in config.not_applicable.items():
        if na.source is not None:
            yield ("not_applicable", key, "source"), na.source
    for i, local in enumerate(config.local_factors):
        yield ("local_factors", i, "source"), local.source
    for i, rule in enumerate(config.escalation):
        yield ("escalation", i, "source"), rule.source
    for i, consideration in enumerate(config.considerations):
        yield ("considerations", i, "source"), consideration.source
    for name in type(config.parameters).model_fields:
        param = getattr(config.parameters, name)
        if param.source is not None:
            yield ("parameters", name, "source"), param.source


BASIS_PARTS: tuple[str, ...] = (
    "levels",
    "next_steps",
    "labels",
    "mappings",
    "cells",
    "local_factors",
    "escalation",
    "considerations",
    "parameters",
    "not_applicable",
)
"""The parts of a config :func:`basis_counts` counts, in the order a config reads."""


def _part(path: Path) -> str:
    if path[0] == "levels":
        return "next_steps" if "next_step" in path else "labels" if "labels" in path else "levels"
    if path[0] == "factors":
        return "cells" if "cells" in path else "mappings"
    return str(path[0])


def basis_counts(config: AuthorityConfig) -> dict[str, dict[str, dict[str, int]]]:
    """How much of a config each source states, and how much is a reading of it.

    Returns ``{source id: {part: {"stated": n, "reading": m}}}`` for every source the
    config declares (a source it never cites counts nothing), with the parts of
    :data:`BASIS_PARTS` it is cited for; ``"*"`` holds the totals over all sources.
    A level's ``mapping_source`` (why factors sit there) counts with the levels.
    """
    counts: dict[str, dict[str, dict[str, int]]] = {"*": {}}
    for declared in config.sources:
        counts[declared.id] = {}
    for path, ref in _sources(config):
        part = _part(path)
        for key in (ref.ref, "*"):
            by_part = counts.setdefault(key, {})
            tally = by_part.setdefault(part, {"stated": 0, "reading": 0})
            tally[ref.basis] += 1
    order = {part: i for i, part in enumerate(BASIS_PARTS)}
    return {
        key: dict(sorted(parts.items(), key=lambda kv: order.get(kv[0], len(order))))
        for key, parts in counts.items()
    }


def compile_cells(
    key: str,
    mapping: FactorMapping,
    check_level: Callable[[Path, str], int | None],
    report: Callable[[Path, str, str], None],
) -> dict[str, CellInfo]:
    """A factor's indicator cells by level id, each level once, the default among them."""
    cells: dict[str, CellInfo] = {}
    for k, cell in enumerate(mapping.cells):
        path: Path = ("factors", key, "cells", k, "level")
        at = check_level(path, cell.level)
        if at is None:
            continue
        if cell.level in cells:
            report(
                path,
                f"{key!r} has two cells at {cell.level!r}; a factor has one cell per level",
                "duplicate-cell",
            )
            continue
        cells[cell.level] = CellInfo(key, cell.level, at, cell.text, _cite(cell.source))
    if cells and mapping.level not in cells:
        report(
            ("factors", key, "level"),
            f"{key!r} has cells at {', '.join(cells)}; its `level` is the default when an "
            f"observation names no cell, so it must be one of them, found {mapping.level!r}",
            "default-cell",
        )
    return cells


def compile_config(  # noqa: PLR0915 - one pass over the file, in the order it reads
    config: AuthorityConfig,
    *,
    source: str = "<data>",
    where: SourceMap | None = None,
    verify: bool = True,
    vocabulary: Vocabulary | None = None,
    rules: RuleCodes | None = None,
) -> Authority:
    """Check a parsed config as a whole and build its matrix.

    Args:
        config: the parsed config.
        source: the file it came from (for locations).
        where: positions in that file.
        verify: refuse a matrix that is not *consistent* (ranks, prevention and response
            rise together) or not *safe* (the significant-harm floor). Pass False only to
            inspect such a matrix with :func:`check_authority`.
        vocabulary: the needs vocabulary to compile against (its factors, domains and
            significant-harm set); the bundled one by default. Its version goes into the
            matrix's fingerprint and every decision's provenance.
        rules: the validation rules to bind to the matrix (an
            :class:`earlyhelp_core.RuleSet`): :func:`earlyhelp_core.validate` then runs
            these under it, and only under it; every rule the config's ``validation``
            section overrides must be among them. By default the matrix runs the registered
            rules (``eh.rules()``), as they are when it validates.

    Raises:
        ConfigError: every problem found (unknown ids, ranks out of order, a
            significant-harm factor mapped below section 47, ...), each located.
    """
    words = vocabulary if vocabulary is not None else bundled_vocabulary()
    problems: list[Problem] = []

    def report(path: Path, message: str, kind: str, *, key: bool = False) -> None:
        pos = where.locate(path, key=key) if where is not None else None
        line, col = pos if pos is not None else (None, None)
        problems.append(Problem(message, path, source, line, col, kind))

    def hint(word: str, choices: Iterable[str]) -> str:
        """The nearest choice, while few problems are found: past MAX_PROBLEMS the rest are
        not shown, and comparing each unknown id with every choice would only take time."""
        return did_you_mean(word, choices) if len(problems) < MAX_PROBLEMS else ""

    # levels: unique ids (order, ranks and the safety floor are the invariants below)
    level_index: dict[str, int] = {}
    for i, level in enumerate(config.levels):
        if level.id in level_index:
            report(("levels", i, "id"), f"level id {level.id!r} is used twice", "duplicate-id")
        level_index.setdefault(level.id, i)
    levels_listed = ", ".join(level_index)

    def check_level(path: Path, level_id: str) -> int | None:
        if level_id in level_index:
            return level_index[level_id]
        report(
            path,
            f"unknown level {level_id!r}"
            + (hint(level_id, level_index) or f" (levels: {levels_listed})"),
            "unknown-level",
        )
        return None

    def check_count(
        path: Path, when: EscalationWhen, key: str, upper: str, why: str
    ) -> tuple[int, int] | None:
        """An escalation rule's or a consideration's count (``when``) and the level it
        raises to or asks about (``key``): both levels' indexes, or None when a level is
        unknown or does not rank above the counted one (each reported)."""
        at = check_level((*path, "when", "at_level"), when.at_level)
        top = check_level((*path, key), upper)
        if when.across_domains > 3:
            report((*path, "when", "across_domains"), "there are only 3 domains", "value")
        if at is None or top is None:
            return None
        if top <= at:
            report(
                (*path, key), f"{upper!r} must rank above {when.at_level!r}: {why}", "rule-order"
            )
            return None
        return at, top

    # sources
    declared = {s.id for s in config.sources}
    for path, ref in _sources(config):
        if ref.ref not in declared:
            report(
                (*path, "ref"),
                f"unknown source {ref.ref!r}{hint(ref.ref, declared)}; declare it under `sources`",
                "unknown-source",
            )

    # factor mappings and the safety floor
    known = words.ids()
    factor_level: dict[str, int] = {}
    factor_source: dict[str, str] = {}
    factor_domain: dict[str, Any] = {}
    factor_cells: dict[str, dict[str, CellInfo]] = {}
    for key, mapping in config.factors.items():
        if key not in known:
            report(
                ("factors", key),
                f"unknown factor id {key!r}{hint(key, known)}",
                "unknown-factor",
                key=True,
            )
            continue
        at = check_level(("factors", key, "level"), mapping.level)
        if at is None:
            continue
        factor = words.get(key)
        factor_level[key] = at
        factor_source[key] = _cite(mapping.source)
        factor_domain[key] = factor.domain
        if mapping.cells:
            compiled = compile_cells(key, mapping, check_level, report)
            if compiled:
                factor_cells[key] = compiled
    for key in config.not_applicable:
        if key not in known:
            report(
                ("not_applicable", key),
                f"unknown factor id {key!r}{hint(key, known)}",
                "unknown-factor",
                key=True,
            )
        elif key in config.factors:
            report(
                ("not_applicable", key),
                f"{key!r} is both mapped and not applicable; keep one",
                "conflict",
                key=True,
            )

    # local factors
    for i, local in enumerate(config.local_factors):
        prefix = f"{config.id}:"
        if not local.id.startswith(prefix):
            report(
                ("local_factors", i, "id"),
                f"a local factor id starts with {prefix!r}, found {local.id!r}",
                "namespace",
            )
        if local.id in factor_level:
            report(
                ("local_factors", i, "id"),
                f"local factor {local.id!r} is defined twice",
                "duplicate-id",
            )
        at = check_level(("local_factors", i, "level"), local.level)
        if at is not None:
            factor_level[local.id] = at
            factor_source[local.id] = _cite(local.source)
            factor_domain[local.id] = local.domain

    # escalation rules
    escalation: list[EscalationRule] = []
    rule_ids: set[str] = set()
    for i, rule in enumerate(config.escalation):
        if rule.id in rule_ids:
            report(("escalation", i, "id"), f"rule id {rule.id!r} is used twice", "duplicate-id")
        rule_ids.add(rule.id)
        found = check_count(
            ("escalation", i), rule.when, "then", rule.then, "a rule raises the level"
        )
        if found is None:
            continue
        at, then = found
        escalation.append(
            EscalationRule(
                id=rule.id,
                at_least=rule.when.at_least,
                at_level=rule.when.at_level,
                across_domains=rule.when.across_domains,
                then=rule.then,
                source=_cite(rule.source),
                at_index=at,
                then_index=then,
            )
        )

    # considerations: advisories that never change the level
    considerations: list[ConsiderationRule] = []
    consideration_ids: set[str] = set()
    for i, item in enumerate(config.considerations):
        if item.id in consideration_ids | rule_ids:
            report(
                ("considerations", i, "id"),
                f"id {item.id!r} is used twice (escalation rules and considerations share ids)",
                "duplicate-id",
            )
        consideration_ids.add(item.id)
        found = check_count(
            ("considerations", i),
            item.when,
            "below",
            item.below,
            "a consideration asks whether needs at one level add up to a higher one",
        )
        if found is None:
            continue
        at, below = found
        considerations.append(
            ConsiderationRule(
                id=item.id,
                at_least=item.when.at_least,
                at_level=item.when.at_level,
                across_domains=item.when.across_domains,
                below=item.below,
                consider=item.consider,
                source=_cite(item.source),
                at_index=at,
                below_index=below,
            )
        )

    # parameters that must agree with each other
    params = config.parameters
    pairs = [
        (
            "review_score_min",
            "review_score_max",
            "the lowest review score cannot exceed the highest",
        ),
        (
            "child_age_max",
            "send_age_max",
            "the upper age with SEND cannot be below the upper age without",
        ),
    ]
    for low, high, why in pairs:
        lo, hi = getattr(params, low).value, getattr(params, high).value
        if lo is not None and hi is not None and lo > hi:
            report(
                ("parameters", high, "value"), f"{high} {hi} is below {low} {lo}: {why}", "value"
            )
    framework = params.supporting_families_framework.value
    least = params.supporting_families_min_headlines.value
    if framework is None and least is not None:
        report(
            ("parameters", "supporting_families_framework", "value"),
            f"null, but supporting_families_min_headlines is {least}: name the framework whose "
            "headlines are counted (troubled-families-phase-2 or supporting-families-2022), "
            "or set both to null",
            "value",
        )
    elif framework is not None and least is None:
        report(
            ("parameters", "supporting_families_min_headlines", "value"),
            f"null, but supporting_families_framework is {framework.value!r}: give the "
            "framework's minimum with its source, or set both to null",
            "value",
        )
    elif framework is not None and least is not None and least > len(framework.headlines):
        report(
            ("parameters", "supporting_families_min_headlines", "value"),
            f"{least} is more than the {len(framework.headlines)} {framework.headline_kind} "
            f"of {framework.value!r}",
            "value",
        )

    if rules is not None:

        def locate(path: Path) -> tuple[str, int | None, int | None]:
            pos = where.locate(path, key=True) if where is not None else None
            line, col = pos if pos is not None else (None, None)
            return source, line, col

        problems += unknown_rule_problems(config, rules.codes, locate)
    if verify:
        # the invariants a loaded matrix must keep (earlyhelp check-config reports the rest)
        for violation in (*consistency(config), *safety(config, words)):
            pos = where.locate(violation.path) if where is not None else None
            line, col = pos if pos is not None else (None, None)
            problems.append(attrs.evolve(violation, source=source, line=line, col=col).to_problem())
    if problems:
        raise ConfigError(problems)
    levels = tuple(
        LevelInfo(
            id=lv.id,
            title=lv.title,
            rank=lv.rank,
            prevention=lv.prevention,
            response=lv.response,
            description=lv.description,
            family_can_expect=lv.family_can_expect,
            source=_cite(lv.source),
            next_step=lv.next_step.text if lv.next_step else lv.response.next_step,
            next_step_source=_cite(lv.next_step.source) if lv.next_step else None,
            mapping_basis=(lv.mapping_source or lv.source).basis,
            assessment_label=lv.labels.assessment if lv.labels else None,
            plan_label=lv.labels.plan if lv.labels else None,
        )
        for lv in config.levels
    )
    return Authority(
        config=config,
        levels=levels,
        fingerprint=fingerprint(config, words),
        source_path=None if source == "<data>" else source,
        factor_level=factor_level,
        mapping_reason={
            f: Reason((f,), ReasonKind.MAPPING, levels[at].id, factor_source[f])
            for f, at in factor_level.items()
        },
        factor_domain=factor_domain,
        level_index=level_index,
        rules=tuple(escalation),
        cells=factor_cells,
        considerations=tuple(considerations),
        where=where,
        significant=frozenset(f.id for f in words.significant_harm()),
        vocabulary=words,
        rule_set=rules,
    )


def _bundled() -> dict[str, FsPath | Any]:
    found: dict[str, Any] = {}
    for entry in sorted(data_dir("configs").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            found[entry.name.removesuffix(".yaml")] = entry
    return found


def _installed() -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def list_authorities() -> list[str]:
    """Ids of the bundled configs and of configs installed by other packages."""
    return sorted({*_bundled(), *_installed()})


@attrs.frozen
class Summary:
    """What a listing of authorities shows of one: read without compiling its config."""

    id: str
    name: str
    version: str
    effective_from: date


_SUMMARY_KEYS = frozenset({"id", "name", "version", "effective_from"})
_TOP_LEVEL_KEY = re.compile(r"[a-z_]+:(?:[ \t]|$)")


def _head(text: str) -> str | None:
    """The lines of a config up to the top-level key that follows the summary's keys, when
    the file opens with them (comments aside) each on one line; otherwise None."""
    lines = text.splitlines(keepends=True)
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        match = _TOP_LEVEL_KEY.match(line)
        if match is None:  # a value over several lines, a directive, ...: not a plain head
            return None
        if seen >= _SUMMARY_KEYS:  # the summary's last value ended on the line before
            return "".join(lines[:i])
        key = match.group()[: match.group().index(":")]
        if key not in _SUMMARY_KEYS:
            return None
        seen.add(key)
    return None


def bundled_summary(authority_id: str) -> Summary | None:
    """The summary of a bundled authority, read from the top of its config: no schema, no
    model, no matrix. None when ``authority_id`` is not bundled, or its file does not open
    with the summary's keys, each a plain value on its own line, ``id`` being the authority's
    own: load it whole (:func:`find_authority`) to list it, or to report what is wrong.

    Configs installed by other packages are never read this way: loading them whole is how
    a broken package is reported.
    """
    path = _bundled().get(authority_id)
    if path is None:
        return None
    try:
        head = _head(path.read_text(encoding="utf-8"))
        data = read_text(head, source=str(path), error=ConfigError).data if head else None
    except (OSError, UnicodeDecodeError, LoadError):
        return None
    if not isinstance(data, dict):
        return None
    found = Summary(data["id"], data["name"], data["version"], data["effective_from"])
    strings = all(isinstance(v, str) for v in (found.id, found.name, found.version))
    dated = isinstance(found.effective_from, date)
    return found if strings and dated and found.id == authority_id else None


def _by_id(authority_id: str) -> str | os.PathLike[str]:
    """The config file of a bundled or installed authority; ``authority_id`` is never a path."""
    if re.fullmatch(AUTHORITY_ID_PATTERN, authority_id) and len(authority_id) <= _ID_MAX:
        bundled = _bundled()
        if authority_id in bundled:
            return str(bundled[authority_id])
        installed = _installed()
        if authority_id in installed:
            return _entry_point_target(installed[authority_id])
    else:
        bundled, installed = _bundled(), _installed()
    ids = sorted({*bundled, *installed})
    shown = quote(authority_id, _ID_MAX)
    raise UnknownIdError(
        f"unknown authority {shown}{did_you_mean(authority_id, ids)}; "
        f"known: {', '.join(ids) or 'none'}"
    )


def _entry_point_target(entry: metadata.EntryPoint) -> str | os.PathLike[str]:
    """The config path an installed authority's entry point gives, or a ConfigError naming
    the entry point when its package is broken."""
    where = f"entry point {entry.name!r} ({entry.value})"
    try:
        target = entry.load()()
    except Exception as exc:  # a broken package must not stop the others
        message = f"{where} could not be loaded: {type(exc).__name__}: {str(exc)[:200]}"
        problem = Problem(message, (), "<installed>", None, None, "entry-point")
        raise ConfigError([problem]) from None
    if not isinstance(target, str | os.PathLike):
        message = f"{where} returned {describe(target)}, not the path of a config file"
        raise ConfigError([Problem(message, (), "<installed>", None, None, "entry-point")])
    return target


def _named(authority: Authority, authority_id: str) -> Authority:
    """``authority``, loaded by the id ``authority_id``: the two must be the same."""
    if authority.id != authority_id:
        at = authority.locate(Violation("consistent", "", ("id",)))  # file, line and column
        raise ConfigError(
            [
                Problem(
                    f"installed as {authority_id!r}, but its id is {authority.id!r}; an "
                    "authority's id and the name it is installed under must be the same",
                    ("id",),
                    at.source,
                    at.line,
                    at.col,
                    "id-mismatch",
                )
            ]
        )
    return authority


def _resolve(spec: str | os.PathLike[str]) -> str | os.PathLike[str]:
    if not isinstance(spec, str):
        return spec
    if any(sep in spec for sep in ("/", os.sep)) or spec.endswith((".yaml", ".yml", ".json")):
        return spec
    try:
        return _by_id(spec)
    except UnknownIdError as exc:
        if FsPath(spec).is_file():
            return spec
        raise UnknownIdError(f"{exc} (or give the path of a config file)") from None


def find_authority(authority_id: str, *, verify: bool = True) -> Authority:
    """Load a bundled or installed authority by its id, and only by its id.

    This is how a document's own ``authority:`` value is resolved: an id is looked up among
    the bundled configs and those installed through :data:`ENTRY_POINT_GROUP`, and is
    never read as a file path, however it is spelt (``../../etc/passwd``, ``Makefile``).
    Only the operator chooses files, with :func:`load_authority`.

    Raises:
        UnknownIdError: no bundled or installed authority has this id.
        ConfigError: the installed config has problems.
    """
    if not isinstance(authority_id, str):
        raise TypeError(f"authority_id must be a str, got {type(authority_id).__name__}")
    target = _by_id(authority_id)
    if holds_configs(target):  # an installed folder of dated versions: today's
        return load_versions(authority_id, verify=verify).current
    return _named(_load(target, verify=verify), authority_id)


_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def _version_files(spec: str | os.PathLike[str]) -> tuple[str, list[str | os.PathLike[str]]]:
    """(how the versions were named, their files): an id's bundled file and the files in
    its ``configs/<id>/`` folder, or an installed authority's file or folder; an operator's
    file, or every config file in an operator's folder."""
    if isinstance(spec, str) and not any(s in spec for s in ("/", os.sep)):
        bundled = _bundled()
        if spec in bundled:
            files: list[str | os.PathLike[str]] = [str(bundled[spec])]
            folder = data_dir("configs") / spec
            if folder.is_dir():
                files += sorted(
                    str(p) for p in folder.iterdir() if p.name.endswith(_CONFIG_SUFFIXES)
                )
            return spec, files
        if spec in _installed():
            target = _entry_point_target(_installed()[spec])
            return spec, _files_in(target)
        if not FsPath(spec).exists():
            _by_id(spec)  # raises UnknownIdError, naming the known ids
    return str(spec), _files_in(spec)


def holds_configs(target: str | os.PathLike[str]) -> bool:
    """Whether ``target`` is a folder with config files in it (a folder of versions)."""
    path = FsPath(target)
    return path.is_dir() and any(p.name.endswith(_CONFIG_SUFFIXES) for p in path.iterdir())


def _files_in(target: str | os.PathLike[str]) -> list[str | os.PathLike[str]]:
    path = FsPath(target)
    if path.is_dir():
        found = sorted(str(p) for p in path.iterdir() if p.name.endswith(_CONFIG_SUFFIXES))
        if not found:
            problem = Problem(
                "the folder holds no config files", (), str(path), None, None, "empty"
            )
            raise ConfigError([problem])
        return list(found)
    return [target]


def load_versions(
    spec: str | os.PathLike[str],
    *,
    verify: bool = True,
    vocabulary: Vocabulary | None = None,
    rules: RuleCodes | None = None,
) -> AuthorityVersions:
    """Every dated version of an authority's config (see :class:`AuthorityVersions`): a
    bundled or installed id, a config file, or a folder of versions the operator names.
    ``vocabulary`` and ``rules``: as for :func:`load_authority` (each version is compiled
    against them).

    Raises:
        UnknownIdError: ``spec`` is neither a known id nor a path.
        ConfigError: a version has problems, or the versions together do (two of them in
            force on one day, different authorities, a level whose rank changes).
    """
    if not isinstance(spec, str | os.PathLike):
        raise TypeError(f"spec must be an authority id or a path, got {type(spec).__name__}")
    named, files = _version_files(spec)
    versions = [_load(f, verify=verify, vocabulary=vocabulary, rules=rules) for f in files]
    if isinstance(spec, str) and named == spec and spec in list_authorities():
        versions = [_named(v, spec) for v in versions]
    problems = version_problems(versions)
    if problems:
        raise ConfigError(problems)
    return AuthorityVersions(versions)


def load_authority(
    spec: str | os.PathLike[str],
    *,
    verify: bool = True,
    on: date | None = None,
    vocabulary: Vocabulary | None = None,
    rules: RuleCodes | None = None,
) -> Authority:
    """Load an authority's matrix: a bundled or installed id (``"bromley"``) or a file path.

    The file is checked against ``schemas/authority.schema.json``, parsed into
    :class:`AuthorityConfig`, then compiled (ids, rank order, the safety floor).
    ``verify=False`` builds the matrix even when it is not consistent or not safe, so
    that :func:`check_authority` can show why; never classify real families with it.
    ``on`` gives the version in force that day, among the authority's dated versions
    (:func:`load_versions`); an authority whose versions are a folder (an installed package
    may ship one) gives, without ``on``, the version in force today. ``vocabulary`` is the
    needs vocabulary to compile against, ``rules`` the validation rules to bind (a
    :class:`earlyhelp_core.RuleSet`; see :func:`compile_config`): by default the bundled
    vocabulary and the registered rules.

    Raises:
        UnknownIdError: ``spec`` is neither a known id nor a path.
        ConfigError: the file has problems; all of them, each located as
            ``file:line:col: path: message``.
    """
    if not isinstance(spec, str | os.PathLike):
        raise TypeError(f"spec must be an authority id or a path, got {type(spec).__name__}")
    if on is not None:
        return load_versions(spec, verify=verify, vocabulary=vocabulary, rules=rules).on(on)
    resolved = _resolve(spec)
    if holds_configs(resolved):  # a folder of dated versions: the one in force today
        return load_versions(spec, verify=verify, vocabulary=vocabulary, rules=rules).current
    authority = _load(resolved, verify=verify, vocabulary=vocabulary, rules=rules)
    # an id (not a path the operator gave) must name the config it found
    return _named(authority, spec) if isinstance(spec, str) and resolved is not spec else authority


_ID_MAX = 64
_KEYS_SHOWN = 12


def _not_a_config(data: object, source: str) -> ConfigError | None:
    """One problem, naming keys only, for a file that is not an authority config at all.

    A config is a mapping with ``levels`` or a mapping of ``factors`` (a draft may lack
    the other; its problems are then reported in full). Anything else may be whatever the
    operator pointed at by mistake (an assessment, a system file): its values are never
    echoed, only what kind of thing it is and, for a mapping, its first key names.
    """
    expected = "expected an authority config: a mapping with `id`, `levels`, `factors` ..."
    if isinstance(data, dict):
        if "levels" in data or isinstance(data.get("factors"), dict):
            return None
        keys = [quote(str(k), 40) for k in list(data)[:_KEYS_SHOWN]]
        more = ", ..." if len(data) > _KEYS_SHOWN else ""
        found = f"a mapping with keys {', '.join(keys)}{more}" if keys else "an empty mapping"
    else:
        found = describe(data, personal=True)
    return ConfigError([Problem(f"{expected}; found {found}", (), source, 1, 1, "not-a-config")])


def _load(
    path: str | os.PathLike[str],
    *,
    verify: bool,
    vocabulary: Vocabulary | None = None,
    rules: RuleCodes | None = None,
) -> Authority:
    loaded = read_path(path, error=ConfigError)
    wrong = _not_a_config(loaded.data, loaded.source)
    if wrong is not None:
        raise wrong
    problems = schema_problems("authority", loaded.data, source=loaded.source, where=loaded.where)
    try:
        config = AuthorityConfig.model_validate(loaded.data)
    except ValidationError as exc:
        # the schema speaks first; the model adds what the schema cannot say (e.g. a
        # parameter with no value and no note), at paths the schema did not already report
        seen = {p.path for p in problems}
        problems += [
            p
            for p in problems_from_validation(
                exc, AuthorityConfig, source=loaded.source, where=loaded.where
            )
            if p.path not in seen
        ]
    if problems:
        # a typo elsewhere must not hide a broken safety floor: check what can be read
        problems += _invariants_of_parts(loaded.data, loaded.source, loaded.where)
        raise ConfigError(problems)
    return compile_config(
        config,
        source=loaded.source,
        where=loaded.where,
        verify=verify,
        vocabulary=vocabulary,
        rules=rules,
    )


def _invariants_of_parts(data: dict[str, Any], source: str, where: SourceMap) -> list[Problem]:
    """The rank order and the safety floor of a config that has other problems, judged on
    the parts they need when those parts can be read: every level, and the mappings of the
    factors (a mapping that cannot be read is left unjudged). Nothing when a level cannot
    be read, or there is no mapping of factors: the order and the floor rest on them."""
    raw_levels, raw_factors = data.get("levels"), data.get("factors")
    if not isinstance(raw_levels, list) or not raw_levels or not isinstance(raw_factors, dict):
        return []
    try:
        levels = tuple(Level.model_validate(level) for level in raw_levels)
    except ValidationError:
        return []
    factors: dict[str, FactorMapping] = {}
    unread: set[str] = set()
    for key, value in raw_factors.items():
        try:
            factors[str(key)] = FactorMapping.model_validate(value)
        except ValidationError:
            unread.add(str(key))
    raw_na = data.get("not_applicable")
    # the parts the two checks read, as a config holds them
    config: Any = SimpleNamespace(
        levels=levels,
        factors=factors,
        not_applicable=dict.fromkeys(raw_na) if isinstance(raw_na, dict) else {},
    )
    found = [
        v
        for v in (*consistency(config), *safety(config))
        if not (v.counterexample and v.counterexample[0] in unread)
    ]
    problems = []
    for violation in found:
        pos = where.locate(violation.path)
        line, col = pos if pos is not None else (None, None)
        problems.append(attrs.evolve(violation, source=source, line=line, col=col).to_problem())
    return problems
