"""Automations: when someone enters a saved cohort, notify once (webhook or e-mail).

An automation is a saved query of kind "automation" in the catalog:
  {"cohort": <saved cohort id>, "channel": "webhook", "url": ..., "secret": ...}
  {"cohort": <id>, "channel": "email", "to": [...], "subject": ..., "template": ...,
   "smtp": {"host": ..., "port": 25, "sender": ..., "username": ..., "password": ...,
            "starttls": false}}
  optional "notify_existing": false — whether people already in the cohort when the
  automation first runs are notified (default: no, they are recorded as a baseline).
The runner evaluates every automation's cohort periodically; a person is notified once:
the catalog records who was handled, and only a delivered notification is recorded, so
a failed one is tried again at the next round.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from footfall.errors import InvalidQuery
from footfall.product import notify
from footfall.product.spec import check_keys, require

log = logging.getLogger(__name__)
MAX_MEMBERS = 100_000
_KEYS: tuple[str, ...] = ("cohort", "channel", "notify_existing", "url", "secret", "to")
_KEYS += ("subject", "template", "smtp")
STARTED = ""  # recorded at an automation's first round (person ids are never empty)


@dataclass(frozen=True, slots=True)
class Automation:
    cohort: int
    channel: notify.Webhook | notify.Email
    notify_existing: bool = False


def _text(raw: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    require(isinstance(value, str) and value != "", f"{path}{key}", "expected a string")
    return str(value)


def parse_automation(raw: Any) -> Automation:
    require(isinstance(raw, dict), "automation", "expected an object")
    check_keys(raw, _KEYS, "automation")
    cohort = raw.get("cohort")
    ok = isinstance(cohort, int) and not isinstance(cohort, bool)
    require(ok, "automation.cohort", "expected a saved cohort's id")
    existing = raw.get("notify_existing", False)
    require(isinstance(existing, bool), "automation.notify_existing", "expected true or false")
    channel = raw.get("channel")
    path = "automation."
    if channel == "webhook":
        url = _text(raw, "url", path)
        require(url.startswith(("http://", "https://")), f"{path}url", "expected an http(s) URL")
        hook = notify.Webhook(url, _text(raw, "secret", path))
        return Automation(int(cohort), hook, existing)  # type: ignore[arg-type]
    require(channel == "email", f"{path}channel", "expected webhook or email")
    to = raw.get("to")
    require(
        isinstance(to, list)
        and 0 < len(to) <= 50
        and all(isinstance(t, str) and "@" in t for t in to),
        f"{path}to",
        "expected a list of e-mail addresses",
    )
    smtp = raw.get("smtp")
    require(isinstance(smtp, dict), f"{path}smtp", "expected the SMTP server settings")
    check_keys(smtp, ("host", "port", "sender", "username", "password", "starttls"), f"{path}smtp")
    port = smtp.get("port", 25)
    require(isinstance(port, int) and 0 < port < 65536, f"{path}smtp.port", "expected a port")
    server = notify.Smtp(
        _text(smtp, "host", f"{path}smtp."),
        port,
        _text(smtp, "sender", f"{path}smtp.", "footfall@localhost"),
        str(smtp.get("username", "")),
        str(smtp.get("password", "")),
        bool(smtp.get("starttls", False)),
    )
    mail = notify.Email(
        tuple(to),
        server,
        _text(raw, "subject", path, notify.DEFAULT_SUBJECT),
        _text(raw, "template", path, notify.DEFAULT_TEMPLATE),
    )
    return Automation(int(cohort), mail, existing)  # type: ignore[arg-type]


@dataclass
class AutomationRunner:
    """Evaluates automations every `interval` seconds in one background thread."""

    engine: Any  # ProductEngine (with a catalog)
    catalog: Any
    clock: Callable[[], datetime]
    interval: float = 300.0
    send_webhook: Callable[..., None] = notify.send_webhook
    send_email: Callable[..., None] = notify.send_email
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        """One round over every site's automations; counts of what happened."""
        counts = {"notified": 0, "failed": 0, "baseline": 0}
        now = self.clock()
        for site in self.catalog.sites():
            for auto_id, name, body, _created in self.catalog.saved_queries(
                site.domain, "automation"
            ):
                try:
                    automation = parse_automation(json.loads(body))
                    found = self.engine.cohort_members(
                        site.domain, automation.cohort, now=now, limit=MAX_MEMBERS
                    )
                except InvalidQuery as exc:
                    log.warning("automation %s skipped: %s", auto_id, exc)
                    continue
                self._handle(site.domain, auto_id, name, automation, found["people"], now, counts)
        return counts

    def _handle(
        self,
        site: str,
        auto_id: int,
        name: str,
        automation: Automation,
        people: list[str],
        now: datetime,
        counts: dict[str, int],
    ) -> None:
        handled = self.catalog.automation_members(auto_id)
        new = [p for p in people if p not in handled]
        if STARTED not in handled:
            self.catalog.record_members(auto_id, [STARTED], "baseline")
            if not automation.notify_existing:
                self.catalog.record_members(auto_id, new, "baseline")
                counts["baseline"] += len(new)
                return
        for person in new:
            payload = {
                "automation": name,
                "automation_id": auto_id,
                "cohort": automation.cohort,
                "site": site,
                "person": person,
                "entered_at": now.isoformat(),
            }
            try:
                if isinstance(automation.channel, notify.Webhook):
                    self.send_webhook(automation.channel, payload)
                else:
                    self.send_email(automation.channel, payload)
            except notify.DeliveryError as exc:
                counts["failed"] += 1
                log.warning("automation %s: %s", auto_id, exc)
                continue
            self.catalog.record_members(auto_id, [person], "notified")
            counts["notified"] += 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="footfall-automations", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                counts = self.run_once()
            except Exception:  # keep the thread alive; the next round retries
                log.exception("automation round failed")
                continue
            if counts["notified"] or counts["failed"]:
                log.info("automations: %s", counts)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
