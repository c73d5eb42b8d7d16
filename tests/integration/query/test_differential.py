"""Every backend gives identical answers; generated queries; injection; site isolation."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from corpus import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footfall.errors import InvalidQuery
from footfall.query.dimensions import DIMENSIONS
from footfall.query.metrics import METRICS
from footfall.query.spec import parse_query

SITE = "a.example"
PLAIN_METRICS = [
    "visitors",
    "visits",
    "pageviews",
    "events",
    "views_per_visit",
    "bounce_rate",
    "visit_duration",
    "percentage",
    "total_revenue",
    "average_revenue",
]
GROUP_DIMS = [d for d in DIMENSIONS if d != "time"] + ["event:props:plan", "event:props:author"]
FILTER_VALUES = [
    "/",
    "/blog",
    "/blog/post-1",
    "pageview",
    "Signup",
    "Purchase",
    "US",
    "DE",
    "",
    "Google",
    "Direct / None",
    "Chrome",
    "Mobile",
    "pro",
    "(none)",
    "spring-sale",
    "a.example",
    "b.example",
    "ü",
    "BLOG",
    "Post",
]
FILTER_DIMS = [d for d in GROUP_DIMS if not d.startswith("time")]
RANGES = [
    "all",
    "7d",
    "30d",
    "month",
    "6mo",
    ["2024-03-10", "2024-03-12"],
    ["2024-03-05T10:00:00+02:00", "2024-03-06T18:30:00+02:00"],
]


def both(engines, body: dict[str, Any], tz: str = "UTC") -> dict[str, Any]:
    results = {name: e.query(body, now=NOW, timezone=tz) for name, e in engines.items()}
    assert results["duckdb"] == results["chdb"], body
    return results["duckdb"]


@pytest.mark.parametrize(
    ("metric", "dimension"),
    list(
        itertools.product(
            [m for m in METRICS if m != "conversion_rate"],
            [
                None,
                "event:page",
                "event:name",
                "visit:source",
                "visit:entry_page",
                "time:day",
                "event:props:plan",
                "visit:country",
            ],
        )
    ),
)
def test_every_metric_by_dimension_is_identical(engines, metric, dimension):
    if metric in ("scroll_depth", "time_on_page") and dimension == "event:name":
        pytest.skip("engagement metrics do not combine with event:name")
    body = {
        "site_id": SITE,
        "date_range": "all",
        "metrics": [metric],
        "dimensions": [dimension] if dimension else [],
        "filters": [["is_not", "visit:device", ["Tablet"]]],
    }
    result = both(engines, body)
    assert result["results"]


@pytest.mark.parametrize(
    "op", ["is", "is_not", "contains", "contains_not", "matches", "matches_not"]
)
@pytest.mark.parametrize(
    "dimension",
    ["event:page", "visit:source", "event:props:plan", "visit:entry_page", "event:goal"],
)
@pytest.mark.parametrize("case_sensitive", [True, False])
def test_every_filter_is_identical(engines, op, dimension, case_sensitive):
    values = {
        "event:page": ["/BLOG", "/"],
        "visit:source": ["google", "Direct / None"],
        "event:props:plan": ["Pro", "(none)"],
        "visit:entry_page": ["/about"],
        "event:goal": ["sign", "Purchase"],
    }[dimension]
    if op.startswith("matches"):
        values = [f"^{values[0]}"]
    body = {
        "site_id": SITE,
        "date_range": "all",
        "metrics": ["visitors", "visits", "events", "bounce_rate"],
        "dimensions": ["visit:device"],
        "filters": [[op, dimension, values, {"case_sensitive": case_sensitive}]],
    }
    both(engines, body)


def _leaf(draw: st.DrawFn) -> list:
    op = draw(
        st.sampled_from(["is", "is_not", "contains", "contains_not", "matches", "matches_not"])
    )
    dim = draw(st.sampled_from(FILTER_DIMS))
    values = draw(
        st.lists(
            st.sampled_from(FILTER_VALUES) | st.text("abBü/-_. '%\\", max_size=4),
            min_size=1,
            max_size=3,
        )
    )
    if op.startswith("matches"):
        values = [
            "^" + "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in v) for v in values
        ]
    leaf: list = [op, dim, values]
    if draw(st.booleans()):
        leaf.append({"case_sensitive": draw(st.booleans())})
    return leaf


@st.composite
def filters(draw: st.DrawFn, depth: int = 0) -> list:
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["event:", "visit:"]))
        children = []
        for _ in range(draw(st.integers(1, 2))):
            child = draw(filters(depth + 1))
            children.append(child)
        children = [c for c in children if _kind(c) == kind] or [_leaf_of(draw, kind)]
        op = draw(st.sampled_from(["and", "or", "not"]))
        return ["not", children[0]] if op == "not" else [op, children]
    return _leaf(draw)


def _kind(f: list) -> str:
    if f[0] in ("and", "or"):
        return _kind(f[1][0])
    if f[0] == "not":
        return _kind(f[1])
    return f[1].split(":", 1)[0] + ":"


def _leaf_of(draw: st.DrawFn, kind: str) -> list:
    while True:
        leaf = _leaf(draw)
        if leaf[1].startswith(kind):
            return leaf


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    dims = draw(st.lists(st.sampled_from(GROUP_DIMS), max_size=2, unique=True))
    times = [d for d in dims if d.startswith("time")]
    dims = [d for d in dims if not d.startswith("time")] + times[:1]
    fs = draw(st.lists(filters(), max_size=3))
    metrics = draw(st.lists(st.sampled_from(PLAIN_METRICS), min_size=1, max_size=4, unique=True))
    uses_names = any("event:goal" in str(f) or "event:name" in str(f) for f in fs) or any(
        d in ("event:goal", "event:name") for d in dims
    )
    if not uses_names and draw(st.booleans()):
        metrics.append(draw(st.sampled_from(["scroll_depth", "time_on_page"])))
    if "event:goal" in dims and draw(st.booleans()):
        metrics.append("conversion_rate")
    body: dict[str, Any] = {
        "site_id": SITE,
        "date_range": draw(st.sampled_from(RANGES)),
        "metrics": metrics,
        "dimensions": dims,
        "filters": fs,
    }
    if dims and draw(st.booleans()):
        order_name = draw(st.sampled_from(metrics + dims))
        body["order_by"] = [[order_name, draw(st.sampled_from(["asc", "desc"]))]]
    if draw(st.booleans()):
        body["pagination"] = {"limit": draw(st.integers(1, 20)), "offset": draw(st.integers(0, 5))}
        body["include"] = {"total_rows": True}
    return body


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=queries(), tz=st.sampled_from(["UTC", "Europe/Berlin", "America/Los_Angeles"]))
def test_generated_queries_agree_on_every_backend(engines, body, tz):
    both(engines, body, tz)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    body = draw(queries())
    target = draw(
        st.sampled_from(
            [
                "site_id",
                "date_range",
                "metrics",
                "dimensions",
                "filters",
                "order_by",
                "pagination",
                "include",
                "extra",
            ]
        )
    )
    value = draw(JSON)
    if target in ("metrics", "dimensions", "filters") and body.get(target) and draw(st.booleans()):
        items = list(body[target])
        items[draw(st.integers(0, len(items) - 1))] = value
        body[target] = items
    else:
        body[target] = value
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=mutated() | JSON)
def test_invalid_queries_raise_invalid_query_with_a_path(engines, body):
    try:
        engines["duckdb"].query(body, now=NOW)
    except InvalidQuery as exc:
        assert exc.path and exc.message


INJECTIONS = [
    "'); DROP TABLE events; --",
    "\\'; DROP TABLE events; --",
    "{p0:String}",
    "$1",
    "' OR 1=1 --",
    "\n\t\0\\N",
    "a.example' OR site_id != '",
]


def _injected(value: str, op: str) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "date_range": "all",
        "metrics": ["visitors", "visits"],
        "dimensions": [f"event:props:{value}"],
        "filters": [[op, "event:page", [value]], [op, f"event:props:{value}", [value]]],
    }


@pytest.mark.parametrize("value", INJECTIONS)
def test_values_and_prop_keys_are_bound_not_executed(engines, value):
    for op in ("is", "contains", "is_not"):
        both(engines, _injected(value, op))
        for engine in engines.values():
            sql, params = engine.sql(parse_query(_injected(value, op)), "UTC", NOW)
            benign, _ = engine.sql(parse_query(_injected("x", op)), "UTC", NOW)
            assert sql == benign  # the text never depends on a value
            assert value in params
    after = both(engines, {"site_id": SITE, "date_range": "all", "metrics": ["events"]})
    assert after["results"][0]["metrics"][0] > 0


@pytest.mark.parametrize(
    "filters",
    [
        [],
        [["is", "event:hostname", ["b.example"]]],
        [["is_not", "event:hostname", ["a.example"]]],
        [["or", [["is", "event:page", ["/"]], ["is_not", "event:page", ["/"]]]]],
        [["matches", "event:hostname", [".*"]]],
        [["is", "event:props:x' OR site_id = 'b.example", ["1"]]],
    ],
)
def test_a_site_never_counts_another_sites_rows(engines, corpus_rows, filters):
    expected_a = len({r["visitor_id"] for r in corpus_rows if r["site_id"] == SITE})
    body = {"site_id": SITE, "date_range": "all", "metrics": ["visitors"], "filters": filters}
    result = both(engines, body)
    assert result["results"][0]["metrics"][0] <= expected_a
    empty = both(engines, dict(body, site_id="c.example"))
    assert empty["results"][0]["metrics"] == [0]
