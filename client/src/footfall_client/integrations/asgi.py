"""ASGI middleware recording a server-side pageview once the response has been sent.

FastAPI / Starlette::

    app.add_middleware(FootfallASGIMiddleware, provider=analytics)

A plain ASGI callable: it watches ``http.response.start`` for the status and content type and,
after the wrapped app returns, queues the pageview (non-blocking). Lifespan and websocket scopes
pass straight through. Use a queued (not ``sync=True``) provider here: sending synchronously
would hold up the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..client import Provider
from .rules import PageviewRules, client_ip

log = logging.getLogger("footfall_client")

Scope = MutableMapping[str, Any]
ASGIMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[ASGIMessage]]
Send = Callable[[ASGIMessage], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class FootfallASGIMiddleware:
    def __init__(self, app: ASGIApp, provider: Provider, **rules: Any) -> None:
        self.app = app
        self.provider = provider
        self.rules = PageviewRules.build(**rules)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._wanted(scope):
            await self.app(scope, receive, send)
            return
        seen: dict[str, Any] = {}

        async def observe(message: ASGIMessage) -> None:
            if message.get("type") == "http.response.start":
                seen["status"] = message.get("status", 0)
                seen["headers"] = message.get("headers") or []
            await send(message)

        await self.app(scope, receive, observe)
        self._record(scope, seen)

    def _wanted(self, scope: Scope) -> bool:
        try:
            return self.rules.wants_request(
                scope.get("method", ""), scope.get("path", "") or "/", _header(scope, b"user-agent")
            )
        except Exception:
            log.exception("footfall-client: pageview rules failed")
            return False

    def _record(self, scope: Scope, seen: dict[str, Any]) -> None:
        try:
            content_type = next(
                (
                    bytes(v).decode("latin-1")
                    for k, v in seen.get("headers", ())
                    if k.lower() == b"content-type"
                ),
                None,
            )
            if not self.rules.wants_response(int(seen.get("status", 0)), content_type):
                return
            server = scope.get("server") or ("", None)
            host = _header(scope, b"host") or (
                f"{server[0]}:{server[1]}" if server[1] not in (None, 80, 443) else str(server[0])
            )
            peer = scope.get("client") or (None, None)
            params = self.rules.pageview(
                scheme=scope.get("scheme", "http"),
                host=host,
                path=scope.get("path", "") or "/",
                query=bytes(scope.get("query_string", b"")).decode("latin-1"),
                referrer=_header(scope, b"referer"),
                user_agent=_header(scope, b"user-agent"),
                ip=client_ip(
                    _header(scope, b"x-forwarded-for"), peer[0], self.rules.trust_forwarded
                ),
            )
            self.provider.pageview(params)
        except Exception:
            log.exception("footfall-client: could not record a pageview")
