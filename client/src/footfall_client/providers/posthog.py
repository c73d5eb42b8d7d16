"""PostHog capture: ``POST {host}/batch/``.

Body ``{"api_key": …, "batch": [event, …], "sent_at": ISO, "historical_migration": false}``
(JSON, optionally gzipped); each event is ``{event, distinct_id, properties, timestamp, uuid}``.
Calls map onto PostHog's conventional events: page → ``$pageview``, screen → ``$screen``,
identify → ``$identify`` (``$set``), group → ``$groupidentify``, alias → ``$create_alias``.
Limits (posthog-python's): 900 KiB per event, 5 MiB per request. Success is exactly 200.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from .._version import __version__
from ..batching import Limits, Record
from ..encoding import dumps
from ..message import Message, distinct_id, page_fields
from ..transport import Request, Response
from .base import HTTPDestination, json_body, raise_for_status

LIMITS = Limits(
    max_count=1000, max_bytes=5 * 1024 * 1024, max_record_bytes=900 * 1024, envelope_bytes=4096
)
_OK = frozenset({200})


def _uuid(message_id: str) -> str:
    try:
        return str(uuid.UUID(message_id))
    except ValueError:
        return str(uuid.UUID(bytes=hashlib.sha256(message_id.encode()).digest()[:16], version=4))


class PostHogDestination(HTTPDestination):
    name = "posthog"
    default_host = "https://us.i.posthog.com"
    options: ClassVar[frozenset[str]] = frozenset({"gzip", "group_type"})

    def __init__(
        self, id: str, *, host: str | None = None, gzip: bool = False, group_type: str = "company"
    ) -> None:
        super().__init__(id, host=host)
        self.gzip = gzip
        self.group_type = group_type
        self._key = dumps(id)

    def encode(self, message: Message) -> list[Record]:
        kind = message["type"]
        props: dict[str, Any] = dict(message.get("properties") or {})
        who = distinct_id(message)
        if kind == "track":
            event = message["event"]
        elif kind == "page":
            event = "$pageview"
            page = page_fields(message)
            for ours, theirs in (("url", "$current_url"), ("path", "$pathname")):
                if ours in page:
                    props[theirs] = page[ours]
            if "referrer" in page:
                props["$referrer"] = page["referrer"]
            if "title" in page:
                props.setdefault("title", page["title"])
        elif kind == "screen":
            event, props["$screen_name"] = "$screen", message.get("name")
        elif kind == "identify":
            event, props = "$identify", {"$set": dict(message.get("traits") or {})}
            if message.get("userId") and message.get("anonymousId"):
                props["$anon_distinct_id"] = message["anonymousId"]
        elif kind == "group":
            key = str(message["groupId"])
            event, who = "$groupidentify", f"${self.group_type}_{key}"
            props = {"$group_type": self.group_type, "$group_key": key}
            props["$group_set"] = dict(message.get("traits") or {})
        elif kind == "alias":
            event, who = "$create_alias", str(message["previousId"])
            props = {"distinct_id": who, "alias": message["userId"]}
        else:
            return []
        context = message.get("context") or {}
        props["$lib"], props["$lib_version"] = "footfall-client", __version__
        if context.get("ip"):
            props["$ip"] = context["ip"]
        else:
            props["$geoip_disable"] = True
        if context.get("userAgent"):
            props["$raw_user_agent"] = context["userAgent"]
        event_record = {
            "event": event,
            "distinct_id": who,
            "properties": props,
            "timestamp": message["timestamp"],
            "uuid": _uuid(message["messageId"]),
        }
        return [self.record("batch", event_record, message)]

    def limits(self, key: Hashable) -> Limits:
        return LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        body = b'{"api_key":' + self._key + b',"batch":[' + b",".join(r.data for r in records)
        body += b'],"sent_at":' + dumps(sent_at) + b',"historical_migration":false}'
        headers, body = json_body({}, body, self.gzip)
        return Request("POST", f"{self.host}/batch/", headers, body)

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        raise_for_status(response, ok=_OK)
        return []
