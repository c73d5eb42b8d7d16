"""Compiled product trees: values bound as parameters, every scan guarded, both dialects;
and the pure shaping of rows into answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlglot import exp

from footfall.product import cohorts, funnel, paths, retention, segmentation
from footfall.product.persons import PersonTree
from footfall.query import periods
from footfall.query.printer import render

SITE = "evil'site.example"
PERIOD = periods.resolve(("2024-03-01", "2024-03-31"), "UTC", datetime(2024, 4, 2, tzinfo=UTC))
MARK = "x'); DROP TABLE events; --"
STEPS = [{"page": "/p*"}, {"event": MARK, "props": {MARK: MARK}}]
FILTERS = [["is", "user:" + MARK, [MARK]], ["contains", "event:props:" + MARK, [MARK]]]
COHORT = {"conditions": [{"did": {"event": MARK}, "within_days": 3}]}


def trees() -> list[tuple[str, PersonTree, exp.Expression]]:
    base = {"site_id": SITE, "date_range": ["2024-03-01", "2024-03-31"], "filters": FILTERS}
    out = []
    for order in ("loose", "strict"):
        q = funnel.parse_funnel({**base, "steps": STEPS, "order": order, "breakdown": "user:b"})
        t = PersonTree(SITE, PERIOD.start, PERIOD.end, q.common.traits)
        cohorts.attach(t, cohorts.parse_cohort(COHORT), PERIOD.end)
        out.append((f"funnel-{order}", t, funnel.compile_funnel(t, q, True)))
    q2 = retention.parse_retention({**base, "first_event": {"event": MARK}})
    t = PersonTree(SITE, PERIOD.start, PERIOD.end, q2.common.traits)
    out.append(("retention", t, retention.compile_retention(t, q2, PERIOD)))
    q3 = segmentation.parse_segmentation({**base, "breakdown": "event:props:" + MARK})
    t = PersonTree(SITE, PERIOD.start, PERIOD.end, q3.common.traits)
    out.append(("segmentation", t, segmentation.compile_segmentation(t, q3, PERIOD)))
    q4 = paths.parse_paths({**base, "start": {"event": MARK}})
    t = PersonTree(SITE, PERIOD.start, PERIOD.end, q4.common.traits)
    out.append(("paths", t, paths.compile_paths(t, q4)))
    return out


@pytest.mark.parametrize("dialect", ["duckdb", "clickhouse"])
def test_values_are_parameters_and_every_scan_is_guarded(dialect):
    for name, tree, select in trees():
        sql = render(select, dialect)
        assert MARK not in sql and "evil" not in sql, name
        assert MARK in tree.params.values and SITE in tree.params.values
        for table in select.find_all(exp.Table):
            if table.name == "events":
                where = table.find_ancestor(exp.Select).args["where"]
                assert any(c.name == "site_id" for c in where.find_all(exp.Column)), name


def test_steps_report_conversions_and_medians():
    q = funnel.parse_funnel(
        {"site_id": "a", "steps": [{"page": "/"}, {"event": "a"}, {"event": "b"}]}
    )
    report = funnel.steps_report(q, {0: (10, 0), 1: (4, 1500), 2: (1, 3000)})
    assert [(s["users"], s["dropoff"]) for s in report] == [(10, 0), (4, 6), (1, 3)]
    assert [s["conversion_from_previous"] for s in report] == [1.0, 0.4, 0.25]
    assert [s["conversion_overall"] for s in report] == [1.0, 0.4, 0.1]
    assert [s["median_seconds_from_previous"] for s in report] == [None, 1.5, 3.0]
    empty = funnel.steps_report(q, {})
    assert all(s["users"] == 0 and s["conversion_overall"] == 0.0 for s in empty)


def test_path_tree_keeps_the_top_children_and_sums_the_rest():
    q = paths.parse_paths({"site_id": "a", "start": {"page": "/"}, "depth": 2, "width": 1})
    rows = [("/a", "/b", 5), ("/a", "", 2), ("/c", "/d", 3), ("", "", 1)]
    tree = paths.build_tree(q, rows)
    assert tree["people"] == 11
    (first, other) = tree["children"]
    assert (first["label"], first["people"], other["label"], other["people"]) == (
        "/a",
        7,
        "(other)",
        4,
    )
    assert first["children"][0] == {"label": "/b", "people": 5, "children": []}


def test_retention_shape_average_weights_cohorts_by_size():
    q = retention.parse_retention({"site_id": "a", "period": "day"})
    p = periods.resolve(("2024-03-01", "2024-03-03"), "UTC", datetime(2024, 4, 1, tzinfo=UTC))
    rows = [
        ("2024-03-01", "", 10),
        ("2024-03-02", "", 30),
        ("2024-03-01", "2024-03-01", 10),
        ("2024-03-01", "2024-03-02", 5),
        ("2024-03-02", "2024-03-02", 30),
        ("2024-03-02", "2024-03-03", 3),
    ]
    result = retention.shape(q, p, rows)
    assert [c["size"] for c in result["cohorts"]] == [10, 30]
    assert result["average"][1] == {"period": 1, "share": round(8 / 40, 4), "cohorts": 2}
    assert result["average"][2] == {"period": 2, "share": 0.0, "cohorts": 1}
