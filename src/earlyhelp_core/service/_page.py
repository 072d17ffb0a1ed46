"""The practitioners' page: decide a family's level from the needs ticked, and check a
document, in a browser, served by the same process as the JSON API.

Server-rendered (Jinja2, autoescaped), no JavaScript: every flow is a plain HTML form.
The page collects needs only, never names or dates of birth; what is posted is never
logged. It is kept out of the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any, Final

import attrs
import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import vocabulary
from .._errors import LoadError, Problem, render_path
from .._reader import Format, read_text
from .._version import __version__
from ..assessment._core import Report, validate
from ..models import Assessment, parse_document
from ..thresholds import Authority, Decision, explain
from ..vocabulary import DIMENSIONS, Dimension, Domain, Factor
from ._served import Limits, Served

__all__ = ["page_router"]

DOMAIN_TITLES: Final = {
    Domain.CHILD_DEVELOPMENT: "The child's developmental needs",
    Domain.PARENTING_CAPACITY: "Parenting capacity",
    Domain.FAMILY_AND_ENVIRONMENT: "Family and environmental factors",
}
"""The assessment triangle's three sides, as the Assessment Framework names them."""

_DIMENSION_TITLES: Final = {Dimension.SELF_CARE_SKILLS: "Self-care skills"}

PASTED: Final = "pasted document"
UPLOADED: Final = "uploaded file"
"""The names a checked document's problems and findings give it."""

_HEADERS: Final = {
    # no script at all; styles and form posts to this service only
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # a result holds a family's needs: not kept by the browser or anything between
    "Cache-Control": "no-store",
}

_REASON_WORDS: Final = {
    "mapping": "the authority's matrix places this need at this level",
    "cell": "the description of the need that was chosen",
    "default-cell": "no description was chosen, so the authority's default one counts; "
    "choose the one that fits",
    "no-factors": "no needs were ticked: the lowest level",
}


def _dimension_title(dimension: Dimension) -> str:
    return _DIMENSION_TITLES.get(dimension, dimension.value.replace("-", " ").capitalize())


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("earlyhelp_core.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _factor_title(factor_id: str) -> str:
    return vocabulary.get(factor_id).title if factor_id in vocabulary.ids() else factor_id


# --------------------------------------------------------------------------- the needs


@attrs.frozen
class _Choice:
    """What a practitioner chose in the decide form: an authority, needs and cells."""

    authority: Authority
    needs: tuple[str, ...] = ()
    cells: Mapping[str, str] = attrs.field(factory=dict)
    notices: tuple[str, ...] = ()


def _choice(served: Served, form: Mapping[str, Any], needs: Iterable[str]) -> _Choice:
    """The choice a form makes, keeping only needs of the vocabulary and cells the
    authority has (vocabulary order)."""
    notices: list[str] = []
    chosen_id = str(form.get("authority") or served.ids[0])
    authority = served.authorities.get(chosen_id)
    if authority is None:
        authority = served.authorities[served.ids[0]]
        notices.append(
            f"That authority is not served here, so {authority.name} is shown. "
            "Choose one from the list."
        )
    given = {n for n in needs if isinstance(n, str)}
    known = vocabulary.ids()
    if not given <= known:
        notices.append(
            f"{len(given - known)} of the needs sent are not in the national vocabulary "
            "and were left out."
        )
    ticked = tuple(f.id for f in vocabulary.factors() if f.id in given)
    cells: dict[str, str] = {}
    for factor, options in authority.cells.items():
        picked = form.get(f"cell-{factor}")
        if not picked or not isinstance(picked, str):
            continue
        if picked not in {c.level for c in options}:
            continue
        if factor in ticked:
            cells[factor] = picked
        else:
            notices.append(
                f"A description was chosen for “{_factor_title(factor)}” but the need was "
                "not ticked, so it was not counted."
            )
    return _Choice(authority, ticked, cells, tuple(notices))


def assessment_of(needs: Sequence[str], cells: Mapping[str, str]) -> Assessment:
    """The smallest assessment that holds these needs (each about the whole family, at
    the cell named where one is): no names, no dates of birth, one parent member so that
    the family is valid."""
    data = {
        "kind": "early-help-assessment",
        "id": "EHA-PAGE",
        "assessed_on": date.today().isoformat(),
        "family": {"id": "F-PAGE", "members": [{"id": "p1", "role": "parent"}]},
        "factors": [
            {"factor": need, **({"cell": cells[need]} if need in cells else {})} for need in needs
        ],
    }
    doc = parse_document(data, source="<page>")
    assert isinstance(doc, Assessment)
    return doc


def _groups(choice: _Choice) -> list[dict[str, Any]]:
    """The vocabulary by domain and dimension, each factor with its state in the form and
    the authority's cells for it."""
    by_dimension: dict[Dimension, list[Factor]] = {}
    for factor in vocabulary.factors():
        by_dimension.setdefault(factor.dimension, []).append(factor)
    authority = choice.authority
    groups = []
    for domain, dimensions in DIMENSIONS.items():
        dims = []
        for dimension in dimensions:
            factors = []
            for factor in by_dimension.get(dimension, ()):
                cells = authority.cells.get(factor.id, ())
                default = authority.placements.get(factor.id)
                factors.append(
                    {
                        "id": factor.id,
                        "title": factor.title,
                        "description": factor.description,
                        "significant_harm": factor.significant_harm,
                        "ticked": factor.id in choice.needs,
                        "cell": choice.cells.get(factor.id, ""),
                        "default": default.title if default is not None else None,
                        "cells": [
                            {
                                "level": c.level,
                                "title": authority.level(c.level).title,
                                "text": c.text,
                            }
                            for c in cells
                        ],
                    }
                )
            if factors:
                title = _dimension_title(dimension)
                dims.append({"id": dimension.value, "title": title, "factors": factors})
        groups.append({"id": domain.value, "title": DOMAIN_TITLES[domain], "dimensions": dims})
    return groups


# --------------------------------------------------------------------------- a decision


def _need_words(need: Any, authority: Authority) -> str:
    words = _factor_title(need.factor)
    if need.cell:
        words += f" (at the “{authority.level(need.cell).title}” description)"
    if need.significant_harm:
        words += " — significant harm: resolved only when enquiries find the child safe"
    return words


def _changes(decision: Decision, authority: Authority) -> dict[str, Any]:
    """What would change the level, in words: for each lower level, the needs to resolve;
    the needs that would each take it up one level."""
    explanation = decision.explanation
    assert explanation is not None
    down: list[dict[str, Any]] = []
    shown: list[list[str]] = []
    for step in explanation.down:
        sets = [[_need_words(n, authority) for n in o.needs] for o in step.options]
        if sets and sets == shown and step.complete:
            continue
        shown = sets
        down.append({"target": step.target.title, "options": sets, "complete": step.complete})
    up = None
    if explanation.up is not None:
        up = {
            "level": explanation.up.level.title,
            "additions": [
                ", ".join(_need_words(n, authority) for n in a.needs)
                for a in explanation.up.additions
            ],
        }
    return {"level": explanation.level.title, "down": down, "up": up}


def _reason(reason: Any, authority: Authority) -> dict[str, Any]:
    kind = reason.kind.value
    if kind == "escalation":
        count = len(reason.factors)
        words = f"escalation rule {reason.rule_id}: {count} needs together take it to this level"
    else:
        words = _REASON_WORDS[kind]
    return {
        "needs": [_factor_title(f) for f in reason.factors],
        "level": authority.level(reason.level).title,
        "words": words,
        "cell": reason.cell,
        "default_cell": kind == "default-cell",
        "source": reason.source,
    }


def _decided(served: Served, choice: _Choice) -> dict[str, Any]:
    authority = choice.authority
    doc = assessment_of(choice.needs, choice.cells)
    decision = explain(authority, doc)
    level = decision.level
    harm = [vocabulary.get(n).title for n in choice.needs if vocabulary.get(n).significant_harm]
    compared = []
    for other in served.authorities.values():
        theirs = decision if other is authority else other.classify(doc)
        compared.append(
            {
                "id": other.id,
                "name": other.name,
                "chosen": other is authority,
                "level": theirs.level.title,
                "prevention": theirs.prevention.value,
                "response": theirs.response.value,
            }
        )
    return {
        "authority": authority.name,
        "authority_id": authority.id,
        "version": authority.version,
        "needs": [_factor_title(n) for n in choice.needs],
        "harm": harm,
        "level": level.title,
        "level_id": level.id,
        "description": level.description,
        "prevention": decision.prevention.value,
        "response": decision.response.value,
        "family_can_expect": level.family_can_expect,
        "next_step": decision.next_step,
        "next_step_source": level.next_step_source,
        "reasons": [_reason(r, authority) for r in decision.reasons],
        "considerations": [
            {"message": c.message, "source": c.source} for c in decision.considerations
        ],
        "unmapped": [_factor_title(f) for f in decision.unmapped_factors],
        "changes": _changes(decision, authority),
        "compared": compared,
    }


# --------------------------------------------------------------------------- a document


def _sniff(text: str, filename: str | None) -> Format:
    name = (filename or "").lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def _problem_view(problem: Problem) -> dict[str, Any]:
    return {
        "where": _where(problem.line, problem.col),
        "path": render_path(problem.path),
        "message": problem.message,
    }


def _where(line: int | None, col: int | None) -> str:
    if line is None:
        return "—"
    return f"line {line}" + (f", column {col}" if col is not None else "")


def _report_view(report: Report, authority: Authority) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "id": report.id,
        "authority": authority.name,
        "version": report.version,
        "ok": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "findings": [
            {
                "code": f.code,
                "severity": f.severity.value,
                "where": _where(f.line, f.col),
                "line_col": f"{f.line}:{f.col}" if f.line is not None else None,
                "path": render_path(f.path),
                "message": f.message,
                "hint": f.hint,
                "citation": f.citation,
                "url": f.url,
            }
            for f in report.findings
        ],
        "not_checked": [
            {"code": n.code, "title": n.title, "reason": n.reason} for n in report.not_checked
        ],
    }


def _checked(
    *,
    refused: str | None = None,
    source: str = PASTED,
    notes: Sequence[str] = (),
    unreadable: Sequence[dict[str, Any]] = (),
    report: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What the check shows: why it was refused, the problems reading the document, or
    its report."""
    return {
        "refused": refused,
        "source": source,
        "notes": list(notes),
        "unreadable": list(unreadable),
        "report": report,
    }


def _decode(raw: bytes, source: str) -> str:
    """Text of an uploaded file: UTF-8 (a byte-order mark is dropped), else a problem."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        raise LoadError(
            [
                Problem(
                    f"the file is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8",
                    (),
                    source,
                    line,
                    None,
                    "encoding",
                )
            ]
        ) from None


def _too_large(size: int, limit: int) -> str:
    return (
        f"The document is too large to check: {size:,} bytes, and this service takes "
        f"documents of up to {limit:,} bytes (its max_body_bytes limit; whoever runs the "
        "service sets it with earlyhelp serve --max-body-bytes)."
    )


@attrs.frozen
class _File:
    """An uploaded file: its name (for its format only; never shown or logged) and bytes."""

    name: str
    raw: bytes


def _check(
    authority: Authority, pasted: str, file: _File | None, limit: int
) -> tuple[int, dict[str, Any]]:
    """The status and what the page shows for a document checked under ``authority``:
    the uploaded file if there is one, else the pasted text."""
    source = UPLOADED if file is not None else PASTED
    size = len(file.raw) if file is not None else len(pasted.encode("utf-8"))
    if size > limit:
        return 413, _checked(refused=_too_large(size, limit), source=source)
    notes = []
    if file is not None and pasted.strip():
        notes.append("You gave a file and pasted text: the file was checked.")
    try:
        text = _decode(file.raw, source) if file is not None else pasted
        if not text.strip():
            nothing = "There was nothing to check: paste a document or choose a file."
            return 422, _checked(refused=nothing, source=source)
        loaded = read_text(text, source=source, fmt=_sniff(text, file.name if file else None))
        doc = parse_document(loaded.data, source=source, where=loaded.where)
    except LoadError as exc:
        unreadable = [_problem_view(p) for p in exc.problems]
        return 422, _checked(source=source, notes=notes, unreadable=unreadable)
    report = validate(authority, doc, where=loaded.where.locate, file=source)
    return 200, _checked(source=source, notes=notes, report=_report_view(report, authority))


# --------------------------------------------------------------------------- the router


def page_router(served: Served, limits: Limits) -> APIRouter:
    """The practitioners' page: ``GET /`` shows it, ``POST /page/show`` shows it for
    another authority with the needs ticked so far, ``POST /page/decide`` decides a
    family's level from the needs ticked, ``POST /page/check`` checks a pasted or uploaded
    document, ``GET /page/page.css`` is its style sheet. None of it is in the OpenAPI
    document."""
    router = APIRouter(include_in_schema=False)
    env = _environment()
    page = env.get_template("page.html")
    style = resources.files("earlyhelp_core.service").joinpath("static/page.css").read_bytes()

    def render(
        choice: _Choice,
        *,
        status: int = 200,
        decided: dict[str, Any] | None = None,
        checked: dict[str, Any] | None = None,
        check_authority: str | None = None,
        pasted: str = "",
    ) -> HTMLResponse:
        body = page.render(
            version=__version__,
            authorities=[{"id": a.id, "name": a.name} for a in served.authorities.values()],
            chosen=choice.authority,
            groups=_groups(choice),
            notices=list(choice.notices),
            decided=decided,
            checked=checked,
            check_authority=check_authority or choice.authority.id,
            pasted=pasted,
            limit=limits.max_body_bytes,
        )
        return HTMLResponse(body, status_code=status, headers=_HEADERS)

    async def read_form(request: Request, **bounds: Any) -> FormData | str:
        """The posted form, or why it could not be read (in words)."""
        try:
            return await request.form(**bounds)
        except StarletteHTTPException as exc:
            return f"The form could not be read: {exc.detail}"
        except Exception as exc:
            # the service's body limits refusing a body as it arrives (too large, too
            # slow): the refusal carries its problems, each naming the limit
            problems = getattr(exc, "problems", None)
            if not problems:
                raise
            return " ".join(str(p.message) for p in problems)

    @router.get("/", response_class=HTMLResponse)
    async def page_for(request: Request) -> HTMLResponse:
        # the authority may be in the address (a bookmark); needs never are
        params = request.query_params
        choice = _choice(served, {"authority": params.get("authority")}, ())
        unknown = "authority" in params and params["authority"] not in served.authorities
        return render(choice, status=404 if unknown else 200)

    async def posted(request: Request) -> _Choice | HTMLResponse:
        form = await read_form(request, max_files=0, max_fields=2_000)
        if isinstance(form, str):
            choice = _choice(served, {}, ())
            return render(attrs.evolve(choice, notices=(form,)), status=413)
        return _choice(served, form, (v for v in form.getlist("need") if isinstance(v, str)))

    @router.post("/page/show", response_class=HTMLResponse)
    async def show(request: Request) -> HTMLResponse:
        """The form for another authority, with the needs ticked so far (posted, so
        that they stay out of addresses, histories and access logs)."""
        choice = await posted(request)
        return choice if isinstance(choice, HTMLResponse) else render(choice)

    @router.post("/page/decide", response_class=HTMLResponse)
    async def decide(request: Request) -> HTMLResponse:
        choice = await posted(request)
        if isinstance(choice, HTMLResponse):
            return choice
        decided = await run_in_threadpool(_decided, served, choice)
        return render(choice, decided=decided)

    @router.post("/page/check", response_class=HTMLResponse)
    async def check(request: Request) -> HTMLResponse:
        form = await read_form(
            request, max_files=1, max_fields=10, max_part_size=limits.max_body_bytes
        )
        if isinstance(form, str):
            choice = _choice(served, {}, ())
            return render(choice, status=413, checked=_checked(refused=form))
        choice = _choice(served, {"authority": form.get("authority")}, ())
        pasted = form.get("document")
        pasted = pasted if isinstance(pasted, str) else ""
        upload = form.get("file")
        file: _File | None = None
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                file = _File(upload.filename, await upload.read(limits.max_body_bytes + 1))
        finally:
            await form.close()  # an upload's temporary file goes at once
        status, checked = await run_in_threadpool(
            _check, choice.authority, pasted, file, limits.max_body_bytes
        )
        authority = choice.authority.id
        return render(
            choice, status=status, checked=checked, check_authority=authority, pasted=pasted
        )

    @router.get("/page/page.css")
    async def stylesheet() -> Response:
        return Response(
            style,
            media_type="text/css",
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    return router
