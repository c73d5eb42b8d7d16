"""Plausible's Events API: ``POST {host}/api/event``, one event per request.

Body ``{"name", "url", "domain", "referrer"?, "props"?, "revenue"?}`` as JSON. The visitor's
``User-Agent`` and ``X-Forwarded-For`` headers come from the message (``context.userAgent`` and
``context.ip``): Plausible counts visitors by them and filters bots with them. Plausible has no
users, groups or aliases, so identify, group and alias send nothing. It needs a URL: an event
without one is recorded on ``https://<domain>/``. Success is any 2xx (Plausible answers 202); an
``x-plausible-dropped`` header means Plausible accepted the request but dropped the event.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from ..batching import Limits, Record
from ..message import Message, page_fields
from ..transport import USER_AGENT, Request, Response
from .base import HTTPDestination, raise_for_status

LIMITS = Limits(max_count=1, max_bytes=1_000_000, max_record_bytes=1_000_000)
MAX_PROPS = 30
_PAGE_KEYS = frozenset({"url", "path", "referrer", "title", "search", "revenue"})


def _prop_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float) and value != "":
        return str(value)
    return None


class PlausibleDestination(HTTPDestination):
    name = "plausible"
    default_host = "https://plausible.io"
    options: ClassVar[frozenset[str]] = frozenset()

    def encode(self, message: Message) -> list[Record]:
        kind = message["type"]
        if kind not in ("page", "track"):
            return []
        page = page_fields(message)
        site = self.id.split(",")[0].strip()
        url = str(page.get("url") or page.get("path") or "/")
        if url.startswith("/"):
            url = f"https://{site}{url}"
        event: dict[str, Any] = {
            "name": "pageview" if kind == "page" else message["event"],
            "url": url,
            "domain": self.id,
        }
        if page.get("referrer"):
            event["referrer"] = page["referrer"]
        props: dict[str, str] = {}
        for key, value in (message.get("properties") or {}).items():
            text = _prop_value(value)
            if key not in _PAGE_KEYS and text is not None and len(props) < MAX_PROPS:
                props[str(key)] = text
        if props:
            event["props"] = props
        revenue = (message.get("properties") or {}).get("revenue")
        if isinstance(revenue, dict) and {"currency", "amount"} <= revenue.keys():
            event["revenue"] = {"currency": revenue["currency"], "amount": revenue["amount"]}
        return [self.record("event", event, message)]

    def limits(self, key: Hashable) -> Limits:
        return LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        (record,) = records
        context = record.message.get("context") or {}
        headers = {
            "Content-Type": "application/json",
            "User-Agent": str(context.get("userAgent") or USER_AGENT),
        }
        if context.get("ip"):
            headers["X-Forwarded-For"] = str(context["ip"])
        return Request("POST", f"{self.host}/api/event", headers, record.data)

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        raise_for_status(response)
        if response.headers.get("x-plausible-dropped"):
            return [(0, "dropped by Plausible (bot, unknown site or quota)")]
        return []
