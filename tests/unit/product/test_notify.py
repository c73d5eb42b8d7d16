"""Webhook signing and retries, e-mail rendering: with test doubles, no network."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from types import SimpleNamespace

import pytest

from footfall.product import notify

HOOK = notify.Webhook("https://example.com/hook", "k")
PAYLOAD = {"person": "u1", "cohort": 3}


class FakePost:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, content, headers, timeout):
        self.calls.append((url, content, headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return SimpleNamespace(status_code=status, headers=headers)


def test_body_is_signed_with_hmac_sha256():
    post = FakePost(200)
    notify.send_webhook(HOOK, PAYLOAD, post=post)
    ((_url, body, headers),) = post.calls
    assert json.loads(body) == PAYLOAD
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert headers[notify.SIGNATURE_HEADER] == f"sha256={expected}"


def test_transient_failures_are_retried_with_backoff():
    waits = []
    post = FakePost(OSError("refused"), 503, 429, 204)
    notify.send_webhook(HOOK, PAYLOAD, post=post, backoff=1.0, sleep=waits.append)
    assert waits == [1.0, 2.0, 4.0] and len(post.calls) == 4


def test_a_longer_retry_after_is_honoured():
    waits = []
    post = FakePost((429, {"retry-after": "7"}), 204)
    notify.send_webhook(HOOK, PAYLOAD, post=post, backoff=1.0, sleep=waits.append)
    assert waits == [7.0]


def test_client_errors_are_final_and_exhaustion_raises():
    post = FakePost(404)
    with pytest.raises(notify.DeliveryError, match="HTTP 404"):
        notify.send_webhook(HOOK, PAYLOAD, post=post, sleep=lambda _s: None)
    assert len(post.calls) == 1
    with pytest.raises(notify.DeliveryError, match="HTTP 500"):
        notify.send_webhook(
            HOOK, PAYLOAD, post=FakePost(500, 500), attempts=2, sleep=lambda _s: None
        )


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port
        self.log = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.log.append("tls")

    def login(self, user, password):
        self.log.append(("login", user))

    def send_message(self, message):
        FakeSMTP.sent.append((self.log, message))


def test_email_renders_the_template():
    smtp = notify.Smtp("mail.local", 587, "ff@x.org", "me", "pw", starttls=True)
    mail = notify.Email(("a@x.org",), smtp, "Hi $person", "Welcome $person to $cohort. $unknown")
    notify.send_email(mail, PAYLOAD, smtp_factory=FakeSMTP)
    log, message = FakeSMTP.sent[-1]
    assert log == ["tls", ("login", "me")]
    assert message["Subject"] == "Hi u1" and message["To"] == "a@x.org"
    assert message.get_content() == "Welcome u1 to 3. $unknown\n"


def test_smtp_errors_become_delivery_errors():
    def broken(*_a, **_k):
        raise smtplib.SMTPConnectError(421, "busy")

    mail = notify.Email(("a@x.org",), notify.Smtp("h"))
    with pytest.raises(notify.DeliveryError):
        notify.send_email(mail, PAYLOAD, smtp_factory=broken)
