"""Mixpanel ingestion: ``/track``, ``/engage``, ``/groups`` and ``/import``.

``/track``, ``/engage`` and ``/groups`` take a form body ``data=<JSON array>&verbose=1&ip=0``
(at most 50 records, as Mixpanel's own buffered consumer sends) and answer
``{"status": 1, "error": null}``; status 0 means the data was refused and is not retried. Each
event carries ``token``, ``distinct_id``, ``time`` (seconds), ``$insert_id`` (the message id, for
deduplication) and the visitor ``ip`` (used for geolocation instead of the server's, hence
``ip=0``). With ``api_secret=`` (or ``service_account=(user, secret)`` and ``project_id=``) events
go to ``/import?strict=1`` instead, as a JSON array with HTTP Basic auth and ``time`` in ms.

page → ``$mp_web_page_view``, identify → ``/engage`` ``$set`` (plus ``$identify`` when an
anonymous id becomes a user), group → ``/groups`` ``$set`` and the member's ``$union``, alias →
``$create_alias``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

from .._version import __version__
from ..batching import Limits, Record
from ..errors import ConfigurationError
from ..message import Message, distinct_id, epoch_seconds, page_fields
from ..transport import Request, Response
from .base import HTTPDestination, api_error, basic_auth, json_array, raise_for_status

LIMITS = Limits(max_count=50, max_bytes=2_000_000, max_record_bytes=1_000_000, envelope_bytes=2)
IMPORT_LIMITS = Limits(
    max_count=2000, max_bytes=10_000_000, max_record_bytes=1_000_000, envelope_bytes=2
)
_INSERT_ID = re.compile(r"^[A-Za-z0-9-]{1,36}$")
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class MixpanelDestination(HTTPDestination):
    name = "mixpanel"
    default_host = "https://api.mixpanel.com"
    options: ClassVar[frozenset[str]] = frozenset(
        {"api_secret", "service_account", "project_id", "group_key"}
    )

    def __init__(
        self,
        id: str,
        *,
        host: str | None = None,
        api_secret: str | None = None,
        service_account: tuple[str, str] | None = None,
        project_id: str | int | None = None,
        group_key: str = "company",
    ) -> None:
        super().__init__(id, host=host)
        if service_account is not None and project_id is None:
            raise ConfigurationError("mixpanel: service_account needs project_id=…")
        self.group_key = group_key
        self.auth: str | None = None
        if service_account is not None:
            self.auth = basic_auth(*service_account)
        elif api_secret:
            self.auth = basic_auth(api_secret)
        query = {"strict": "1", **({"project_id": str(project_id)} if project_id else {})}
        self.import_url = f"{self.host}/import?{urlencode(query)}"

    def encode(self, message: Message) -> list[Record]:
        kind = message["type"]
        who = distinct_id(message)
        if kind in ("track", "page", "screen"):
            return [self._event(self._event_name(message), who, message)]
        if kind == "identify":
            records = [self._profile("engage", who, {"$set": message.get("traits") or {}}, message)]
            if message.get("userId") and message.get("anonymousId"):
                extra = {"$identified_id": who, "$anon_id": message["anonymousId"]}
                records.append(self._event("$identify", who, message, extra))
            return records
        if kind == "group":
            group: dict[str, Any] = {"$token": self.id, "$group_key": self.group_key}
            group.update({"$group_id": message["groupId"], "$set": message.get("traits") or {}})
            group["$time"] = epoch_seconds(message["timestamp"])
            records = [self.record("groups", group, message)]
            if who:
                union = {"$union": {self.group_key: [message["groupId"]]}}
                records.append(self._profile("engage", who, union, message))
            return records
        if kind == "alias":
            extra = {"alias": message["userId"]}
            return [self._event("$create_alias", str(message["previousId"]), message, extra)]
        return []

    @staticmethod
    def _event_name(message: Message) -> str:
        if message["type"] == "page":
            return "$mp_web_page_view"
        if message["type"] == "screen":
            return "Screen Viewed"
        return str(message["event"])

    def _event(
        self, name: str, who: str, message: Message, extra: dict[str, Any] | None = None
    ) -> Record:
        seconds = epoch_seconds(message["timestamp"])
        props: dict[str, Any] = dict(message.get("properties") or {}) if extra is None else extra
        page = page_fields(message)
        for ours, theirs in (
            ("url", "$current_url"),
            ("referrer", "$referrer"),
            ("title", "current_page_title"),
            ("path", "current_url_path"),
        ):
            if ours in page:
                props.setdefault(theirs, page[ours])
                props.pop(ours, None)
        if message["type"] == "screen":
            props["$screen_name"] = message.get("name")
        insert_id = str(message["messageId"])
        props.update(
            token=self.id,
            distinct_id=who,
            time=int(seconds * 1000) if self.auth else seconds,
            mp_lib="footfall-client",
            **{"$lib_version": __version__},
        )
        props["$insert_id"] = (
            insert_id
            if _INSERT_ID.match(insert_id)
            else hashlib.sha256(insert_id.encode()).hexdigest()[:32]
        )
        if message.get("userId") and message.get("anonymousId"):
            props.setdefault("$user_id", message["userId"])
            props.setdefault("$device_id", message["anonymousId"])
        context = message.get("context") or {}
        if context.get("ip"):
            props["ip"] = context["ip"]
        key = "import" if self.auth else "track"
        return self.record(key, {"event": name, "properties": props}, message)

    def _profile(self, key: str, who: str, update: dict[str, Any], message: Message) -> Record:
        profile = {"$token": self.id, "$distinct_id": who, **update}
        profile["$time"] = epoch_seconds(message["timestamp"])
        if (message.get("context") or {}).get("ip"):
            profile["$ip"] = message["context"]["ip"]
        return self.record(key, profile, message)

    def limits(self, key: Hashable) -> Limits:
        return IMPORT_LIMITS if key == "import" else LIMITS

    def build_request(self, key: Hashable, records: Sequence[Record], sent_at: str) -> Request:
        if key == "import":
            assert self.auth is not None
            headers = {"Content-Type": "application/json", "Authorization": self.auth}
            return Request("POST", self.import_url, headers, json_array(records))
        form = urlencode({"data": json_array(records).decode("utf-8"), "verbose": "1", "ip": "0"})
        return Request("POST", f"{self.host}/{key}", _FORM, form.encode("ascii"))

    def check(self, response: Response, records: Sequence[Record]) -> list[tuple[int, str]]:
        try:
            reply = response.json()
        except ValueError:
            reply = None
        if records and records[0].key == "import":
            if response.status == 400 and isinstance(reply, dict) and reply.get("failed_records"):
                return [
                    (int(f.get("index", -1)), str(f.get("message", "invalid"))[:200])
                    for f in reply["failed_records"]
                    if isinstance(f, dict)
                ]
            raise_for_status(response)
            return []
        raise_for_status(response)
        if not isinstance(reply, dict) or reply.get("status") != 1:
            error = reply.get("error") if isinstance(reply, dict) else None
            raise api_error(response, f"mixpanel status 0: {error}", retryable=False)
        return []
