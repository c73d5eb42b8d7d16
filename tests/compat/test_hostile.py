"""Malformed and hostile requests get each protocol's own error, and never a 5xx.

One server for the module. The fuzz tests send random bytes, JSON, forms and
protocol-shaped bodies with valid tokens (so parsing goes deep) to every compatible path.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from compat_server import CHROME_UA, KEYS, linked_server
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server import stored_rows

JSON = {"Content-Type": "application/json"}
BROWSER = {"User-Agent": CHROME_UA}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Any]:
    process = linked_server(tmp_path_factory.mktemp("hostile") / "data")
    yield process
    if process.process is not None:
        process.stop()


@pytest.fixture(scope="module")
def http(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def stored(server, sql: str) -> list[tuple]:
    """Stop the server so the writer drains, read, and start it again on the same data."""
    server.stop()
    try:
        return stored_rows(server.data_dir, sql)
    finally:
        server.start()


# Segment ------------------------------------------------------------------------------


def test_segment_errors_are_code_and_message(http):
    bad = http.post("/v1/batch", content=b"{not json", headers=JSON)
    assert bad.status_code == 400 and set(bad.json()) == {"code", "message"}
    missing = http.post("/v1/batch", json={"batch": []})
    assert missing.status_code == 401 and missing.json()["code"] == "invalid_write_key"
    unknown = http.post("/v1/batch", json={"writeKey": "nope", "batch": []})
    assert unknown.status_code == 401
    big = http.post("/v1/batch", content=b"{" + b" " * 600_000 + b"}", headers=JSON)
    assert big.status_code == 400 and big.json()["code"] == "payload_too_large"
    bomb = gzip.compress(b'{"batch":[' + b" " * 3_000_000 + b"]}")
    assert http.post("/v1/batch", content=bomb, headers=JSON).status_code == 400


def test_segment_auth_paths_and_partial_success(http, server):
    basic = base64.b64encode(f"{KEYS['segment']}:".encode()).decode()
    good = {"type": "track", "event": "Partial", "userId": "u", "messageId": "partial-1"}
    batch = [
        good,
        {"type": "track", "userId": "u"},
        {"type": "nope"},
        "str",
        {**good, "messageId": "partial-2", "properties": {"x": "y" * 40_000}},
    ]
    reply = http.post(
        "/v1/batch/", json={"batch": batch}, headers={"Authorization": f"Basic {basic}"}
    )
    assert reply.status_code == 200 and reply.json() == {"success": True}
    # analytics.js: short path, text/plain, per-event sentAt
    single = {
        "writeKey": KEYS["segment"],
        "event": "Short",
        "anonymousId": "a",
        "sentAt": "2026-01-01T00:00:00Z",
        "timestamp": "2026-01-01T00:00:00Z",
    }
    reply = http.post("/v1/t", content=json.dumps(single), headers={"Content-Type": "text/plain"})
    assert reply.status_code == 200
    names = stored(server, "SELECT name, message_id FROM events WHERE protocol = 'segment'")
    assert ("Partial", "partial-1") in names and ("Short", "") in names
    assert ("Partial", "partial-2") not in names  # over 32 KB: dropped alone


def test_cors_preflight_on_every_protocol(http):
    for path in (
        "/v1/t",
        "/track/",
        "/batch/",
        "/e/",
        "/api/send",
        "/mp/collect",
        "/com.snowplowanalytics.snowplow/tp2",
        "/collect",
        "/import",
    ):
        reply = http.options(
            path,
            headers={
                "Origin": "https://shop.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-retry-count",
            },
        )
        assert reply.status_code == 204, path
        assert reply.headers["access-control-allow-origin"] == "https://shop.example"
        assert reply.headers["access-control-allow-credentials"] == "true"
        assert "x-retry-count" in reply.headers["access-control-allow-headers"]


# Mixpanel -----------------------------------------------------------------------------


def _mp(records: Any, b64: bool = False) -> dict[str, str]:
    text = json.dumps(records)
    return {"data": base64.b64encode(text.encode()).decode() if b64 else text}


def test_mixpanel_replies(http):
    event = {"event": "E", "properties": {"token": KEYS["mixpanel"], "distinct_id": "d"}}
    browser = http.post(
        "/track/?ip=1&_=1700000000000",
        data=_mp([event], b64=True),
        headers={"Origin": "https://shop.example", **BROWSER},
    )
    assert browser.text == "1"
    assert browser.headers["access-control-allow-origin"] == "https://shop.example"
    assert browser.headers["access-control-allow-credentials"] == "true"
    assert http.get("/track/", params=_mp(event, b64=True)).text == "1"
    assert http.post("/track", data={"data": "%%%"}).text == "0"
    verbose = http.post("/track?verbose=1", data={"data": "%%%"}).json()
    assert verbose["status"] == 0 and verbose["error"]
    wrong = {"event": "E", "properties": {"token": "unknown"}}
    assert http.post("/track?verbose=1", data=_mp(wrong)).json()["status"] == 0
    assert http.post("/track?img=1", data=_mp(event)).headers["content-type"] == "image/gif"
    assert http.post("/track?callback=cb_1", data=_mp(event)).text == "cb_1(1);"
    hostile = http.post("/track?callback=alert(1)//", data=_mp(event))
    assert "alert" not in hostile.text
    engage = {"$token": KEYS["mixpanel"], "$distinct_id": "d", "$set": {"a": 1}}
    assert http.post("/engage/", data=_mp(engage, b64=True)).text == "1"


def test_mixpanel_import(http):
    event = {
        "event": "Imported",
        "properties": {
            "token": KEYS["mixpanel"],
            "distinct_id": "d",
            "time": time.time(),
            "$insert_id": "imp-1",
        },
    }
    unauthorised = http.post("/import", json=[{"event": "x", "properties": {}}])
    assert unauthorised.status_code == 401 and unauthorised.json()["error"] == "Invalid credentials"
    basic = base64.b64encode(f"{KEYS['mixpanel']}:".encode()).decode()
    ok = http.post("/import?strict=1", json=[event], headers={"Authorization": f"Basic {basic}"})
    assert ok.json() == {"code": 200, "num_records_imported": 1, "status": "OK", "error": None}
    ndjson = (json.dumps(event) + "\n" + json.dumps({"event": ""}) + "\n").encode()
    partial = http.post("/import", content=ndjson, headers={"Content-Type": "application/x-ndjson"})
    body = partial.json()
    assert partial.status_code == 400 and body["num_records_imported"] == 1
    assert body["failed_records"][0]["index"] == 1
    big = {"event": "Big", "properties": {"token": KEYS["mixpanel"], "x": "y" * 1_100_000}}
    reply = http.post("/import", json=[big, event]).json()
    assert reply["num_records_imported"] == 1 and reply["failed_records"][0]["index"] == 0


# PostHog ------------------------------------------------------------------------------


def test_posthog_replies(http):
    event = {"event": "E", "distinct_id": "d"}
    assert http.post("/batch/", json={"batch": [event]}).status_code == 401
    assert http.post("/batch/", json={"api_key": "nope", "batch": [event]}).status_code == 401
    bad = http.post("/e/", content=b"{oops", headers=JSON)
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/plain")
    assert http.post("/batch/", json={"api_key": KEYS["posthog"], "batch": []}).status_code == 400
    ok = {"api_key": KEYS["posthog"], "batch": [event, {"event": ""}]}
    reply = http.post("/batch", content=gzip.compress(json.dumps(ok).encode()))
    assert reply.status_code == 200 and reply.json() == {"status": 1}
    single = base64.b64encode(json.dumps({**event, "token": KEYS["posthog"]}).encode()).decode()
    form = http.post("/e/?compression=base64", data={"data": single}, headers=BROWSER)
    assert form.status_code == 200
    gzip_js = gzip.compress(json.dumps([{**event, "api_key": KEYS["posthog"]}]).encode())
    assert http.post("/i/v0/e/?compression=gzip-js", content=gzip_js).status_code == 200
    assert http.post("/e/?compression=lz64", data={"data": "x"}).status_code == 400
    big = {
        "api_key": KEYS["posthog"],
        "batch": [
            {"event": "Big", "distinct_id": "d", "properties": {"x": "y" * 1_100_000}},
            event,
        ],
    }
    assert http.post("/batch/", json=big).status_code == 200  # the big event is dropped alone
    assert http.post("/flags/?v=2", json={}).json()["flags"] == {}
    # /track and /engage are shared with Mixpanel: the linked token decides
    shared = http.post("/track/", json={**event, "api_key": KEYS["posthog"]})
    assert shared.status_code == 200 and shared.json() == {"status": 1}
    engage = {"$token": KEYS["posthog"], "$distinct_id": "d", "$set": {"plan": "pro"}}
    assert http.post("/engage/", json=engage).json() == {"status": 1}
    assert http.post("/decide/?v=3", json={}).status_code == 200


# Google Analytics ---------------------------------------------------------------------


def test_ga_always_answers_2xx(http):
    gif = http.get("/collect", params={"v": "1", "tid": "UA-unknown", "t": "pageview"})
    assert gif.status_code == 200 and gif.headers["content-type"] == "image/gif"
    debug = http.post("/debug/collect", data={"v": "1", "tid": KEYS["ga"], "t": "event"})
    assert debug.json()["hitParsingResult"][0]["valid"] is False
    lines = [
        f"v=1&tid={KEYS['ga']}&cid=c&t=pageview&dl=https%3A%2F%2Fexample.com%2Fb{n}"
        for n in range(3)
    ]
    assert http.post("/batch", content="\n".join(lines)).status_code == 200
    assert http.post("/mp/collect?measurement_id=G-none", json={}).status_code == 204
    mp = f"/debug/mp/collect?measurement_id={KEYS['ga4']}&api_secret=s"
    messages = http.post(mp, json={"client_id": "c", "events": [{"name": ""}]}).json()
    assert messages["validationMessages"]
    ga4 = {
        "client_id": "c",
        "user_id": "u",
        "user_properties": {"plan": {"value": "pro"}},
        "events": [{"name": "purchase", "params": {"value": 9.5, "currency": "EUR"}}],
    }
    assert http.post(f"/mp/collect?measurement_id={KEYS['ga4']}", json=ga4).status_code == 204


# Umami and Snowplow -------------------------------------------------------------------


def test_umami_replies(http):
    payload = {"website": KEYS["umami"], "url": "/u", "hostname": "example.com"}
    bot = http.post(
        "/api/send",
        json={"type": "event", "payload": payload},
        headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
    )
    assert bot.status_code == 200 and bot.json() == {"beep": "boop"}
    unknown = http.post(
        "/api/send", json={"type": "event", "payload": {"website": "x"}}, headers=BROWSER
    )
    assert unknown.status_code == 400 and unknown.text == "Website not found."
    assert http.post("/api/send", content=b"[", headers=BROWSER).status_code == 400
    ok = http.post("/api/send", json={"type": "event", "payload": payload}, headers=BROWSER)
    assert set(ok.json()) == {"cache", "sessionId", "visitId"}


def test_snowplow_replies(http):
    gif = http.get("/i", params={"e": "pv", "aid": "unknown", "url": "https://example.com/"})
    assert gif.status_code == 200 and gif.headers["content-type"] == "image/gif"
    assert http.post("/com.snowplowanalytics.snowplow/tp2", content=b"{").status_code == 400
    envelope = {
        "schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
        "data": [
            {
                "e": "pv",
                "aid": KEYS["snowplow"],
                "url": "https://example.com/",
                "dtm": "1",
                "stm": "x",
            },
            {"e": "zz"},
            "junk",
        ],
    }
    assert http.post("/com.snowplowanalytics.snowplow/tp2", json=envelope).status_code == 200


def test_extreme_values_are_errors_not_crashes(http):
    old, future = "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"
    segment = {
        "writeKey": KEYS["segment"],
        "sentAt": future,
        "batch": [
            {"type": "track", "event": "x", "userId": "u", "timestamp": old},
            {"type": "identify", "userId": "u", "timestamp": old},
        ],
    }
    assert http.post("/v1/batch", json=segment).status_code == 200
    posthog = {
        "api_key": KEYS["posthog"],
        "sent_at": future,
        "batch": [
            {"event": "x", "distinct_id": "d", "offset": 10**30},
            {"event": "y", "distinct_id": "d", "timestamp": old},
        ],
    }
    assert http.post("/batch/", json=posthog).status_code == 200
    ga = {
        "v": "1",
        "tid": KEYS["ga"],
        "cid": "c",
        "t": "pageview",
        "qt": "9" * 40,
        "dl": "https://example.com/",
    }
    assert http.post("/collect", data=ga).status_code == 200
    mixpanel = {"event": "x", "properties": {"token": KEYS["mixpanel"], "time": 1e308}}
    assert http.post("/track", data=_mp(mixpanel)).text == "1"


# Fuzzing ------------------------------------------------------------------------------

PATHS = [
    ("POST", p)
    for p in (
        "/v1/batch",
        "/v1/t",
        "/v1/identify",
        "/v1/import",
        "/batch/",
        "/e/",
        "/i/v0/e/",
        "/track/",
        "/engage/",
        "/groups/",
        "/import",
        "/collect",
        "/debug/collect",
        "/mp/collect",
        "/debug/mp/collect",
        "/api/send",
        "/com.snowplowanalytics.snowplow/tp2",
        "/flags/",
    )
]
PATHS += [("GET", p) for p in ("/i", "/collect", "/track/", "/e/")]

EXTREMES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9" * 40,
    10**30,
    -(10**30),
    1e308,
    "https://example.com/",
    "$identify",
    "$create_alias",
    "$pageview",
    "pv",
    "ue",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(EXTREMES)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "type",
    "event",
    "userId",
    "anonymousId",
    "previousId",
    "groupId",
    "traits",
    "properties",
    "context",
    "timestamp",
    "sentAt",
    "messageId",
    "distinct_id",
    "uuid",
    "$set",
    "$unset",
    "$add",
    "$distinct_id",
    "$group_key",
    "$group_id",
    "offset",
    "name",
    "url",
    "hostname",
    "data",
    "payload",
    "website",
    "e",
    "aid",
    "url",
    "dtm",
    "stm",
    "ue_pr",
    "ue_px",
    "se_ca",
    "se_ac",
    "events",
    "client_id",
    "params",
    "time",
]
records = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


def shaped(record: dict[str, Any], path: str) -> Any:
    """A valid event of `path`'s protocol, with a valid token, that `record` partly overrides."""
    props = record.get("properties") if isinstance(record.get("properties"), dict) else record
    if path.startswith("/v1/"):
        message = {"type": "track", "event": "E", "userId": "u", "properties": props, **record}
        return {"writeKey": KEYS["segment"], "batch": [message], **message}
    if path in ("/batch/", "/e/", "/i/v0/e/"):
        event = {"event": "E", "distinct_id": "d", "properties": props, **record}
        return {"api_key": KEYS["posthog"], "batch": [event], "sent_at": record.get("sentAt")}
    if path in ("/track/", "/engage/", "/groups/", "/import"):
        base = {
            "event": "E",
            "$distinct_id": "d",
            "$group_key": "k",
            "$group_id": "g",
            "$set": props,
            **record,
        }
        return [
            {
                **base,
                "$token": KEYS["mixpanel"],
                "properties": {"distinct_id": "d", **props, "token": KEYS["mixpanel"]},
            }
        ]
    if path == "/api/send":
        payload = {"url": "/x", "hostname": "example.com", "data": props, **record}
        return {
            "type": record.get("type", "event"),
            "payload": {**payload, "website": KEYS["umami"]},
        }
    if path.startswith("/com.snowplow"):
        event = {"e": "pv", "url": "https://example.com/", **record, "aid": KEYS["snowplow"]}
        return {"schema": "x", "data": [event]}
    if "mp/collect" in path:
        return {"client_id": "c", "events": [{"name": "e", "params": props}], **record}
    return record


def _form(record: dict[str, Any]) -> dict[str, str]:
    return {
        str(k): json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in record.items()
    }


bodies = st.one_of(
    st.binary(max_size=300).map(lambda b: ("raw", b)),
    values.map(lambda v: ("json", v)),
    records.map(lambda r: ("shaped", r)),
    records.map(lambda r: ("form", r)),
    records.map(lambda r: ("b64", r)),
    records.map(lambda r: ("gzip", r)),
)


@settings(
    max_examples=int(os.environ.get("FOOTFALL_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(route=st.sampled_from(PATHS), body=bodies, ua=st.sampled_from(["", CHROME_UA, "curl/8"]))
def test_fuzz_never_5xx(http, route, body, ua):
    method, path = route
    kind, value = body
    headers = {"User-Agent": ua} if ua else {}
    if kind == "raw":
        content = value
    elif kind == "json":
        content = json.dumps(value).encode()
    elif kind == "shaped" or kind == "gzip":
        content = json.dumps(shaped(value, path), default=str).encode()
        if kind == "gzip":
            content = gzip.compress(content)
    elif kind == "b64":
        encoded = base64.b64encode(json.dumps(shaped(value, path), default=str).encode())
        content = httpx.QueryParams({"data": encoded.decode()}).__str__().encode()
    else:
        form = _form(value)
        form = {
            "v": "1",
            "t": "event",
            "cid": "c",
            "ec": "c",
            "ea": "a",
            "e": "se",
            "se_ca": "c",
            "se_ac": "a",
            **form,
            "tid": KEYS["ga"],
            "aid": KEYS["snowplow"],
        }
        content = str(httpx.QueryParams(form)).encode()
    if method == "GET":
        params = content.decode("latin-1")[:2000] if kind in ("form", "b64") else None
        reply = http.get(path, params=params and httpx.QueryParams(params), headers=headers)
    else:
        reply = http.post(path, content=content, headers=headers)
    assert reply.status_code < 500, (method, path, kind, reply.text[:200])


def test_server_still_healthy_after_fuzz(http):
    assert http.get("/api/health").json()["status"] == "ok"
