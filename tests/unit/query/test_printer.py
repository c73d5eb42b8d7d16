"""One tree, two dialects; the guard scopes every scan; values are never inlined."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlglot import exp

from footfall.query.compile import compile_query
from footfall.query.periods import resolve
from footfall.query.printer import Scope, UnguardedTable, guard, render
from footfall.query.spec import parse_query
from footfall.query.sqltree import Params

NOW = datetime(2024, 3, 15, tzinfo=UTC)
SECRET = "'); DROP TABLE events; --"


def compiled(body):
    q = parse_query({"site_id": "a.example", "date_range": "30d", **body})
    return compile_query(q, resolve(q.date_range, "Europe/Paris", NOW))


def test_every_scan_of_events_is_guarded():
    c = compiled(
        {
            "metrics": ["visitors", "visits", "scroll_depth"],
            "dimensions": ["event:page", "visit:source"],
            "filters": [["is", "event:page", [SECRET]]],
        }
    )
    scans = [t for t in c.tree.find_all(exp.Table) if t.name == "events"]
    assert len(scans) >= 3
    for table in scans:
        where = render(table.find_ancestor(exp.Select).args["where"], "duckdb")
        assert f"{table.alias}.site_id = " in where and f"{table.alias}.timestamp < " in where
    assert c.params[-3] == "a.example"


@pytest.mark.parametrize("dialect", ["duckdb", "clickhouse"])
def test_values_are_parameters_in_both_dialects(dialect):
    c = compiled(
        {
            "metrics": ["visitors"],
            "dimensions": [f"event:props:{SECRET}"],
            "filters": [["contains", "event:page", [SECRET], {"case_sensitive": False}]],
        }
    )
    sql = render(c.tree, dialect)
    assert "DROP" not in sql and SECRET in c.params
    marker = "$1" if dialect == "duckdb" else "{p0:String}"
    assert marker in sql


def test_dialects_differ_only_in_spelling():
    c = compiled({"metrics": ["visits"], "dimensions": ["visit:entry_page", "time:day"]})
    duck, ch = render(c.tree, "duckdb"), render(c.tree, "clickhouse")
    assert "arg_min" in duck and "strftime" in duck
    assert "argMinIf" in ch and "formatDateTime" in ch


def test_guard_refuses_unknown_tables():
    tree = exp.select("x").from_("footfall_spool_state")
    now = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(UnguardedTable):
        guard(tree, Scope("a", now, now), Params())
    with pytest.raises(UnguardedTable):
        guard(exp.select("x").from_(exp.to_table("other.events")), Scope("a", now, now), Params())
