"""The validation engine: rules, the registry, findings and reports.

A rule is a small declarative unit: metadata (a stable code, severity, title, message,
the document kinds it applies to, the authority parameters it reads, what it needs to
run, its citation) and a pure function that *yields* :class:`Hit` s with paths relative to
the document. The engine adds the code, severity and citation, applies the authority's
overrides, and orders the findings. A rule that raises does not hide the others: its
failure becomes a finding of its own code. A rule that cannot run (a parameter it needs
is not set, a plan's assessment was not given, the config switched it off, or no document
records whether the rule's source covers it) is never silently passed over: the report
lists it under ``not_checked``, with why.
"""

from __future__ import annotations

import inspect
import itertools
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import attrs

from .._errors import Location, Path, render_path
from .._located import did_you_mean
from ..models import KINDS, Assessment, Document, Plan, Referral
from ..thresholds import AuthorityVersions, ConfigError, document_day
from ..thresholds._config import Parameters

if TYPE_CHECKING:
    from .._calendar import WorkingCalendar
    from ..thresholds import Authority, Decision

__all__ = [
    "CODE_PATTERN",
    "Context",
    "Finding",
    "Hit",
    "NotChecked",
    "Report",
    "Rule",
    "RuleSet",
    "Severity",
    "define_rule",
    "hit",
    "register",
    "rule",
    "rules",
    "rules_not_run",
    "run_rules",
]

CODE_PATTERN: Final = re.compile(r"^[A-Z]{2,8}[0-9]{3}$")
"""A rule code: two to eight capital letters and three digits (``EH012``, ``BED001``)."""

DOCS_URL: Final = "https://earlyhelp-core.readthedocs.io/en/latest/rules/{code}/"

ASSESSMENT: Final = "assessment"
"""What a plan rule ``requires`` when it compares the plan with the assessment it follows."""


class Severity(StrEnum):
    """``error``: the document is not acceptable; ``warning``: a practitioner should look."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Hit:
    """What a rule yields: where (relative to the document), what, and how to fix it.

    ``citation`` is for a rule whose finding rests on what the authority's config says (a
    level's description and its source): the citation of that finding under that
    authority. Without it the finding carries the rule's own citation.
    """

    path: Path
    message: str
    hint: str | None = None
    input: str | int | None = None
    citation: str | None = None


def hit(
    path: Path,
    message: str,
    hint: str | None = None,
    input: str | int | None = None,
    *,
    citation: str | None = None,
) -> Hit:
    """Build a :class:`Hit` (the form rules use)."""
    return Hit(tuple(path), message, hint, input, citation)


@attrs.frozen
class Finding:
    """One thing a rule found in a document.

    Attributes:
        code: the rule's stable code, e.g. ``EH012``.
        severity: ``error`` or ``warning`` (after the authority's overrides).
        path: where in the document, outermost first; rendered as ``factors[0].about``.
        message: one line, naming ids and paths, never personal data.
        hint: how to fix it.
        citation: what the finding rests on: the rule's source (document and section, or
            guidance) or, for a rule that rests on the authority's config, the citation
            under that authority.
        input: the offending value when it is not personal (an id, a level), else None.
        line: 1-based line in the file, when the document came from one.
        col: 1-based column, likewise.
        file: the file the document came from, when it came from one.
        calendar: for a rule that counts working days, the calendar it counted them in
            (``authority.calendar.name``: Monday to Friday less the England and Wales bank
            holidays, and the authority's closure days); None for any other rule.
    """

    code: str
    severity: Severity
    path: Path
    message: str
    hint: str | None
    citation: str
    input: str | int | None = None
    line: int | None = None
    col: int | None = None
    file: str | None = None
    calendar: str | None = None

    @property
    def location(self) -> Location:
        """Where in the document (``str()`` is ``file:line:col``; ``<document>`` when the
        document came from no file)."""
        return Location(self.file or "<document>", self.line, self.col, self.path)

    @property
    def url(self) -> str:
        """The rule's documentation page."""
        return DOCS_URL.format(code=self.code)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output: the same fields as the object."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "path": list(self.path),
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "hint": self.hint,
            "input": self.input,
            "citation": self.citation,
            "file": self.file,
            "calendar": self.calendar,
            "url": self.url,
        }

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        days = f" [working days: {self.calendar}]" if self.calendar else ""
        return f"{self.code} {self.severity}: {render_path(self.path)}: {self.message}{hint}{days}"


def _order(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.line or 0,
        finding.col or 0,
        tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in finding.path),
        finding.code,
        finding.message,
    )


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=_order))


@attrs.frozen
class NotChecked:
    """A rule that applies to the document's kind but did not run, and why.

    A report with no findings is only as good as the rules that ran: a service that
    shows "no problems" should show these too.
    """

    code: str
    title: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {"code": self.code, "title": self.title, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.code} ({self.title}) not checked: {self.reason}"


@attrs.frozen
class Report:
    """The findings for one document, ordered by place in the document, then code."""

    findings: tuple[Finding, ...] = attrs.field(converter=_sorted)
    kind: str = ""
    id: str = ""
    authority: str = ""
    version: str = ""
    """The version of the authority's config the document was checked under."""
    not_checked: tuple[NotChecked, ...] = ()
    """Rules for this kind of document that did not run, by code, each with why."""

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings of severity error."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings of severity warning."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def codes(self) -> tuple[str, ...]:
        """The code of every finding, in order."""
        return tuple(f.code for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON output."""
        return {
            "kind": self.kind,
            "id": self.id,
            "authority": self.authority,
            "version": self.version,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
            "not_checked": [n.to_dict() for n in self.not_checked],
        }


@attrs.frozen
class Context:
    """What a rule may look at besides the document: the authority, its parameters, the
    decision for an assessment, and the assessment a plan follows (when given)."""

    authority: Authority
    decision: Decision | None = None
    assessment: Assessment | None = None

    @property
    def params(self) -> Parameters:
        """The authority's parameters."""
        return self.authority.config.parameters

    @property
    def calendar(self) -> WorkingCalendar:
        """The working days to count in: the authority's calendar (bank holidays and its
        closure days). A rule that counts them declares ``counts_working_days=True``."""
        return self.authority.calendar


Check = Callable[[Any, Context], Iterable[Hit]]


@attrs.frozen
class Rule:
    """A validation rule's metadata and its check.

    The docstring of ``check`` has three parts: what it checks (first paragraph), why it
    matters (``Why it matters:``) and an example that fails (``Example that fails::``
    followed by a YAML fragment merged onto the bundled example document of that kind:
    mappings merge key by key, non-empty lists item by item, anything else replaces).
    """

    code: str
    title: str
    severity: Severity
    summary: str
    kinds: tuple[str, ...]
    reads: tuple[str, ...]
    citation: str
    """What the rule rests on: a document and its section, or the guidance it applies."""
    check: Check = attrs.field(repr=False)
    requires: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    """What must be present for the rule to run: parameters it reads that must be set,
    and ``"assessment"`` for a plan rule that compares the plan with its assessment.
    When one is missing the rule does not run and the report lists it as not checked."""
    cannot_tell: str | None = attrs.field(default=None, kw_only=True)
    """Set when the rule's source covers only some documents of its kinds and no document
    records whether it is one of them: why the rule cannot tell. The rule then runs for no
    document, rather than guess, and every report lists it as not checked with this reason.
    The check stays, for the day the documents record what it needs."""
    counts_working_days: bool = attrs.field(default=False, kw_only=True)
    """Whether the rule counts working days (in ``ctx.calendar``): its findings then name
    the calendar (``Finding.calendar``)."""

    @property
    def doc(self) -> str:
        """The check's docstring, cleaned as :func:`inspect.cleandoc` does (the first line
        may follow the opening quotes; the lines after it lose their common indentation)."""
        return inspect.cleandoc(self.check.__doc__ or "")

    def _part(self, start: str, stop: str | None) -> str:
        _, found, text = self.doc.partition(start)
        if not found:
            return ""
        if stop:
            text, _, _ = text.partition(stop)
        return textwrap.dedent(text).strip()

    @property
    def what(self) -> str:
        """What the rule checks (the docstring's first part)."""
        what, _, _ = self.doc.partition("Why it matters:")
        return what.strip()

    @property
    def why(self) -> str:
        """Why it matters (the docstring's second part)."""
        return self._part("Why it matters:", "Example that fails::")

    @property
    def example(self) -> str:
        """A YAML fragment that, merged onto an example document, makes the rule fire."""
        return self._part("Example that fails::", None)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the rule's metadata."""
        return {
            "code": self.code,
            "title": self.title,
            "severity": self.severity.value,
            "summary": self.summary,
            "kinds": list(self.kinds),
            "reads": list(self.reads),
            "requires": list(self.requires),
            "cannot_tell": self.cannot_tell,
            "counts_working_days": self.counts_working_days,
            "citation": self.citation,
        }


_REGISTRY: dict[str, Rule] = {}
_RETIRED: Final[frozenset[str]] = frozenset()
"""Codes of removed rules: never reused."""


def _checked(new: Rule) -> Rule:
    """``new``, when it is a rule that can run; else a ValueError saying what is wrong."""
    if not CODE_PATTERN.match(new.code):
        raise ValueError(f"rule code {new.code!r} must look like 'EH012' (letters then 3 digits)")
    unknown = [r for r in new.reads if r not in Parameters.model_fields]
    if unknown:
        raise ValueError(
            f"rule {new.code} reads unknown parameters {unknown}; "
            f"parameters are: {', '.join(Parameters.model_fields)}"
        )
    needless = [r for r in new.requires if r not in new.reads and r != ASSESSMENT]
    if needless:
        raise ValueError(
            f"rule {new.code} requires {needless}, which it does not read; a rule requires "
            f"parameters among its reads={list(new.reads)!r}, or {ASSESSMENT!r}"
        )
    if new.cannot_tell is not None and not new.cannot_tell.strip():
        raise ValueError(
            f"rule {new.code} cannot_tell={new.cannot_tell!r}; say why the rule cannot tell "
            "which documents its source covers, or leave it None"
        )
    if ASSESSMENT in new.requires and tuple(new.kinds) != ("plan",):
        raise ValueError(
            f"rule {new.code} requires {ASSESSMENT!r}, which only a plan's rules are given"
        )
    bad_kinds = [k for k in new.kinds if k not in KINDS]
    if bad_kinds or not new.kinds:
        raise ValueError(
            f"rule {new.code} kinds={list(new.kinds)!r}; expected some of {list(KINDS)}"
        )
    return new


def register(new: Rule) -> Rule:
    """Add a rule to the registry: it then runs under every authority that has no rule set
    of its own (:meth:`Authority.with_rules <earlyhelp_core.Authority.with_rules>`).

    Raises:
        ValueError: the code is malformed, already taken or retired; a parameter it
            reads does not exist; it requires something it does not read; or its
            ``cannot_tell`` is given but empty.
    """
    if new.code in _REGISTRY or new.code in _RETIRED:
        raise ValueError(f"rule code {new.code!r} is already taken; codes are never reused")
    _REGISTRY[new.code] = _checked(new)
    _ORDERED.clear()
    _PLANS.clear()
    return new


def define_rule(
    check: Check,
    *,
    code: str,
    title: str,
    severity: Severity | str,
    summary: str,
    kinds: Iterable[str],
    citation: str,
    reads: Iterable[str] = (),
    requires: Iterable[str] = (),
    cannot_tell: str | None = None,
    counts_working_days: bool = False,
) -> Rule:
    """A rule, checked as :func:`register` checks it, but not registered: put it in a
    :class:`RuleSet` and bind that to the authorities it is for.

    Raises:
        ValueError: as :func:`register`, except that the code may be one the registry has.
    """
    return _checked(
        Rule(
            code=code,
            title=title,
            severity=Severity(severity),
            summary=summary,
            kinds=tuple(kinds),
            reads=tuple(reads),
            citation=citation,
            check=check,
            requires=tuple(requires),
            cannot_tell=cannot_tell,
            counts_working_days=counts_working_days,
        )
    )


def _by_code(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    ordered = tuple(sorted(rules, key=lambda r: r.code))
    for before, after in itertools.pairwise(ordered):
        if before.code == after.code:
            raise ValueError(f"rule code {after.code!r} is given twice in one rule set")
    return ordered


@attrs.frozen(cache_hash=True)
class RuleSet(Sequence[Rule]):
    """The validation rules that run under an authority, by code.

    Every authority runs the registered rules (:func:`rules`: the library's, and any
    registered with :func:`rule`) unless it is given a set of its own with
    :meth:`Authority.with_rules <earlyhelp_core.Authority.with_rules>`, so that a rule
    written for one authority runs under that authority only:

    ```python
    ours = eh.load_authority("ours.yaml").with_rules(
        eh.rules().with_rules(eh.define_rule(needs_a_strength, code="LA001", ...))
    )
    eh.validate(ours, doc)        # LA001 runs; under every other authority it does not
    ```
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_by_code)

    @property
    def codes(self) -> frozenset[str]:
        """The codes of the rules."""
        return frozenset(r.code for r in self.rules)

    def get(self, code: str) -> Rule:
        """The rule with ``code``.

        Raises:
            KeyError: no rule in the set has it (the message names the nearest).
        """
        for found in self.rules:
            if found.code == code:
                return found
        raise KeyError(f"no rule {code!r} in this rule set{did_you_mean(code, self.codes)}")

    def with_rules(self, *more: Rule) -> RuleSet:
        """This set and ``more``.

        Raises:
            ValueError: a code is given twice.
        """
        return RuleSet((*self.rules, *(_checked(r) for r in more)))

    def without(self, *codes: str) -> RuleSet:
        """This set less the rules with ``codes`` (each must be in it).

        Raises:
            KeyError: a code that is not in the set.
        """
        for code in codes:
            self.get(code)
        return RuleSet(r for r in self.rules if r.code not in codes)

    def __getitem__(self, index: int) -> Rule:  # type: ignore[override]
        return self.rules[index]

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules: {', '.join(r.code for r in self.rules[:3])}...)"


def rule(
    *,
    code: str,
    title: str,
    severity: Severity | str,
    summary: str,
    kinds: Iterable[str],
    citation: str,
    reads: Iterable[str] = (),
    requires: Iterable[str] = (),
    cannot_tell: str | None = None,
    counts_working_days: bool = False,
) -> Callable[[Check], Check]:
    """Declare a rule: decorate its check function, which yields :class:`Hit` s.

    ``reads`` names the authority parameters the check looks at; ``requires`` those of
    them that must be set for the check to run at all (and ``"assessment"`` for a plan
    rule that compares the plan with its assessment). A rule whose requirement is missing
    does not run, and the report says so in ``not_checked``. ``cannot_tell`` is for a rule
    whose source covers only some documents when no document records which: it says why,
    and the rule runs for none of them, listed in ``not_checked`` with that reason.
    ``counts_working_days`` marks a rule that counts working days in ``ctx.calendar``:
    each of its findings names that calendar, and ``earlyhelp rules`` lists it.

    Example::

        @rule(code="LA001", title="needs-a-strength", severity="warning",
              summary="An assessment records at least one strength",
              kinds=["early-help-assessment"], citation="our practice standard, 2.1")
        def needs_a_strength(doc, ctx):
            '''...'''
            if not doc.strengths:
                yield hit(("strengths",), "no strengths recorded")
    """

    def decorate(check: Check) -> Check:
        register(
            define_rule(
                check,
                code=code,
                title=title,
                severity=severity,
                summary=summary,
                kinds=kinds,
                citation=citation,
                reads=reads,
                requires=requires,
                cannot_tell=cannot_tell,
                counts_working_days=counts_working_days,
            )
        )
        return check

    return decorate


_ORDERED: list[RuleSet] = []  # the registry by code, rebuilt when a rule registers


def _unregister(code: str) -> None:
    """Remove a rule (for tests that register rules of their own for a while)."""
    _REGISTRY.pop(code, None)
    _ORDERED.clear()
    _PLANS.clear()


def rules() -> RuleSet:
    """Every registered rule, by code: the rules every authority without a rule set of its
    own runs."""
    if not _ORDERED:
        _ORDERED.append(RuleSet(_REGISTRY.values()))
    return _ORDERED[0]


def _rules_for(authority: Authority) -> RuleSet:
    """The rules that run under ``authority``: its own set, else the registered rules."""
    own = authority.rules
    if own is None:
        return rules()
    if not isinstance(own, RuleSet):
        raise TypeError(f"{authority.id}'s rules must be a RuleSet, found {type(own).__name__}")
    return own


def _why_not_run(
    current: Rule, authority: Authority, doc: Document | None, assessment: Assessment | None
) -> str | None:
    """Why ``current`` does not run under ``authority``, or None when it runs.

    With ``doc`` None, the answer for every document: the needs that depend on what a
    caller gives (a plan's assessment) count as met.
    """
    override = authority.config.validation.get(current.code)
    if override is not None and not override.enabled:
        return f"switched off by {authority.id}'s config (validation)"
    params = authority.config.parameters
    unset = [n for n in current.requires if n != ASSESSMENT and getattr(params, n).value is None]
    if unset:
        return f"{authority.id}'s config does not set {' or '.join(unset)}"
    if current.cannot_tell is not None:
        return current.cannot_tell
    if ASSESSMENT in current.requires and doc is not None and assessment is None:
        return _no_assessment(doc)
    return None


def _no_assessment(doc: Document) -> str:
    """Why a rule comparing a plan with its assessment did not run for ``doc``."""
    named = getattr(doc, "assessment", None)
    which = f" ({named})" if named else ""
    return f"needs the assessment the plan follows{which}, which was not given"


def validate(
    authority: Authority | AuthorityVersions,
    doc: Document,
    *,
    assessment: Assessment | None = None,
    where: Callable[[Path], tuple[int, int] | None] | None = None,
    file: str | None = None,
) -> Report:
    """Check an assessment, plan or referral against ``authority``'s policy.

    Args:
        authority: the matrix and parameters to check against; or an authority's dated
            versions, of which the one in force on the document's day is used (an
            assessment's ``assessed_on``, a plan's ``started_on``, the day a referral was
            received; outside every version, the nearest, and EH091 says so).
        doc: the document.
        assessment: for a plan, the assessment it follows (enables the checks that
            compare the two; without it they are listed in ``not_checked``).
        where: maps a path in the document to ``(line, col)`` in its file.
        file: the file's name, for each finding's ``location``.

    Never raises on a parsed document: a rule that fails is reported as a finding with
    its own code.
    """
    if not isinstance(doc, Assessment | Plan | Referral):
        raise TypeError(f"doc must be an Assessment, Plan or Referral, got {type(doc).__name__}")
    if isinstance(authority, AuthorityVersions):
        authority = _version_for(authority, document_day(doc))
    check_rule_overrides(authority)
    decision = authority.classify(doc) if isinstance(doc, Assessment) else None
    findings, skipped = run_rules(
        doc, Context(authority, decision, assessment), where=where, file=file
    )
    return Report(
        tuple(findings),
        kind=doc.kind,
        id=doc.id,
        authority=authority.id,
        version=authority.version,
        not_checked=tuple(skipped),
    )


def _version_for(versions: AuthorityVersions, day: date) -> Authority:
    """The version in force on ``day``; outside them all, the nearest (EH091 reports it)."""
    found = versions.in_force(day)
    if found is not None:
        return found
    before = [a for a in versions if a.config.effective_from <= day]
    return before[-1] if before else versions.versions[0]


def check_rule_overrides(authority: Authority) -> None:
    """Check that every rule ``authority``'s config overrides (``validation:``) is registered.

    The matrix loads without knowing the rules (they sit in this layer, above it), so the
    check runs when a document is first validated under ``authority``, and the command
    line runs it as it loads a config. A rule of your own registered after the config
    loaded counts.

    Raises:
        ConfigError: one located problem per unknown code, with the nearest codes.
    """
    if not authority.config.validation:
        return
    problems = authority.unknown_rules(_rules_for(authority).codes)
    if problems:
        raise ConfigError(problems)


def with_assessments(
    documents: Iterable[Document],
) -> list[tuple[Document, Assessment | None]]:
    """Each document with the assessment it follows, when that is among ``documents``.

    A plan names the assessment it follows (``assessment: EHA-1``); validating the two
    together runs the rules that compare them. Other documents, and plans whose
    assessment is not given, are paired with None. The first assessment of an id wins.
    """
    docs = list(documents)
    found: dict[str, Assessment] = {}
    for doc in docs:
        if isinstance(doc, Assessment):
            found.setdefault(doc.id, doc)
    return [
        (doc, found.get(doc.assessment) if isinstance(doc, Plan) and doc.assessment else None)
        for doc in docs
    ]


def rules_not_run(authority: Authority) -> tuple[NotChecked, ...]:
    """The registered rules that run for no document under ``authority``, each with why.

    Raises:
        ConfigError: the config overrides a rule that is not registered.
    """
    check_rule_overrides(authority)
    return tuple(
        NotChecked(r.code, r.title, why)
        for r in _rules_for(authority)
        if (why := _why_not_run(r, authority, None, None)) is not None
    )


_Step = NotChecked | tuple[Rule, Severity, bool]
"""A rule of a plan: why it does not run, or the rule, its severity under the authority, and
whether it needs the assessment a plan follows (the one need a document's caller meets)."""

_PLANS: dict[tuple[str, str, RuleSet], tuple[_Step, ...]] = {}
"""Plans by (authority fingerprint, document kind, rule set); emptied whenever the registry
changes."""

_PLANS_KEPT: Final = 256


def _plan(authority: Authority, kind: str) -> tuple[_Step, ...]:
    """The registered rules for ``kind`` under ``authority``, by code: each one that runs for
    no document of that kind as its :class:`NotChecked`, each other one ready to run.

    Worked out once per authority and kind, not per document: what it depends on is the
    authority's config, which its fingerprint covers, and the registry, whose changes empty
    the plans.
    """
    ruleset = _rules_for(authority)
    key = (authority.fingerprint, kind, ruleset)
    found = _PLANS.get(key)
    if found is not None:
        return found
    overrides = authority.config.validation
    steps: list[_Step] = []
    for current in ruleset:
        if kind not in current.kinds:
            continue
        why = _why_not_run(current, authority, None, None)
        if why is not None:
            steps.append(NotChecked(current.code, current.title, why))
            continue
        override = overrides.get(current.code)
        severity = (
            Severity(override.severity)
            if override is not None and override.severity is not None
            else current.severity
        )
        steps.append((current, severity, ASSESSMENT in current.requires))
    if len(_PLANS) >= _PLANS_KEPT:
        _PLANS.clear()
    plan = _PLANS[key] = tuple(steps)
    return plan


def run_rules(
    doc: Document,
    context: Context,
    *,
    where: Callable[[Path], tuple[int, int] | None] | None = None,
    file: str | None = None,
) -> tuple[list[Finding], list[NotChecked]]:
    """Run every rule that applies to ``doc``'s kind, never raising: the findings, and
    the rules that did not run with why."""
    authority = context.authority
    findings: list[Finding] = []
    skipped: list[NotChecked] = []
    for step in _plan(authority, doc.kind):
        if isinstance(step, NotChecked):
            skipped.append(step)
            continue
        current, severity, needs_assessment = step
        if needs_assessment and context.assessment is None:
            skipped.append(NotChecked(current.code, current.title, _no_assessment(doc)))
            continue
        try:
            hits = list(current.check(doc, context))
        except Exception as exc:  # one rule's bug must not hide the others' findings
            hits = [
                Hit(
                    (),
                    f"internal error in rule {current.code} ({type(exc).__name__}); "
                    "its check did not run",
                    "please report it; the other rules ran",
                )
            ]
            severity = Severity.ERROR
        calendar = authority.calendar.name if current.counts_working_days and hits else None
        for found in hits:
            pos = where(found.path) if where is not None else None
            findings.append(
                Finding(
                    code=current.code,
                    severity=severity,
                    path=found.path,
                    message=found.message,
                    hint=found.hint,
                    citation=found.citation or current.citation,
                    file=file,
                    input=found.input,
                    line=pos[0] if pos else None,
                    col=pos[1] if pos else None,
                    calendar=calendar,
                )
            )
    return findings, skipped
