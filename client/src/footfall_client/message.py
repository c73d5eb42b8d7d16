"""Calls become messages in the Segment spec, the one shape every provider encodes from.

A message is a plain dict with the spec's camelCase keys: ``type`` (track, page, screen,
identify, group, alias), ``event``, ``name``, ``properties``, ``traits``, ``userId``,
``anonymousId``, ``groupId``, ``previousId``, ``messageId``, ``timestamp`` and ``context``
(``ip``, ``userAgent``, ``page{url,path,referrer,title}``, ``library``). Absent fields are left
out rather than sent as null.

Building happens on the caller's thread, so it stays cheap: the timestamp is kept as the float
``time.time()`` gave and the message id is not made yet. :func:`finalize` completes the message on
the sending side (id, ISO timestamp, derived anonymous id, anonymization).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from .anonymize import anonymize_ip_address, anonymize_user_agent, generate_client_id
from .errors import InvalidMessageError

Message = dict[str, Any]
Timestamp = float | dt.datetime | str

# analytical-style Google Analytics parameter names → the friendly names used here.
PARAM_ALIASES: dict[str, str] = {
    "dl": "url",
    "location": "url",
    "dt": "title",
    "dr": "referrer",
    "dp": "path",
    "dh": "host",
    "ua": "user_agent",
    "userAgent": "user_agent",
    "uip": "ip",
    "cid": "client_id",
    "anonymous_id": "client_id",
    "anonymousId": "client_id",
    "uid": "user_id",
    "userId": "user_id",
    "ec": "category",
    "ea": "action",
    "el": "label",
    "ev": "value",
    "event": "name",
    "properties": "props",
}
# Friendly names that describe the hit itself; every other key becomes a property.
_HIT_FIELDS = frozenset(
    {"url", "title", "referrer", "path", "host", "user_agent", "ip", "client_id", "user_id"}
    | {"name", "props", "timestamp", "context", "message_id", "action"}
)


def normalize_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Rename analytical-style keys (``dl``, ``ua``, ``ec`` …) to friendly ones (``url`` …)."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InvalidMessageError(f"params must be a dict, not {type(params).__name__}")
    return {PARAM_ALIASES.get(key, key): value for key, value in params.items()}


def _hit_context(p: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = dict(p.get("context") or {})
    page = {k: p[k] for k in ("url", "path", "referrer", "title") if p.get(k) is not None}
    if page:
        context["page"] = {**page, **context.get("page", {})}
    if p.get("ip"):
        context["ip"] = p["ip"]
    if p.get("user_agent"):
        context["userAgent"] = p["user_agent"]
    return context


def _identify(message: Message, p: dict[str, Any]) -> Message:
    if p.get("user_id") is not None:
        message["userId"] = str(p["user_id"])
    if p.get("client_id") is not None:
        message["anonymousId"] = str(p["client_id"])
    if p.get("message_id") is not None:
        message["messageId"] = str(p["message_id"])
    return message


def _extras(p: dict[str, Any], skip: frozenset[str]) -> dict[str, Any]:
    props = dict(p.get("props") or {})
    for key, value in p.items():
        if key not in skip and value is not None:
            props.setdefault(key, value)
    return props


def pageview_message(params: Mapping[str, Any] | None, now: Timestamp) -> Message:
    """``Provider.pageview(params)``: a ``page`` message from friendly or GA parameter names."""
    p = normalize_params(params)
    if p.get("url") and not p.get("path"):
        p["path"] = urlsplit(str(p["url"])).path or "/"
    properties = _extras(p, _HIT_FIELDS - {"url", "path", "referrer", "title", "host"})
    message: Message = {
        "type": "page",
        "properties": properties,
        "timestamp": p.get("timestamp") or now,
    }
    if p.get("name") is not None:
        message["name"] = str(p["name"])
    message["context"] = _hit_context(p)
    return _identify(message, p)


def event_message(params: Mapping[str, Any] | None, now: Timestamp) -> Message:
    """``Provider.event(params)``: a ``track`` message named by ``name`` (or GA's ``ea``)."""
    p = normalize_params(params)
    name = p.get("name") or p.get("action")
    if not name:
        raise InvalidMessageError("an event needs a 'name' (or GA's 'ea'/'action')")
    properties = _extras(p, _HIT_FIELDS)
    if p.get("name") and p.get("action"):
        properties.setdefault("action", p["action"])
    message: Message = {"type": "track", "event": str(name), "properties": properties}
    message["timestamp"] = p.get("timestamp") or now
    message["context"] = _hit_context(p)
    return _identify(message, p)


def spec_message(
    kind: str,
    now: Timestamp,
    *,
    user_id: Any = None,
    anonymous_id: Any = None,
    context: Mapping[str, Any] | None = None,
    timestamp: Timestamp | None = None,
    message_id: str | None = None,
    integrations: Mapping[str, Any] | None = None,
    **fields: Any,
) -> Message:
    """A Segment-style call (track, page, screen, identify, group, alias) as a message."""
    message: Message = {"type": kind}
    for key, value in fields.items():
        if value is not None:
            if key in ("properties", "traits") and not isinstance(value, Mapping):
                raise InvalidMessageError(f"{key} must be a dict, not {type(value).__name__}")
            message[key] = dict(value) if key in ("properties", "traits") else value
    if user_id is not None:
        message["userId"] = str(user_id)
    if anonymous_id is not None:
        message["anonymousId"] = str(anonymous_id)
    message["timestamp"] = timestamp or now
    message["context"] = dict(context or {})
    if integrations is not None:
        message["integrations"] = dict(integrations)
    if message_id is not None:
        message["messageId"] = str(message_id)
    return message


def iso_timestamp(value: Timestamp) -> str:
    """ISO-8601 in UTC with milliseconds (``2024-05-01T12:00:00.123+00:00``).

    Naive datetimes are taken as local time, as Python does. Strings pass through unchanged.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        moment = value.astimezone(dt.UTC)
    else:
        moment = dt.datetime.fromtimestamp(float(value), dt.UTC)
    return moment.isoformat(timespec="milliseconds")


def epoch_seconds(iso: str) -> float:
    """The inverse of :func:`iso_timestamp`, for providers that want unix time."""
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def finalize(
    message: Message,
    *,
    library: Mapping[str, str],
    client_id_secret: str,
    anonymize_ip: bool = False,
    anonymize_ua: bool = False,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Message:
    """Complete a message on the sending side: message id, ISO timestamp, library, identity.

    A message with neither ``userId`` nor ``anonymousId`` gets a cookieless anonymous id derived
    from ``client_id_secret``, the IP and the user agent (a random one if it has neither), before
    the IP and user agent are anonymized.
    """
    context = message.setdefault("context", {})
    context.setdefault("library", dict(library))
    message.setdefault("messageId", new_id())
    message["timestamp"] = iso_timestamp(message["timestamp"])
    ip, agent = context.get("ip"), context.get("userAgent")
    if "userId" not in message and "anonymousId" not in message:
        if ip or agent:
            secret = f"{client_id_secret}${ip or ''}${agent or ''}"
            message["anonymousId"] = generate_client_id(secret)
        else:
            message["anonymousId"] = generate_client_id()
    if anonymize_ip and ip:
        context["ip"] = anonymize_ip_address(str(ip)) or "0.0.0.0"
    if anonymize_ua and agent:
        context["userAgent"] = anonymize_user_agent(str(agent))
    return message


def distinct_id(message: Message) -> str:
    """The one id platforms without the userId/anonymousId split want (userId first)."""
    return str(message.get("userId") or message.get("anonymousId") or "")


def page_fields(message: Message) -> dict[str, Any]:
    """url, path, referrer and title from ``properties``, falling back to ``context.page``."""
    props = message.get("properties") or {}
    page = (message.get("context") or {}).get("page") or {}
    fields = {k: props.get(k, page.get(k)) for k in ("url", "path", "referrer", "title", "search")}
    return {k: v for k, v in fields.items() if v is not None}
