"""The collection endpoints: POST /api/event, GET /p.gif, health and metrics.

Flow per request: parse (per protocol) → steps (drop_* / put_*) → spool append → 2xx.
Anything else is handed to the dashboard/API app.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl

import orjson

from footfall.collector.asgi import (
    BodyTooLarge,
    Headers,
    Receive,
    Scope,
    Send,
    header,
    read_body,
    respond,
)
from footfall.collector.batch import BodyError, bearer_or_basic_key, decode_body, parse_batch
from footfall.collector.client_ip import client_ip
from footfall.context import AppContext
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.pipeline import run_steps
from footfall.ingest.plausible import parse_plausible
from footfall.ingest.records import encode

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_JSON = b"application/json"
_CORS_ALLOW_HEADERS = b"Content-Type, Authorization, X-Retry-Count, X-Requested-With"


def cors_headers(scope: Scope) -> Headers:
    origin = header(scope, b"origin")
    if not origin:
        return [(b"access-control-allow-origin", b"*")]
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]


def invalid_body(error: InvalidEvent) -> bytes:
    return orjson.dumps({"errors": {error.field: [error.message]}})


class CollectorApp:
    """ASGI app owning the ingestion paths; `fallback` serves everything else."""

    def __init__(self, ctx: AppContext, fallback) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.fallback = fallback
        self.limit = ctx.settings.max_body_bytes
        self.trusted = ctx.settings.trusted_proxies
        self.durable_wait = ctx.settings.spool_fsync == "always"
        self.routes = {
            ("POST", "/api/event"): self.event,
            ("GET", "/p.gif"): self.pixel,
            ("POST", "/api/batch"): self.batch,
            ("GET", "/api/health"): self.health,
            ("GET", "/metrics"): self.metrics,
        }
        self.cors_paths = {"/api/event", "/p.gif", "/api/health", "/api/batch"}
        self._register_compat()

    def _register_compat(self) -> None:
        """Other products' client protocols (compat/, PROTOCOLS.md), keyed by linked tokens."""
        from footfall.compat.keys import ProtocolKeyCache
        from footfall.compat.routes import register

        self.protocol_keys = ProtocolKeyCache(self.ctx.catalog)
        register(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            handler = self.routes.get((scope["method"], path))
            if handler is not None:
                await handler(scope, receive, send)
                return
            if scope["method"] == "OPTIONS" and path in self.cors_paths:
                await self.preflight(scope, send)
                return
            if path in self.cors_paths:
                await respond(send, 405, b"method not allowed", [(b"allow", b"POST, GET, OPTIONS")])
                return
        await self.fallback(scope, receive, send)

    async def preflight(self, scope: Scope, send: Send) -> None:
        requested = header(scope, b"access-control-request-headers")
        headers = [
            *cors_headers(scope),
            (b"access-control-allow-methods", b"POST, GET, OPTIONS"),
            (b"access-control-allow-headers", requested.encode("latin-1") or _CORS_ALLOW_HEADERS),
            (b"access-control-max-age", b"86400"),
        ]
        await respond(send, 204, b"", headers)

    def _client(self, scope: Scope) -> str:
        peer = scope["client"][0] if scope.get("client") else ""
        if not self.trusted:
            return peer
        return client_ip(peer, header(scope, b"x-forwarded-for"), self.trusted)

    async def store_hits(self, scope: Scope, hits: list[Hit]) -> tuple[list, list[str]]:
        """Run the steps and spool what is kept; return when it is safe to acknowledge."""
        ctx = self.ctx
        if header(scope, b"dnt") == "1" or header(scope, b"sec-gpc") == "1":
            for hit in hits:
                hit.do_not_track = True
        kept, dropped = run_steps(hits, ctx.steps)
        if kept:
            ctx.spool.append(encode(kept))
            ctx.counters.accepted += len(kept)
            if self.durable_wait:
                await ctx.spool.wait_durable()
        for reason in dropped:
            ctx.counters.drops.add(reason)
        return kept, dropped

    async def accept(
        self, scope: Scope, send: Send, hits: list[Hit], ok: bytes, ctype: bytes
    ) -> None:
        """Store the hits, then answer (202, or the pixel with 200)."""
        _, dropped = await self.store_hits(scope, hits)
        extra = cors_headers(scope)
        if dropped:
            extra.append((b"x-footfall-dropped", ",".join(sorted(set(dropped))).encode()))
        status = 202 if ctype != b"image/gif" else 200
        if ctype == b"image/gif":
            extra.append((b"cache-control", b"no-store, max-age=0"))
        await respond(send, status, ok, extra, ctype)

    async def event(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            raw = await read_body(receive, self.limit)
        except BodyTooLarge:
            self.ctx.counters.invalid += 1
            body = orjson.dumps({"errors": {"request": [f"body larger than {self.limit} bytes"]}})
            await respond(send, 413, body, cors_headers(scope), _JSON)
            return
        try:
            hits = parse_plausible(
                raw,
                received_at=self.ctx.clock(),
                client_ip=self._client(scope),
                user_agent=header(scope, b"user-agent"),
            )
        except InvalidEvent as error:
            self.ctx.counters.invalid += 1
            await respond(send, 400, invalid_body(error), cors_headers(scope), _JSON)
            return
        await self.accept(scope, send, hits, b"ok", b"text/plain; charset=utf-8")

    async def pixel(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = dict(
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        )
        body = {
            "n": params.get("n") or "pageview",
            "u": params.get("u") or header(scope, b"referer") or None,
            "r": params.get("r") or None,
        }
        if params.get("d"):
            body["d"] = params["d"]
        if params.get("w", "").isdigit():
            body["w"] = int(params["w"])
        try:
            hits = parse_plausible(
                orjson.dumps(body),
                received_at=self.ctx.clock(),
                client_ip=self._client(scope),
                user_agent=header(scope, b"user-agent"),
            )
        except InvalidEvent as error:
            self.ctx.counters.invalid += 1
            headers = [
                *cors_headers(scope),
                (b"cache-control", b"no-store"),
                (b"x-footfall-error", f"{error.field}: {error.message}".encode()),
            ]
            await respond(send, 400, PIXEL, headers, b"image/gif")
            return
        await self.accept(scope, send, hits, PIXEL, b"image/gif")

    async def batch(self, scope: Scope, receive: Receive, send: Send) -> None:
        cors = cors_headers(scope)
        key = bearer_or_basic_key(header(scope, b"authorization"))
        site_id = self.ctx.catalog.site_for_key(key, "write") if key else None
        if site_id is None:
            message = "invalid write key" if key else "missing write key (Authorization: Bearer)"
            await respond(send, 401, orjson.dumps({"error": message}), cors, _JSON)
            return
        try:
            raw = decode_body(await read_body(receive, self.limit), self.limit * 10)
            hits, errors = parse_batch(raw, site_id=site_id, received_at=self.ctx.clock())
        except BodyTooLarge:
            await respond(
                send,
                413,
                orjson.dumps({"error": f"body larger than {self.limit} bytes"}),
                cors,
                _JSON,
            )
            return
        except BodyError as error:
            self.ctx.counters.invalid += 1
            await respond(send, error.status, orjson.dumps({"error": error.message}), cors, _JSON)
            return
        self.ctx.counters.invalid += len(errors)
        kept = await self.store_hits(scope, hits)
        body = {"accepted": len(kept[0]), "dropped": len(kept[1]), "errors": errors}
        await respond(send, 200, orjson.dumps(body), cors, _JSON)

    async def health(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = self.ctx.writer
        lag = writer.lag_bytes()
        healthy = not (writer.last_error and lag > 0)
        body = {
            "status": "ok" if healthy else "degraded",
            "store": self.ctx.store.dialect,
            "writer": {
                "stored": writer.stored,
                "lag_bytes": lag,
                "errors": writer.errors,
                "last_error": writer.last_error or None,
            },
        }
        await respond(send, 200 if healthy else 503, orjson.dumps(body), cors_headers(scope), _JSON)

    async def metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        from footfall.collector.metrics import render_metrics

        await respond(
            send,
            200,
            render_metrics(self.ctx).encode(),
            None,
            b"text/plain; version=0.0.4; charset=utf-8",
        )
