"""Validation: each bad query names the JSON path of its mistake."""

from __future__ import annotations

import pytest

from footfall.errors import InvalidQuery
from footfall.query.spec import Condition, Logic, parse_query

BASE = {"site_id": "a.example", "date_range": "7d", "metrics": ["visitors"]}


def test_a_full_query_parses():
    q = parse_query(
        {
            **BASE,
            "metrics": ["visitors", "conversion_rate"],
            "dimensions": ["event:goal", "event:props:plan", "time:day"],
            "filters": [
                ["is", "visit:country", ["US"], {"case_sensitive": False}],
                [
                    "or",
                    [
                        ["contains", "event:page", ["/blog"]],
                        ["not", ["matches", "event:page", ["^/docs"]]],
                    ],
                ],
            ],
            "order_by": [["visitors", "desc"]],
            "include": {
                "total_rows": True,
                "time_labels": True,
                "comparisons": {"mode": "previous_period"},
            },
            "pagination": {"limit": 5, "offset": 10},
        }
    )
    assert q.dimension_names == ("event:goal", "event:props:plan", "time:day")
    assert isinstance(q.filters[0], Condition) and not q.filters[0].case_sensitive
    assert isinstance(q.filters[1], Logic) and q.filters[1].op == "or"
    assert (q.limit, q.offset) == (5, 10)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"site_id": None}, "site_id"),
        ({"date_range": "fortnight"}, "date_range"),
        ({"date_range": ["2024-01-01"]}, "date_range"),
        ({"metrics": []}, "metrics"),
        ({"metrics": ["visitors", "clicks"]}, "metrics[1]"),
        ({"metrics": ["visitors", "visitors"]}, "metrics[1]"),
        ({"dimensions": ["visit:nope"]}, "dimensions[0]"),
        ({"dimensions": ["time:day", "time:hour"]}, "dimensions[1]"),
        (
            {"filters": [["is", "visit:source", ["x"]], ["equals", "event:page", ["/"]]]},
            "filters[1][0]",
        ),
        ({"filters": [["is", "visit:nope", ["x"]]]}, "filters[0][1]"),
        ({"filters": [["is", "time:day", ["x"]]]}, "filters[0][1]"),
        ({"filters": [["is", "event:page", []]]}, "filters[0][2]"),
        ({"filters": [["is", "event:page", [None]]]}, "filters[0][2][0]"),
        ({"filters": [["matches", "event:page", ["(?=x)"]]]}, "filters[0][2][0]"),
        ({"filters": [["matches", "event:page", ["("]]]}, "filters[0][2][0]"),
        (
            {"filters": [["is", "event:page", ["/"], {"case_sensitive": "no"}]]},
            "filters[0][3].case_sensitive",
        ),
        (
            {"filters": [["or", [["is", "event:page", ["/"]], ["is", "visit:source", ["x"]]]]]},
            "filters[0]",
        ),
        (
            {"filters": [["and", [["is", "event:page", ["/"]], ["is", "x", ["x"]]]]]},
            "filters[0][1][1][1]",
        ),
        ({"filters": [["not", ["is", "event:page", "/"]]]}, "filters[0][1][2]"),
        ({"order_by": [["pageviews", "desc"]]}, "order_by[0][0]"),
        ({"order_by": [["visitors", "up"]]}, "order_by[0][1]"),
        ({"include": {"time_labels": True}}, "include.time_labels"),
        ({"include": {"comparisons": {"mode": "last_year"}}}, "include.comparisons.mode"),
        ({"pagination": {"limit": 0}}, "pagination.limit"),
        ({"pagination": {"offset": -1}}, "pagination.offset"),
        ({"metrics": ["conversion_rate"]}, "metrics[0]"),
        ({"metrics": ["scroll_depth"], "dimensions": ["event:name"]}, "metrics[0]"),
        ({"bogus": 1}, "'bogus'"),
    ],
)
def test_errors_name_the_json_path(change, path):
    with pytest.raises(InvalidQuery) as info:
        parse_query({**BASE, **change})
    assert info.value.path == path
    assert info.value.message


def test_not_an_object():
    with pytest.raises(InvalidQuery) as info:
        parse_query([1, 2])
    assert info.value.path == "query"
