"""The Plausible Events API body: long and short keys, validation naming the field."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footfall.errors import InvalidEvent
from footfall.ingest.plausible import parse_plausible

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def parse(body) -> list:  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    return parse_plausible(raw, received_at=NOW, client_ip="1.2.3.4", user_agent="UA")


def test_short_and_long_keys_give_the_same_hit():
    long = parse(
        {
            "name": "pageview",
            "url": "https://a.com/x",
            "domain": "a.com",
            "referrer": "https://g.com/",
            "props": {"k": 1},
        }
    )[0]
    short = parse(
        {
            "n": "pageview",
            "u": "https://a.com/x",
            "d": "a.com",
            "r": "https://g.com/",
            "p": {"k": 1},
        }
    )[0]
    assert long == short
    assert long.props == {"k": "1"}


def test_domain_list_fans_out_and_strips_www():
    hits = parse({"n": "pageview", "u": "https://a.com/", "d": "www.a.com, b.com"})
    assert [h.site_id for h in hits] == ["a.com", "b.com"]


def test_domain_defaults_to_url_host():
    assert parse({"n": "pageview", "u": "https://www.shop.io/x"})[0].site_id == "shop.io"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"u": "https://a.com/", "d": "a.com"}, "name"),
        ({"n": "", "u": "https://a.com/", "d": "a.com"}, "name"),
        ({"n": "x" * 121, "u": "https://a.com/", "d": "a.com"}, "name"),
        ({"n": ["x"], "u": "https://a.com/", "d": "a.com"}, "name"),
        ({"n": "pageview", "d": "a.com"}, "url"),
        ({"n": "pageview", "u": 5, "d": "a.com"}, "url"),
        ({"n": "pageview", "u": "data:text/html,hi", "d": "a.com"}, "url"),
        ({"n": "pageview", "u": "https://a.com/" + "x" * 2000, "d": "a.com"}, "url"),
        ({"n": "pageview", "u": "https://a.com/", "d": ""}, "domain"),
        ({"n": "pageview", "u": "/relative"}, "domain"),
        ({"n": "pageview", "u": "https://a.com/", "d": "a.com", "r": 1}, "referrer"),
        ({"n": "pageview", "u": "https://a.com/", "d": "a.com", "p": [1]}, "props"),
        ({"n": "pageview", "u": "https://a.com/", "d": "a.com", "p": "{bad"}, "props"),
        ({"n": "pageview", "u": "https://a.com/", "d": "a.com", "i": "no"}, "interactive"),
        ({"n": "engagement", "u": "https://a.com/", "d": "a.com"}, "e"),
        (b"{not json", "request"),
        (b"[1,2]", "request"),
    ],
)
def test_malformed_bodies_name_the_field(body, field):
    with pytest.raises(InvalidEvent) as raised:
        parse(body)
    assert raised.value.field == field


def test_props_are_stringified_and_limited():
    props = {f"k{i}": i for i in range(40)} | {"obj": {"a": 1}, "list": [1], "empty": "", "t": True}
    hit = parse({"n": "Signup", "u": "https://a.com/", "d": "a.com", "p": props})[0]
    assert len(hit.props) == 30
    assert "obj" not in hit.props and "list" not in hit.props


def test_legacy_meta_string_props():
    hit = parse({"n": "x", "u": "https://a.com/", "d": "a.com", "m": '{"plan":"pro"}'})[0]
    assert hit.props == {"plan": "pro"}


def test_prop_value_over_limit_is_rejected():
    with pytest.raises(InvalidEvent) as raised:
        parse({"n": "x", "u": "https://a.com/", "d": "a.com", "p": {"k": "v" * 2001}})
    assert raised.value.field == "props.k"


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ({"amount": 29, "currency": "eur"}, ("29.0000", "EUR")),
        ({"amount": "12.5", "currency": "USD"}, ("12.5000", "USD")),
        ({"amount": "lots", "currency": "USD"}, (None, "")),
        ({"amount": 1, "currency": "EURO"}, (None, "")),
        ("29 EUR", (None, "")),
    ],
)
def test_bad_revenue_is_dropped_silently(revenue, expected):
    hit = parse({"n": "Purchase", "u": "https://a.com/", "d": "a.com", "$": revenue})[0]
    assert (hit.revenue_amount, hit.revenue_currency) == expected


def test_engagement_fields_are_clamped():
    hit = parse({"n": "engagement", "u": "https://a.com/", "d": "a.com", "sd": 140, "e": 1200})[0]
    assert (hit.scroll_depth, hit.engagement_ms) == (100, 1200)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "n",
                "name",
                "u",
                "url",
                "d",
                "domain",
                "r",
                "p",
                "m",
                "$",
                "i",
                "h",
                "w",
                "e",
                "sd",
                "x",
            ]
        ),
        json_values,
    )
)
def test_any_json_object_parses_or_raises_invalid_event(body):
    try:
        hits = parse(body)
    except InvalidEvent as error:
        assert error.field
    else:
        assert hits and all(h.name and h.url for h in hits)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_invalid_event(raw):
    with contextlib.suppress(InvalidEvent):
        parse(raw)
