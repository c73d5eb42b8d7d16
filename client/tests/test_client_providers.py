"""Each provider against a real HTTP receiver on loopback: the exact requests its platform
documents (paths, encodings, auth, batching limits, gzip)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from urllib.parse import parse_qs

import pytest

from footfall_client import MessageTooLargeError, RejectedError

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
PAGE = {
    "url": "https://example.com/pricing?utm_source=hn",
    "title": "Pricing",
    "referrer": "https://news.ycombinator.com/",
    "user_agent": CHROME,
    "ip": "203.0.113.9",
}


def _iso(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    assert moment.tzinfo is not None
    return moment


# -- footfall ---------------------------------------------------------------------------------


def test_footfall_posts_one_batch_with_bearer_write_key(receiver, make_provider):
    receiver.default = (200, {}, b'{"accepted":4,"errors":[]}')
    p = make_provider("footfall", "wk_live_1", host=receiver.url + "/", flush_interval=30)
    p.pageview(PAGE)
    p.track("Signed Up", {"plan": "pro"}, user_id="u1", context={"ip": "198.51.100.1"})
    p.identify("u1", {"email_domain": "example.com"})
    p.alias("anon-7", "u1")
    assert p.flush(5)
    [request] = receiver.seen
    assert (request.method, request.path) == ("POST", "/api/batch")
    assert request.headers["authorization"] == "Bearer wk_live_1"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("footfall-client/")
    body = request.json()
    assert set(body) == {"batch", "sentAt"}
    _iso(body["sentAt"])
    page, track, identify, alias = body["batch"]
    assert page["type"] == "page"
    assert page["properties"]["url"] == PAGE["url"]
    assert page["properties"]["path"] == "/pricing"
    assert page["context"]["page"] == {
        "url": PAGE["url"],
        "path": "/pricing",
        "referrer": PAGE["referrer"],
        "title": "Pricing",
    }
    assert page["context"]["ip"] == "203.0.113.9"
    assert page["context"]["userAgent"] == CHROME
    assert page["context"]["library"]["name"] == "footfall-client"
    assert uuid.UUID(page["anonymousId"])  # cookieless id derived from ip + user agent
    assert track == {
        "type": "track",
        "event": "Signed Up",
        "properties": {"plan": "pro"},
        "userId": "u1",
        "timestamp": track["timestamp"],
        "context": {"ip": "198.51.100.1", "library": track["context"]["library"]},
        "messageId": track["messageId"],
    }
    assert identify["traits"] == {"email_domain": "example.com"}
    assert (alias["previousId"], alias["userId"]) == ("anon-7", "u1")
    ids = [m["messageId"] for m in body["batch"]]
    assert len(set(ids)) == 4
    for message in body["batch"]:
        _iso(message["timestamp"])


def test_footfall_reports_messages_the_server_rejected(receiver, make_provider):
    receiver.default = (
        200,
        {},
        b'{"accepted":1,"errors":[{"index":1,"messageId":"m2","reason":"event name too long"}]}',
    )
    errors = []
    p = make_provider(
        "footfall",
        "wk",
        host=receiver.url,
        flush_interval=30,
        on_error=lambda e, msgs: errors.append((e, msgs)),
    )
    p.track("ok", user_id="u", message_id="m1")
    p.track("bad", user_id="u", message_id="m2")
    p.flush(5)
    assert len(receiver.seen) == 1  # not retried
    [(error, messages)] = errors
    assert isinstance(error, RejectedError)
    assert [m["messageId"] for m in messages] == ["m2"]
    assert p.stats["delivered"] == 1 and p.stats["rejected"] == 1


def test_footfall_gzip_and_host_from_environment(receiver, make_provider, monkeypatch):
    monkeypatch.setenv("FOOTFALL_URL", receiver.url)
    p = make_provider("footfall", "wk", gzip=True, flush_interval=30)
    p.track("Paid", {"amount": 10}, anonymous_id="a1")
    p.flush(5)
    [request] = receiver.seen
    assert request.headers["content-encoding"] == "gzip"
    assert request.raw[:2] == b"\x1f\x8b"
    assert request.json()["batch"][0]["event"] == "Paid"


# -- segment ----------------------------------------------------------------------------------


def test_segment_batch_has_write_key_in_body_and_basic_auth(receiver, make_provider):
    p = make_provider("segment", "seg_key", host=receiver.url, flush_interval=30, gzip=True)
    p.track("Order Completed", {"revenue": 9.5}, user_id="u1")
    p.page("Home", {"url": "https://example.com/"}, anonymous_id="a1")
    p.group("acme", {"plan": "team"}, user_id="u1")
    p.screen("Settings", user_id="u1")
    p.flush(5)
    [request] = receiver.seen
    assert (request.method, request.path) == ("POST", "/v1/batch")
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"seg_key:").decode()
    assert request.headers["content-encoding"] == "gzip"
    body = request.json()
    assert body["writeKey"] == "seg_key"
    _iso(body["sentAt"])
    assert [m["type"] for m in body["batch"]] == ["track", "page", "group", "screen"]
    assert body["batch"][1]["name"] == "Home"
    assert body["batch"][2]["groupId"] == "acme"


def test_segment_limits_32kb_per_message_and_500kb_per_request(receiver, make_provider):
    errors = []
    p = make_provider(
        "segment",
        "k",
        host=receiver.url,
        flush_interval=30,
        flush_at=2500,
        on_error=lambda e, m: errors.append(e),
    )
    p.track("Too Big", {"blob": "x" * 40_000}, user_id="u")
    for i in range(120):
        p.track("Big", {"i": i, "blob": "y" * 10_000}, user_id="u")
    p.flush(10)
    assert len(errors) == 1 and isinstance(errors[0], MessageTooLargeError)
    assert len(receiver.seen) >= 3
    assert all(len(r.body) <= 500_000 for r in receiver.seen)
    sent = [m["properties"]["i"] for r in receiver.seen for m in r.json()["batch"]]
    assert sent == list(range(120))


# -- posthog ----------------------------------------------------------------------------------


def test_posthog_batch_endpoint_and_event_mapping(receiver, make_provider):
    p = make_provider("posthog", "phc_key", host=receiver.url, flush_interval=30)
    p.pageview(PAGE)
    p.track("Clicked", {"button": "buy"}, user_id="u1", context={"ip": "198.51.100.1"})
    p.identify("u1", {"name": "Ada"}, anonymous_id="a1")
    p.group("acme", {"seats": 5}, user_id="u1")
    p.alias("a1", "u1")
    p.flush(5)
    [request] = receiver.seen
    assert (request.method, request.path) == ("POST", "/batch/")
    body = request.json()
    assert body["api_key"] == "phc_key"
    assert body["historical_migration"] is False
    _iso(body["sent_at"])
    page, click, ident, group, alias = body["batch"]
    assert page["event"] == "$pageview"
    assert page["properties"]["$current_url"] == PAGE["url"]
    assert page["properties"]["$referrer"] == PAGE["referrer"]
    assert page["properties"]["$ip"] == "203.0.113.9"
    assert page["properties"]["$raw_user_agent"] == CHROME
    assert click["distinct_id"] == "u1"
    assert click["properties"]["button"] == "buy"
    assert click["properties"]["$lib"] == "footfall-client"
    assert ident["event"] == "$identify"
    assert ident["properties"]["$set"] == {"name": "Ada"}
    assert ident["properties"]["$anon_distinct_id"] == "a1"
    assert ident["properties"]["$geoip_disable"] is True
    assert group["event"] == "$groupidentify"
    assert group["properties"]["$group_key"] == "acme"
    assert group["properties"]["$group_set"] == {"seats": 5}
    assert (alias["event"], alias["distinct_id"]) == ("$create_alias", "a1")
    assert alias["properties"]["alias"] == "u1"
    for event in body["batch"]:
        assert uuid.UUID(event["uuid"])
        _iso(event["timestamp"])


def test_posthog_success_is_exactly_200_and_gzip(receiver, make_provider):
    receiver.reply(202, "accepted")
    errors = []
    p = make_provider(
        "posthog",
        "k",
        host=receiver.url,
        gzip=True,
        flush_interval=30,
        on_error=lambda e, m: errors.append(e),
    )
    p.track("A", user_id="u")
    p.flush(5)
    p.track("B", user_id="u")
    p.flush(5)
    assert [r.json()["batch"][0]["event"] for r in receiver.seen] == ["A", "B"]
    assert receiver.seen[0].raw[:2] == b"\x1f\x8b"
    assert len(errors) == 1 and errors[0].status == 202
    assert p.stats["delivered"] == 1


# -- plausible --------------------------------------------------------------------------------


def test_plausible_one_request_per_event_with_visitor_headers(receiver, make_provider):
    receiver.default = (202, {"Content-Type": "text/plain"}, b"ok")
    p = make_provider("plausible", "example.com", host=receiver.url, flush_interval=30)
    p.pageview(PAGE)
    p.event({"name": "Signup", "url": "/signup", "props": {"plan": "pro", "seats": 3}})
    p.identify("u1", {"x": 1})  # Plausible has no users: nothing is sent
    p.track("Purchase", {"revenue": {"currency": "EUR", "amount": "9.99"}}, user_id="u")
    p.flush(5)
    assert [r.path for r in receiver.seen] == ["/api/event"] * 3
    page, signup, purchase = receiver.seen
    assert page.headers["user-agent"] == CHROME
    assert page.headers["x-forwarded-for"] == "203.0.113.9"
    assert page.headers["content-type"] == "application/json"
    assert page.json() == {
        "name": "pageview",
        "url": PAGE["url"],
        "domain": "example.com",
        "referrer": PAGE["referrer"],
    }
    assert signup.json() == {
        "name": "Signup",
        "url": "https://example.com/signup",
        "domain": "example.com",
        "props": {"plan": "pro", "seats": "3"},
    }
    assert "x-forwarded-for" not in signup.headers
    assert purchase.json()["revenue"] == {"currency": "EUR", "amount": "9.99"}
    assert purchase.json()["url"] == "https://example.com/"


def test_plausible_dropped_header_is_reported(receiver, make_provider):
    receiver.default = (202, {"x-plausible-dropped": "1"}, b"ok")
    errors = []
    p = make_provider(
        "plausible", "example.com", host=receiver.url, on_error=lambda e, m: errors.append(e)
    )
    p.pageview(PAGE)
    p.flush(5)
    assert len(receiver.seen) == 1
    assert isinstance(errors[0], RejectedError)


# -- GA4 --------------------------------------------------------------------------------------


def test_ga4_measurement_protocol(receiver, make_provider):
    p = make_provider("ga4", "G-ABC123", api_secret="s3cret", host=receiver.url, flush_interval=30)
    p.pageview({**PAGE, "client_id": "c1", "user_id": "u1"})
    p.track("Signed Up!", {"plan": "pro", "trial": True}, anonymous_id="c1", user_id="u1")
    p.track("Other client", anonymous_id="c2")
    p.identify("u1", {"x": 1})  # no GA4 counterpart
    p.flush(5)
    assert len(receiver.seen) == 2  # one request per client
    first, second = receiver.seen
    assert (first.method, first.path) == ("POST", "/mp/collect")
    assert first.query == {"measurement_id": ["G-ABC123"], "api_secret": ["s3cret"]}
    assert first.headers["content-type"] == "application/json"
    body = first.json()
    assert (body["client_id"], body["user_id"]) == ("c1", "u1")
    assert isinstance(body["timestamp_micros"], int)
    page, signup = body["events"]
    assert page["name"] == "page_view"
    assert page["params"]["page_location"] == PAGE["url"]
    assert page["params"]["page_referrer"] == PAGE["referrer"]
    assert page["params"]["page_title"] == "Pricing"
    assert signup == {
        "name": "signed_up",
        "params": {"engagement_time_msec": 1, "plan": "pro", "trial": 1},
    }
    assert second.json()["client_id"] == "c2"
    assert "user_id" not in second.json()


def test_ga4_at_most_25_events_per_request(receiver, make_provider):
    p = make_provider("ga4", "G-1", api_secret="s", host=receiver.url, flush_interval=30)
    for i in range(30):
        p.track("tick", {"i": i}, anonymous_id="c1")
    p.flush(5)
    assert [len(r.json()["events"]) for r in receiver.seen] == [25, 5]


def test_ga4_needs_api_secret():
    from footfall_client import ConfigurationError, Provider

    with pytest.raises(ConfigurationError, match="api_secret"):
        Provider("ga4", "G-1")


# -- Universal Analytics ----------------------------------------------------------------------


def test_googleanalytics_single_hit_to_collect_analytical_style(receiver, make_provider):
    p = make_provider("googleanalytics", "UA-1-1", host=receiver.url, asynchronously=False)
    p.pageview(
        {"dl": "https://example.com/a", "dt": "A", "ua": CHROME, "uip": "1.2.3.4", "cid": "c"}
    )
    [request] = receiver.seen  # sync: sent before pageview() returned
    assert (request.method, request.path) == ("POST", "/collect")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    hit = {k: v[0] for k, v in request.form().items()}
    hit.pop("qt", None)
    assert hit == {
        "v": "1",
        "tid": "UA-1-1",
        "cid": "c",
        "t": "pageview",
        "dl": "https://example.com/a",
        "dt": "A",
        "uip": "1.2.3.4",
        "ua": CHROME,
    }
    p.event({"ec": "video", "ea": "play", "el": "intro", "ev": 3, "cid": "c", "cd1": "x"})
    hit = {k: v[0] for k, v in receiver.seen[1].form().items()}
    assert (hit["t"], hit["ec"], hit["ea"], hit["el"], hit["ev"], hit["cd1"]) == (
        "event",
        "video",
        "play",
        "intro",
        "3",
        "x",
    )


def test_googleanalytics_batch_limits_20_hits_and_16kb(receiver, make_provider):
    p = make_provider(
        "googleanalytics", "UA-1-1", host=receiver.url, flush_interval=30, anonymize_ip=True
    )
    for i in range(25):
        p.event({"ea": f"e{i}", "cid": "c"})
    p.flush(5)
    assert [r.path for r in receiver.seen] == ["/batch", "/batch"]
    lines = [r.body.split(b"\n") for r in receiver.seen]
    assert [len(x) for x in lines] == [20, 5]
    hits = [parse_qs(line.decode()) for batch in lines for line in batch]
    assert [h["ea"][0] for h in hits] == [f"e{i}" for i in range(25)]
    assert all(h["aip"] == ["1"] and h["v"] == ["1"] for h in hits)
    receiver.seen.clear()
    for i in range(12):
        p.event({"ea": f"big{i}", "cid": "c", "cd1": "z" * 3000})
    p.flush(5)
    assert len(receiver.seen) >= 3
    assert all(len(r.body) <= 16 * 1024 for r in receiver.seen)
    assert all(len(line) <= 8192 for r in receiver.seen for line in r.body.split(b"\n"))
    assert sum(len(r.body.split(b"\n")) for r in receiver.seen) == 12


# -- mixpanel ---------------------------------------------------------------------------------


def test_mixpanel_track_and_engage_form_encoded(receiver, make_provider):
    p = make_provider("mixpanel", "tok", host=receiver.url, flush_interval=30)
    p.track("Played", {"song": "x"}, user_id="u1", context={"ip": "203.0.113.9"})
    p.pageview({**PAGE, "user_id": "u1"})
    p.identify("u1", {"$name": "Ada"})
    p.alias("anon", "u1")
    p.flush(5)
    by_path = {r.path: r for r in receiver.seen}
    assert set(by_path) == {"/track", "/engage"}
    track = by_path["/track"]
    assert track.headers["content-type"] == "application/x-www-form-urlencoded"
    form = track.form()
    assert form["verbose"] == ["1"] and form["ip"] == ["0"]
    played, page, alias = json.loads(form["data"][0])
    assert played["event"] == "Played"
    props = played["properties"]
    assert (props["token"], props["distinct_id"], props["song"], props["ip"]) == (
        "tok",
        "u1",
        "x",
        "203.0.113.9",
    )
    assert isinstance(props["time"], float)
    assert uuid.UUID(props["$insert_id"])
    assert page["event"] == "$mp_web_page_view"
    assert page["properties"]["$current_url"] == PAGE["url"]
    assert alias["event"] == "$create_alias"
    assert (alias["properties"]["distinct_id"], alias["properties"]["alias"]) == ("anon", "u1")
    [profile] = json.loads(by_path["/engage"].form()["data"][0])
    assert profile["$token"] == "tok"
    assert profile["$distinct_id"] == "u1"
    assert profile["$set"] == {"$name": "Ada"}


def test_mixpanel_status_0_is_not_retried(receiver, make_provider):
    receiver.default = (200, {}, b'{"status":0,"error":"bad token"}')
    errors = []
    p = make_provider("mixpanel", "tok", host=receiver.url, on_error=lambda e, m: errors.append(e))
    p.track("X", user_id="u")
    p.flush(5)
    assert len(receiver.seen) == 1
    assert "bad token" in str(errors[0])


def test_mixpanel_import_with_api_secret_and_service_account(receiver, make_provider):
    receiver.default = (200, {}, b'{"code":200,"num_records_imported":1,"status":"OK"}')
    p = make_provider("mixpanel", "tok", host=receiver.url, api_secret="sec", flush_interval=30)
    p.track("Old", user_id="u", timestamp=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    p.flush(5)
    [request] = receiver.seen
    assert (request.path, request.query) == ("/import", {"strict": ["1"]})
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"sec:").decode()
    assert request.headers["content-type"] == "application/json"
    [event] = request.json()
    assert event["properties"]["time"] == 1704153600000
    q = make_provider(
        "mixpanel",
        "tok",
        host=receiver.url,
        service_account=("sa.user", "sa-secret"),
        project_id=42,
    )
    q.track("New", user_id="u")
    q.flush(5)
    request = receiver.seen[1]
    assert request.query == {"strict": ["1"], "project_id": ["42"]}
    expected = base64.b64encode(b"sa.user:sa-secret").decode()
    assert request.headers["authorization"] == "Basic " + expected


# -- memory and null --------------------------------------------------------------------------


def test_memory_records_messages_synchronously(make_provider):
    p = make_provider("memory", "test")
    assert p.track("Signed Up", {"plan": "pro"}, user_id="u1")
    assert p.pageview({"url": "/x"})
    assert [m["type"] for m in p.destination.messages] == ["track", "page"]
    assert p.destination.of_type("track")[0]["properties"] == {"plan": "pro"}
    assert make_provider("null", "").track("Anything", anonymous_id="a")
