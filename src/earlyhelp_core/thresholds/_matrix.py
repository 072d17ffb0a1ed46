"""The compiled threshold matrix: classification that explains itself. No I/O, no clock."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

if TYPE_CHECKING:
    from .._reader import SourceMap
    from ._check import Violation
    from ._explain import Explanation

from .. import vocabulary
from .._calendar import ENGLAND, Closure, WorkingCalendar
from .._errors import ConfigError, Path, Problem, UnknownIdError, quote
from .._located import did_you_mean
from ..models import Assessment
from ..prevention import PreventionLevel, Response
from ..vocabulary import Domain
from ._config import AuthorityConfig, SourceRef

__all__ = [
    "Authority",
    "Decision",
    "EscalationRule",
    "Evaluation",
    "Firing",
    "Judgement",
    "LevelInfo",
    "MatchedOn",
    "Provenance",
    "Reason",
    "ReasonKind",
    "RuleCodes",
    "Translation",
]


def _cite(source: SourceRef) -> str:
    return f"{source.ref}, {source.section} ({source.basis})"


_MOVED: Final = {
    "validate": "authority, doc",
    "rules_not_run": "authority",
    "classify_many": "authority, records",
    "validate_many": "authority, records",
}
"""Methods an Authority once had, now functions of the layers above that take one."""


@attrs.frozen
class LevelInfo:
    """A level of need as the engine sees it."""

    id: str
    title: str
    rank: int
    prevention: PreventionLevel
    response: Response
    description: str
    family_can_expect: str | None
    source: str
    next_step: str = ""
    """What a practitioner does next at this level: the config's words where it gives them
    (``next_step_source`` cites them), else the response's general next step."""
    next_step_source: str | None = None
    assessment_label: str | None = None
    """The authority's name for the early help assessment at this level ("My Assessment")."""
    plan_label: str | None = None
    """The authority's name for the plan at this level ("My Plan+")."""
    mapping_basis: str = "stated"
    """Whether the level's prevention level and response are ``stated`` by its source or
    are the authority's ``reading`` of it (the basis of ``mapping_source``, else of
    ``source``): translations between authorities rest on them."""

    def to_dict(self, *, texts: bool = True) -> dict[str, Any]:
        """Plain data, for JSON output: everything a person is shown about the level; with
        ``texts=False`` only its id, title, rank, prevention level and response (what a
        record of a cohort refers to the level by: the texts are the authority's)."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "rank": self.rank,
            "prevention": self.prevention.value,
            "response": self.response.value,
        }
        if not texts:
            return out
        return {
            **out,
            "description": self.description,
            "family_can_expect": self.family_can_expect,
            "next_step": self.next_step,
            "next_step_source": self.next_step_source,
            "assessment_label": self.assessment_label,
            "plan_label": self.plan_label,
        }


class ReasonKind(StrEnum):
    """What kind of reason supports a level."""

    MAPPING = "mapping"
    """One factor, mapped to the level by the config."""
    CELL = "cell"
    """One factor, at the level of its indicator cell that the observation names (or its
    only cell)."""
    DEFAULT_CELL = "default-cell"
    """One factor with cells at several levels, none of them named (or one the authority
    does not have): the config's default cell. Validation asks the practitioner to choose."""
    ESCALATION = "escalation"
    """An escalation rule, counting several factors."""
    NO_FACTORS = "no-factors"
    """No needs factors recorded: the lowest level."""


@attrs.frozen
class Reason:
    """Why a level applies: which factor(s), which mapping or rule, the level it supports.

    Attributes:
        factors: the factor (a mapping), the factors counted (an escalation rule), or none.
        kind: a mapping, an escalation rule, or no factors.
        level: the level it supports.
        source: the citation of the mapping, cell, rule or level.
        rule_id: the escalation rule's id (None for the other kinds).
        cell: for a cell, the cell's text (what the need looks like at this level).
    """

    factors: tuple[str, ...]
    kind: ReasonKind
    level: str
    source: str
    rule_id: str | None = None
    cell: str | None = None

    @property
    def factor(self) -> str | None:
        """The factor, when one factor's mapping or cell is the reason; None for an
        escalation rule (see ``factors``) or an assessment with no factors."""
        return self.factors[0] if self.kind in _ONE_FACTOR else None

    @property
    def rule(self) -> str:
        """The reason as one word, for display: ``mapping``, ``escalation:<rule id>`` or
        ``no-factors``."""
        if self.kind is ReasonKind.ESCALATION:
            return f"escalation:{self.rule_id}"
        return self.kind.value

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "factors": list(self.factors),
            "kind": self.kind.value,
            "rule_id": self.rule_id,
            "rule": self.rule,
            "level": self.level,
            "source": self.source,
            "cell": self.cell,
        }


_ONE_FACTOR: Final = frozenset({ReasonKind.MAPPING, ReasonKind.CELL, ReasonKind.DEFAULT_CELL})


@attrs.frozen
class Consideration:
    """An advisory on a decision: needs that come together in a way the authority's
    document names but gives no rule for. It never changes the level.

    Attributes:
        id: the consideration's id in the config.
        message: one line, e.g. "5 needs across 3 domains at tier-2 or above: consider
            whether this is complex multiple needs (tier 3)".
        level: the level it asks about (the config's ``below``).
        factors: the needs it counted, sorted.
        source: its citation.
    """

    id: str
    message: str
    level: str
    factors: tuple[str, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "id": self.id,
            "message": self.message,
            "level": self.level,
            "factors": list(self.factors),
            "source": self.source,
        }


class Judgement(StrEnum):
    """How the practitioner's recorded level stands against the computed one."""

    NONE = "none"
    AGREES = "agrees"
    RAISES = "raises"
    LOWER = "lower"
    BELOW_SAFETY_FLOOR = "below-safety-floor"
    UNKNOWN_LEVEL = "unknown-level"


@attrs.frozen
class Provenance:
    """Which matrix made a decision: authority id, config version, the version of the
    national vocabulary it was compiled against, and the fingerprint of both."""

    authority: str
    version: str
    fingerprint: str
    vocabulary: str


@attrs.frozen
class Decision:
    """The level of need an authority's matrix gives an assessment, with its reasons.

    ``level`` is the computed level, raised to the practitioner's recorded level when that
    is higher. A recorded level *lower* than the computed one is kept beside it
    (``recorded_level``, ``judgement``) and reported, never applied: thresholds guide
    judgement, and a lower judgement needs a conversation, not a silent change.
    """

    level: LevelInfo
    computed_level: LevelInfo
    reasons: tuple[Reason, ...]
    recorded_level: LevelInfo | None
    judgement: Judgement
    unmapped_factors: tuple[str, ...]
    provenance: Provenance
    considerations: tuple[Consideration, ...] = ()
    """Advisories for the practitioner (never a change of level); see :class:`Consideration`."""
    recorded_as: str | None = None
    """The level id the practitioner recorded, as written: kept when the matrix has no such
    level (``judgement`` is then ``unknown-level`` and ``recorded_level`` None)."""
    explanation: Explanation | None = None
    """What would change the computed level: given by :func:`explain`, None from
    :meth:`Authority.classify`."""

    def __repr__(self) -> str:
        computed = (
            f", computed {self.computed_level.id}" if self.computed_level != self.level else ""
        )
        return (
            f"Decision({self.authority} {self.level.id}: {self.prevention.value}, "
            f"{self.response.value}{computed}; {len(self.reasons)} reason"
            f"{'s' if len(self.reasons) != 1 else ''}, judgement {self.judgement.value})"
        )

    @property
    def authority(self) -> str:
        """The id of the authority whose matrix decided."""
        return self.provenance.authority

    @property
    def version(self) -> str:
        """The version of that authority's config."""
        return self.provenance.version

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical config and the vocabulary version: the same config under
        the same vocabulary always gives the same value."""
        return self.provenance.fingerprint

    @property
    def vocabulary(self) -> str:
        """The version of the national vocabulary the matrix was compiled against (its
        significant-harm factors and domains come from it)."""
        return self.provenance.vocabulary

    @property
    def prevention(self) -> PreventionLevel:
        """Munro prevention level of :attr:`level`."""
        return self.level.prevention

    @property
    def response(self) -> Response:
        """Social-care response of :attr:`level`."""
        return self.level.response

    @property
    def next_step(self) -> str:
        """What the practitioner does next: the level's next step, in the authority's words
        where its config gives them (cited by ``level.next_step_source``)."""
        return self.level.next_step

    def to_dict(self, *, texts: bool = True) -> dict[str, Any]:
        """Plain data, for JSON output.

        ``texts=False`` leaves out what is the same for every decision at a level: each
        level is given by its id, title, rank, prevention level and response (see
        :meth:`LevelInfo.to_dict`), without its description, what the family can expect
        and the next step (``next_step`` and ``next_step_source`` are left out too). A
        cohort's records are written so: the authority gives the texts once.
        """
        level, recorded = self.level, self.recorded_level
        out = {
            "authority": self.provenance.authority,
            "version": self.provenance.version,
            "fingerprint": self.provenance.fingerprint,
            "vocabulary": self.provenance.vocabulary,
            "level": level.to_dict(texts=texts),
            "computed_level": self.computed_level.to_dict(texts=texts),
            "recorded_level": recorded.to_dict(texts=texts) if recorded else None,
            "recorded_as": self.recorded_as,
            "judgement": self.judgement.value,
            "prevention": level.prevention.value,
            "response": level.response.value,
            "next_step": level.next_step,
            "next_step_source": level.next_step_source,
            "reasons": [r.to_dict() for r in self.reasons],
            "considerations": [c.to_dict() for c in self.considerations],
            "unmapped_factors": list(self.unmapped_factors),
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }
        if not texts:
            del out["next_step"], out["next_step_source"]
        return out


class MatchedOn(StrEnum):
    """What a translation matched the target levels on, best first."""

    PREVENTION_AND_RESPONSE = "prevention-and-response"
    RESPONSE = "response"
    NEAREST_HIGHER_RESPONSE = "nearest-higher-response"


@attrs.frozen
class Translation:
    """A level of one authority expressed in another's levels.

    ``matched_on`` says how the ``targets`` were found: the target levels with the same
    prevention level and response; failing that, those with the same response; failing
    that, the lowest level whose response is at least as high (never lower). ``exact`` and
    ``ambiguous`` follow from it and the targets; ``explanation`` says it in words.
    """

    level: LevelInfo
    targets: tuple[LevelInfo, ...]
    matched_on: MatchedOn
    explanation: str
    from_authority: str
    to_authority: str

    @property
    def exact(self) -> bool:
        """One target level, with the same prevention level and response."""
        return self.matched_on is MatchedOn.PREVENTION_AND_RESPONSE and len(self.targets) == 1

    @property
    def ambiguous(self) -> bool:
        """More than one target level fits equally: the practitioner chooses among them."""
        return len(self.targets) > 1

    @property
    def quality(self) -> str:
        """``"exact"``, ``"ambiguous"`` or ``"inexact"`` (one target, matched on less)."""
        return "exact" if self.exact else "ambiguous" if self.ambiguous else "inexact"

    @property
    def readings(self) -> tuple[str, ...]:
        """The sides whose prevention level and response are readings of their sources
        rather than statements: ``"from"``, ``"to"`` (any target), both or neither. An
        exact match between two readings is only as good as the readings."""
        sides = []
        if self.level.mapping_basis == "reading":
            sides.append("from")
        if any(t.mapping_basis == "reading" for t in self.targets):
            sides.append("to")
        return tuple(sides)

    def __repr__(self) -> str:
        targets = ", ".join(t.id for t in self.targets)
        return (
            f"Translation({self.from_authority} {self.level.id} -> {self.to_authority} "
            f"{targets}: {self.quality}, matched on {self.matched_on.value})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "from": {"authority": self.from_authority, **self.level.to_dict()},
            "to": self.to_authority,
            "targets": [t.to_dict() for t in self.targets],
            "matched_on": self.matched_on.value,
            "quality": self.quality,
            "exact": self.exact,
            "ambiguous": self.ambiguous,
            "readings": list(self.readings),
            "explanation": self.explanation,
        }


@attrs.frozen
class EscalationRule:
    """A compiled escalation rule: ``at_least`` or more distinct factors placed at
    ``at_level`` or above, spanning ``across_domains`` or more assessment-triangle domains,
    give the level ``then``.

    ``at_index`` and ``then_index`` are the positions of those levels in
    :attr:`Authority.levels` (lowest first), for code that works on level indexes (the
    columnar path).
    """

    id: str
    at_least: int
    at_level: str
    across_domains: int
    then: str
    source: str
    at_index: int
    then_index: int


@attrs.frozen
class CellInfo:
    """A compiled indicator cell: what ``factor`` looks like at ``level``."""

    factor: str
    level: str
    index: int
    text: str
    source: str


@attrs.frozen
class ConsiderationRule:
    """A compiled consideration: ``at_least`` needs at ``at_level`` or above across
    ``across_domains`` domains, while the decided level ranks below ``below``."""

    id: str
    at_least: int
    at_level: str
    across_domains: int
    below: str
    consider: str
    source: str
    at_index: int
    below_index: int


_NEVER: Final = 1 << 62
"""The fewest placed factors a rule needs, for a matrix without escalation rules: never."""

_Sorted = tuple[tuple[int, ...], tuple[tuple[int, "EscalationRule"], ...]]
"""Rules sorted by how many factors they need: those numbers, and (position, rule) pairs."""


@attrs.frozen
class _RuleGroup:
    """The escalation rules that count from one level, by how many domains they need;
    each list sorted by how many factors it needs (``needs``), with the rules' positions
    in config order."""

    at_index: int
    by_domains: tuple[
        tuple[int, tuple[tuple[int, ...], tuple[tuple[int, EscalationRule], ...]]], ...
    ]
    fewest: int
    """The fewest factors any of the group's rules needs."""


def _group_rules(rules: Sequence[EscalationRule]) -> tuple[_RuleGroup, ...]:
    """The rules grouped for :meth:`Authority._fire`, highest level counted from first."""
    grouped: dict[int, dict[int, list[tuple[int, EscalationRule]]]] = {}
    for position, rule in enumerate(rules):
        grouped.setdefault(rule.at_index, {}).setdefault(rule.across_domains, []).append(
            (position, rule)
        )
    out = []
    for at_index in sorted(grouped, reverse=True):
        lists = []
        for across in sorted(grouped[at_index]):
            ordered = sorted(grouped[at_index][across], key=lambda item: item[1].at_least)
            needs = tuple(rule.at_least for _, rule in ordered)
            lists.append((across, (needs, tuple(ordered))))
        fewest = min(needs[0] for _, (needs, _) in lists)
        out.append(_RuleGroup(at_index, tuple(lists), fewest))
    return tuple(out)


@attrs.frozen
class Firing:
    """An escalation rule that fired, with the factors it counted (sorted)."""

    rule: EscalationRule
    factors: tuple[str, ...]


@attrs.frozen
class Evaluation:
    """What a matrix makes of a set of factors, before any recorded judgement.

    Attributes:
        level: the level: the highest level a factor is placed at, raised by every
            escalation rule that fires; the lowest level when no factor is mapped.
        at_level: the mapped factors placed at ``level`` itself, sorted, each once (empty
            when a rule raised the level above every factor).
        fired: every escalation rule that fired, in config order, whether or not it
            raised the level.
        unmapped: factors the matrix does not place (another authority's local factors),
            sorted, each once; they are not counted.
        considerations: the config's considerations these factors raise at ``level``.
    """

    level: LevelInfo
    at_level: tuple[str, ...]
    fired: tuple[Firing, ...]
    unmapped: tuple[str, ...]
    considerations: tuple[Consideration, ...] = ()


def unknown_rule_problems(
    config: AuthorityConfig,
    known: Iterable[str],
    locate: Callable[[Path], tuple[str, int | None, int | None]],
) -> list[Problem]:
    """A problem for each rule ``config`` overrides (``validation``) that is not among
    ``known`` codes, with the nearest; ``locate`` gives a path's file, line and column."""
    codes = sorted(known)
    problems = []
    for code in config.validation:
        if code in codes:
            continue
        path: Path = ("validation", code)
        source, line, col = locate(path)
        message = (
            f"unknown rule code {code!r}{did_you_mean(code, codes)}; `earlyhelp rules` "
            "lists them (register your own rules, or bind them, before validating)"
        )
        problems.append(Problem(message, path, source, line, col, "unknown-rule"))
    return problems


class RuleCodes(Protocol):
    """What a matrix knows of the validation rules bound to it: their codes (to check the
    config's overrides). :class:`earlyhelp_core.RuleSet` is one."""

    @property
    def codes(self) -> frozenset[str]:
        """The rules' codes."""
        ...


@attrs.frozen(eq=False)
class Authority:
    """An authority's compiled threshold matrix. Build it with :func:`load_authority`."""

    config: AuthorityConfig = attrs.field(repr=False)
    levels: tuple[LevelInfo, ...] = attrs.field(repr=False)
    fingerprint: str
    source_path: str | None
    _factor_level: Mapping[str, int] = attrs.field(repr=False)
    _mapping_reason: Mapping[str, Reason] = attrs.field(repr=False)
    _factor_domain: Mapping[str, Domain] = attrs.field(repr=False)
    _level_index: Mapping[str, int] = attrs.field(repr=False)
    _rules: tuple[EscalationRule, ...] = attrs.field(repr=False)
    _significant: frozenset[str] = attrs.field(repr=False)
    _where: SourceMap | None = attrs.field(default=None, repr=False)
    _cells: Mapping[str, Mapping[str, CellInfo]] = attrs.field(factory=dict, repr=False)
    _considerations: tuple[ConsiderationRule, ...] = attrs.field(default=(), repr=False)
    _rule_set: RuleCodes | None = attrs.field(default=None, repr=False, kw_only=True)
    _vocabulary: vocabulary.Vocabulary = attrs.field(
        factory=vocabulary.bundled, repr=False, kw_only=True
    )
    _no_factors: tuple[Reason, ...] = attrs.field(init=False, repr=False)
    _asks_below: int = attrs.field(init=False, repr=False)
    _provenance: Provenance = attrs.field(init=False, repr=False)
    _placements: Mapping[str, LevelInfo] = attrs.field(init=False, repr=False)
    _domains: Mapping[str, Domain] = attrs.field(init=False, repr=False)
    _cell_view: Mapping[str, tuple[CellInfo, ...]] = attrs.field(init=False, repr=False)
    _calendar: WorkingCalendar = attrs.field(init=False, repr=False)
    _groups: tuple[_RuleGroup, ...] = attrs.field(init=False, repr=False)
    _fewest: int = attrs.field(init=False, repr=False)
    _lowest_counted: int = attrs.field(init=False, repr=False)
    _domain_bit: Mapping[str, int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self,
            "_provenance",
            Provenance(
                self.config.id, self.config.version, self.fingerprint, self._vocabulary.version
            ),
        )
        object.__setattr__(
            self,
            "_placements",
            MappingProxyType({f: self.levels[i] for f, i in self._factor_level.items()}),
        )
        object.__setattr__(self, "_domains", MappingProxyType(dict(self._factor_domain)))
        object.__setattr__(
            self,
            "_cell_view",
            MappingProxyType(
                {
                    f: tuple(sorted(c.values(), key=lambda x: x.index))
                    for f, c in self._cells.items()
                }
            ),
        )
        # no consideration asks about a level at or below this one
        object.__setattr__(
            self, "_asks_below", max((c.below_index for c in self._considerations), default=0)
        )
        object.__setattr__(self, "_groups", _group_rules(self._rules))
        # no rule fires for fewer placed factors than this (none fires at all without rules)
        object.__setattr__(self, "_fewest", min((r.at_least for r in self._rules), default=_NEVER))
        # nor for factors all placed below the lowest level a rule counts from
        object.__setattr__(
            self, "_lowest_counted", min((r.at_index for r in self._rules), default=_NEVER)
        )
        bits = {domain: 1 << i for i, domain in enumerate(Domain)}
        object.__setattr__(
            self, "_domain_bit", {f: bits[d] for f, d in self._factor_domain.items()}
        )
        closures = self.config.parameters.closure_days.value or ()
        object.__setattr__(
            self,
            "_calendar",
            ENGLAND.with_closures((Closure(c.on, c.why) for c in closures), self.config.id),
        )
        lowest = self.levels[0]
        object.__setattr__(
            self, "_no_factors", (Reason((), ReasonKind.NO_FACTORS, lowest.id, lowest.source),)
        )

    def __repr__(self) -> str:
        return (
            f"Authority({self.id} {self.version}: {self.name}, {len(self.levels)} levels, "
            f"config {self.fingerprint[:12]})"
        )

    @property
    def id(self) -> str:
        """The authority's id, e.g. ``bromley``."""
        return self.config.id

    @property
    def name(self) -> str:
        """The authority's name."""
        return self.config.name

    @property
    def version(self) -> str:
        """The config's version."""
        return self.config.version

    @property
    def calendar(self) -> WorkingCalendar:
        """The working days the rules count under this authority: Monday to Friday, less
        the England and Wales bank holidays and the config's ``closure_days``."""
        return self._calendar

    @property
    def rules(self) -> RuleCodes | None:
        """The validation rules bound to this authority (:meth:`with_rules`, an
        :class:`earlyhelp_core.RuleSet`), or None: it runs the registered rules
        (``eh.rules()``)."""
        return self._rule_set

    def with_rules(self, rules: RuleCodes) -> Authority:
        """This matrix with its own validation rules: :func:`earlyhelp_core.validate` runs
        ``rules`` under it (and only under it) instead of the registered rules.

        Raises:
            ConfigError: the config's ``validation`` section overrides a rule that is not
                in ``rules`` (located, with the nearest codes).
        """
        problems = self.unknown_rules(rules.codes)
        if problems:
            raise ConfigError(problems)
        return attrs.evolve(self, rule_set=rules)

    def unknown_rules(self, known: Iterable[str]) -> list[Problem]:
        """A located problem for each rule the config's ``validation`` section overrides
        that is not among ``known`` codes, with the nearest."""
        return unknown_rule_problems(self.config, known, lambda path: self.where_is(path, key=True))

    @property
    def vocabulary(self) -> vocabulary.Vocabulary:
        """The needs vocabulary the matrix is compiled against (its version is in
        :attr:`provenance`)."""
        return self._vocabulary

    @property
    def provenance(self) -> Provenance:
        """What every decision of this matrix carries: the authority id, the config's
        version, the fingerprint, and the version of the vocabulary it was compiled
        against."""
        return self._provenance

    def locate(self, violation: Violation) -> Violation:
        """``violation`` with the file, line and column of its path in this config."""
        source, line, col = self.where_is(violation.path)
        return attrs.evolve(violation, source=source, line=line, col=col)

    def where_is(self, path: Path, *, key: bool = False) -> tuple[str, int | None, int | None]:
        """The file, line and column of ``path`` in this config (of the key itself with
        ``key=True``); line and column are None for a config built from data."""
        pos = self._where.locate(path, key=key) if self._where is not None else None
        line, col = pos if pos is not None else (None, None)
        return self.source_path or "<data>", line, col

    def level(self, level_id: str) -> LevelInfo:
        """The level with this id.

        Raises:
            UnknownIdError: this authority has no such level; the message names its levels
                and the closest one.
        """
        at = self._level_index.get(level_id)
        if at is None:
            known = list(self._level_index)
            raise UnknownIdError(
                f"{self.id} has no level {quote(str(level_id), 64)}"
                f"{did_you_mean(str(level_id), known)}; its levels: {', '.join(known)}"
            )
        return self.levels[at]

    @property
    def placements(self) -> Mapping[str, LevelInfo]:
        """Where the matrix places each factor it maps (vocabulary and local factors), as a
        read-only mapping of factor id to level."""
        return self._placements

    @property
    def escalation_rules(self) -> tuple[EscalationRule, ...]:
        """The compiled escalation rules, in config order."""
        return self._rules

    @property
    def factor_domains(self) -> Mapping[str, Domain]:
        """The assessment-triangle domain of each factor the matrix places (read-only)."""
        return self._domains

    @property
    def cells(self) -> Mapping[str, tuple[CellInfo, ...]]:
        """Each factor's indicator cells, lowest level first (read-only; factors without
        cells are left out)."""
        return self._cell_view

    @property
    def considerations(self) -> tuple[ConsiderationRule, ...]:
        """The compiled considerations, in config order."""
        return self._considerations

    def evaluate(
        self, factors: Iterable[str], *, cells: Mapping[str, str] | None = None
    ) -> Evaluation:
        """What this matrix makes of a set of factor ids: the level, the factors placed at
        it, the rules that fired, the factors it does not place and the considerations.

        ``cells`` names, for a factor with indicator cells, the level id of the cell that
        fits; a factor with cells and no (or an unknown) cell named is placed at its
        default cell.

        This is the one evaluation of the rule language: :meth:`classify`,
        :meth:`level_for`, the invariant checks and the cohort paths all rest on it.
        """
        index, top, fired, unmapped, placed = self._evaluate(
            list(factors), self._cell_levels(cells), placed_too=bool(self._considerations)
        )
        return Evaluation(
            self.levels[index],
            tuple(top),
            fired,
            unmapped,
            self._consider(placed, index) if placed is not None else (),
        )

    def _cell_levels(self, cells: Mapping[str, str] | None) -> dict[str, int] | None:
        """The level index of each named cell the matrix has (``factor -> cell level id``
        in, ``factor -> level index`` out); cells it does not have are left out."""
        if not cells or not self._cells:
            return None
        found = {}
        for factor, chosen in cells.items():
            cell = self._cells.get(factor, {}).get(chosen)
            if cell is not None:
                found[factor] = cell.index
        return found

    def _evaluate(
        self,
        factors: Sequence[str],
        at_cells: Mapping[str, int] | None = None,
        *,
        placed_too: bool = False,
    ) -> tuple[int, list[str], tuple[Firing, ...], tuple[str, ...], dict[str, int] | None]:
        """(level index, factors at it in order, firings, unmapped, and, when escalation
        rules need it or ``placed_too``, the level index of each placed factor): the rule
        language. ``at_cells`` places factors at the level (index) of a named cell."""
        level_of = self._levels_of(at_cells) if at_cells else self._factor_level
        index = -1
        top: list[str] = []  # the factors at the highest level so far, each once
        unmapped: tuple[str, ...] = ()
        get = level_of.get
        for factor in factors:
            at = get(factor)
            if at is None:
                unmapped += (factor,)
            elif at > index:
                index, top = at, [factor]
            elif at == index and factor not in top:
                top.append(factor)
        index = max(index, 0)  # no factor placed: the lowest level
        fired: tuple[Firing, ...] = ()
        placed = None
        # no rule fires for fewer factors than the fewest any rule needs, nor for factors
        # all placed below the levels the rules count from: then the placed factors are not
        # gathered unless asked for
        if placed_too or (len(factors) >= self._fewest and index >= self._lowest_counted):
            placed = self._placed(factors, level_of)
            if len(placed) >= self._fewest:
                fired = self._fire(placed)
            for firing in fired:
                if firing.rule.then_index > index:
                    index, top = firing.rule.then_index, []
        if len(top) > 1:
            top.sort()  # in factor order, whatever order the factors came in
        if unmapped:
            unmapped = tuple(sorted(set(unmapped)))
        return index, top, fired, unmapped, placed

    def _levels_of(self, at_cells: Mapping[str, int] | None) -> Mapping[str, int]:
        """Each placed factor's level index, at the level of a named cell where there is one."""
        if at_cells:
            return {**self._factor_level, **at_cells}  # only when a need names a cell
        return self._factor_level

    @staticmethod
    def _placed(factors: Sequence[str], level_of: Mapping[str, int]) -> dict[str, int]:
        """The level index (in ``level_of``) of each of ``factors`` that has one."""
        return {f: level_of[f] for f in factors if f in level_of}

    def _counted(
        self, placed: Mapping[str, int], at_index: int, at_least: int, across_domains: int
    ) -> tuple[tuple[str, ...], int] | None:
        """The factors placed at ``at_index`` or above (sorted) and how many domains they
        span, when there are ``at_least`` of them across ``across_domains``; else None. The
        one count behind escalation rules and considerations."""
        counted = [f for f, at in placed.items() if at >= at_index]
        if len(counted) < at_least:
            return None
        domains = len({self._factor_domain[f] for f in counted})
        if domains < across_domains:
            return None
        return tuple(sorted(counted)), domains

    def _consider(self, placed: Mapping[str, int], index: int) -> tuple[Consideration, ...]:
        """The considerations the placed factors raise at the decided level ``index``."""
        found = []
        for item in self._considerations:
            if index >= item.below_index:
                continue
            met = self._counted(placed, item.at_index, item.at_least, item.across_domains)
            if met is None:
                continue
            hits, domains = met
            needs = f"{len(hits)} need{'s' if len(hits) != 1 else ''}"
            across = f" across {domains} domains" if domains > 1 else ""
            message = f"{needs}{across} at {item.at_level} or above: consider {item.consider}"
            found.append(Consideration(item.id, message, item.below, hits, item.source))
        return tuple(found)

    def _reason(self, factor: str, chosen: str | None) -> Reason:
        """Why ``factor`` is placed where it is: its mapping, or its indicator cell."""
        cells = self._cells.get(factor)
        if not cells:
            return self._mapping_reason[factor]
        cell = cells.get(chosen) if chosen is not None else None
        kind = ReasonKind.CELL
        if cell is None:
            cell = cells[self.levels[self._factor_level[factor]].id]
            if len(cells) > 1:
                kind = ReasonKind.DEFAULT_CELL
        return Reason((factor,), kind, cell.level, cell.source, cell=cell.text)

    def _needs(
        self, assessment: Assessment
    ) -> tuple[list[str], dict[str, int], dict[str, str | None]]:
        """The factor ids of ``assessment`` in order; for factors with indicator cells, the
        level index each counts at (a need observed twice counts at its higher placement)
        and the cell named (None: the default)."""
        factors = [o.factor for o in assessment.factors]
        best: dict[str, int] = {}
        named: dict[str, str | None] = {}
        if self._cells and not self._cells.keys().isdisjoint(factors):
            for o in assessment.factors:
                cells = self._cells.get(o.factor)
                if not cells:
                    continue
                cell = cells.get(o.cell) if o.cell else None
                at = cell.index if cell is not None else self._factor_level[o.factor]
                if at > best.get(o.factor, -1):
                    best[o.factor] = at
                    named[o.factor] = cell.level if cell is not None else None
        return factors, best, named

    def _decide(
        self,
        factors: Sequence[str],
        best: Mapping[str, int] | None,
        named: Mapping[str, str | None] | None,
    ) -> tuple[int, tuple[Reason, ...], tuple[str, ...], dict[str, int] | None]:
        """(level index, reasons, unmapped, placed) for needs as :meth:`_needs` gives them
        (None for both: no need has indicator cells)."""
        index, top, fired, unmapped, placed = self._evaluate(factors, best)
        if named:
            mapped = self._mapping_reason
            reasons = tuple(self._reason(f, named.get(f)) if f in named else mapped[f] for f in top)
        else:
            reasons = tuple(map(self._mapping_reason.__getitem__, top))
        if fired:
            reasons += tuple(
                Reason(
                    f.factors,
                    ReasonKind.ESCALATION,
                    self.levels[index].id,
                    f.rule.source,
                    f.rule.id,
                )
                for f in fired
                if f.rule.then_index == index
            )
        return index, reasons or self._no_factors, unmapped, placed

    def classify(self, assessment: Assessment) -> Decision:
        """The level of need for ``assessment`` under this matrix, with reasons.

        The level is the highest level among the mapped factors (at the indicator cell an
        observation names, where the factor has cells), raised by escalation rules; no
        factors gives the lowest level; adding a factor never lowers it. Considerations
        ride along and never change the level.
        """
        if not isinstance(assessment, Assessment):
            raise TypeError(f"assessment must be an Assessment, got {type(assessment).__name__}")
        factors = [o.factor for o in assessment.factors]
        best: Mapping[str, int] | None = None
        named: Mapping[str, str | None] | None = None
        if self._cells and not self._cells.keys().isdisjoint(factors):
            factors, best, named = self._needs(assessment)
        # else no need has indicator cells (the usual case): nothing more to gather
        index, reasons, unmapped, placed = self._decide(factors, best, named)
        levels = self.levels
        final = computed = levels[index]
        recorded, judgement, final_index, recorded_as = None, Judgement.NONE, index, None
        if assessment.recorded_level is not None:
            recorded_as = assessment.recorded_level.level
            rec = self._level_index.get(recorded_as)
            if rec is None:
                judgement = Judgement.UNKNOWN_LEVEL
            else:
                recorded = levels[rec]
                if rec > index:
                    final, judgement, final_index = recorded, Judgement.RAISES, rec
                elif rec == index:
                    judgement = Judgement.AGREES
                elif any(o.factor in self._significant for o in assessment.factors):
                    judgement = Judgement.BELOW_SAFETY_FLOOR
                else:
                    judgement = Judgement.LOWER
        considerations: tuple[Consideration, ...] = ()
        if final_index < self._asks_below and self._considerations:
            if placed is None:  # gathered by the evaluation only when rules needed it
                placed = self._placed(factors, self._levels_of(best))
            considerations = self._consider(placed, final_index)
        # positional, in the order of Decision's fields (the quickest call)
        return Decision(
            final,
            computed,
            reasons,
            recorded,
            judgement,
            unmapped,
            self._provenance,
            considerations,
            recorded_as,
        )

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt attribute stays an error

        def __getattr__(self, name: str) -> Any:
            """Point the calls that moved to functions at them (an Authority only decides)."""
            moved = _MOVED.get(name)
            if moved is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            raise AttributeError(
                f"checking documents and running cohorts take an authority: "
                f"use earlyhelp_core.{name}({moved}) instead of authority.{name}(...)"
            )

    def level_for(
        self, factors: Iterable[str], *, cells: Mapping[str, str] | None = None
    ) -> LevelInfo:
        """The level a set of factor ids reaches under this matrix (as :meth:`classify`
        computes it, without the reasons or a recorded judgement); ``cells`` as for
        :meth:`evaluate`."""
        return self.levels[self._evaluate(list(factors), self._cell_levels(cells))[0]]

    def _fire(self, mapped: Mapping[str, int]) -> tuple[Firing, ...]:
        """The escalation rules the mapped factors (id -> level index) satisfy, in config
        order.

        One pass over the factors, whatever the number of rules: the factors are counted
        (and their domains gathered, as bits) once per level they are placed at, and the
        rules, grouped by the level they count from and sorted by how many they need, are
        found by search; only the rules that fire are visited.
        """
        groups = self._groups
        if not groups:
            return ()
        size = len(self.levels)
        counts = [0] * size
        spans = [0] * size  # the domains of the factors at each level, one bit each
        bit_of = self._domain_bit
        for factor, at in mapped.items():
            counts[at] += 1
            spans[at] |= bit_of[factor]
        fired: list[tuple[int, Firing]] = []
        count = seen = 0
        at = size
        for group in groups:  # highest level counted from first
            while at > group.at_index:
                at -= 1
                count += counts[at]
                seen |= spans[at]
            if count < group.fewest:
                continue  # too few factors for any of its rules
            domains = seen.bit_count()
            found = [
                (position, rule)
                for across, (needs, rules) in group.by_domains
                if across <= domains
                for position, rule in rules[: bisect.bisect_right(needs, count)]
            ]
            if found:
                counted = tuple(sorted(f for f, i in mapped.items() if i >= group.at_index))
                fired.extend((position, Firing(rule, counted)) for position, rule in found)
        if not fired:
            return ()
        fired.sort(key=lambda item: item[0])
        return tuple(firing for _, firing in fired)

    def translate(self, level_id: str, *, to: Authority) -> Translation:
        """The level(s) of ``to`` with the same prevention level and response as ``level_id``.

        When none match both, the answer is inexact: levels with the same response, or
        failing that the lowest level whose response is at least as high (never lower),
        and the explanation says so.
        """
        if not isinstance(to, Authority):
            raise TypeError(f"to must be an Authority, got {type(to).__name__}")
        found = self._translate(self.level(level_id), to)
        sides = found.readings
        if not sides:
            return found
        whose = {
            ("from",): f"{self.id} {found.level.id}'s prevention and response are a reading of "
            "its source",
            ("to",): f"the prevention and response of {to.id}'s level are a reading of its source",
            ("from", "to"): "on both sides the prevention and response are readings of the "
            "sources, not statements",
        }[sides]
        return attrs.evolve(found, explanation=f"{found.explanation}; {whose}")

    def _translate(self, level: LevelInfo, to: Authority) -> Translation:
        same = tuple(
            t for t in to.levels if (t.prevention, t.response) == (level.prevention, level.response)
        )
        if same:
            why = (
                f"{len(same)} levels of {to.id} share prevention {level.prevention} and response "
                f"{level.response}: {', '.join(t.id for t in same)}"
                if len(same) > 1
                else f"same prevention ({level.prevention}) and response ({level.response})"
            )
            return Translation(level, same, MatchedOn.PREVENTION_AND_RESPONSE, why, self.id, to.id)
        by_response = tuple(t for t in to.levels if t.response == level.response)
        if by_response:
            return Translation(
                level,
                by_response,
                MatchedOn.RESPONSE,
                f"no level of {to.id} has prevention {level.prevention} with response "
                f"{level.response}; matched on response only",
                self.id,
                to.id,
            )
        higher = [t for t in to.levels if t.response >= level.response]
        target = (min(higher, key=lambda t: t.rank),) if higher else (to.levels[-1],)
        return Translation(
            level,
            target,
            MatchedOn.NEAREST_HIGHER_RESPONSE,
            f"no level of {to.id} has response {level.response}; "
            f"the nearest level that does not lower the response is {target[0].id}",
            self.id,
            to.id,
        )


def fingerprint(config: AuthorityConfig, words: vocabulary.Vocabulary | None = None) -> str:
    """sha256 of the canonical JSON form of the config and the version of the vocabulary
    it is compiled against (the bundled one by default).

    The vocabulary is part of what decides (which factors are significant harm, which
    domain a factor is in), so a new vocabulary gives a new fingerprint.
    """
    version = (words or vocabulary.bundled()).version
    data = {"config": config.model_dump(mode="json"), "vocabulary": version}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
