"""Universal Analytics Measurement Protocol v1 (the ``analytical`` library's provider).

Each hit is one form-encoded payload: ``v=1&tid=UA-…&cid=…&t=pageview&dl=…``. One hit is posted
to ``{host}/collect``; several to ``{host}/batch``, one payload per line, at most 20 hits and
16 KB per request and 8 KB per hit. ``qt`` (queue time, ms) is added when the request is built,
so hits that waited in the queue or for retries keep their real time. page → ``t=pageview``
(``dl``, ``dp``, ``dt``, ``dr``), track → ``t=event`` (``ec`` from the ``category`` property,
default ``event``; ``ea`` the event name; ``el``; ``ev``), screen → ``t=screenview``. identify,
group and alias have no hit type and send nothing. Properties named like Measurement Protocol
parameters (``cd1``, ``cm2``, ``ni``, ``cn`` …) pass through unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

from ..batching import Limits, Record
from ..message import Message, epoch_seconds, page_fields
from ..transport import Request
from .base import HTTPDestination

_QT_RESERVE = 12  # "&qt=" and at most 8 digits
LIMITS = Limits(
    max_count=20,
    max_bytes=16 * 1024,
    max_record_bytes=8192 - _QT_RESERVE,
    separator_bytes=1 + _QT_RESERVE,
    envelope_bytes=_QT_RESERVE,
)
MAX_QT_MS = 99_999_999
_PASS_THROUGH = re.compile(
    r"^(?:c[dmg]\d{1,3}|ni|sc|cn|cs|cm|ck|cc|ci|gclid|dclid|sr|vp|de|sd|ul|je|ds|dh|an|aid|av"
    r"|aiid|ti|ta|tr|ts|tt|tcc|pa|cu|exd|exf|utc|utv|utt|utl|sn|sa|st|linkid|npa|xid|xvar)$"
)
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _value(value: Any) -> int | None:
    try:
        number = round(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number >= 0 else None


class UniversalAnalyticsDestination(HTTPDestination):
    name = "googleanalytics"
    default_host = "https://www.google-analytics.com"
    options: ClassVar[frozenset[str]] = frozenset({"anonymize_ip"})

    def __init__(self, id: str, *, host: str | None = None, anonymize_ip: bool = False) -> None:
        super().__init__(id, host=host)
        self.anonymize_ip = anonymize_ip

    def encode(self, message: Message) -> list[Record]:
        kind = message["type"]
        props = message.get("properties") or {}
        hit: dict[str, Any] = {"v": "1", "tid": self.id}
        if message.get("anonymousId"):
            hit["cid"] = message["anonymousId"]
        if message.get("userId"):
            hit["uid"] = message["userId"]
        page = page_fields(message)
        if kind == "page":
            hit["t"] = "pageview"
        elif kind == "track":
            hit.update(t="event", ec=props.get("category") or "event", ea=message["event"])
            if props.get("label") is not None:
                hit["el"] = props["label"]
            if (value := _value(props.get("value"))) is not None:
                hit["ev"] = value
        elif kind == "screen":
            hit.update(t="screenview", cd=message.get("name") or "")
        else:
            return []
        url = str(page.get("url") or "")
        if url and not url.startswith("/"):
            hit["dl"] = url
        elif url or page.get("path"):
            hit["dp"] = page.get("path") or url
        for ours, theirs in (("title", "dt"), ("referrer", "dr")):
            if page.get(ours):
                hit[theirs] = page[ours]
        context = message.get("context") or {}
        if context.get("ip"):
            hit["uip"] = context["ip"]
        if context.get("userAgent"):
            hit["ua"] = context["userAgent"]
        if self.anonymize_ip:
            hit["aip"] = "1"
        for key, value in props.items():
            if _PASS_THROUGH.match(str(key)) and value is not None and key not in hit:
                hit[key] = value
        return [Record("hit", urlencode(hit).encode("ascii"), message)]

    def limits(self, key: Hashable) -> Limits:
        return LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        now = time.time()
        hits = [r.data + _queue_time(r.message, now) for r in records]
        if len(hits) == 1:
            return Request("POST", f"{self.host}/collect", _FORM, hits[0])
        return Request(
            "POST", f"{self.host}/batch", {"Content-Type": "text/plain"}, b"\n".join(hits)
        )


def _queue_time(message: Message, now: float) -> bytes:
    waited = int((now - epoch_seconds(message["timestamp"])) * 1000)
    return b"&qt=%d" % min(MAX_QT_MS, waited) if waited > 0 else b""
