"""The pure parts: parameter names, messages, options, batching limits, retry timing."""

from __future__ import annotations

import datetime as dt
import email.utils

import pytest

from footfall_client import (
    APIError,
    ConfigurationError,
    InvalidMessageError,
    Provider,
    TransportError,
    UnknownProviderError,
)
from footfall_client.batching import Batcher, Limits, Record
from footfall_client.errors import MessageTooLargeError
from footfall_client.message import (
    event_message,
    finalize,
    iso_timestamp,
    pageview_message,
)
from footfall_client.providers import REGISTRY
from footfall_client.retry import RetryPolicy, parse_retry_after

LIB = {"name": "footfall-client", "version": "test"}


def test_ga_and_friendly_names_give_the_same_pageview():
    ga = pageview_message(
        {"dl": "https://e.com/a", "dt": "A", "dr": "https://r.com", "ua": "UA", "uip": "1.2.3.4"},
        now=1.0,
    )
    friendly = pageview_message(
        {
            "url": "https://e.com/a",
            "title": "A",
            "referrer": "https://r.com",
            "user_agent": "UA",
            "ip": "1.2.3.4",
        },
        now=1.0,
    )
    assert ga == friendly
    assert ga["context"]["page"]["path"] == "/a"


def test_event_names_and_properties():
    ga = event_message({"ec": "video", "ea": "play", "el": "intro", "ev": 3, "cd1": "x"}, 1.0)
    assert ga["event"] == "play"
    assert ga["properties"] == {"category": "video", "label": "intro", "value": 3, "cd1": "x"}
    friendly = event_message({"name": "Signup", "props": {"plan": "pro"}, "user_id": 7}, 1.0)
    assert (friendly["event"], friendly["properties"], friendly["userId"]) == (
        "Signup",
        {"plan": "pro"},
        "7",
    )
    with pytest.raises(InvalidMessageError):
        event_message({"category": "x"}, 1.0)
    with pytest.raises(InvalidMessageError):
        event_message(["not", "a", "dict"], 1.0)  # type: ignore[arg-type]


def test_finalize_derives_a_cookieless_id_then_anonymizes():
    def make(ip):
        message = pageview_message({"url": "/", "ip": ip, "ua": "UA"}, 1.0)
        return finalize(message, library=LIB, client_id_secret="s", anonymize_ip=True)

    a, b, c = make("1.2.3.4"), make("1.2.3.4"), make("1.2.99.99")
    assert a["anonymousId"] == b["anonymousId"] != c["anonymousId"]  # id from the full IP
    assert a["context"]["ip"] == "1.2.0.0"
    assert a["timestamp"] == "1970-01-01T00:00:01.000+00:00"
    assert a["messageId"] != b["messageId"]


def test_iso_timestamps():
    aware = dt.datetime(2024, 5, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert iso_timestamp(aware) == "2024-05-01T12:00:00.000+00:00"
    assert iso_timestamp("2024-01-01T00:00:00Z") == "2024-01-01T00:00:00Z"


def test_segment_style_validation(make_provider):
    p = make_provider("memory", "t")
    with pytest.raises(InvalidMessageError):
        p.track("", user_id="u")
    with pytest.raises(InvalidMessageError):
        p.identify(None, {"a": 1})
    with pytest.raises(InvalidMessageError):
        p.group("", user_id="u")
    with pytest.raises(InvalidMessageError):
        p.alias("", "u")
    with pytest.raises(InvalidMessageError):
        p.track("E", properties=["x"], user_id="u")  # type: ignore[arg-type]
    with pytest.raises(InvalidMessageError, match="userid"):
        p.track("E", userid="u")  # type: ignore[call-arg]
    p.track("E")  # no ids: a random anonymous id
    assert "anonymousId" in p.destination.messages[0]


def test_unknown_provider_lists_the_known_ones():
    with pytest.raises(UnknownProviderError) as info:
        Provider("amplitude", "x")
    message = str(info.value)
    for name in REGISTRY:
        assert name in message


def test_option_errors():
    with pytest.raises(ConfigurationError, match="unknown option"):
        Provider("segment", "k", gzipp=True)
    with pytest.raises(ConfigurationError, match="max_queue_size"):
        Provider("segment", "k", max_queue_size=0)
    with pytest.raises(ConfigurationError, match="host"):
        Provider("segment", "k", host="api.example.com")
    with pytest.raises(ConfigurationError, match="host"):
        Provider("footfall", "wk")  # no host and no FOOTFALL_URL
    with pytest.raises(ConfigurationError, match="id"):
        Provider("plausible", "")
    with pytest.raises(ConfigurationError, match="on_error"):
        Provider("segment", "k", on_error="print")


def _record(key: str, size: int) -> Record:
    return Record(key, b"x" * size, {})


def test_batcher_bounds_count_bytes_and_keys():
    limits = Limits(max_count=3, max_bytes=100, max_record_bytes=60, envelope_bytes=10)
    batcher = Batcher(lambda key: limits)
    assert batcher.add(_record("a", 30)) == []
    assert batcher.add(_record("b", 30)) == []  # another key, another batch
    [full] = batcher.add(_record("a", 30)) + batcher.add(_record("a", 30))
    assert [len(r.data) for r in full] == [30, 30]  # 30+1+30+1+30+10 > 100
    with pytest.raises(MessageTooLargeError):
        batcher.add(_record("a", 61))
    assert batcher.add(_record("a", 1)) == []
    [by_count] = batcher.add(_record("a", 1))
    assert len(by_count) == 3
    assert [[r.key for r in b] for b in batcher.drain()] == [["b"]]
    assert len(batcher) == 0


def test_retry_policy():
    policy = RetryPolicy(max_retries=3, base=1.0, cap=5.0, max_retry_after=10.0)
    server = APIError(503, "down")
    assert policy.should_retry(server, 0) and not policy.should_retry(server, 3)
    assert policy.should_retry(TransportError("refused"), 0)
    assert policy.should_retry(APIError(429, "slow"), 0)
    assert policy.should_retry(APIError(408, "timeout"), 0)
    for status in (400, 401, 403, 404, 413, 422):
        assert not policy.should_retry(APIError(status, "no"), 0)
    assert [policy.delay(server, n, 0.0) for n in range(5)] == [0.5, 1.0, 2.0, 2.5, 2.5]
    assert [policy.delay(server, n, 1.0) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.delay(APIError(429, "", retry_after=3), 0, 0.5) == 3
    assert policy.delay(APIError(429, "", retry_after=3600), 0, 0.5) == 10.0


def test_parse_retry_after():
    assert parse_retry_after("120", now=0) == 120
    assert parse_retry_after(None, now=0) is None
    assert parse_retry_after("soon", now=0) is None
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after(date, now=1_000_000) == pytest.approx(30)
