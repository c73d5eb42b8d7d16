"""Register every compatible path on the collector's route table, slashed and unslashed.

Three paths are shared by two products: `/track` and `/engage` (Mixpanel and PostHog) and
`/batch` (PostHog and GA Universal). `shared` reads the body once, decides from it (whose
linked token it carries, else its shape) and replays it to the right handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from footfall.collector.asgi import BodyTooLarge, Message, Receive, Scope, Send, read_body
from footfall.compat import ga, mixpanel, posthog, segment, snowplow, umami
from footfall.compat.decoding import BodyError, query_params

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]
SHARED_LIMIT = 20 * 1024 * 1024


def _replay(raw: bytes) -> Receive:
    async def receive() -> Message:
        return {"type": "http.request", "body": raw, "more_body": False}

    return receive


def guess_posthog(raw: bytes, query: dict[str, str], keys: Any) -> bool:
    """PostHog when a record carries a linked PostHog token, or PostHog's shape."""
    if "compression" in query or "ver" in query:
        return True
    try:
        records, _ = mixpanel.decode_records(raw, query, SHARED_LIMIT)
    except (BodyError, ValueError):
        return False
    if any(keys("mixpanel", mixpanel.record_token(r)) for r in records):
        return False
    if not records or not isinstance(records[0], dict):
        return False
    first = records[0]
    if isinstance(first.get("batch"), list) or "distinct_id" in first or "api_key" in first:
        return True  # Mixpanel keeps distinct_id inside properties and has no api_key
    return bool(keys("posthog", posthog.token_of(first, {})))


async def shared(app: Any, scope: Scope, receive: Receive, send: Send, first: str) -> None:
    """`first`: the Mixpanel kind (track, engage) or "ga-batch" for /batch."""
    try:
        raw = await read_body(receive, SHARED_LIMIT)
    except BodyTooLarge:
        raw = b""  # each handler then answers its "missing data" error
    query = query_params(scope)
    if first == "ga-batch":
        is_posthog = raw[:2] == b"\x1f\x8b" or raw.lstrip()[:1] in (b"{", b"[")
        if not is_posthog:
            await ga.handle_ua(app, scope, _replay(raw), send, "batch")
            return
    elif not guess_posthog(raw, query, app.protocol_keys):
        await mixpanel.handle(app, scope, _replay(raw), send, first)
        return
    await posthog.handle(app, scope, _replay(raw), send, posthog.BATCH_LIMIT)


def table(app: Any) -> dict[tuple[str, str], Handler]:
    """(method, path) → handler for every protocol; paths listed once, without a slash."""
    routes: dict[tuple[str, str], Handler] = {}

    def add(methods: str, path: str, handler: Callable[..., Awaitable[None]], *args: Any) -> None:
        async def bound(scope: Scope, receive: Receive, send: Send) -> None:
            await handler(app, scope, receive, send, *args)

        for method in methods.split():
            routes[(method, path)] = bound
            routes[(method, path + "/")] = bound

    for kind in (None, *segment.TYPES):
        add("POST", f"/v1/{kind or 'batch'}", segment.handle, kind)
    add("POST", "/v1/import", segment.handle, None)
    add("POST", "/v1/b", segment.handle, None)
    for short, kind in segment.SHORT_TYPES.items():
        add("POST", f"/v1/{short}", segment.handle, kind)
    for path in ("/e", "/i/v0/e", "/capture"):
        add("GET POST", path, posthog.handle, posthog.EVENT_LIMIT)
    for path in ("/flags", "/decide"):
        add("GET POST", path, posthog.flags)
    add("GET POST", "/track", shared, "track")
    add("GET POST", "/engage", shared, "engage")
    add("POST", "/batch", shared, "ga-batch")
    add("GET POST", "/groups", mixpanel.handle, "groups")
    add("POST", "/import", mixpanel.handle_import)
    add("GET POST", "/collect", ga.handle_ua, "collect")
    add("GET POST", "/debug/collect", ga.handle_ua, "debug")
    add("POST", "/mp/collect", ga.handle_ga4, False)
    add("POST", "/debug/mp/collect", ga.handle_ga4, True)
    add("POST", "/api/send", umami.handle)
    add("GET", "/i", snowplow.handle_get)
    add("POST", "/com.snowplowanalytics.snowplow/tp2", snowplow.handle_post)
    return routes


def register(app: Any) -> None:
    """Add the compatible routes to `app.routes` and their paths to its CORS paths."""
    routes = table(app)
    for key, handler in routes.items():
        app.routes.setdefault(key, handler)
    app.cors_paths.update(path for _, path in routes)
