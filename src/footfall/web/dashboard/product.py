"""The product pages' JSON endpoints (people, events, funnels, retention, paths, cohorts).

They answer logged-in users of the site only: the bodies are those of the bearer-key
product API (docs/product-analytics.md), sent as `?q=<JSON>`, and the site always comes
from the path, whatever the body says. Reading needs the viewer role; saving and deleting
funnels, cohorts and automations needs the owner role (and, like every POST or DELETE,
the CSRF header, which `security.endpoint` checks). Shared links never mount these: the
answers hold personal data (user ids, traits, e-mail addresses).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from footfall.catalog.sqlite import Site
from footfall.errors import InvalidQuery
from footfall.product.users import page
from footfall.web import saved_queries
from footfall.web.dashboard.live import trait_keys
from footfall.web.dashboard.security import Problem
from footfall.web.dashboard.state import Dashboard

Handler = Callable[[Request], Awaitable[Response]]
QUERIES = ("funnel", "retention", "segmentation", "paths", "users")
SAVED = {"funnels": "funnel", "cohorts": "cohort", "automations": "automation"}
MAX_BODY_BYTES = 64 * 1024
TRAIT_HISTORY = timedelta(days=400)
CSV_LIMIT = 1_000_000


@contextmanager
def bad_request() -> Iterator[None]:
    """An invalid query is the client's mistake: 400 with the JSON path in the message."""
    try:
        yield
    except InvalidQuery as exc:
        raise Problem(400, str(exc)) from exc


def query_arg(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.query_params.get("q", "{}"))
    except ValueError:
        raise Problem(400, "q: expected a product query as JSON") from None
    if not isinstance(body, dict):
        raise Problem(400, "query: expected a JSON object")
    return body


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, "That request is too large.")
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise Problem(400, "body: not valid JSON") from None
    if not isinstance(body, dict):
        raise Problem(400, "body: expected a JSON object")
    return body


def product_handlers(dash: Dashboard) -> list[tuple[str, list[str], Handler]]:
    """(path under /sites/{domain}/api/product, methods, handler) for the URL map."""
    ctx, engine = dash.ctx, dash.product

    def site_of(request: Request, need: str = "viewer") -> Site:
        return dash.site_for(request, request.path_params["domain"], need)[0]

    def query(kind: str) -> Handler:
        async def handler(request: Request) -> Response:
            site = site_of(request)
            body = {**query_arg(request), "site_id": site.domain}
            with bad_request():
                result = await run_in_threadpool(
                    getattr(engine, kind), body, now=ctx.clock(), timezone=site.timezone
                )
            return JSONResponse(result)

        return handler

    async def person(request: Request) -> Response:
        site = site_of(request)
        person_id = request.path_params["person"]
        if not person_id:
            raise Problem(404, "No such person.")
        with bad_request():
            limit, offset = page(dict(request.query_params), default=50)
            result = await run_in_threadpool(
                engine.user, site.domain, person_id, now=ctx.clock(), limit=limit, offset=offset
            )
        return JSONResponse(result)

    async def members(request: Request) -> Response:
        site = site_of(request)
        body = query_arg(request)
        with bad_request():
            limit, offset = page(body.get("pagination") or {}, default=100)
            result = await run_in_threadpool(
                engine.cohort_members,
                site.domain,
                body.get("cohort"),
                now=ctx.clock(),
                limit=limit,
                offset=offset,
            )
        return JSONResponse(result)

    def saved_cohort(request: Request, site: Site) -> int:
        found = saved_queries.saved_id_of(request.path_params["saved_id"])
        if found is None or found not in saved_queries.saved_ids(
            ctx.catalog, site.domain, "cohort"
        ):
            raise Problem(404, "No such saved cohort.")
        return found

    async def members_csv(request: Request) -> Response:
        site = site_of(request)
        cohort_id = saved_cohort(request, site)
        with bad_request():
            found = await run_in_threadpool(
                engine.cohort_members, site.domain, cohort_id, now=ctx.clock(), limit=CSV_LIMIT
            )
        name = f"{site.domain}-cohort-{cohort_id}.csv"
        return Response(
            saved_queries.members_csv(found["people"]),
            media_type="text/csv",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    async def sizes(request: Request) -> Response:
        site = site_of(request)
        cohort_id = saved_cohort(request, site)
        with bad_request():
            interval, points = saved_queries.sizes_params(request.query_params)
            result = await run_in_threadpool(
                engine.cohort_sizes,
                site.domain,
                cohort_id,
                now=ctx.clock(),
                interval=interval,
                points=points,
            )
        return JSONResponse({"results": result})

    async def traits(request: Request) -> Response:
        site = site_of(request)
        since = ctx.clock() - TRAIT_HISTORY
        keys = await run_in_threadpool(trait_keys, ctx.store, site.domain, since)
        return JSONResponse({"keys": keys})

    def saved(kind: str) -> tuple[Handler, Handler, Handler]:
        """List, save and delete handlers for one kind of saved query."""

        async def listing(request: Request) -> Response:
            # Automations name webhook URLs and recipients: configuration, for owners only.
            site = site_of(request, "owner" if kind == "automation" else "viewer")
            return JSONResponse(saved_queries.listing(ctx.catalog, site.domain, kind))

        async def save(request: Request) -> Response:
            site = site_of(request, "owner")
            body = await json_body(request)
            with bad_request():
                answer = saved_queries.save(ctx.catalog, site.domain, kind, body)
            return JSONResponse(answer, 201)

        async def delete(request: Request) -> Response:
            site = site_of(request, "owner")
            raw_id = request.path_params["saved_id"]
            if not saved_queries.delete(ctx.catalog, site.domain, kind, raw_id):
                raise Problem(404, f"No such saved {kind}.")
            return Response(status_code=204)

        return listing, save, delete

    GET, POST, DELETE = ["GET"], ["POST"], ["DELETE"]
    routes: list[tuple[str, list[str], Handler]] = [
        *((f"/{kind}", GET, query(kind)) for kind in QUERIES),
        ("/users/{person:path}", GET, person),
        ("/cohort", GET, members),
        ("/traits", GET, traits),
        ("/cohorts/{saved_id}/members.csv", GET, members_csv),
        ("/cohorts/{saved_id}/sizes", GET, sizes),
    ]
    for kinds, kind in SAVED.items():
        listing, save, delete = saved(kind)
        routes += [
            (f"/{kinds}", GET, listing),
            (f"/{kinds}", POST, save),
            (f"/{kinds}/{{saved_id}}", DELETE, delete),
        ]
    return routes
