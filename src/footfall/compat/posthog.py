"""PostHog capture (PROTOCOLS.md 4): /batch, /e, /i/v0/e, /capture, /track, /engage, /flags.

posthog-python treats anything but HTTP 200 as a failure and retries 5xx, so accepted
requests get exactly 200 `{"status":1}`; errors are plain text as PostHog's capture sends
them (400 undecodable, 401 missing or unknown token). A bad event in a batch is dropped
alone; the request fails only when no event in it is usable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.compat.decoding import (
    BodyError,
    decode_body,
    form_fields,
    json_or_base64,
    looks_like_json,
    query_params,
)
from footfall.compat.hits import (
    Origin,
    app_url,
    check_size,
    custom_props,
    identity_hit,
    may_hold_oversize,
    obj,
    page_url,
    revenue_of,
    skew_corrected,
    text,
    text_id,
    trait_props,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.segment import parse_time

BATCH_LIMIT = 20 * 1024 * 1024
EVENT_LIMIT = 2 * 1024 * 1024
MAX_EVENT_BYTES = 1024 * 1024  # capture's "event too big"; posthog-python stops at 900 KiB
_TOKEN_KEYS = ("api_key", "token", "$token")


def decode_payload(raw: bytes, query: dict[str, str], limit: int) -> tuple[Any, dict[str, str]]:
    """JSON (gzip by magic), or a form/query `data=` (base64 or gzip-js); also the form fields."""
    fields = dict(query)
    if raw[:2] == b"\x1f\x8b" or looks_like_json(raw):
        return orjson.loads(decode_body(raw, limit)), fields
    fields.update(form_fields(raw))
    data = fields.get("data")
    if data is None:
        raise BodyError(400, "empty body: send JSON or a form with data=")
    compression = fields.get("compression", "")
    if compression == "lz64":
        raise BodyError(400, "lz64 compression is not supported; use gzip-js or base64")
    if compression == "gzip-js":
        return orjson.loads(decode_body(data.encode("latin-1", "replace"), limit)), fields
    return json_or_base64(data), fields


def events_of(payload: Any) -> tuple[list[Any], dict[str, Any]]:
    """The events and the envelope: an array (posthog-js), a batch, or one event."""
    if isinstance(payload, list):
        return payload, {}
    if not isinstance(payload, dict):
        raise BodyError(400, "the payload must be a JSON object or array")
    if isinstance(payload.get("batch"), list):
        return payload["batch"], payload
    return [payload], payload


def token_of(event: Any, envelope: dict[str, Any]) -> str:
    for source in (envelope, event if isinstance(event, dict) else {}):
        for key in _TOKEN_KEYS:
            if isinstance(source.get(key), str) and source[key]:
                return source[key]
    props = event.get("properties") if isinstance(event, dict) else None
    if isinstance(props, dict) and isinstance(props.get("token"), str):
        return props["token"]
    return ""


def _ops(event: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for op in ("set", "set_once", "unset"):
        value = event.get(f"${op}", props.get(f"${op}"))
        if value:
            ops[op] = value
    return ops


def parse_event(event: Any, index: int, *, site_id: str, origin: Origin, sent_at: Any) -> Hit:
    where = f"batch[{index}]"
    if not isinstance(event, dict):
        raise InvalidEvent(where, "must be an object")
    props = obj(event.get("properties"))
    name = event.get("event")
    if not isinstance(name, str) or not name.strip():
        if "$set" in event or "$set_once" in event or "$unset" in event:
            name = "$set"  # an engage record: person properties only
        else:
            raise InvalidEvent(f"{where}.event", "is required")
    distinct = text_id(
        event.get("distinct_id")
        or event.get("$distinct_id")
        or props.get("distinct_id")
        or props.get("$distinct_id")
    )
    if not distinct:
        raise InvalidEvent(f"{where}.distinct_id", "is required")
    timestamp = parse_time(event.get("timestamp"), f"{where}.timestamp")
    if timestamp is not None and sent_at is not None and not props.get("$ignore_sent_at"):
        moment = skew_corrected(timestamp, sent_at, origin.received_at)
    elif timestamp is not None:
        moment = skew_corrected(timestamp, None, origin.received_at)
    elif isinstance(event.get("offset"), int) and not isinstance(event.get("offset"), bool):
        moment = skew_corrected(
            origin.received_at - timedelta(milliseconds=event["offset"]), None, origin.received_at
        )
    else:
        moment = origin.received_at
    browser = props.get("$lib") == "web"
    ip = text(props.get("$ip"))
    agent = props.get("$raw_user_agent") or props.get("$useragent")
    agent = agent if isinstance(agent, str) else ""
    if browser:
        ip, agent = ip or origin.ip, agent or origin.user_agent
    message_id = text_id(event.get("uuid"))
    url = page_url(props.get("$current_url"), f"{where}.properties.$current_url")
    common: dict[str, Any] = {
        "origin": origin,
        "message_id": message_id,
        "protocol": "posthog",
        "timestamp": moment,
        "url": url,
        "ip": ip,
        "user_agent": agent,
    }
    if name in ("$identify", "$set", "$set_once"):
        anon = text_id(props.get("$anon_distinct_id"))
        ops = trait_props(_ops(event, props), f"{where}.$set")
        return identity_hit(
            "$identify", site_id, user_id=distinct, distinct_id=anon, props=ops, **common
        )
    if name == "$create_alias":
        alias = text_id(props.get("alias"))
        if not alias:
            raise InvalidEvent(f"{where}.properties.alias", "is required for $create_alias")
        return identity_hit("$alias", site_id, user_id=alias, distinct_id=distinct, **common)
    if name == "$merge_dangerously":
        alias = text_id(props.get("alias"))
        return identity_hit("$alias", site_id, user_id=distinct, distinct_id=alias, **common)
    if name == "$groupidentify":
        group_type, group_key = text_id(props.get("$group_type")), text_id(props.get("$group_key"))
        if not group_type or not group_key:
            raise InvalidEvent(f"{where}.properties", "$groupidentify needs $group_type/_key")
        group = {"group_type": group_type, "group_id": group_key}
        group.update(trait_props({"set": props.get("$group_set") or {}}, f"{where}.$group_set"))
        return identity_hit(
            "$group", site_id, user_id="", distinct_id=distinct, props=group, **common
        )
    if name == "$screen":
        name, url = "pageview", app_url(site_id, text_id(props.get("$screen_name")))
    elif name == "$pageview":
        if not url:
            raise InvalidEvent(f"{where}.properties.$current_url", "a $pageview needs a url")
        name = "pageview"
    amount, currency = revenue_of(props) if not name.startswith("$") else (None, "")
    referrer = props.get("$referrer")
    return Hit(
        site_id=site_id,
        name=name[:120],
        url=url,
        received_at=origin.received_at,
        client_ip=ip,
        user_agent=agent,
        referrer=referrer if isinstance(referrer, str) and referrer != "$direct" else "",
        props=custom_props(props, f"{where}.properties", ("distinct_id", "token")),
        revenue_amount=amount,
        revenue_currency=currency,
        title=text(props.get("title")),
        distinct_id=distinct,
        message_id=message_id,
        protocol="posthog",
        timestamp=moment,
        server_side=not browser,
    )


def parse_posthog(
    payload: Any, fields: dict[str, str], keys: Any, origin: Origin, *, sized: bool = False
) -> tuple[list[Hit], list[str], str | None]:
    """Hits, per-event errors, and an auth error (401 text) if the token is missing or unknown.

    `sized`: the body was larger than one event may be, so each event's size is checked."""
    events, envelope = events_of(payload)
    if not events:
        raise BodyError(400, "empty batch")
    sent = envelope.get("sent_at") or fields.get("sent_at")
    try:
        sent_at = parse_time(sent, "sent_at") if isinstance(sent, str) and sent else None
    except InvalidEvent:
        sent_at = None
    tokens = {token_of(event, envelope) for event in events}
    if "" in tokens:
        return [], [], "API key not provided. You can find your project API key in Footfall."
    if len(tokens) > 1:
        return [], [], "all events of a batch must carry the same api_key"
    site_id = keys("posthog", tokens.pop())
    if site_id is None:
        return [], [], "invalid api_key: link it with `footfall keys link --protocol posthog`"
    hits, errors = [], []
    for index, event in enumerate(events):
        try:
            if sized:
                check_size(event, MAX_EVENT_BYTES, f"batch[{index}]")
            hits.append(parse_event(event, index, site_id=site_id, origin=origin, sent_at=sent_at))
        except (InvalidEvent, OverflowError) as error:
            errors.append(str(error))
    return hits, errors, None


async def handle(app: Any, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    try:
        raw = await read_body(receive, limit)
        payload, fields = decode_payload(raw, query_params(scope), limit)
        origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
        sized = may_hold_oversize(raw, MAX_EVENT_BYTES)
        hits, errors, auth_error = parse_posthog(
            payload, fields, app.protocol_keys, origin, sized=sized
        )
    except BodyTooLarge:
        await respond(send, 413, f"the body is larger than {limit} bytes".encode(), cors)
        return
    except (BodyError, ValueError) as exc:
        app.ctx.counters.invalid += 1
        message = exc.message if isinstance(exc, BodyError) else "the body is not valid JSON"
        await respond(send, 400, message.encode(), cors)
        return
    if auth_error:
        await respond(send, 401, auth_error.encode(), cors)
        return
    app.ctx.counters.invalid += len(errors)
    if not hits and errors:
        await respond(send, 400, f"no valid event: {errors[0]}"[:1000].encode(), cors)
        return
    await app.store_hits(scope, hits)
    await respond(send, 200, b'{"status":1}', cors, b"application/json")


async def flags(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    """Feature flags are not Footfall's business: answer "no flags" so SDKs carry on."""
    from footfall.collector.app import cors_headers

    body = {
        "flags": {},
        "featureFlags": {},
        "featureFlagPayloads": {},
        "errorsWhileComputingFlags": False,
        "requestId": "",
    }
    await respond(send, 200, orjson.dumps(body), cors_headers(scope), b"application/json")
