"""The pure mapping functions: clock skew per protocol, decoding, traits, ids."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime, timedelta

import pytest

from footfall.catalog import Catalog
from footfall.compat import mixpanel, posthog, snowplow, umami
from footfall.compat.decoding import BodyError, json_or_base64, ndjson
from footfall.compat.hits import Origin, epoch_time, flatten, trait_props
from footfall.compat.keys import ProtocolKeyCache
from footfall.compat.segment import parse_segment
from footfall.errors import CatalogError

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
