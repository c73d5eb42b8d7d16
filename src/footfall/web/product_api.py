"""The product analytics API: funnels, retention, segmentation, paths, users, saved funnels.

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
from footfall.product.funnel import parse_funnel
from footfall.product.users import page
from footfall.web.stats_api import _ApiError, _rate_limit

Handler = Callable[[Request], Awaitable[Any]]


def product_routes(ctx: Any) -> list[Route]:
    from footfall.web.ratelimit import TokenBuckets

    engine = ProductEngine(ctx.store)
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

    async def list_funnels(request: Request) -> Any:
        site = authorize(request, request.query_params.get("site_id"))
        rows = ctx.catalog.saved_queries(site, "funnel")
        return {
            "results": [
                {"id": i, "name": name, "funnel": json.loads(body), "created_at": created}
                for i, name, body, created in rows
            ]
        }

    async def save_funnel(request: Request) -> Any:
        body, site = await body_of(request)
        name, funnel = body.get("name"), body.get("funnel")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise InvalidQuery("name", "expected a name (1 to 200 characters)")
        if not isinstance(funnel, dict):
            raise InvalidQuery("funnel", "expected the funnel query object")
        funnel = {**funnel, "site_id": site}
        try:
            parse_funnel(funnel)
        except InvalidQuery as exc:
            raise InvalidQuery(f"funnel.{exc.path}", exc.message) from None
        saved = ctx.catalog.save_query(site, "funnel", name.strip(), json.dumps(funnel))
        return JSONResponse({"id": saved, "name": name.strip(), "funnel": funnel}, 201)

    async def delete_funnel(request: Request) -> Any:
        site = authorize(request, request.query_params.get("site_id"))
        try:
            funnel_id = int(request.path_params["funnel_id"])
        except ValueError:
            raise _ApiError(404, "No such saved funnel.") from None
        if not ctx.catalog.delete_saved_query(site, "funnel", funnel_id):
            raise _ApiError(404, "No such saved funnel.")
        return Response(status_code=204)

    return [
        Route("/api/v2/funnel", endpoint(query("funnel")), methods=["POST"]),
        Route("/api/v2/retention", endpoint(query("retention")), methods=["POST"]),
        Route("/api/v2/segmentation", endpoint(query("segmentation")), methods=["POST"]),
        Route("/api/v2/paths", endpoint(query("paths")), methods=["POST"]),
        Route("/api/v2/users", endpoint(query("users")), methods=["POST"]),
        Route("/api/v2/users/{person:path}", endpoint(user), methods=["GET"]),
        Route("/api/v2/funnels", endpoint(list_funnels), methods=["GET"]),
        Route("/api/v2/funnels", endpoint(save_funnel), methods=["POST"]),
        Route("/api/v2/funnels/{funnel_id}", endpoint(delete_funnel), methods=["DELETE"]),
    ]
