"""Parse a Plausible Events API body (PROTOCOLS.md 2.1) into hits.

Accepts long and short keys, JSON sent as application/json or text/plain, and props
as an object or a JSON string (the legacy tracker). Every problem raises
`InvalidEvent` naming the field, so the reply can say exactly what was wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from footfall.errors import InvalidEvent
from footfall.events import Hit

MAX_NAME = 120
MAX_URL = 2000
MAX_PROPS = 30
MAX_PROP_KEY = 300
MAX_PROP_VALUE = 2000


def _pick(body: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in body and body[key] is not None:
            return body[key]
    return None


def parse_json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidEvent("request", "Unable to parse request body as json") from exc
    if not isinstance(body, dict):
        raise InvalidEvent("request", "the body must be a JSON object")
    return body


def _name(body: dict[str, Any]) -> str:
    name = _pick(body, "name", "n")
    if name is None:
        raise InvalidEvent("name", "is required")
    if isinstance(name, bool) or not isinstance(name, str | int):
        raise InvalidEvent("name", "must be a string")
    name = str(name).strip()
    if not name:
        raise InvalidEvent("name", "must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidEvent("name", f"must be at most {MAX_NAME} characters")
    return name


def _url(body: dict[str, Any]) -> str:
    url = _pick(body, "url", "u")
    if url is None:
        raise InvalidEvent("url", "is required")
    if not isinstance(url, str):
        raise InvalidEvent("url", "must be a string")
    if not url.strip():
        raise InvalidEvent("url", "must not be empty")
    if len(url.encode(errors="surrogatepass")) > MAX_URL:
        raise InvalidEvent("url", f"must be at most {MAX_URL} bytes")
    if url.lstrip().lower().startswith("data:"):
        raise InvalidEvent("url", "the data: scheme is not accepted")
    return url


def _domains(body: dict[str, Any], url: str) -> list[str]:
    domain = _pick(body, "domain", "d")
    if domain is None:
        from footfall.enrich.urls import parse_page_url

        host = parse_page_url(url).hostname
        if host in ("", "(none)"):
            raise InvalidEvent("domain", "is required when the url has no host")
        return [host]
    if not isinstance(domain, str):
        raise InvalidEvent("domain", "must be a string")
    domains = [d.strip().lower().removeprefix("www.") for d in domain.split(",")]
    domains = [d for d in domains if d]
    if not domains:
        raise InvalidEvent("domain", "must not be empty")
    return domains


def parse_props(raw: Any, field: str = "props") -> dict[str, str]:
    """Stringify scalar values; drop empty, list and object values; keep at most 30."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidEvent(field, "must be an object or a JSON string of one") from exc
    if not isinstance(raw, dict):
        raise InvalidEvent(field, "must be an object")
    props: dict[str, str] = {}
    for key, value in raw.items():
        if len(props) >= MAX_PROPS:
            break
        if value is None or isinstance(value, list | dict):
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        text = value if isinstance(value, str) else str(value)
        if not text or not key:
            continue
        if len(key.encode(errors="surrogatepass")) > MAX_PROP_KEY:
            raise InvalidEvent(f"{field}.{key[:40]}", f"key must be at most {MAX_PROP_KEY} bytes")
        if len(text.encode(errors="surrogatepass")) > MAX_PROP_VALUE:
            raise InvalidEvent(
                f"{field}.{key[:40]}", f"value must be at most {MAX_PROP_VALUE} bytes"
            )
        props[key] = text
    return props


def parse_revenue(raw: Any) -> tuple[str | None, str]:
    """Bad revenue is dropped silently, as Plausible does; the event still counts."""
    if not isinstance(raw, dict):
        return None, ""
    currency = raw.get("currency")
    amount = raw.get("amount")
    if not isinstance(currency, str) or len(currency.strip()) != 3 or not currency.isalpha():
        return None, ""
    if isinstance(amount, bool) or not isinstance(amount, int | float | str):
        return None, ""
    try:
        value = float(amount)
    except ValueError:
        return None, ""
    if value != value or abs(value) >= 1e13:  # NaN or beyond DECIMAL(18, 4)
        return None, ""
    return f"{value:.4f}", currency.strip().upper()


def _int_in(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return int(min(max(value, low), high))


def parse_plausible(
    raw: bytes, *, received_at: datetime, client_ip: str, user_agent: str
) -> list[Hit]:
    body = parse_json_body(raw)
    name = _name(body)
    url = _url(body)
    domains = _domains(body, url)
    referrer = _pick(body, "referrer", "r")
    if referrer is not None and not isinstance(referrer, str):
        raise InvalidEvent("referrer", "must be a string")
    props = parse_props(_pick(body, "props", "p", "meta", "m"))
    amount, currency = parse_revenue(_pick(body, "revenue", "$"))
    interactive = _pick(body, "interactive", "i")
    if interactive is not None and not isinstance(interactive, bool):
        raise InvalidEvent("interactive", "must be true or false")
    hash_mode = _pick(body, "hashMode", "h") in (1, True, "1")
    width = _int_in(body, "w", 0, 100_000)
    engagement_ms = scroll_depth = None
    if name == "engagement":
        engagement_ms = _int_in(body, "e", 0, 86_400_000)
        scroll_depth = _int_in(body, "sd", 0, 100)
        if engagement_ms is None and scroll_depth is None:
            raise InvalidEvent("e", "an engagement event needs e (ms) or sd (0-100)")
    return [
        Hit(
            site_id=domain,
            name=name,
            url=url,
            received_at=received_at,
            client_ip=client_ip,
            user_agent=user_agent,
            referrer=(referrer or "")[:MAX_URL],
            props=props,
            revenue_amount=amount,
            revenue_currency=currency,
            interactive=True if interactive is None else interactive,
            hash_mode=hash_mode,
            screen_width=width,
            engagement_ms=engagement_ms,
            scroll_depth=scroll_depth,
        )
        for domain in domains
    ]
