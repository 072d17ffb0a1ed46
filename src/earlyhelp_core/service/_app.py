"""The JSON API: the library's decisions and reports over HTTP, for systems that are not
Python (case-management systems, referral portals, front doors).

Stateless: every answer depends only on the request and the authorities the operator
chose at start. A request names an authority by id and never makes the service read a
file. Bad input gets a 4xx with the same located problems the command line prints, never
a stack trace; nothing from a request body is logged.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any, Final

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .. import vocabulary
from .._errors import DocumentError, LoadError, Problem, UnknownIdError
from .._reader import Format, SourceMap, read_bytes
from .._schemas import SCHEMAS, schema
from .._version import __version__
from ..assessment._core import validate
from ..cohorts import JsonLines, classify_many
from ..cohorts._records import read_jsonl
from ..models import Assessment, Document, parse_document
from ..thresholds import Authority, explain
from . import _wire
from ._page import page_router
from ._served import Limits, Served

__all__ = ["REQUEST", "create_app"]

log = logging.getLogger("earlyhelp_core.service")

REQUEST: Final = "<request>"
"""The name problems give the body of a request, where the command line gives a file."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_JSON_TYPES: Final = frozenset({"application/json", ""})
_YAML_TYPES: Final = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})
_JSONL_TYPES: Final = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/jsonlines", "text/plain"}
)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class Refused(Exception):
    """A request the service will not take, with its status and located problems."""

    def __init__(self, status: int, problems: list[Problem]) -> None:
        super().__init__(status)
        self.status = status
        self.problems = problems


def _problem(message: str, kind: str, path: tuple[str | int, ...] = ()) -> Problem:
    return Problem(message, path, REQUEST, None, None, kind)


def _failure(status: int, problems: list[Problem]) -> JSONResponse:
    body = {"status": status, "problems": [p.to_dict() for p in problems]}
    return JSONResponse(body, status_code=status)


def _refusal_page(status: int, problems: list[Problem]) -> HTMLResponse:
    """A refusal for the practitioners' page, which a browser shows as a page."""
    items = "".join(f"<li>{html.escape(p.message)}</li>" for p in problems)
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Not checked: too large</title></head><body><main>"
        f"<h1>Not checked</h1><ul>{items}</ul>"
        '<p><a href="/">Back to the page</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status)


# --------------------------------------------------------------------------- body limits


class _BodyLimit:
    """Refuses a body over its limit (413) or one that arrives too slowly (408), before
    the route reads it whole. The limit is :attr:`Limits.max_batch_bytes` for
    ``assess:batch`` and :attr:`Limits.max_body_bytes` for everything else."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        batch = str(scope["path"]).endswith(":batch")
        limit = self.limits.max_batch_bytes if batch else self.limits.max_body_bytes
        name = "max_batch_bytes" if batch else "max_body_bytes"
        for key, value in scope.get("headers", ()):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                refuse = _refusal_page if str(scope["path"]).startswith("/page/") else _failure
                await refuse(413, [_too_large(limit, name)])(scope, receive, send)
                return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.body_seconds
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.001))
            except TimeoutError:
                seconds = self.limits.body_seconds
                problem = _problem(
                    f"the body did not arrive within {seconds:g} seconds "
                    "(limit body_seconds; the operator sets it: earlyhelp serve --body-seconds)",
                    "too-slow",
                )
                raise Refused(408, [problem]) from None
            seen += len(message.get("body", b""))
            if seen > limit:
                raise Refused(413, [_too_large(limit, name)])
            return message

        await self.app(scope, limited, send)


def _too_large(limit: int, name: str) -> Problem:
    flag = name.replace("_", "-")
    return _problem(
        f"the body is over {limit:,} bytes (limit {name}; the operator sets it: "
        f"earlyhelp serve --{flag})",
        "too-large",
    )


# --------------------------------------------------------------------------- reading


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _document(request: Request, authority: Authority) -> tuple[Document, SourceMap]:
    """The body as a document (JSON, or YAML by its content type), located problems
    otherwise."""
    media = _media_type(request)
    fmt: Format
    if media in _JSON_TYPES:
        fmt = "json"
    elif media in _YAML_TYPES:
        fmt = "yaml"
    else:
        message = f"cannot read a body of type {media!r}: send application/json or application/yaml"
        raise Refused(415, [_problem(message, "media-type")])
    limits: Limits = request.app.state.limits
    raw = await request.body()
    try:
        # the reader's own decoding: a byte that is not UTF-8 is located at its line and
        # column, an empty body is said to be empty, as for a file
        loaded = read_bytes(
            raw, source=REQUEST, fmt=fmt, error=DocumentError, max_bytes=limits.max_body_bytes
        )
    except DocumentError as exc:
        status = 400 if any(p.kind == "encoding" for p in exc.problems) else 422
        raise Refused(status, list(exc.problems)) from None
    doc = parse_document(
        loaded.data, source=REQUEST, where=loaded.where, vocabulary=authority.vocabulary
    )
    return doc, loaded.where


def _lines(body: bytes) -> Iterator[bytes]:
    """The body's lines, as a file gives them (a last newline ends a line, it does not
    start an empty one)."""
    start = 0
    while start < len(body):
        end = body.find(b"\n", start)
        if end < 0:
            yield body[start:]
            return
        yield body[start : end + 1]
        start = end + 1


# --------------------------------------------------------------------------- the app


def _decision_body(decision: Any, doc_id: str | None) -> dict[str, Any]:
    return {"id": doc_id, **decision.to_dict()}


def _summary(authority: Authority) -> dict[str, Any]:
    config = authority.config
    return {
        "id": authority.id,
        "name": authority.name,
        "version": authority.version,
        "effective_from": config.effective_from.isoformat(),
        "effective_to": config.effective_to.isoformat() if config.effective_to else None,
        "fingerprint": authority.fingerprint,
        "vocabulary": authority.provenance.vocabulary,
        "levels": [level.id for level in authority.levels],
    }


def _failures(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": _wire.Failure} for status in statuses}


def _body_schema(*names: str) -> dict[str, Any]:
    refs = [{"$ref": f"#/components/schemas/{_DOC_PREFIX}{SCHEMAS[n].__name__}"} for n in names]
    body = refs[0] if len(refs) == 1 else {"oneOf": refs}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": body}, "application/yaml": {"schema": body}},
        }
    }


_DOC_PREFIX: Final = "Document."
"""Component names of the request documents' schemas (kept apart from the responses')."""


def _document_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for model in (SCHEMAS["assessment"], SCHEMAS["plan"], SCHEMAS["referral"]):
        body = model.model_json_schema(
            by_alias=True,
            mode="validation",
            ref_template=f"#/components/schemas/{_DOC_PREFIX}{{model}}",
        )
        for name, definition in body.pop("$defs", {}).items():
            components[f"{_DOC_PREFIX}{name}"] = definition
        components[f"{_DOC_PREFIX}{model.__name__}"] = body
    return components


def create_app(served: Served | None = None, *, limits: Limits | None = None) -> FastAPI:
    """The service as an ASGI application.

    Args:
        served: the authorities it decides under (all bundled and installed ones by
            default), chosen by the operator: a request only names one by id.
        limits: what one request may cost (:class:`Limits` by default).
    """
    served = served if served is not None else Served.load()
    limits = limits if limits is not None else Limits()
    app = FastAPI(
        # no interactive docs pages: they load their scripts from a CDN, which a closed
        # network cannot reach; the OpenAPI document is served and committed instead
        docs_url=None,
        redoc_url=None,
        title="earlyhelp_core",
        version=__version__,
        summary="Decide and check early help for children and families under English local "
        "authorities' thresholds of need.",
        openapi_tags=[
            {"name": "decide", "description": "Assess and validate documents."},
            {"name": "read", "description": "The served authorities, vocabulary and schemas."},
        ],
    )
    app.state.served = served
    app.state.limits = limits
    _errors(app)
    _read_routes(app, served)
    _decide_routes(app, served, limits)
    app.include_router(page_router(served, limits))
    _openapi(app)
    app.add_middleware(_Guard)
    app.add_middleware(_BodyLimit, limits=limits)
    app.add_middleware(_RequestId)
    return app


class _Guard:
    """The last word on a request that failed inside the service: a 500 with one line,
    and a log line naming the exception's type and the route, never its message or a
    traceback (either may hold what was sent). A client that went away is not an error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            log.info("client went away in %s %s", scope["method"], _route(scope))
        except Exception as exc:  # the boundary: nothing escapes to the server log
            log.error(
                "internal error in %s %s: %s", scope["method"], _route(scope), type(exc).__name__
            )
            if not started:
                problem = _problem("internal error; the service's log names it", "internal")
                await _failure(500, [problem])(scope, receive, send)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", "?"))


class _RequestId:
    """Echoes a caller's ``X-Request-ID`` (when it is a plain token), so that a client
    can match each answer to its request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope.get("headers", ()) if k == b"x-request-id"), None)
        if given is None or not _REQUEST_ID.fullmatch(given.decode("latin-1")):
            await self.app(scope, receive, send)
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", given)]
            await send(message)

        await self.app(scope, receive, tagged)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return _failure(exc.status, exc.problems)

    @app.exception_handler(LoadError)
    async def unreadable(_: Request, exc: LoadError) -> JSONResponse:
        return _failure(422, list(exc.problems))

    @app.exception_handler(UnknownIdError)
    async def unknown(_: Request, exc: UnknownIdError) -> JSONResponse:
        return _failure(404, [_problem(str(exc), "unknown-id")])

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = tuple(str(p) for p in error.get("loc", ()))
            problems.append(_problem(f"{error.get('msg', 'invalid')}", "parameter", where))
        return _failure(422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "no such resource" if exc.status_code == 404 else str(exc.detail)
        return _failure(exc.status_code, [_problem(message, "http")])


def _read_routes(app: FastAPI, served: Served) -> None:
    @app.get("/health", tags=["read"], response_model=_wire.Health)
    async def health() -> dict[str, Any]:
        """The service is up, and which authorities it serves."""
        return {"status": "ok", "version": __version__, "authorities": list(served.ids)}

    @app.get("/authorities", tags=["read"], response_model=list[_wire.AuthoritySummary])
    async def authorities() -> list[dict[str, Any]]:
        """The served authorities: id, name, version, dates, fingerprint, levels."""
        return [_summary(a) for a in served.authorities.values()]

    @app.get(
        "/authorities/{authority}",
        tags=["read"],
        response_model=_wire.AuthorityDetail,
        responses=_failures(404),
    )
    async def authority_detail(authority: str) -> Response:
        """An authority's matrix: its config with every source, and what it compiles to."""
        found = served.get(authority)
        body = {
            "summary": _summary(found),
            "placements": {f: level.id for f, level in sorted(found.placements.items())},
            "config": found.config.model_dump(mode="json", by_alias=True),
        }
        return JSONResponse(body)

    @app.get(
        "/translate",
        tags=["read"],
        response_model=_wire.TranslationOut,
        responses=_failures(404, 422),
    )
    async def translate(
        source: str = Query(alias="from", description="the authority the level is from"),
        level: str = Query(description="the level's id in that authority"),
        target: str = Query(alias="to", description="the authority to express it in"),
    ) -> JSONResponse:
        """A level of one served authority in another's levels, with how good the match is."""
        result = served.get(source).translate(level, to=served.get(target))
        return JSONResponse(result.to_dict())

    @app.get("/vocabulary", tags=["read"], response_model=_wire.VocabularyOut)
    async def vocabulary_list() -> JSONResponse:
        """The national needs vocabulary every served matrix is compiled against."""
        body = {
            "version": vocabulary.version(),
            "factors": [f.model_dump(mode="json") for f in vocabulary.factors()],
        }
        return JSONResponse(body)

    @app.get("/schemas/{name}", tags=["read"], responses=_failures(404))
    async def schema_of(name: str) -> JSONResponse:
        """The JSON Schema of a document or config: assessment, plan, referral,
        authority, vocabulary."""
        if name not in SCHEMAS:
            known = ", ".join(sorted(SCHEMAS))
            message = f"no schema {name[:64]!r} (known: {known})"
            raise Refused(404, [_problem(message, "unknown-id")])
        return JSONResponse(schema(name))


def _decide_routes(app: FastAPI, served: Served, limits: Limits) -> None:
    @app.post(
        "/authorities/{authority}/assess",
        tags=["decide"],
        responses={200: {"model": _wire.DecisionOut}, **_failures(404, 408, 413, 415, 422)},
        openapi_extra=_body_schema("assessment"),
    )
    async def assess(
        request: Request,
        authority: str,
        explained: bool = Query(
            True,
            alias="explain",
            description="say what would change the level (set false for the decision alone)",
        ),
    ) -> JSONResponse:
        """Decide an assessment's level under the authority: the level, prevention level,
        response, reasons with their sources, considerations, the next step, and (unless
        `explain=false`) what would change the level."""
        found = served.get(authority)
        doc, _ = await _document(request, found)
        if not isinstance(doc, Assessment):
            message = f"is a {doc.kind}; only an early-help-assessment can be assessed"
            raise Refused(422, [_problem(message, "kind", ("kind",))])
        if explained:
            decision = await run_in_threadpool(explain, found, doc)
        else:
            decision = found.classify(doc)
        return JSONResponse(_decision_body(decision, doc.id))

    @app.post(
        "/authorities/{authority}/validate",
        tags=["decide"],
        responses={200: {"model": _wire.ReportOut}, **_failures(404, 408, 413, 415, 422)},
        openapi_extra=_body_schema("assessment", "plan", "referral"),
    )
    async def validate_document(request: Request, authority: str) -> JSONResponse:
        """Check an assessment, plan or referral against the authority's policy: the
        findings (each located in the body), and the rules that could not run."""
        found = served.get(authority)
        doc, where = await _document(request, found)
        report = await run_in_threadpool(
            lambda: validate(found, doc, where=where.locate, file=REQUEST)
        )
        return JSONResponse(report.to_dict())

    @app.post(
        "/authorities/{authority}/assess:batch",
        tags=["decide"],
        responses={
            200: {
                "description": "One JSON object per line, in the order of the records: "
                "a BatchRecord.",
                "content": {
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/BatchRecord"}}
                },
            },
            **_failures(404, 408, 413, 415),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-ndjson": {
                        "schema": {
                            "type": "string",
                            "description": "JSON Lines: one early-help-assessment per line",
                        }
                    }
                },
            }
        },
    )
    async def assess_batch(
        request: Request, authority: str, texts: bool = False
    ) -> StreamingResponse:
        """Decide a cohort sent as JSON Lines: one line out per line in, in order. A line
        that cannot be read gets its located problems (with its line number) and the
        others go on. Each level is its id, title, rank, prevention and response;
        ``?texts=true`` adds its texts to every record (``GET /authorities/{id}`` gives
        them once)."""
        found = served.get(authority)
        media = _media_type(request)
        if media not in _JSONL_TYPES:
            message = f"cannot read a body of type {media!r}: send application/x-ndjson"
            raise Refused(415, [_problem(message, "media-type")])
        body = await request.body()
        count = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
        if count > limits.max_batch_records:
            message = (
                f"{count:,} records is over the limit of {limits.max_batch_records:,} "
                "(limit max_batch_records; the operator sets it: "
                "earlyhelp serve --max-batch-records)"
            )
            raise Refused(413, [_problem(message, "too-many")])

        def lines() -> Iterator[bytes]:
            results = classify_many(found, (line for _, line, _ in read_jsonl(_lines(body))))
            encoded = JsonLines(texts=texts)
            for number, result in enumerate(results, start=1):
                if not result.problems:
                    yield (encoded.line(result) + "\n").encode()
                    continue
                out = result.to_dict(texts=texts)  # to name the request as the problems' source
                for problem in out["problems"]:
                    problem["source"] = REQUEST
                    problem["line"] = problem["line"] or number
                yield (encoded.line(result, out) + "\n").encode()

        return StreamingResponse(lines(), media_type="application/x-ndjson")


def _openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            components = document.setdefault("components", {}).setdefault("schemas", {})
            components.update(_document_components())
            components.setdefault("BatchRecord", _wire.BatchRecord.model_json_schema())
            _one_error_shape(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _one_error_shape(document: dict[str, Any]) -> None:
    """Every refusal is a :class:`Failure`: the framework's own validation-error shape,
    which this service never sends, leaves the document."""
    failure = {"$ref": "#/components/schemas/Failure"}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is None:
                continue
            answer["description"] = "The input has problems, each located"
            answer["content"] = {"application/json": {"schema": failure}}
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
