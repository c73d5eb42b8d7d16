"""The pure mapping functions: clock skew per protocol, decoding, traits, ids."""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footfall.catalog import Catalog
from footfall.compat import ga, mixpanel, posthog, snowplow, umami
from footfall.compat.decoding import BodyError, json_or_base64, ndjson
from footfall.compat.hits import Origin, epoch_time, flatten, trait_props
from footfall.compat.keys import ProtocolKeyCache
from footfall.compat.segment import parse_segment
from footfall.errors import CatalogError, InvalidEvent

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORIGIN = Origin(NOW, "198.51.100.1", "Mozilla/5.0 Chrome/131.0")


def sites(protocol: str, key: object) -> str | None:
    return "example.com" if key == "k" else None


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_segment_corrects_clock_skew_with_sent_at():
    device = NOW + timedelta(hours=1)  # the device clock runs an hour ahead
    body = {
        "sentAt": iso(device),
        "batch": [
            {
                "type": "track",
                "event": "e",
                "userId": "u",
                "timestamp": iso(device - timedelta(minutes=5)),
            }
        ],
    }
    hits, errors = parse_segment(body, None, site_id="example.com", origin=ORIGIN)
    assert errors == [] and hits[0].timestamp == NOW - timedelta(minutes=5)


def test_posthog_skew_and_offset():
    event = {"event": "e", "distinct_id": "d", "timestamp": iso(NOW + timedelta(hours=2))}
    hit = posthog.parse_event(
        event, 0, site_id="s", origin=ORIGIN, sent_at=NOW + timedelta(hours=2, minutes=1)
    )
    assert hit.timestamp == NOW - timedelta(minutes=1)
    offset = posthog.parse_event(
        {"event": "e", "distinct_id": "d", "offset": 30_000},
        0,
        site_id="s",
        origin=ORIGIN,
        sent_at=None,
    )
    assert offset.timestamp == NOW - timedelta(seconds=30)


def test_snowplow_skew_and_true_timestamp():
    dtm = int((NOW + timedelta(days=1)).timestamp() * 1000)
    params = {
        "e": "pv",
        "aid": "k",
        "url": "https://example.com/",
        "dtm": str(dtm),
        "stm": str(dtm + 60_000),
    }
    assert snowplow.parse_snowplow_event(params, sites=sites, origin=ORIGIN).timestamp == (
        NOW - timedelta(minutes=1)
    )
    ttm = int((NOW - timedelta(hours=3)).timestamp() * 1000)
    hit = snowplow.parse_snowplow_event({**params, "ttm": str(ttm)}, sites=sites, origin=ORIGIN)
    assert hit.timestamp == NOW - timedelta(hours=3)


def test_epoch_time_takes_seconds_or_ms_and_clamps():
    earlier = NOW - timedelta(hours=1)
    assert epoch_time(earlier.timestamp(), NOW) == earlier
    assert epoch_time(int(earlier.timestamp() * 1000), NOW) == earlier
    assert epoch_time((NOW + timedelta(days=1)).timestamp(), NOW) == NOW
    assert epoch_time(0, NOW) == NOW - timedelta(days=7)
    assert epoch_time("nonsense", NOW) == NOW


def test_mixpanel_payload_is_json_or_base64():
    record = {"event": "e", "properties": {"token": "k"}}
    text = json.dumps(record)
    assert json_or_base64(text) == record
    assert json_or_base64(base64.b64encode(text.encode()).decode()) == record
    assert json_or_base64(base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")) == record
    with pytest.raises(BodyError):
        json_or_base64("%%%")
    raw = gzip.compress(f"data={base64.b64encode(text.encode()).decode()}".encode())
    records, _ = mixpanel.decode_records(raw, {}, 1 << 20)
    assert records == [record]
    assert ndjson(b'{"a":1}\n\n{"b":2}\n') == [{"a": 1}, {"b": 2}]


def test_traits_flatten_and_unset():
    assert flatten({"a": {"b": {"c": 1, "d": {"e": 2}}}, "l": [1]}, depth=3) == {"a.b.c": 1}
    props = trait_props(
        {
            "set": {"plan": "pro", "address": {"city": "Oslo"}},
            "add": {"logins": 2},
            "unset": ["old"],
        },
        "traits",
    )
    assert props == {
        "set:plan": "pro",
        "set:address.city": "Oslo",
        "add:logins": "2",
        "unset:old": "",
    }


def test_identity_mapping_across_protocols():
    alias = mixpanel.parse_event(
        {
            "event": "$create_alias",
            "properties": {"token": "k", "distinct_id": "anon", "alias": "user"},
        },
        0,
        site_id="s",
        origin=ORIGIN,
    )
    assert (alias.name, alias.user_id, alias.distinct_id) == ("$alias", "user", "anon")
    identify = posthog.parse_event(
        {
            "event": "$identify",
            "distinct_id": "user",
            "$set": {"a": 1},
            "properties": {"$anon_distinct_id": "anon"},
        },
        0,
        site_id="s",
        origin=ORIGIN,
        sent_at=None,
    )
    assert (identify.user_id, identify.distinct_id, identify.props) == (
        "user",
        "anon",
        {"set:a": "1"},
    )
    hit = umami.parse_umami(
        {"type": "identify", "payload": {"website": "w", "id": "user", "data": {"plan": "pro"}}},
        site_id="s",
        origin=ORIGIN,
    )
    assert hit is not None and (hit.name, hit.user_id) == ("$identify", "user")


def test_protocol_keys_in_the_catalog(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_site("example.com")
    catalog.add_site("other.com")
    catalog.link_protocol_key("example.com", "segment", "WRITE")
    catalog.link_protocol_key("example.com", "segment", "WRITE")  # idempotent
    with pytest.raises(CatalogError):
        catalog.link_protocol_key("other.com", "segment", "WRITE")
    with pytest.raises(CatalogError):
        catalog.link_protocol_key("example.com", "amplitude", "X")
    cache = ProtocolKeyCache(catalog)
    assert cache("segment", "WRITE") == "example.com"
    assert cache("mixpanel", "WRITE") is None and cache("segment", ["x"]) is None
    assert catalog.unlink_protocol_key("segment", "WRITE") == 1
    cache.invalidate()
    assert cache("segment", "WRITE") is None


# Pure parsers under random input: only the protocol's own errors may escape ---------------

EXTREMES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9" * 40,
    10**30,
    1e308,
    "k",
    "$set",
    "$identify",
    "$create_alias",
    "$groupidentify",
    "$merge",
    "pv",
    "ue",
    "se",
    "tr",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(EXTREMES)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from(EXTREMES[5:]), inner, max_size=4)
    ),
    max_leaves=10,
)
KEYS = [
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
    "$set_once",
    "$unset",
    "$add",
    "$distinct_id",
    "$group_key",
    "$group_id",
    "$distinct_ids",
    "alias",
    "$anon_distinct_id",
    "offset",
    "name",
    "url",
    "hostname",
    "data",
    "payload",
    "website",
    "e",
    "aid",
    "dtm",
    "stm",
    "ttm",
    "ue_pr",
    "ue_px",
    "se_ca",
    "se_ac",
    "events",
    "client_id",
    "params",
    "time",
    "token",
    "api_key",
    "tid",
    "cid",
    "t",
    "dl",
    "ea",
    "ec",
    "qt",
    "timestamp_micros",
    "user_properties",
]
records = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)
ERRORS = (InvalidEvent, BodyError)


@settings(max_examples=800, deadline=None)
@given(record=records, inner=records)
def test_parsers_raise_only_protocol_errors(record, inner):
    record = {**record, "properties": {**inner, "token": "k"}} if "properties" in record else record
    with contextlib.suppress(*ERRORS):
        parse_segment({"batch": [record, inner], **record}, None, site_id="s", origin=ORIGIN)
    with contextlib.suppress(*ERRORS):
        parse_segment(record, "identify", site_id="s", origin=ORIGIN)
    with contextlib.suppress(*ERRORS):
        posthog.parse_posthog({"api_key": "k", "batch": [record, inner]}, {}, sites, ORIGIN)
    for kind in ("track", "engage", "groups"):
        mixpanel.parse_records([record, inner], kind, sites=sites, origin=ORIGIN)
    with contextlib.suppress(*ERRORS):
        umami.parse_umami(
            {"type": record.get("type", "event"), "payload": inner}, site_id="s", origin=ORIGIN
        )
    snowplow.parse_events([{**record, "aid": "k"}, inner], sites=sites, origin=ORIGIN)
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in record.items()}
    for post in (True, False):
        with contextlib.suppress(*ERRORS):
            ga.parse_ua_hit({**form, "tid": "k"}, sites=sites, origin=ORIGIN, post=post)
    ga.parse_ga4({**inner, "events": [record]}, {"measurement_id": "k"}, sites=sites, origin=ORIGIN)
