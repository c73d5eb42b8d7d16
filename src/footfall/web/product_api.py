"""The product API: funnels, retention, segmentation, paths, users, saved funnels, cohorts.

Same rules as the Stats API (stats_api.py): `Authorization: Bearer <stats key>`, a key
reads only its own site (403), a missing or unknown key is 401, a token bucket per key
(429 with Retry-After), a bad body is 400 naming the JSON path. Queries run in a worker
thread because the stores block.

Mount with `routes.extend(product_routes(ctx))`; `ctx` needs `store`, `catalog`, `clock()`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from footfall.errors import InvalidQuery
from footfall.product.engine import ProductEngine
from footfall.product.users import page
from footfall.web import saved_queries
from footfall.web.stats_api import _ApiError, _rate_limit

Handler = Callable[[Request], Awaitable[Any]]


def product_routes(ctx: Any) -> list[Route]:
    from footfall.web.ratelimit import TokenBuckets

    engine = ProductEngine(ctx.store, ctx.catalog)
    buckets = TokenBuckets(_rate_limit(ctx))

    def authorize(request: Request, site_id: Any) -> str:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise _ApiError(401, "Missing API key. Send `Authorization: Bearer <key>`.")
        site = ctx.catalog.site_for_key(key.strip(), "stats")
        if site is None:
            raise _ApiError(401, "Invalid API key or site ID.")
        wait = buckets.take(key.strip(), ctx.clock().timestamp())
        if wait:
            retry = {"Retry-After": str(max(1, math.ceil(wait)))}
            raise _ApiError(429, "Too many API requests for this key; slow down.", retry)
        if not isinstance(site_id, str) or not site_id:
            raise _ApiError(400, "site_id: required")
        if site_id.strip().lower().removeprefix("www.") != site:
            raise _ApiError(403, "This API key cannot read that site.")
        return str(site)

    def timezone_of(site: str) -> str:
        found = ctx.catalog.get_site(site)
        return found.timezone if found else "UTC"

    def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                result = await handler(request)
            except _ApiError as exc:
                return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)
            except InvalidQuery as exc:
                return JSONResponse({"error": str(exc)}, 400)
            return result if isinstance(result, Response) else JSONResponse(result)

        return wrapped

    async def body_of(request: Request) -> tuple[dict[str, Any], str]:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise _ApiError(400, "query: the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _ApiError(400, "query: expected a JSON object")
        return body, authorize(request, body.get("site_id"))

    def query(method: str) -> Handler:
        async def handler(request: Request) -> Any:
            body, site = await body_of(request)
            run = getattr(engine, method)
            tz = timezone_of(site)
            return await run_in_threadpool(
                run, {**body, "site_id": site}, now=ctx.clock(), timezone=tz
            )

        return handler

    async def user(request: Request) -> Any:
        args = request.query_params
        site = authorize(request, args.get("site_id"))
        limit, offset = page(dict(args), default=50)
        return await run_in_threadpool(
            engine.user,
            site,
            request.path_params["person"],
            now=ctx.clock(),
            limit=limit,
            offset=offset,
        )

    def saved(kind: str) -> tuple[Handler, ...]:
        """List, save and delete handlers for saved `kind` queries (saved_queries.py)."""

        async def listing(request: Request) -> Any:
            site = authorize(request, request.query_params.get("site_id"))
            return saved_queries.listing(ctx.catalog, site, kind)

        async def save(request: Request) -> Any:
            body, site = await body_of(request)
            return JSONResponse(saved_queries.save(ctx.catalog, site, kind, body), 201)

        async def delete(request: Request) -> Any:
            site = authorize(request, request.query_params.get("site_id"))
            if not saved_queries.delete(ctx.catalog, site, kind, request.path_params["saved_id"]):
                raise _ApiError(404, f"No such saved {kind}.")
            return Response(status_code=204)

        return listing, save, delete

    def saved_id_of(request: Request) -> int:
        found = saved_queries.saved_id_of(request.path_params["saved_id"])
        if found is None:
            raise _ApiError(404, "No such saved query.")
        return found

    async def members(request: Request) -> Any:
        body, site = await body_of(request)
        limit, offset = page(body.get("pagination") or {}, default=100)
        return await run_in_threadpool(
            engine.cohort_members,
            site,
            body.get("cohort"),
            now=ctx.clock(),
            limit=limit,
            offset=offset,
        )

    async def members_csv(request: Request) -> Any:
        site = authorize(request, request.query_params.get("site_id"))
        found = await run_in_threadpool(
            engine.cohort_members, site, saved_id_of(request), now=ctx.clock(), limit=1_000_000
        )
        text = saved_queries.members_csv(found["people"])
        headers = {"Content-Disposition": 'attachment; filename="cohort.csv"'}
        return Response(text, media_type="text/csv", headers=headers)

    async def sizes(request: Request) -> Any:
        args = request.query_params
        site = authorize(request, args.get("site_id"))
        interval, points = saved_queries.sizes_params(args)
        result = await run_in_threadpool(
            engine.cohort_sizes,
            site,
            saved_id_of(request),
            now=ctx.clock(),
            interval=interval,
            points=points,
        )
        return {"results": result}

    list_funnels, save_funnel, delete_funnel = saved("funnel")
    list_autos, save_auto, delete_auto = saved("automation")
    list_cohorts, save_cohort, delete_cohort = saved("cohort")

    return [
        Route("/api/v2/funnel", endpoint(query("funnel")), methods=["POST"]),
        Route("/api/v2/retention", endpoint(query("retention")), methods=["POST"]),
        Route("/api/v2/segmentation", endpoint(query("segmentation")), methods=["POST"]),
        Route("/api/v2/paths", endpoint(query("paths")), methods=["POST"]),
        Route("/api/v2/users", endpoint(query("users")), methods=["POST"]),
        Route("/api/v2/users/{person:path}", endpoint(user), methods=["GET"]),
        Route("/api/v2/funnels", endpoint(list_funnels), methods=["GET"]),
        Route("/api/v2/funnels", endpoint(save_funnel), methods=["POST"]),
        Route("/api/v2/funnels/{saved_id}", endpoint(delete_funnel), methods=["DELETE"]),
        Route("/api/v2/automations", endpoint(list_autos), methods=["GET"]),
        Route("/api/v2/automations", endpoint(save_auto), methods=["POST"]),
        Route("/api/v2/automations/{saved_id}", endpoint(delete_auto), methods=["DELETE"]),
        Route("/api/v2/cohort", endpoint(members), methods=["POST"]),
        Route("/api/v2/cohorts", endpoint(list_cohorts), methods=["GET"]),
        Route("/api/v2/cohorts", endpoint(save_cohort), methods=["POST"]),
        Route("/api/v2/cohorts/{saved_id}", endpoint(delete_cohort), methods=["DELETE"]),
        Route("/api/v2/cohorts/{saved_id}/members.csv", endpoint(members_csv), methods=["GET"]),
        Route("/api/v2/cohorts/{saved_id}/sizes", endpoint(sizes), methods=["GET"]),
    ]
