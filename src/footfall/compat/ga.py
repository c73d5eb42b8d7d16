"""Google Analytics Measurement Protocol (PROTOCOLS.md 5): UA /collect and /batch, GA4 /mp/collect.

Google always answers 2xx and tells senders not to retry, so malformed or unknown-property
hits are dropped and counted, never refused: UA gets its 1x1 GIF, GA4 a 204. The debug
paths answer with the validation messages instead, so a team can check its hits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.compat.decoding import form_fields, query_params
from footfall.compat.hits import (
    Origin,
    app_url,
    epoch_time,
    identity_hit,
    obj,
    page_url,
    skew_corrected,
    text_id,
    trait_props,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.plausible import parse_props, parse_revenue

HIT_LIMIT = 8192
BATCH_LIMIT = 16 * 1024
BATCH_HITS = 20
GA4_LIMIT = 130 * 1024
GA4_EVENTS = 25
_UA_PAGE = ("pageview", "screenview")


def parse_ua_hit(params: dict[str, str], *, sites: Any, origin: Origin, post: bool) -> Hit:
    """One UA hit. Backends (POST without `ua`) get no agent: the request's is the library's."""
    site_id = sites("ga", params.get("tid", ""))
    if site_id is None:
        raise InvalidEvent("tid", "unknown or missing property id")
    kind = params.get("t", "")
    client = text_id(params.get("cid"))
    user = text_id(params.get("uid"))
    if not client and not user:
        raise InvalidEvent("cid", "cid or uid is required")
    url = params.get("dl") or ""
    if not url and params.get("dp"):
        url = f"https://{params.get('dh') or site_id}{params['dp']}"
    if kind == "screenview":
        url = url or app_url(site_id, params.get("cd", ""))
    url = page_url(url, "dl")
    queued = params.get("qt", "")
    moment = origin.received_at
    if queued.isdigit() and len(queued) < 12:
        moment = skew_corrected(
            origin.received_at - timedelta(milliseconds=int(queued)), None, origin.received_at
        )
    agent = params.get("ua") or ("" if post else origin.user_agent)
    ip = params.get("uip") or ("" if post else origin.ip)
    props: dict[str, Any] = {}
    amount, currency = None, ""
    if kind in _UA_PAGE:
        if not url:
            raise InvalidEvent("dl", "a pageview needs dl, or dh and dp")
        name = "pageview"
    elif kind == "event":
        category, action = params.get("ec", ""), params.get("ea", "")
        if not category or not action:
            raise InvalidEvent("ea", "an event needs ec and ea")
        name = action
        props = {"category": category, "label": params.get("el", ""), "value": params.get("ev")}
    elif kind == "transaction":
        name = "transaction"
        props = {"transaction_id": params.get("ti", "")}
        amount, currency = parse_revenue(
            {"amount": params.get("tr", ""), "currency": params.get("cu") or "USD"}
        )
    elif kind in ("item", "social", "exception", "timing"):
        name = kind
    else:
        raise InvalidEvent("t", "unknown hit type")
    props.update({k: v for k, v in params.items() if k[:2] in ("cd", "cm") and k[2:].isdigit()})
    return Hit(
        site_id=site_id,
        name=name[:120],
        url=url,
        received_at=origin.received_at,
        client_ip=ip,
        user_agent=agent,
        referrer=params.get("dr", ""),
        props=parse_props(props),
        revenue_amount=amount,
        revenue_currency=currency,
        interactive=params.get("ni") != "1",
        title=params.get("dt", ""),
        user_id=user,
        distinct_id=client,
        message_id=text_id(params.get("z")) if params.get("z") else "",
        protocol="ga",
        timestamp=moment,
        server_side=not agent,
    )


def parse_ga4(
    body: Any, query: dict[str, str], *, sites: Any, origin: Origin
) -> tuple[list[Hit], list[str]]:
    """A GA4 MP request: `api_secret` may be linked with the id as `G-XXX:secret` to require it."""
    stream = query.get("measurement_id") or query.get("firebase_app_id") or ""
    site_id = sites("ga4", f"{stream}:{query.get('api_secret', '')}") or sites("ga4", stream)
    if site_id is None:
        return [], ["measurement_id: unknown or missing"]
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return [], ["events: a list is required"]
    client = text_id(body.get("client_id") or body.get("app_instance_id"))
    user = text_id(body.get("user_id"))
    if not client:
        return [], ["client_id: is required"]
    moment = origin.received_at
    micros = body.get("timestamp_micros")
    if isinstance(micros, int | str) and str(micros).isdigit():
        moment = epoch_time(int(micros) / 1_000_000, origin.received_at)
    hits: list[Hit] = []
    errors: list[str] = []
    common: dict[str, Any] = {
        "site_id": site_id,
        "received_at": origin.received_at,
        "user_id": user,
        "distinct_id": client,
        "protocol": "ga4",
        "timestamp": moment,
        "server_side": True,
    }
    traits = body.get("user_properties")
    if user and isinstance(traits, dict):
        values = {k: v.get("value") for k, v in traits.items() if isinstance(v, dict)}
        hits.append(
            identity_hit(
                "$identify",
                site_id,
                origin=origin,
                user_id=user,
                distinct_id=client,
                props=trait_props({"set": values}, "user"),
                protocol="ga4",
                timestamp=moment,
            )
        )
    for index, event in enumerate(body["events"][:GA4_EVENTS]):
        try:
            hits.append(_ga4_event(event, index, common))
        except InvalidEvent as error:
            errors.append(str(error))
    if len(body["events"]) > GA4_EVENTS:
        errors.append(f"events: at most {GA4_EVENTS} per request")
    return hits, errors


def _ga4_event(event: Any, index: int, common: dict[str, Any]) -> Hit:
    where = f"events[{index}]"
    if not isinstance(event, dict) or not isinstance(event.get("name"), str):
        raise InvalidEvent(f"{where}.name", "is required")
    name = event["name"].strip()
    if not name or len(name) > 40:
        raise InvalidEvent(f"{where}.name", "must be 1 to 40 characters")
    params = obj(event.get("params"))
    url = page_url(params.get("page_location"), f"{where}.params.page_location")
    if name in ("page_view", "screen_view"):
        url = url or app_url(common["site_id"], text_id(params.get("screen_name")))
        name = "pageview"
    amount, currency = None, ""
    if isinstance(params.get("value"), int | float) and params.get("currency"):
        amount, currency = parse_revenue(
            {"amount": params["value"], "currency": params["currency"]}
        )
    skip = {
        "page_location",
        "page_referrer",
        "page_title",
        "session_id",
        "engagement_time_msec",
        "currency",
        "value",
    }
    return Hit(
        name=name,
        url=url,
        referrer=text_id(params.get("page_referrer")),
        title=text_id(params.get("page_title")),
        props=parse_props({k: v for k, v in params.items() if k not in skip}, f"{where}.params"),
        revenue_amount=amount,
        revenue_currency=currency,
        **common,
    )


def _debug_ua(errors: list[str], hits: list[str]) -> bytes:
    results = [
        {
            "valid": not e,
            "parserMessage": [{"messageType": "ERROR", "description": e}] if e else [],
            "hit": h,
        }
        for e, h in zip(errors, hits, strict=True)
    ]
    return orjson.dumps({"hitParsingResult": results})


async def handle_ua(app: Any, scope: Scope, receive: Receive, send: Send, mode: str) -> None:
    """`mode`: collect (one hit), batch (one per line) or debug (one hit, JSON validation)."""
    from footfall.collector.app import PIXEL, cors_headers

    cors = cors_headers(scope)
    post = scope["method"] == "POST"
    limit = BATCH_LIMIT if mode == "batch" else HIT_LIMIT
    try:
        raw = await read_body(receive, limit) if post else b""
    except BodyTooLarge:
        raw = b""
        app.ctx.counters.invalid += 1
    lines = raw.splitlines() if mode == "batch" else [raw]
    if not post:
        lines = [scope.get("query_string", b"")]
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    hits, errors = [], []
    for line in lines[:BATCH_HITS]:
        try:
            params = form_fields(line)
            if len(line) > HIT_LIMIT:
                raise InvalidEvent("payload", f"a hit must be at most {HIT_LIMIT} bytes")
            hits.append(parse_ua_hit(params, sites=app.protocol_keys, origin=origin, post=post))
            errors.append("")
        except InvalidEvent as error:
            errors.append(str(error))
    app.ctx.counters.invalid += sum(1 for e in errors if e)
    if mode == "debug":
        texts = [line.decode("utf-8", "replace") for line in lines[:BATCH_HITS]]
        await respond(send, 200, _debug_ua(errors, texts), cors, b"application/json")
        return
    await app.store_hits(scope, hits)
    headers = [*cors, (b"cache-control", b"no-cache, no-store, must-revalidate")]
    await respond(send, 200, PIXEL, headers, b"image/gif")


async def handle_ga4(app: Any, scope: Scope, receive: Receive, send: Send, debug: bool) -> None:
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    try:
        body = orjson.loads(await read_body(receive, GA4_LIMIT))
    except (BodyTooLarge, orjson.JSONDecodeError):
        body = None
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    hits, errors = parse_ga4(body, query_params(scope), sites=app.protocol_keys, origin=origin)
    if body is None:
        errors = ["body: must be a JSON object of at most 130 kB"]
    app.ctx.counters.invalid += len(errors)
    if debug:
        messages = [
            {"fieldPath": e.partition(":")[0], "description": e, "validationCode": "VALUE_INVALID"}
            for e in errors
        ]
        await respond(
            send, 200, orjson.dumps({"validationMessages": messages}), cors, b"application/json"
        )
        return
    await app.store_hits(scope, hits)
    await respond(send, 204, b"", cors)
