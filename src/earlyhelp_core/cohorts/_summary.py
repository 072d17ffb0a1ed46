"""What a cohort run adds up to: counts per level, movement between two matrices, findings
per rule. The command line prints these; a service or a notebook reads the same numbers.

```python
summary = eh.cohorts.DecisionSummary(bromley, compared_with=bedford)
for result in eh.classify_many(bromley, records):
    summary.add(result)
summary.levels            # {"tier-2": 812, "tier-3": 40}, in the matrix's level order
summary.lines()           # the text `earlyhelp assess` prints
```
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from ..models import Plan, StepDirection
from ..prevention import Response

if TYPE_CHECKING:
    from ..thresholds import Authority
    from ._records import RecordResult

__all__ = ["DecisionSummary", "StepSummary", "ValidationSummary"]


class DecisionSummary:
    """Counts of a classification run: records per level, records that could not be read,
    and, when comparing with a second matrix, the moves between levels.

    Args:
        authority: the matrix the records were classified under.
        compared_with: the second matrix of a comparison (``RecordResult.compared``).
    """

    def __init__(self, authority: Authority, *, compared_with: Authority | None = None) -> None:
        self.authority = authority
        self.compared_with = compared_with
        self._levels: Counter[str] = Counter()
        self._moves: Counter[tuple[str, str]] = Counter()
        self.unreadable = 0

    def add(self, result: RecordResult) -> None:
        """Count one record's result."""
        self.count(*self.counted(result))

    @staticmethod
    def counted(result: RecordResult) -> tuple[str | None, str | None]:
        """What :meth:`count` needs of a result: the level id decided (None: the record
        could not be read) and the other matrix's (None: no comparison)."""
        decision, compared = result.decision, result.compared
        if result.problems or decision is None:
            return None, None
        return decision.level.id, compared.level.id if compared is not None else None

    def count(self, level: str | None, compared: str | None = None) -> None:
        """Count one record by the level ids :meth:`counted` gives (for results counted in
        another process)."""
        if level is None:
            self.unreadable += 1
            return
        self._levels[level] += 1
        if compared is not None:
            self._moves[(level, compared)] += 1

    @property
    def total(self) -> int:
        """Every record counted, read or not."""
        return sum(self._levels.values()) + self.unreadable

    @property
    def levels(self) -> dict[str, int]:
        """Records per level id, in the matrix's level order, levels with none left out."""
        return {lv.id: self._levels[lv.id] for lv in self.authority.levels if self._levels[lv.id]}

    @property
    def compared(self) -> int:
        """Records decided under both matrices."""
        return sum(self._moves.values())

    @property
    def moved(self) -> dict[tuple[str, str], int]:
        """(level here, level under the other matrix) -> records, for records that moved,
        most first."""
        moved = {k: n for k, n in self._moves.items() if k[0] != k[1]}
        return dict(sorted(moved.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        out: dict[str, Any] = {
            "authority": self.authority.id,
            "records": self.total,
            "levels": self.levels,
            "unreadable": self.unreadable,
        }
        if self.compared_with is not None:
            out["compared_with"] = {
                "authority": self.compared_with.id,
                "version": self.compared_with.version,
                "records": self.compared,
                "moved": [{"from": a, "to": b, "records": n} for (a, b), n in self.moved.items()],
            }
        return out

    def lines(self) -> list[str]:
        """The summary as text, one line per fact."""
        levels = ", ".join(f"{level} {n:,}" for level, n in self.levels.items()) or "none"
        unread = f"; {self.unreadable:,} could not be read" if self.unreadable else ""
        out = [f"{self.total:,} records under {self.authority.id}: {levels}{unread}"]
        other = self.compared_with
        if other is not None:
            moved = self.moved
            out.append(
                f"compared with {other.id} {other.version}: {sum(moved.values()):,} of "
                f"{self.compared:,} records at a different level"
            )
            out += [f"  {a} -> {b}: {n:,}" for (a, b), n in moved.items()]
        return out


class ValidationSummary:
    """Counts of a validation run: records with errors, records that could not be read,
    findings per rule code, and the rules that did not run with why.

    Args:
        authority: the authority the records were validated under.
    """

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.total = 0
        self.failed = 0
        self.unreadable = 0
        self._codes: Counter[str] = Counter()
        self._skipped: Counter[tuple[str, str]] = Counter()

    def add(self, result: RecordResult) -> None:
        """Count one record's result."""
        self.total += 1
        if result.problems:
            self.unreadable += 1
        report = result.report
        if report is not None:
            self._codes.update(report.codes)
            self._skipped.update((n.code, n.reason) for n in report.not_checked)
            if not report.ok:
                self.failed += 1

    @property
    def findings(self) -> dict[str, int]:
        """Findings per rule code, by code."""
        return dict(sorted(self._codes.items()))

    @property
    def not_checked(self) -> dict[tuple[str, str], int]:
        """(rule code, why it did not run) -> records, by code."""
        return dict(sorted(self._skipped.items()))

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "authority": self.authority.id,
            "records": self.total,
            "with_errors": self.failed,
            "unreadable": self.unreadable,
            "findings": self.findings,
            "not_checked": [
                {"code": code, "reason": why, "records": n}
                for (code, why), n in self.not_checked.items()
            ],
        }

    def lines(self) -> list[str]:
        """The summary as text, one line per fact."""
        listed = ", ".join(f"{code} {n:,}" for code, n in self.findings.items()) or "no findings"
        out = [
            f"{self.total:,} records under {self.authority.id}: {self.failed:,} with errors, "
            f"{self.unreadable:,} could not be read; {listed}"
        ]
        out += [
            f"  {code} not checked in {n:,} records: {why}"
            for (code, why), n in self.not_checked.items()
        ]
        return out


class StepSummary:
    """Step-ups to and step-downs from children's social care over a cohort of plans.

    A step-up *to* children's social care goes to a level whose response is section 17
    or 47 from one below; a step-down *from* it goes the other way. Other steps (between
    early help levels) are counted apart. The ratio the City of London strategy watches,
    "fewer cases stepped up than stepped down", is ``up / down``.

    Args:
        authority: the authority whose levels the plans' steps name.
        since: count steps on or after this day (None: from the first).
        until: count steps on or before this day (None: to the last).

    Plans that name another authority are not counted: their ids are listed in
    ``other_authority``. Steps naming a level the authority does not have are counted in
    ``unknown_levels`` (validation reports them, EH056).
    """

    def __init__(
        self, authority: Authority, *, since: date | None = None, until: date | None = None
    ) -> None:
        if since is not None and until is not None and until < since:
            raise ValueError(f"until {until} is before since {since}")
        self.authority = authority
        self.since = since
        self.until = until
        self.up = 0
        self.down = 0
        self.other_steps = 0
        self.unknown_levels = 0
        self.plans = 0
        self.other_authority: list[str] = []
        self._moves: Counter[tuple[str, str]] = Counter()

    def add(self, plan: Plan) -> None:
        """Count one plan's steps in the period."""
        if not isinstance(plan, Plan):
            raise TypeError(f"plan must be a Plan, got {type(plan).__name__}")
        if plan.authority is not None and plan.authority != self.authority.id:
            self.other_authority.append(plan.id)
            return
        self.plans += 1
        rank = {lv.id: lv for lv in self.authority.levels}
        for step in plan.steps:
            if (self.since and step.on < self.since) or (self.until and step.on > self.until):
                continue
            before, after = rank.get(step.from_level), rank.get(step.to_level)
            if before is None or after is None:
                self.unknown_levels += 1
                continue
            self._moves[(before.id, after.id)] += 1
            statutory_before = before.response >= Response.SECTION_17
            statutory_after = after.response >= Response.SECTION_17
            if step.direction is StepDirection.STEP_UP and statutory_after and not statutory_before:
                self.up += 1
            elif (
                step.direction is StepDirection.STEP_DOWN
                and statutory_before
                and not statutory_after
            ):
                self.down += 1
            else:
                self.other_steps += 1

    @property
    def ratio(self) -> float | None:
        """Step-ups to children's social care per step-down from it (None: no step-downs)."""
        return self.up / self.down if self.down else None

    @property
    def moves(self) -> dict[tuple[str, str], int]:
        """(from level, to level) -> steps, most first."""
        return dict(sorted(self._moves.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "authority": self.authority.id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "plans": self.plans,
            "stepped_up_to_social_care": self.up,
            "stepped_down_from_social_care": self.down,
            "ratio": self.ratio,
            "other_steps": self.other_steps,
            "unknown_levels": self.unknown_levels,
            "other_authority": list(self.other_authority),
            "moves": [{"from": a, "to": b, "steps": n} for (a, b), n in self.moves.items()],
        }

    def lines(self) -> list[str]:
        """The summary as text."""
        period = ""
        if self.since or self.until:
            period = f" from {self.since or 'the start'} to {self.until or 'the end'}"
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "no step-downs"
        out = [
            f"steps in {self.plans:,} plans under {self.authority.id}{period}: "
            f"{self.up:,} up to children's social care, {self.down:,} down from it "
            f"(up per down: {ratio}); {self.other_steps:,} other steps"
        ]
        if self.unknown_levels:
            out.append(f"  {self.unknown_levels:,} steps name levels {self.authority.id} lacks")
        if self.other_authority:
            out.append(
                f"  {len(self.other_authority):,} plans of other authorities not counted: "
                + ", ".join(self.other_authority[:5])
                + (" ..." if len(self.other_authority) > 5 else "")
            )
        return out
