"""Referral routes: a referral comes by a route its authority declares."""

from __future__ import annotations

from collections.abc import Iterator

from ..._located import did_you_mean
from ...models import Referral
from .._core import Context, Hit, Severity, hit, rule

WHO = {"self": "families referring themselves", "professional": "professionals"}

ROUTES = "The authority's declared referral routes (its config's `referral_routes`, cited)"


@rule(
    code="EH079",
    title="referral-route-undeclared",
    severity=Severity.ERROR,
    summary="A referral's route is one the authority declares",
    kinds=["referral"],
    source=ROUTES,
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
    source=ROUTES,
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
