"""Automations end to end: a cohort on the real store, a local webhook receiver (signed,
retried) and a local SMTP server; each person is notified once."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import socketserver
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from product_fixtures import START, insert, row

from footfall.catalog import Catalog
from footfall.product import notify
from footfall.product.automations import AutomationRunner
from footfall.product.engine import ProductEngine

SITE = "auto.example"
SECRET = "s3cret"


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict, str]] = []
    fail_next = 0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Hook.fail_next:
            _Hook.fail_next -= 1
            self.send_response(503)
        else:
            _Hook.received.append((json.loads(body), self.headers[notify.SIGNATURE_HEADER]))
            expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            self.send_response(200 if self.headers[notify.SIGNATURE_HEADER] == expected else 401)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message per DATA, quit."""

    messages: list[str] = []

    def handle(self) -> None:
        self.wfile.write(b"220 localhost ESMTP test\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 end with .\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data.decode())
                _Smtp.messages.append("".join(lines))
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 localhost\r\n")


@pytest.fixture(scope="module")
def servers():
    hook = HTTPServer(("127.0.0.1", 0), _Hook)
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (hook, smtp)]
    for t in threads:
        t.start()
    yield hook.server_address[1], smtp.server_address[1]
    hook.shutdown()
    smtp.shutdown()
    hook.server_close()
    smtp.server_close()


def test_people_entering_a_cohort_are_notified_once(stores, tmp_path, servers):
    hook_port, smtp_port = servers
    store = stores["duckdb"]
    t0 = START + timedelta(days=1)
    insert({"duckdb": store}, [row(SITE, 1, t0, "Export", user_id="alice")])
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_site(SITE)
    cohort_id = catalog.save_query(
        SITE, "cohort", "Exporters", json.dumps({"conditions": [{"did": {"event": "Export"}}]})
    )
    webhook = {
        "cohort": cohort_id,
        "channel": "webhook",
        "url": f"http://127.0.0.1:{hook_port}/hook",
        "secret": SECRET,
    }
    email = {
        "cohort": cohort_id,
        "channel": "email",
        "to": ["owner@example.com"],
        "subject": "New exporter: $person",
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "sender": "ff@example.com"},
    }
    catalog.save_query(SITE, "automation", "hook", json.dumps(webhook))
    catalog.save_query(SITE, "automation", "mail", json.dumps(email))
    now = {"t": t0 + timedelta(hours=1)}
    runner = AutomationRunner(
        ProductEngine(store, catalog),
        catalog,
        lambda: now["t"],
        send_webhook=functools.partial(notify.send_webhook, backoff=0.01),
    )
    assert runner.run_once() == {"notified": 0, "failed": 0, "baseline": 2}  # alice, twice

    insert({"duckdb": store}, [row(SITE, 2, t0 + timedelta(hours=2), "Export", user_id="bob")])
    now["t"] = t0 + timedelta(hours=3)
    _Hook.fail_next = 2  # two 503s, then success: retried with backoff
    assert runner.run_once() == {"notified": 2, "failed": 0, "baseline": 0}
    (payload, signature), *rest = _Hook.received
    assert not rest and payload["person"] == "bob" and payload["automation"] == "hook"
    assert signature.startswith("sha256=")
    assert len(_Smtp.messages) == 1 and "Subject: New exporter: bob" in _Smtp.messages[0]

    assert runner.run_once() == {"notified": 0, "failed": 0, "baseline": 0}  # once only


def test_failed_deliveries_are_retried_next_round(stores, tmp_path):
    store = stores["duckdb"]
    site = "auto2.example"
    t0 = START + timedelta(days=2)
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_site(site)
    cohort_id = catalog.save_query(
        site, "cohort", "Any", json.dumps({"conditions": [{"did": {"page": "*"}}]})
    )
    body = {"cohort": cohort_id, "channel": "webhook", "url": "http://x.invalid/", "secret": "k"}
    body["notify_existing"] = True
    catalog.save_query(site, "automation", "hook", json.dumps(body))
    insert({"duckdb": store}, [row(site, 1, t0, "pageview", distinct_id="d1")])
    calls: list[str] = []

    def flaky(hook: notify.Webhook, payload: dict) -> None:
        calls.append(payload["person"])
        if len(calls) == 1:
            raise notify.DeliveryError("down")

    runner = AutomationRunner(
        ProductEngine(store, catalog), catalog, lambda: t0 + timedelta(hours=1), send_webhook=flaky
    )
    assert runner.run_once()["failed"] == 1
    assert runner.run_once()["notified"] == 1
    assert runner.run_once()["notified"] == 0
    assert calls == ["d1", "d1"]
