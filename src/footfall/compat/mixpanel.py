"""Mixpanel ingestion (PROTOCOLS.md 3): /track, /engage, /groups and /import.

`data=` holds JSON or base64 JSON (mixpanel-js sends base64 to any host but Mixpanel's).
The Python client reads `status` from a JSON reply (it always sends `verbose=1`), so the
reply is `{"status":1,"error":null}` when at least one record was usable and 0 with the
first error otherwise; without `verbose` it is a bare `1` or `0`, as Mixpanel answers.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from footfall.collector.asgi import BodyTooLarge, Receive, Scope, Send, header, read_body, respond
from footfall.collector.batch import bearer_or_basic_key
from footfall.compat.decoding import (
    BodyError,
    decode_body,
    form_fields,
    json_or_base64,
    looks_like_json,
    ndjson,
    query_params,
)
from footfall.compat.hits import (
    Origin,
    check_size,
    custom_props,
    epoch_time,
    identity_hit,
    may_hold_oversize,
    page_url,
    revenue_of,
    text,
    text_id,
    trait_props,
)
from footfall.errors import InvalidEvent
from footfall.events import Hit

MAX_RECORDS = 2000
TRACK_LIMIT = 10 * 1024 * 1024
IMPORT_LIMIT = 10 * 1024 * 1024
MAX_EVENT_BYTES = 1024 * 1024  # "under 1 MB of JSON" per event
_OPS = {"$set": "set", "$set_once": "set_once", "$add": "add", "$unset": "unset"}
_SKIP = ("token", "distinct_id", "time", "mp_lib", "ip", "alias")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,100}$")


def decode_records(raw: bytes, query: dict[str, str], limit: int) -> tuple[list[Any], dict]:
    """Records from `data=` (form or query; JSON or base64), a JSON body, or NDJSON."""
    fields = dict(query)
    body = decode_body(raw, limit)
    if looks_like_json(body):
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            payload = ndjson(body)
    else:
        fields.update(form_fields(body))
        if "data" not in fields:
            raise BodyError(400, "data, missing or empty")
        payload = json_or_base64(fields["data"])
    records = payload if isinstance(payload, list) else [payload]
    if len(records) > MAX_RECORDS:
        raise BodyError(413, f"at most {MAX_RECORDS} records per request")
    return records, fields


def record_token(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    props = record.get("properties")
    token = props.get("token") if isinstance(props, dict) else record.get("$token")
    return token if isinstance(token, str) else ""


def parse_event(record: Any, index: int, *, site_id: str, origin: Origin) -> Hit:
    where = f"[{index}]"
    if not isinstance(record, dict) or not isinstance(record.get("properties", {}), dict):
        raise InvalidEvent(where, "must be an object with properties")
    name = record.get("event")
    if not isinstance(name, str) or not name.strip():
        raise InvalidEvent(f"{where}.event", "is required")
    props = record.get("properties") or {}
    distinct = text_id(props.get("distinct_id"))
    moment = epoch_time(props.get("time"), origin.received_at)
    message_id = text_id(props.get("$insert_id"))[:36]
    browser = props.get("mp_lib") == "web"
    ip = text(props.get("ip"))
    agent = text(props.get("$user_agent"))
    if browser:
        ip, agent = ip or origin.ip, agent or origin.user_agent
    url = page_url(props.get("$current_url") or props.get("url"), f"{where}.$current_url")
    common: dict[str, Any] = {
        "origin": origin,
        "message_id": message_id,
        "protocol": "mixpanel",
        "timestamp": moment,
        "url": url,
        "ip": ip,
        "user_agent": agent,
    }
    if name == "$create_alias":
        alias = text_id(props.get("alias"))
        if not alias or not distinct:
            raise InvalidEvent(f"{where}.properties", "$create_alias needs distinct_id and alias")
        return identity_hit("$alias", site_id, user_id=alias, distinct_id=distinct, **common)
    if name == "$merge":
        ids = props.get("$distinct_ids")
        if not isinstance(ids, list) or len(ids) != 2 or not all(text_id(i) for i in ids):
            raise InvalidEvent(f"{where}.$distinct_ids", "must list two ids")
        return identity_hit(
            "$alias", site_id, user_id=text_id(ids[1]), distinct_id=text_id(ids[0]), **common
        )
    if name == "$identify":
        anon = text_id(props.get("$anon_distinct_id"))
        user = text_id(props.get("$identified_id")) or distinct
        return identity_hit("$identify", site_id, user_id=user, distinct_id=anon, **common)
    if name == "$mp_web_page_view":
        if not url:
            raise InvalidEvent(f"{where}.$current_url", "a page view needs a url")
        name = "pageview"
    amount, currency = revenue_of(props) if not name.startswith("$") else (None, "")
    referrer = props.get("$referrer")
    return Hit(
        site_id=site_id,
        name=name.strip()[:120],
        url=url,
        received_at=origin.received_at,
        client_ip=ip,
        user_agent=agent,
        referrer=referrer if isinstance(referrer, str) else "",
        props=custom_props(props, f"{where}.properties", _SKIP),
        revenue_amount=amount,
        revenue_currency=currency,
        user_id=text_id(props.get("$user_id")),
        distinct_id=distinct,
        message_id=message_id,
        protocol="mixpanel",
        timestamp=moment,
        server_side=not browser,
    )


def parse_profile(record: Any, index: int, *, site_id: str, origin: Origin) -> Hit:
    """An /engage (person) or /groups record: `$identify` or `$group` with its operations."""
    where = f"[{index}]"
    if not isinstance(record, dict):
        raise InvalidEvent(where, "must be an object")
    ops = {_OPS[k]: v for k, v in record.items() if k in _OPS}
    props = trait_props(ops, where)
    moment = epoch_time(record.get("$time"), origin.received_at)
    ip = text(record.get("$ip"))
    if "$group_key" in record:
        group_type, group_id = text_id(record.get("$group_key")), text_id(record.get("$group_id"))
        if not group_type or not group_id:
            raise InvalidEvent(where, "needs $group_key and $group_id")
        props = {"group_type": group_type, "group_id": group_id, **props}
        return identity_hit(
            "$group",
            site_id,
            origin=origin,
            user_id="",
            props=props,
            protocol="mixpanel",
            timestamp=moment,
            ip=ip,
        )
    distinct = text_id(record.get("$distinct_id"))
    if not distinct:
        raise InvalidEvent(f"{where}.$distinct_id", "is required")
    return identity_hit(
        "$identify",
        site_id,
        origin=origin,
        user_id=distinct,
        props=props,
        protocol="mixpanel",
        timestamp=moment,
        ip=ip,
    )


def parse_records(
    records: list[Any],
    kind: str,
    *,
    sites: Any,
    origin: Origin,
    site_id: str | None = None,
    sized: bool = False,
) -> tuple[list[Hit], list[dict[str, Any]]]:
    """Each record on its own: a bad, oversize or unauthorised one never drops the others."""
    parse = parse_event if kind in ("track", "import") else parse_profile
    hits: list[Hit] = []
    failed: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        try:
            if sized:
                check_size(record, MAX_EVENT_BYTES, f"[{index}]")
            site = site_id or sites("mixpanel", record_token(record))
            if site is None:
                raise InvalidEvent(f"[{index}].token", "missing or unknown project token")
            hits.append(parse(record, index, site_id=site, origin=origin))
        except InvalidEvent as error:
            props = record.get("properties") if isinstance(record, dict) else None
            insert_id = props.get("$insert_id") if isinstance(props, dict) else None
            failed.append(
                {
                    "index": index,
                    "insert_id": text_id(insert_id),
                    "field": error.field,
                    "message": error.message,
                }
            )
    return hits, failed


def reply(fields: dict[str, str], ok: bool, error: str | None) -> tuple[bytes, bytes]:
    """Body and content type for /track, /engage and /groups (verbose, img, callback, plain)."""
    from footfall.collector.app import PIXEL

    if fields.get("img") == "1":
        return PIXEL, b"image/gif"
    status = 1 if ok else 0
    if fields.get("verbose") == "1":
        body = orjson.dumps({"status": status, "error": None if ok else error})
    else:
        body = str(status).encode()
    callback = fields.get("callback", "")
    if _CALLBACK.match(callback):
        return f"{callback}({body.decode()});".encode(), b"text/javascript; charset=utf-8"
    if fields.get("verbose") == "1":
        return body, b"application/json"
    return body, b"text/plain; charset=utf-8"


async def handle(app: Any, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
    """/track, /engage, /groups: always 200 (mixpanel-js drops 4xx and retries 5xx anyway)."""
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    fields = query_params(scope)
    try:
        raw = await read_body(receive, TRACK_LIMIT)
        records, fields = decode_records(raw, fields, TRACK_LIMIT)
    except BodyTooLarge:
        body, ctype = reply(fields, False, f"the body is larger than {TRACK_LIMIT} bytes")
        await respond(send, 200, body, cors, ctype)
        return
    except (BodyError, ValueError) as exc:
        app.ctx.counters.invalid += 1
        message = exc.message if isinstance(exc, BodyError) else "data is not valid JSON"
        body, ctype = reply(fields, False, message)
        await respond(send, 200, body, cors, ctype)
        return
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    sized = may_hold_oversize(raw, MAX_EVENT_BYTES)
    hits, failed = parse_records(records, kind, sites=app.protocol_keys, origin=origin, sized=sized)
    app.ctx.counters.invalid += len(failed)
    await app.store_hits(scope, hits)
    ok = bool(hits) or not failed
    error = None if ok else f"{failed[0]['field']}: {failed[0]['message']}"
    body, ctype = reply(fields, ok, error)
    await respond(send, 200, body, cors, ctype)


async def handle_import(app: Any, scope: Scope, receive: Receive, send: Send) -> None:
    """/import: Basic auth (secret, token or service account + project_id), else record tokens."""
    from footfall.collector.app import cors_headers

    cors = cors_headers(scope)
    query = query_params(scope)

    async def answer(status: int, body: dict[str, Any]) -> None:
        await respond(send, status, orjson.dumps(body), cors, b"application/json")

    try:
        raw = await read_body(receive, IMPORT_LIMIT)
        records, fields = decode_records(raw, query, IMPORT_LIMIT)
    except BodyTooLarge:
        message = f"request body exceeds the limit of {IMPORT_LIMIT} bytes"
        await answer(413, {"code": 413, "error": message, "status": "Payload Too Large"})
        return
    except (BodyError, ValueError) as exc:
        app.ctx.counters.invalid += 1
        message = exc.message if isinstance(exc, BodyError) else "the body is not valid JSON"
        await answer(
            400,
            {
                "code": 400,
                "error": message,
                "status": "Bad Request",
                "num_records_imported": 0,
                "failed_records": [],
            },
        )
        return
    user = bearer_or_basic_key(header(scope, b"authorization"))
    site_id = app.protocol_keys("mixpanel", user) or app.protocol_keys(
        "mixpanel", fields.get("project_id", "")
    )
    if site_id is None and (user or not any(record_token(r) for r in records)):
        await answer(401, {"code": 401, "error": "Invalid credentials", "status": "Unauthorized"})
        return
    origin = Origin(app.ctx.clock(), app._client(scope), header(scope, b"user-agent"))
    sized = may_hold_oversize(raw, MAX_EVENT_BYTES)
    hits, failed = parse_records(
        records, "import", sites=app.protocol_keys, origin=origin, site_id=site_id, sized=sized
    )
    app.ctx.counters.invalid += len(failed)
    await app.store_hits(scope, hits)
    verbose = fields.get("verbose") == "1"  # mixpanel-python reads `status` and wants 1
    if failed:
        await answer(
            400,
            {
                "code": 400,
                "error": "some data points in the request failed",
                "status": 0 if verbose else "Bad Request",
                "num_records_imported": len(hits),
                "failed_records": failed,
            },
        )
        return
    await answer(
        200,
        {
            "code": 200,
            "num_records_imported": len(hits),
            "status": 1 if verbose else "OK",
            "error": None,
        },
    )
