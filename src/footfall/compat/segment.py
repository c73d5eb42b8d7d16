"""Segment's HTTP Tracking API (PROTOCOLS.md 1): /v1/batch, single calls, analytics.js paths.

Clients retry anything but 200 (analytics-python 2.3.4 even retries a 202), so every
accepted request gets 200 and bad messages are dropped one by one; only an unreadable,
oversize or unauthenticated request is refused, with Segment's `{"code","message"}`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.collector.batch import BodyError, bearer_or_basic_key, decode_body
from footfall.compat.hits import (
    Origin,
    app_url,
    check_size,
    flatten,
    identity_hit,
    obj,
    revenue_of,
    skew_corrected,
    text,
    text_id,
    trait_props,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.segment import MAX_MESSAGES, parse_message, parse_time

MAX_MESSAGE_BYTES = 32 * 1024
MAX_BODY_BYTES = 500 * 1024
SHORT_TYPES = {
    "t": "track",
    "p": "page",
    "i": "identify",
    "g": "group",
    "a": "alias",
    "s": "screen",
}
TYPES = ("track", "page", "screen", "identify", "group", "alias")
_JSON = b"application/json"


def _visit_message(message: dict[str, Any], site_id: str) -> dict[str, Any]:
    """Prepare track/page/screen for `parse_message`: flattened props, and a page without a
    url gets its path, else `app://<site>/<name>` (backends often send only a page name)."""
    properties = obj(message.get("properties"))
    flat = {**properties, **{k: v for k, v in flatten(properties).items() if "." in k}}
    page = obj(obj(message.get("context")).get("page"))
    if message.get("type") == "page" and not (flat.get("url") or page.get("url")):
        path = flat.get("path") or page.get("path")
        if isinstance(path, str) and path.startswith("/"):
            flat["url"] = path
        else:
            flat["url"] = app_url(site_id, text_id(message.get("name")) or "page")
    return {**message, "properties": flat}


def parse_segment_message(
    message: Any, index: int, *, site_id: str, origin: Origin, sent_at: datetime | None
) -> Hit:
    where = f"batch[{index}]"
    if not isinstance(message, dict):
        raise InvalidEvent(where, "must be an object")
    check_size(message, MAX_MESSAGE_BYTES, where)
    own_sent_at = parse_time(message.get("sentAt"), f"{where}.sentAt") or sent_at
    kind = message.get("type")
    context = obj(message.get("context"))
    library = obj(context.get("library"))
    from_browser = str(library.get("name", "")).startswith("analytics.js") or bool(
        context.get("direct")
    )
    if kind in ("track", "page", "screen"):
        try:
            hit = parse_message(
                _visit_message(message, site_id),
                index,
                site_id=site_id,
                received_at=origin.received_at,
                sent_at=own_sent_at,
                protocol="segment",
            )
        except OverflowError as exc:  # year 1 sent at year 9999
            raise InvalidEvent(f"{where}.timestamp", "is out of range") from exc
        if from_browser and not hit.client_ip:
            hit.client_ip = origin.ip
        if not hit.revenue_amount and kind == "track":
            hit.revenue_amount, hit.revenue_currency = revenue_of(obj(message.get("properties")))
        return hit
    if kind not in TYPES:
        raise InvalidEvent(f"{where}.type", f"must be one of {', '.join(TYPES)}")
    user_id = text_id(message.get("userId"))
    anonymous_id = text_id(message.get("anonymousId"))
    timestamp = skew_corrected(
        parse_time(message.get("timestamp"), f"{where}.timestamp"),
        own_sent_at,
        origin.received_at,
    )
    traits = message.get("traits")
    if traits is not None and not isinstance(traits, dict):
        raise InvalidEvent(f"{where}.traits", "must be an object")
    if kind == "identify":
        if not user_id and not anonymous_id:
            raise InvalidEvent(where, "needs userId or anonymousId")
        name, props = "$identify", trait_props({"set": traits or {}}, f"{where}.traits")
    elif kind == "group":
        group_id = text_id(message.get("groupId"))
        if not group_id:
            raise InvalidEvent(f"{where}.groupId", "is required for group")
        if not user_id and not anonymous_id:
            raise InvalidEvent(where, "needs userId or anonymousId")
        group_type = text_id((traits or {}).get("group_type")) or "group"
        props = {"group_type": group_type, "group_id": group_id}
        props.update(trait_props({"set": traits or {}}, f"{where}.traits"))
        name = "$group"
    else:
        previous = text_id(message.get("previousId"))
        if not previous or not user_id:
            raise InvalidEvent(where, "alias needs previousId and userId")
        name, props, anonymous_id = "$alias", {}, previous
    ip = text(context.get("ip"))
    agent = text(context.get("userAgent"))
    page = obj(context.get("page"))
    return identity_hit(
        name,
        site_id,
        origin=origin,
        user_id=user_id,
        distinct_id=anonymous_id,
        props=props,
        message_id=text_id(message.get("messageId")),
        protocol="segment",
        timestamp=timestamp,
        url=text(page.get("url")),
        ip=ip or (origin.ip if from_browser else ""),
        user_agent=agent,
    )


def write_key(body: dict[str, Any], authorization: str) -> str:
    """The body's writeKey, else the HTTP Basic user name (Bearer tokens carry no site)."""
    key = body.get("writeKey")
    if isinstance(key, str) and key:
        return key
    if authorization.strip().lower().startswith("basic"):
        return bearer_or_basic_key(authorization)
    return ""


def parse_segment(
    body: Any, kind: str | None, *, site_id: str, origin: Origin
) -> tuple[list[Hit], list[dict[str, Any]]]:
    """A batch (`kind` None) or one message; top-level context and integrations are merged."""
    if kind is None:
        messages = body.get("batch")
        if not isinstance(messages, list):
            raise BodyError(400, 'the body must be an object with a "batch" list')
    else:
        messages = [{**body, "type": kind}]
    try:
        sent_at = parse_time(body.get("sentAt"), "sentAt")
    except InvalidEvent:
        sent_at = None
    shared = obj(body.get("context"))
    hits: list[Hit] = []
    errors: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        try:
            if index >= MAX_MESSAGES:
                raise InvalidEvent(f"batch[{index}]", f"at most {MAX_MESSAGES} messages per batch")
            if shared and isinstance(message, dict):
                own = obj(message.get("context"))
                message = {**message, "context": {**shared, **own}}
            hits.append(
                parse_segment_message(
                    message, index, site_id=site_id, origin=origin, sent_at=sent_at
                )
            )
        except InvalidEvent as error:
            errors.append({"index": index, "field": error.field, "reason": error.message})
    return hits, errors


def _error(code: str, message: str) -> bytes:
    return orjson.dumps({"code": code, "message": message})


async def handle(app: Any, scope: Scope, receive: Receive, send: Send, kind: str | None) -> None:
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    try:
        raw = decode_body(await read_body(receive, MAX_BODY_BYTES), MAX_BODY_BYTES)
        body = orjson.loads(raw)
        if not isinstance(body, dict):
            raise BodyError(400, "the body must be a JSON object")
    except BodyTooLarge:
        message = f"the request is larger than {MAX_BODY_BYTES} bytes"
        await respond(send, 400, _error("payload_too_large", message), cors, _JSON)
        return
    except (BodyError, orjson.JSONDecodeError) as exc:
        app.ctx.counters.invalid += 1
        message = exc.message if isinstance(exc, BodyError) else "Invalid JSON"
        await respond(send, 400, _error("invalid_request", message), cors, _JSON)
        return
    key = write_key(body, header(scope, b"authorization"))
    site_id = app.protocol_keys("segment", key)
    if site_id is None:
        message = "invalid write key" if key else "missing writeKey"
        await respond(send, 401, _error("invalid_write_key", message), cors, _JSON)
        return
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    hits, errors = parse_segment(body, kind, site_id=site_id, origin=origin)
    app.ctx.counters.invalid += len(errors)
    await app.store_hits(scope, hits)
    await respond(send, 200, orjson.dumps({"success": True}), cors, _JSON)
