"""The Stats API: `POST /api/v2/query`, Plausible's v1 endpoints, and the OpenAPI document.

Every request needs `Authorization: Bearer <key>`; a key reads only its own site (403
otherwise), a missing or unknown key is 401, and each key has a token bucket (429 with
Retry-After). Queries run in a worker thread: the stores are blocking.

Mount with `routes.extend(stats_routes(ctx))`; `ctx` needs `store`, `catalog` and
`clock()`, and may carry `stats_rate_limit` (requests per hour per key, default 600).
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from footfall.errors import InvalidQuery
from footfall.query import v1
from footfall.query.engine import QueryEngine

DEFAULT_RATE_LIMIT = 600


class _ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}


def _rate_limit(ctx: Any) -> int:
    value = getattr(ctx, "stats_rate_limit", None)
    if value is None:
        value = getattr(getattr(ctx, "settings", None), "stats_rate_limit", DEFAULT_RATE_LIMIT)
    return int(value)


def openapi_document() -> dict[str, Any]:
    """The static OpenAPI document shipped in the package."""
    text = resources.files("footfall.web").joinpath("openapi.json").read_text("utf-8")
    return json.loads(text)


def stats_routes(ctx: Any) -> list[Route]:
    from footfall.web.ratelimit import TokenBuckets

    engine = QueryEngine(ctx.store)
    buckets = TokenBuckets(_rate_limit(ctx))

    def authorize(request: Request, site_id: str | None) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise _ApiError(401, "Missing API key. Send `Authorization: Bearer <key>`.")
        key = key.strip()
        site = ctx.catalog.site_for_key(key, "stats")
        if site is None:
            raise _ApiError(401, "Invalid API key or site ID.")
        wait = buckets.take(key, ctx.clock().timestamp())
        if wait:
            raise _ApiError(
                429,
                "Too many API requests for this key; slow down.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if site_id is None:
            raise _ApiError(400, "site_id: required")
        if site_id.strip().lower().removeprefix("www.") != site:
            raise _ApiError(403, "This API key cannot read that site.")
        return site

    def timezone_of(site: str) -> str:
        found = ctx.catalog.get_site(site)
        return found.timezone if found else "UTC"

    def endpoint(
        handler: Callable[[Request], Awaitable[Any]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            try:
                result = await handler(request)
            except _ApiError as exc:
                return JSONResponse({"error": exc.message}, exc.status, headers=exc.headers)
            except InvalidQuery as exc:
                return JSONResponse({"error": str(exc)}, 400)
            return result if isinstance(result, Response) else JSONResponse(result)

        return wrapped

    async def query_v2(request: Request) -> Any:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise _ApiError(400, "query: the body is not valid JSON") from None
        site_id = body.get("site_id") if isinstance(body, dict) else None
        site = authorize(request, site_id if isinstance(site_id, str) else None)
        now = ctx.clock()
        return await run_in_threadpool(
            engine.query, {**body, "site_id": site}, now=now, timezone=timezone_of(site)
        )

    def v1_endpoint(
        build: Callable[[Mapping[str, str], Any, str], dict[str, Any]],
        shape: Callable[[dict[str, Any], dict[str, Any]], Any],
    ) -> Callable[[Request], Awaitable[Any]]:
        async def handler(request: Request) -> Any:
            params = dict(request.query_params)
            site = authorize(request, params.get("site_id"))
            params["site_id"] = site
            now, tz = ctx.clock(), timezone_of(site)
            body = build(params, now, tz)
            result = await run_in_threadpool(engine.query, body, now=now, timezone=tz)
            return shape(body, result)

        return handler

    async def realtime(request: Request) -> Any:
        site = authorize(request, request.query_params.get("site_id"))
        return await run_in_threadpool(engine.current_visitors, site, ctx.clock())

    async def openapi(_request: Request) -> Response:
        return JSONResponse(openapi_document())

    return [
        Route("/api/v2/query", endpoint(query_v2), methods=["POST"]),
        Route("/api/v1/stats/realtime/visitors", endpoint(realtime), methods=["GET"]),
        Route(
            "/api/v1/stats/aggregate",
            endpoint(v1_endpoint(v1.aggregate_query, v1.aggregate_result)),
            methods=["GET"],
        ),
        Route(
            "/api/v1/stats/timeseries",
            endpoint(v1_endpoint(v1.timeseries_query, v1.timeseries_result)),
            methods=["GET"],
        ),
        Route(
            "/api/v1/stats/breakdown",
            endpoint(v1_endpoint(v1.breakdown_query, v1.breakdown_result)),
            methods=["GET"],
        ),
        Route("/api/openapi.json", openapi, methods=["GET"]),
    ]
