"""Deliver one automation notification: a signed webhook or an e-mail.

Webhooks POST a JSON body with `X-Footfall-Signature: sha256=<hex>`, the HMAC-SHA256 of
the exact body bytes under the automation's secret, so the receiver can check that the
body came from this server unchanged. Failures (network errors, 5xx, 429) are retried
with exponential backoff (tenacity), a 429's Retry-After honoured when it is longer; other
4xx answers are final. E-mail goes through the SMTP
server the owner configured for the automation (smtplib), the body from a small
`string.Template` ($person, $cohort, $automation, $site, $entered_at).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from string import Template
from typing import Any

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

SIGNATURE_HEADER = "X-Footfall-Signature"
DEFAULT_SUBJECT = "$person entered $cohort"
DEFAULT_TEMPLATE = "$person entered the cohort $cohort on $site at $entered_at.\n"


class DeliveryError(Exception):
    """A notification could not be delivered (it will be tried again next round)."""


class _Transient(DeliveryError):
    """Worth another attempt now: a network error, a 5xx, a 429 (maybe with Retry-After)."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float:
    return float(value) if value and value.isdigit() else 0.0


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class Smtp:
    host: str
    port: int = 25
    sender: str = "footfall@localhost"
    username: str = ""
    password: str = ""
    starttls: bool = False


@dataclass(frozen=True, slots=True)
class Email:
    to: tuple[str, ...]
    smtp: Smtp
    subject: str = DEFAULT_SUBJECT
    template: str = DEFAULT_TEMPLATE


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(
    hook: Webhook,
    payload: dict[str, Any],
    *,
    post: Callable[..., Any] | None = None,
    attempts: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST the signed payload; retry transient failures with exponential backoff."""
    if post is None:
        import httpx

        post = httpx.post
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(hook.secret, body)}

    def attempt() -> None:
        try:
            response = post(hook.url, content=body, headers=headers, timeout=10)
        except Exception as exc:  # network errors of any transport: retry
            raise _Transient(type(exc).__name__) from None
        status = int(response.status_code)
        if status >= 500 or status == 429:
            later = _retry_after(response.headers.get("retry-after")) if status == 429 else 0
            raise _Transient(f"HTTP {status}", later)
        if status >= 300:
            raise DeliveryError(f"webhook failed: HTTP {status}")

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        later = failure.retry_after if isinstance(failure, _Transient) else 0.0
        return max(backoff * 2 ** (state.attempt_number - 1), later)

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait,
        retry=retry_if_exception_type(_Transient),
        sleep=sleep,
        reraise=True,
    )
    try:
        retrying(attempt)
    except _Transient as exc:
        raise DeliveryError(f"webhook failed: {exc}") from None


def render(template: str, payload: dict[str, Any]) -> str:
    return Template(template).safe_substitute({k: str(v) for k, v in payload.items()})


def send_email(
    mail: Email, payload: dict[str, Any], *, smtp_factory: Callable[..., Any] = smtplib.SMTP
) -> None:
    message = EmailMessage()
    message["From"] = mail.smtp.sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = render(mail.subject, payload)
    message.set_content(render(mail.template, payload))
    try:
        with smtp_factory(mail.smtp.host, mail.smtp.port, timeout=10) as client:
            if mail.smtp.starttls:
                client.starttls()
            if mail.smtp.username:
                client.login(mail.smtp.username, mail.smtp.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"e-mail failed: {type(exc).__name__}") from None
