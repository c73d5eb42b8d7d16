"""Building blocks every protocol maps with: props, traits, identity events, times.

The identity model (docs/migrate/README.md): identify, alias, merge and group calls are
stored as events named `$identify`, `$alias` and `$group`, so they are durable and
exactly-once like any event. Trait operations become flat props `set:<trait>`,
`set_once:<trait>`, `add:<trait>` and `unset:<trait>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from footfall.errors import InvalidEvent
from footfall.events import Hit
from footfall.ingest.plausible import MAX_PROPS, MAX_URL, parse_props, parse_revenue
from footfall.ingest.segment import MAX_PAST, corrected_time

MAX_ID = 200


@dataclass(frozen=True, slots=True)
class Origin:
    """What the request itself says: when it arrived, and the sender's IP and agent."""

    received_at: datetime
    ip: str = ""
    user_agent: str = ""


def obj(value: Any) -> dict[str, Any]:
    """A JSON object, or {} for anything else (clients send null for absent objects)."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str:
    """A JSON string, or "" for anything else."""
    return value if isinstance(value, str) else ""


def flatten(raw: dict[str, Any], depth: int = 2, prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys down to `depth` levels; lists are dropped."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if depth > 1:
                out.update(flatten(value, depth - 1, name + "."))
        elif not isinstance(value, list):
            out[name] = value
    return out


def custom_props(raw: Any, field: str, skip: Iterable[str] = ()) -> dict[str, str]:
    """A protocol's event properties without its own bookkeeping (`$…` and `skip` keys)."""
    if not isinstance(raw, dict):
        return {}
    skipped = set(skip)
    kept = {
        k: v
        for k, v in raw.items()
        if isinstance(k, str) and k and not k.startswith("$") and k not in skipped
    }
    return parse_props(flatten(kept), field)


def trait_props(operations: dict[str, Any], field: str) -> dict[str, str]:
    """`{"set": {...}, "unset": [...]}` → flat `set:<trait>` props (unset values are "")."""
    flat: dict[str, Any] = {}
    unset: list[str] = []
    for op, traits in operations.items():
        if op == "unset":
            names = traits if isinstance(traits, list) else list(obj(traits))
            unset.extend(str(n) for n in names if isinstance(n, str | int) and str(n))
        elif isinstance(traits, dict):
            flat.update({f"{op}:{k}": v for k, v in flatten(traits).items() if isinstance(k, str)})
    props = parse_props(flat, field)
    for name in unset:
        if len(props) >= MAX_PROPS:
            break
        props[f"unset:{name[:250]}"] = ""
    return props


def revenue_of(props: dict[str, Any]) -> tuple[str | None, str]:
    """Revenue from `revenue`, `price` or `value` plus `currency` (USD when absent)."""
    for key in ("revenue", "price", "value"):
        amount = props.get(key)
        if isinstance(amount, int | float) and not isinstance(amount, bool):
            currency = props.get("currency")
            code = currency if isinstance(currency, str) and currency.strip() else "USD"
            return parse_revenue({"amount": amount, "currency": code})
    return None, ""


def skew_corrected(
    timestamp: datetime | None, sent_at: datetime | None, received_at: datetime
) -> datetime:
    """`corrected_time`, safe for absurd dates (year 1 sent at year 9999 overflows)."""
    try:
        return corrected_time(timestamp, sent_at, received_at)
    except OverflowError:
        return (
            received_at if timestamp is None or timestamp > received_at else received_at - MAX_PAST
        )


def may_hold_oversize(raw: bytes, limit: int) -> bool:
    """Whether one event of this body can exceed `limit`: the body is larger, or gzipped.

    Below that, per-event `check_size` (a JSON dump per event) is skipped on the hot path."""
    return len(raw) > limit or raw[:2] == b"\x1f\x8b"


def check_size(record: Any, limit: int, where: str) -> None:
    """A per-event size limit (call it when `may_hold_oversize`)."""
    try:
        size = len(orjson.dumps(record))
    except TypeError as exc:
        raise InvalidEvent(where, "is not JSON-serialisable") from exc
    if size > limit:
        raise InvalidEvent(where, f"the event is larger than {limit} bytes")


def text_id(value: Any) -> str:
    """An id as the protocols send it: a string or a number; anything else is no id."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).replace("\x00", "")[:MAX_ID]


def epoch_time(value: Any, received_at: datetime) -> datetime:
    """Unix seconds or milliseconds (by size), clamped to the last 7 days, never the future."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return received_at
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return received_at
    seconds = value / 1000 if abs(value) > 1e11 else value
    try:
        moment = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return received_at
    return corrected_time(moment, None, received_at)


def page_url(value: Any, field: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise InvalidEvent(field, "must be a string")
    if len(value) > MAX_URL:
        raise InvalidEvent(field, f"must be at most {MAX_URL} characters")
    return value


def app_url(site_id: str, screen: str) -> str:
    """Screens of apps have no URL: `app://<site>/<screen name>` keeps them apart from pages."""
    return f"app://{site_id}/{screen.lstrip('/')[:500] or 'screen'}"


def identity_hit(
    name: str,
    site_id: str,
    *,
    origin: Origin,
    user_id: str,
    distinct_id: str = "",
    props: dict[str, str] | None = None,
    message_id: str = "",
    protocol: str,
    timestamp: datetime | None = None,
    url: str = "",
    ip: str = "",
    user_agent: str = "",
) -> Hit:
    """A `$identify`, `$alias` or `$group` event: a backend fact, never a bot or a visit."""
    return Hit(
        site_id=site_id,
        name=name,
        url=url,
        received_at=origin.received_at,
        client_ip=ip,
        user_agent=user_agent,
        props=props or {},
        interactive=False,
        user_id=user_id,
        distinct_id=distinct_id,
        message_id=message_id,
        protocol=protocol,
        timestamp=timestamp or origin.received_at,
        server_side=True,
    )
