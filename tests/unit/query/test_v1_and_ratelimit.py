"""v1 parameter translation and the token bucket (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from footfall.errors import InvalidQuery
from footfall.query import v1
from footfall.web.ratelimit import TokenBuckets

NOW = datetime(2024, 3, 15, 12, tzinfo=UTC)


def test_v1_filters():
    assert v1.parse_filters(r"event:page==/a|/b\|c;visit:country!=US") == [
        ["is", "event:page", ["/a", "/b|c"]],
        ["is_not", "visit:country", ["US"]],
    ]
    [[op, _, [pattern]]] = v1.parse_filters("event:page==/blog/**")
    assert op == "matches" and pattern == "^/blog/.*$"
    with pytest.raises(InvalidQuery):
        v1.parse_filters("nonsense")


def test_v1_periods_count_back_from_today():
    body = v1.aggregate_query({"site_id": "a", "period": "7d"}, NOW, "UTC")
    assert body["date_range"] == ["2024-03-09", "2024-03-15"]
    body = v1.breakdown_query(
        {"site_id": "a", "property": "visit:source", "limit": "5", "page": "3"}, NOW, "UTC"
    )
    assert body["pagination"] == {"limit": 5, "offset": 10}
    with pytest.raises(InvalidQuery) as info:
        v1.timeseries_query({"site_id": "a", "period": "week"}, NOW, "UTC")
    assert info.value.path == "period"


def test_token_bucket_refills_over_time():
    buckets = TokenBuckets(per_hour=2)
    assert buckets.take("k", 0) == 0 and buckets.take("k", 0) == 0
    wait = buckets.take("k", 0)
    assert wait == pytest.approx(1800)
    assert buckets.take("other", 0) == 0
    assert buckets.take("k", 1800) == 0
