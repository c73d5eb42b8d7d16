"""Segment-spec messages (track, page, screen) into hits: the shape of `POST /api/batch`.

Used by Footfall's own Python client; the Segment-compatible endpoints build on it.
Each message is validated on its own, so one bad message never drops the others.
Times are corrected for the client's clock skew: received - (sentAt - timestamp).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.plausible import MAX_NAME, MAX_URL, parse_props

MAX_MESSAGES = 2500
MAX_PAST = timedelta(days=7)


def parse_time(value: Any, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidEvent(field, "must be an ISO-8601 timestamp string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidEvent(field, "must be an ISO-8601 timestamp") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def corrected_time(
    timestamp: datetime | None, sent_at: datetime | None, received_at: datetime
) -> datetime:
    """Segment's clock-skew rule, clamped to [received - 7 days, received]."""
    if timestamp is None:
        return received_at
    moment = received_at - (sent_at - timestamp) if sent_at is not None else timestamp
    return min(max(moment, received_at - MAX_PAST), received_at)


def _text(message: dict[str, Any], key: str, index: int, limit: int = 200) -> str:
    value = message.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidEvent(f"batch[{index}].{key}", "must be a string")
    return str(value)[:limit]


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidEvent(field, "must be an object")
    return value


def parse_message(
    message: Any,
    index: int,
    *,
    site_id: str,
    received_at: datetime,
    sent_at: datetime | None,
    protocol: str,
) -> Hit:
    """One message; the visitor's IP and agent come from `context`, never from the sender."""
    where = f"batch[{index}]"
    if not isinstance(message, dict):
        raise InvalidEvent(where, "must be an object")
    kind = message.get("type")
    if kind not in ("track", "page", "screen"):
        raise InvalidEvent(f"{where}.type", "must be track, page or screen")
    user_id = _text(message, "userId", index)
    anonymous_id = _text(message, "anonymousId", index)
    if not user_id and not anonymous_id:
        raise InvalidEvent(where, "needs userId or anonymousId")
    context = _object(message.get("context"), f"{where}.context")
    properties = _object(message.get("properties"), f"{where}.properties")
    page = _object(context.get("page"), f"{where}.context.page")
    if kind == "track":
        name = _text(message, "event", index, 10_000).strip()
        if not name:
            raise InvalidEvent(f"{where}.event", "is required for track")
        if len(name) > MAX_NAME:
            raise InvalidEvent(f"{where}.event", f"must be at most {MAX_NAME} characters")
    else:
        name = "pageview"
    url = properties.get("url") or page.get("url") or ""
    if kind == "screen" and not url:
        screen = _text(message, "name", index, 500) or "screen"
        url = f"app://{site_id}/{screen.lstrip('/')}"
    if not isinstance(url, str):
        raise InvalidEvent(f"{where}.properties.url", "must be a string")
    if len(url) > MAX_URL:
        raise InvalidEvent(f"{where}.properties.url", f"must be at most {MAX_URL} characters")
    if name == "pageview" and not url:
        raise InvalidEvent(f"{where}.properties.url", "a page call needs a url")
    referrer = properties.get("referrer") or page.get("referrer") or ""
    title = properties.get("title") or page.get("title") or ""
    revenue = properties.get("revenue")
    amount = None
    currency = ""
    if isinstance(revenue, int | float) and not isinstance(revenue, bool):
        amount = f"{float(revenue):.4f}"
        currency = str(properties.get("currency") or "USD").upper()[:3]
    skip = {"url", "referrer", "title", "path", "search"} if name == "pageview" else set()
    props = parse_props(
        {k: v for k, v in properties.items() if k not in skip}, f"{where}.properties"
    )
    ip = context.get("ip") if isinstance(context.get("ip"), str) else ""
    agent = context.get("userAgent") if isinstance(context.get("userAgent"), str) else ""
    timestamp = parse_time(message.get("timestamp"), f"{where}.timestamp")
    return Hit(
        site_id=site_id,
        name=name,
        url=url,
        received_at=received_at,
        client_ip=ip,
        user_agent=agent,
        referrer=referrer if isinstance(referrer, str) else "",
        props=props,
        revenue_amount=amount,
        revenue_currency=currency,
        title=title if isinstance(title, str) else "",
        user_id=user_id,
        distinct_id=anonymous_id,
        message_id=_text(message, "messageId", index),
        protocol=protocol,
        timestamp=corrected_time(timestamp, sent_at, received_at),
        server_side=True,
    )
