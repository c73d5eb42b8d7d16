"""Snowplow tracker protocol (PROTOCOLS.md 7): `GET /i` and `POST .../tp2`.

Emitters retry every non-2xx except 400, 401, 403, 410 and 422, so an unreadable body gets
400 (never retried) and anything readable gets 200: events Footfall cannot use (an
unlinked app id, page pings) are counted and dropped, as a collector accepts everything.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.compat.decoding import BodyError, decode_body, query_params
from footfall.compat.hits import (
    Origin,
    app_url,
    epoch_time,
    flatten,
    obj,
    page_url,
    skew_corrected,
    text_id,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.plausible import parse_props, parse_revenue

BODY_LIMIT = 1024 * 1024
MAX_EVENTS = 500


def _ms(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def event_time(params: dict[str, Any], origin: Origin) -> datetime:
    """`ttm` when given, else collector time - (stm - dtm), clamped like every protocol."""
    ttm, dtm, stm = _ms(params.get("ttm")), _ms(params.get("dtm")), _ms(params.get("stm"))
    if ttm is not None:
        return epoch_time(ttm, origin.received_at)
    if dtm is None:
        return origin.received_at
    if stm is None:
        return epoch_time(dtm, origin.received_at)
    skew = timedelta(milliseconds=max(min(stm - dtm, 10**12), -(10**12)))
    return skew_corrected(origin.received_at - skew, None, origin.received_at)


def self_describing(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The event name (the schema's name) and data of `ue_pr` (JSON) or `ue_px` (base64url)."""
    raw = params.get("ue_pr")
    if raw is None and isinstance(params.get("ue_px"), str):
        text = params["ue_px"]
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError) as exc:
            raise InvalidEvent("ue_px", "is not base64url") from exc
    try:
        envelope = orjson.loads(raw) if isinstance(raw, str | bytes) else None
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent("ue_pr", "is not JSON") from exc
    inner = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(inner, dict) or not isinstance(inner.get("schema"), str):
        raise InvalidEvent("ue_pr", "needs data.schema")
    # iglu:com.acme/checkout_started/jsonschema/1-0-0 → checkout_started
    parts = inner["schema"].removeprefix("iglu:").split("/")
    name = parts[1] if len(parts) > 1 else parts[0]
    data = obj(inner.get("data"))
    return name, flatten(data)


def parse_snowplow_event(params: Any, *, sites: Any, origin: Origin) -> Hit | None:
    """One event's params; None for page pings (Footfall measures engagement itself)."""
    if not isinstance(params, dict):
        raise InvalidEvent("data", "each event must be an object")
    site_id = sites("snowplow", params.get("aid", ""))
    if site_id is None:
        raise InvalidEvent("aid", "unknown or missing app id")
    kind = params.get("e")
    browser = str(params.get("tv", "")).startswith("js-")
    agent = params.get("ua") or (origin.user_agent if browser else "")
    ip = params.get("ip") or (origin.ip if browser else "")
    url = page_url(params.get("url"), "url")
    props: dict[str, Any] = {}
    amount, currency = None, ""
    if kind == "pv":
        if not url:
            raise InvalidEvent("url", "a page view needs a url")
        name = "pageview"
    elif kind == "pp":
        return None
    elif kind == "se":
        name = text_id(params.get("se_ac"))
        if not name or not params.get("se_ca"):
            raise InvalidEvent("se_ac", "a structured event needs se_ca and se_ac")
        props = {
            "category": params.get("se_ca"),
            "label": params.get("se_la"),
            "property": params.get("se_pr"),
            "value": params.get("se_va"),
        }
    elif kind == "ue":
        name, props = self_describing(params)
        if name == "screen_view":
            name, url = "pageview", url or app_url(site_id, text_id(props.get("name")))
            props = {}
    elif kind == "tr":
        name = "transaction"
        props = {"order_id": params.get("tr_id"), "affiliation": params.get("tr_af")}
        amount, currency = parse_revenue(
            {"amount": params.get("tr_tt"), "currency": params.get("tr_cu") or "USD"}
        )
    elif kind == "ti":
        name = "transaction_item"
        props = {"order_id": params.get("ti_id"), "sku": params.get("ti_sk")}
    else:
        raise InvalidEvent("e", "unknown event type")
    width = str(params.get("res", "")).partition("x")[0]
    return Hit(
        site_id=site_id,
        name=name[:120],
        url=url,
        received_at=origin.received_at,
        client_ip=ip if isinstance(ip, str) else "",
        user_agent=agent if isinstance(agent, str) else "",
        referrer=text_id(params.get("refr")),
        props=parse_props({k: v for k, v in props.items() if v not in (None, "")}),
        revenue_amount=amount,
        revenue_currency=currency,
        screen_width=int(width) if width.isdigit() and len(width) < 7 else None,
        title=text_id(params.get("page")),
        user_id=text_id(params.get("uid")),
        distinct_id=text_id(params.get("duid") or params.get("nuid") or params.get("tnuid")),
        message_id=text_id(params.get("eid")),
        protocol="snowplow",
        timestamp=event_time(params, origin),
        server_side=not browser,
    )


def parse_events(events: list[Any], *, sites: Any, origin: Origin) -> tuple[list[Hit], int]:
    hits: list[Hit] = []
    bad = 0
    for params in events[:MAX_EVENTS]:
        try:
            hit = parse_snowplow_event(params, sites=sites, origin=origin)
        except InvalidEvent:
            bad += 1
            continue
        if hit is not None:
            hits.append(hit)
    return hits, bad + max(0, len(events) - MAX_EVENTS)


async def handle_get(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    from footfall.collector.app import PIXEL, cors_headers

    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    hits, bad = parse_events([query_params(scope)], sites=app.protocol_keys, origin=origin)
    app.ctx.counters.invalid += bad
    await app.store_hits(scope, hits)
    headers = [*cors_headers(scope), (b"cache-control", b"no-cache, no-store, must-revalidate")]
    await respond(send, 200, PIXEL, headers, b"image/gif")


async def handle_post(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    try:
        body = orjson.loads(decode_body(await read_body(receive, BODY_LIMIT), BODY_LIMIT))
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise BodyError(400, 'the body must be a payload_data envelope with a "data" list')
    except BodyTooLarge:
        await respond(send, 413, f"the body is larger than {BODY_LIMIT} bytes".encode(), cors)
        return
    except (BodyError, orjson.JSONDecodeError) as exc:
        app.ctx.counters.invalid += 1
        message = exc.message if isinstance(exc, BodyError) else "the body is not valid JSON"
        await respond(send, 400, message.encode(), cors)
        return
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    hits, bad = parse_events(body["data"], sites=app.protocol_keys, origin=origin)
    app.ctx.counters.invalid += bad
    await app.store_hits(scope, hits)
    await respond(send, 200, b"ok", cors)
