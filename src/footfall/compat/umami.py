"""Umami's `POST /api/send` (PROTOCOLS.md 6): pageviews, custom events and identify.

The tracker parses the JSON reply (it stores `cache`), so every accepted request gets
`{"cache","sessionId","visitId"}`. The ids are derived from the day's salted visitor id,
never from the raw IP. Bots get Umami's `{"beep":"boop"}` with a 200 and are not stored.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.compat.hits import (
    Origin,
    epoch_time,
    identity_hit,
    page_url,
    revenue_of,
    text,
    text_id,
    trait_props,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.plausible import parse_props
from footfall.privacy.ids import visitor_id

BODY_LIMIT = 1024 * 1024
_BAD_NAME_START = ("=", "+", "-", "@", "\t", "\r")
_IGNORED_TYPES = ("performance", "engagement", "error")


def full_url(url: str, hostname: str) -> str:
    """The tracker sends a path (`/pricing?x=1`) and the hostname apart."""
    if url.startswith("/") and hostname:
        return f"https://{hostname}{url}"
    return url


def parse_umami(body: Any, *, site_id: str, origin: Origin) -> Hit | None:
    """One request's hit; None for types Footfall does not store (performance, errors)."""
    if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
        raise InvalidEvent("payload", "is required")
    kind = body.get("type", "event")
    payload = body["payload"]
    if kind in _IGNORED_TYPES:
        return None
    if kind not in ("event", "identify"):
        raise InvalidEvent("type", "must be event or identify")
    hostname = text(payload.get("hostname"))
    url = full_url(page_url(payload.get("url"), "payload.url"), hostname)
    moment = epoch_time(payload.get("timestamp"), origin.received_at)
    ip = payload.get("ip") if isinstance(payload.get("ip"), str) else origin.ip
    agent = payload.get("userAgent")
    agent = agent if isinstance(agent, str) and agent else origin.user_agent
    data = payload.get("data")
    if data is not None and not isinstance(data, dict):
        raise InvalidEvent("payload.data", "must be an object")
    visitor = text_id(payload.get("vid"))
    if kind == "identify":
        return identity_hit(
            "$identify",
            site_id,
            origin=origin,
            user_id=text_id(payload.get("id")),
            distinct_id=visitor,
            props=trait_props({"set": data or {}}, "payload.data"),
            protocol="umami",
            timestamp=moment,
            url=url,
            ip=ip,
            user_agent=agent,
        )
    name = payload.get("name")
    if name is None or name == "":
        if not url:
            raise InvalidEvent("payload.url", "a pageview needs a url")
        name = "pageview"
    elif not isinstance(name, str) or name.startswith(_BAD_NAME_START) or len(name) > 120:
        raise InvalidEvent("payload.name", "must be a string of at most 120 characters")
    amount, currency = revenue_of(data or {}) if name != "pageview" else (None, "")
    referrer = payload.get("referrer")
    title = payload.get("title")
    screen = payload.get("screen")
    width = screen.partition("x")[0] if isinstance(screen, str) else ""
    return Hit(
        site_id=site_id,
        name=name,
        url=url,
        received_at=origin.received_at,
        client_ip=ip,
        user_agent=agent,
        referrer=referrer if isinstance(referrer, str) else "",
        props=parse_props(
            {k: v for k, v in (data or {}).items() if k != "commerce"}, "payload.data"
        ),
        revenue_amount=amount,
        revenue_currency=currency,
        screen_width=int(width) if width.isdigit() and len(width) < 7 else None,
        title=title[:2000] if isinstance(title, str) else "",
        user_id=text_id(payload.get("id")),
        distinct_id=visitor,
        protocol="umami",
        timestamp=moment,
    )


def session_reply(salt: bytes, site_id: str, ip: str, agent: str, minute: int) -> bytes:
    """Umami's reply shape; ids come from the salted daily visitor hash, visits per 30 min."""
    visitor = visitor_id(salt, site_id, ip, agent)
    session = uuid.UUID(int=visitor << 64 | visitor)
    visit = uuid.UUID(int=visitor << 64 | (minute // 30))
    return orjson.dumps({"cache": session.hex, "sessionId": str(session), "visitId": str(visit)})


async def handle(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    try:
        body = orjson.loads(await read_body(receive, BODY_LIMIT))
    except BodyTooLarge:
        await respond(send, 413, b"Request body too large.", cors)
        return
    except orjson.JSONDecodeError:
        app.ctx.counters.invalid += 1
        await respond(send, 400, b"Invalid JSON.", cors)
        return
    payload = body.get("payload") if isinstance(body, dict) else None
    website = payload.get("website") if isinstance(payload, dict) else None
    site_id = app.protocol_keys("umami", website)
    if site_id is None:
        app.ctx.counters.invalid += 1
        await respond(send, 400, b"Website not found.", cors)
        return
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    try:
        hit = parse_umami(body, site_id=site_id, origin=origin)
    except InvalidEvent as error:
        app.ctx.counters.invalid += 1
        await respond(send, 400, str(error).encode(), cors)
        return
    agent = hit.user_agent if hit else origin.user_agent
    if hit is not None:
        _, dropped = await app.store_hits(scope, [hit])
        if any(reason.startswith("bot_") for reason in dropped):
            await respond(send, 200, b'{"beep":"boop"}', cors, b"application/json")
            return
    now = origin.received_at
    salt = app.ctx.salts.salt_for(now)
    ip = hit.client_ip if hit else origin.ip
    reply = session_reply(salt, site_id, ip, agent, int(now.timestamp()) // 60)
    await respond(send, 200, reply, cors, b"application/json")
