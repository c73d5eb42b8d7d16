"""Google Analytics 4 Measurement Protocol: ``POST {host}/mp/collect``.

Query ``measurement_id=<id>&api_secret=<secret>``; JSON body ``{"client_id", "user_id"?,
"timestamp_micros", "events": [{"name", "params"}]}``. One request carries one client's events,
so batches are keyed by client and user id: at most 25 events and 130 kB per request. Names are
made GA4-safe (letters, digits and ``_``; 40 characters), up to 25 params per event, string values
cut to 100 characters. page → ``page_view`` (``page_location``, ``page_referrer``,
``page_title``), screen → ``screen_view``, group → ``join_group``; identify and alias have no GA4
counterpart and send nothing. ``debug=True`` posts to ``/debug/mp/collect`` and reports the
validation messages as rejections.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

from ..anonymize import generate_client_id
from ..batching import Limits, Record
from ..encoding import dumps
from ..errors import ConfigurationError
from ..message import Message, epoch_seconds, page_fields
from ..transport import Request, Response
from .base import HTTPDestination, raise_for_status

LIMITS = Limits(max_count=25, max_bytes=130_000, max_record_bytes=130_000 - 600, envelope_bytes=600)
MAX_PARAMS = 25
_RESERVED = ("google_", "ga_", "firebase_")
_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def ga4_name(name: str) -> str:
    """``"Signed Up"`` → ``"signed_up"``: lower snake case, starting with a letter, ≤ 40 chars."""
    safe = _UNSAFE.sub("_", str(name)).strip("_").lower() or "event"
    if not safe[0].isalpha() or safe.startswith(_RESERVED):
        safe = "x_" + safe
    return safe[:40]


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list):  # ecommerce "items"
        return value
    return str(value)[:100]


class GA4Destination(HTTPDestination):
    name = "ga4"
    default_host = "https://www.google-analytics.com"
    options: ClassVar[frozenset[str]] = frozenset({"api_secret", "debug"})

    def __init__(
        self, id: str, *, host: str | None = None, api_secret: str = "", debug: bool = False
    ) -> None:
        super().__init__(id, host=host)
        if not api_secret:
            raise ConfigurationError("provider 'ga4' needs api_secret='…' (Admin → Data streams)")
        self.debug = debug
        path = "/debug/mp/collect" if debug else "/mp/collect"
        query = urlencode({"measurement_id": id, "api_secret": api_secret})
        self.url = f"{self.host}{path}?{query}"

    def encode(self, message: Message) -> list[Record]:
        kind = message["type"]
        props = dict(message.get("properties") or {})
        if kind == "page":
            page = page_fields(message)
            for ours in ("url", "path", "referrer", "title", "search"):
                props.pop(ours, None)
            for ours, theirs in (
                ("url", "page_location"),
                ("referrer", "page_referrer"),
                ("title", "page_title"),
            ):
                if ours in page:
                    props[theirs] = page[ours]
            name = "page_view"
        elif kind == "screen":
            name, props["screen_name"] = "screen_view", message.get("name")
        elif kind == "track":
            name = ga4_name(message["event"])
        elif kind == "group":
            name, props = "join_group", {"group_id": message["groupId"]}
        else:
            return []
        params: dict[str, Any] = {"engagement_time_msec": 1}
        for key, value in props.items():
            if value is not None and len(params) < MAX_PARAMS:
                params[ga4_name(key)] = _param(value)
        client = message.get("anonymousId") or generate_client_id(f"ga4${message.get('userId')}")
        key = (str(client), message.get("userId"))
        return [self.record(key, {"name": name, "params": params}, message)]

    def limits(self, key: Hashable) -> Limits:
        return LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        assert isinstance(key, tuple)
        client_id, user_id = key
        micros = int(epoch_seconds(records[0].message["timestamp"]) * 1_000_000)
        head = {"client_id": client_id, **({"user_id": user_id} if user_id else {})}
        head["timestamp_micros"] = micros
        body = dumps(head)[:-1] + b',"events":[' + b",".join(r.data for r in records) + b"]}"
        return Request("POST", self.url, {"Content-Type": "application/json"}, body)

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        raise_for_status(response)
        if not self.debug:
            return []
        try:
            found = response.json().get("validationMessages") or []
        except (ValueError, AttributeError):
            return []
        reason = "; ".join(str(m.get("description", m))[:100] for m in found[:3])
        return [(i, reason) for i in range(len(records))] if found else []
