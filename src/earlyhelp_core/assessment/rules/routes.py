"""Referral routes and requests: a referral comes by a route its authority declares, and
asks for a level the way its pathway expects."""

from __future__ import annotations

from collections.abc import Iterator

from ..._located import did_you_mean
from ...models import Referral
from ...prevention import Response
from .._core import Context, Hit, Severity, hit, rule

WHO = {"self": "families referring themselves", "professional": "professionals"}

ROUTES = "The authority's declared referral routes (its config's `referral_routes`, cited)"


@rule(
    code="EH079",
    title="referral-route-undeclared",
    severity=Severity.ERROR,
    summary="A referral's route is one the authority declares",
    kinds=["referral"],
    citation=ROUTES,
    reads=["referral_routes"],
    requires=["referral_routes"],
)
def route_undeclared(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral whose `route` is not one of the routes its authority declares.

    Why it matters: how a referral arrived decides who picks it up and what the referrer
    is told; a route given as free text cannot be counted or followed up.

    Example that fails::

        route: by-pigeon
    """
    routes = ctx.params.referral_routes.value or ()
    ids = [r.id for r in routes]
    if doc.route in ids:
        return
    yield hit(
        ("route",),
        f"{doc.route!r} is not a referral route of {ctx.authority.id}",
        did_you_mean(doc.route, ids).strip(" ()") or f"routes: {', '.join(ids)}",
        input=doc.route,
    )


@rule(
    code="EH080",
    title="referral-route-not-first-point",
    severity=Severity.WARNING,
    summary="A referral comes by the route meant for its referrer, professionals by the first",
    kinds=["referral"],
    citation=ROUTES,
    reads=["referral_routes"],
    requires=["referral_routes"],
)
def route_not_first_point(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral by a declared route that is not meant for its referrer (a family's own
    referral by a professionals' route, or the reverse), or a professional's referral by
    another route where the authority names a first point of call.

    Why it matters: the first point of call (the City of London's Multi Agency Referral
    Form, say) is where the authority has promised to look first; a referral sent
    elsewhere may wait.

    Example that fails::

        route: front-door
    """
    routes = {r.id: r for r in ctx.params.referral_routes.value or ()}
    route = routes.get(doc.route)
    if route is None:
        return  # EH079
    referrer = "self" if doc.referrer.self_referral else "professional"
    if route.referrers not in ("any", referrer):
        meant = WHO[route.referrers]
        this = "a self-referral" if referrer == "self" else "by a professional"
        yield hit(
            ("route",),
            f"{doc.route!r} is {ctx.authority.id}'s route for {meant}, but this referral is {this}",
            "use the route meant for this referrer",
            input=doc.route,
        )
        return
    first = [r.id for r in routes.values() if r.first_point]
    if referrer == "professional" and first and doc.route not in first:
        yield hit(
            ("route",),
            f"a professional's referral to {ctx.authority.id} goes first by "
            f"{' or '.join(first)}, not {doc.route!r}",
            f"refer by {first[0]}",
            input=doc.route,
        )


PATHWAY = (
    "The authority's graduated pathway (its config's `graduated_pathway`, cited): lower-level "
    "support is tried first, and a request for a statutory response says what was tried"
)


@rule(
    code="EH081",
    title="requested-level-unknown",
    severity=Severity.ERROR,
    summary="A referral's requested level is one of the authority's levels",
    kinds=["referral"],
    citation="The authority's threshold matrix (its config's `levels`)",
)
def requested_level_unknown(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A referral asking for a `requested_level` the authority does not have.

    Why it matters: the front door answers a request for a level it knows; another
    authority's level, or a typo, leaves the request unanswerable as written.

    Example that fails::

        requested_level: level-9
    """
    ids = [lv.id for lv in ctx.authority.levels]
    if doc.requested_level is None or doc.requested_level in ids:
        return
    yield hit(
        ("requested_level",),
        f"{doc.requested_level!r} is not a level of {ctx.authority.id}",
        did_you_mean(doc.requested_level, ids).strip(" ()") or f"levels: {', '.join(ids)}",
        input=doc.requested_level,
    )


@rule(
    code="EH082",
    title="statutory-request-without-support-tried",
    severity=Severity.WARNING,
    summary="A non-urgent request for a statutory level records the support already tried",
    kinds=["referral"],
    citation=PATHWAY,
    reads=["graduated_pathway"],
    requires=["graduated_pathway"],
)
def statutory_request_without_support(doc: Referral, ctx: Context) -> Iterator[Hit]:
    """A request for a section 17 or section 47 level that records no support tried at the
    lower levels, where the authority follows a graduated pathway. Never raised when the
    referral records a significant-harm factor: such a referral is never delayed.

    Why it matters: the pathway tries lower-level help first, and the specialist service
    needs to know what was tried, for how long, and what changed.

    Example that fails::

        requested_level: level-3
    """
    if not ctx.params.graduated_pathway.value or doc.requested_level is None:
        return
    levels = {lv.id: lv for lv in ctx.authority.levels}
    asked = levels.get(doc.requested_level)
    if asked is None or asked.response < Response.SECTION_17 or doc.support_tried:
        return
    words = ctx.authority.vocabulary
    if any(o.factor in words.ids() and words.get(o.factor).significant_harm for o in doc.factors):
        return  # significant harm: refer now, whatever was tried
    yield hit(
        ("support_tried",),
        f"a request for {asked.id} ({asked.response.value}) records no support tried at "
        f"lower levels of {ctx.authority.id}'s graduated pathway",
        "record what was tried (`support_tried`: level, what, when); where there is "
        "reasonable cause to suspect significant harm, refer now and say so",
        input=doc.requested_level,
    )
