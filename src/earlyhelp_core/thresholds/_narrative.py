"""A decision told in words: the text ``earlyhelp assess`` prints, for any front end."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ._matrix import ReasonKind

if TYPE_CHECKING:
    from ..models import Assessment
    from ._matrix import Authority, Decision

__all__ = ["narrative"]


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        " ".join(text.split()), width=96, initial_indent=indent, subsequent_indent=indent
    )


def narrative(d: Decision, doc: Assessment, authority: Authority) -> str:
    """A decision as a practitioner reads it: the level and what it means, the
    considerations right beside it (so no level's wording, such as "a referral is not
    required", is read without them), why (each reason with its source, and the indicator
    cell where one applies), the practitioner's recorded level beside the matrix's, and the
    next step. ``earlyhelp assess`` prints it; a service or a page can show the same text.

    Args:
        d: the decision, from ``authority.classify(doc)``.
        doc: the assessment it decides.
        authority: the matrix that made it.
    """
    lv = d.level
    lines = [
        f"{doc.id}: family {doc.family.id} under {authority.name} "
        f"({authority.id} {authority.version}, config {d.fingerprint[:12]})",
        "",
        f"Level: {lv.title} [{lv.id}, rank {lv.rank}]",
        f"  prevention: {d.prevention.value}; response: {d.response.value}",
        _wrap(lv.description),
    ]
    named = [
        f"{what}: {label}"
        for what, label in (("assessment", lv.assessment_label), ("plan", lv.plan_label))
        if label
    ]
    if named:
        lines.append(f"  {authority.name} calls the documents here: {'; '.join(named)}")
    if d.considerations:
        lines += ["", "Consider (the level is not changed by these):"]
        for item in d.considerations:
            lines.append(_wrap(f"! {item.message}", "  "))
            lines.append(_wrap(f"source: {item.source}", "      "))
        lines.append("")
    if lv.family_can_expect:
        lines += ["  What the family can expect:", _wrap(lv.family_can_expect, "    ")]
    lines += ["", "Why:"]
    for reason in d.reasons:
        what = ", ".join(reason.factors) or "no needs factors recorded"
        lines.append(f"  - {what} -> {reason.level} ({reason.rule})")
        if reason.cell is not None:
            lines.append(_wrap(f"cell: {reason.cell}", "      "))
        if reason.kind is ReasonKind.DEFAULT_CELL:
            lines.append(
                _wrap(
                    "no cell named for this need: the authority's default; choose the cell "
                    "that fits (`cell:` in the assessment)",
                    "      ",
                )
            )
        lines.append(_wrap(f"source: {reason.source}", "      "))
    if d.unmapped_factors:
        lines.append(f"  - not in this matrix, so not counted: {', '.join(d.unmapped_factors)}")
    if doc.recorded_level is not None:
        recorded = doc.recorded_level.level
        lines += ["", f"Practitioner's recorded level: {recorded} ({d.judgement.value})"]
        if d.recorded_level is None:
            lines.append(
                f"  {recorded!r} is not a level of {authority.id}"
                + (f" (the assessment names {doc.authority!r})" if doc.authority else "")
            )
        if d.computed_level.id != lv.id:
            lines.append(f"  the matrix alone gives {d.computed_level.id}")
        if d.judgement.value in {"lower", "below-safety-floor"}:
            lines.append(
                f"  the recorded level is below the matrix's {d.computed_level.id}: "
                "discuss it; the decision keeps the higher level"
            )
    lines += ["", "Next step:", _wrap(d.next_step)]
    if lv.next_step_source:
        lines.append(_wrap(f"source: {lv.next_step_source}", "    "))
    return "\n".join(lines)
