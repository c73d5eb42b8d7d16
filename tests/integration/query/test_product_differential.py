"""Product analytics on DuckDB and chDB: identical answers, and equal to the reference.

The product corpus goes into the session's shared stores under its own site (chDB opens
one data directory per process); hypothesis histories each get a fresh site id.
"""

# ruff: noqa: F811  (pytest fixtures imported from product_fixtures)
from __future__ import annotations

import itertools
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from product_fixtures import SITE, insert, product, product_rows  # noqa: F401

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "product"))

import product_reference as ref
from product_corpus import NOW, from_history, histories

from footfall.product.engine import ProductEngine

RANGE = ["2024-03-01", "2024-03-31"]
START, END = datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
STEPS = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]


def _both(product: dict[str, ProductEngine], method: str, *args: Any, **kw: Any) -> Any:
    answers = [getattr(engine, method)(*args, now=NOW, **kw) for engine in product.values()]
    assert answers[0] == answers[1], method
    return answers[0]


def _pairs(steps: list[dict[str, Any]]) -> list[tuple[int, int | None]]:
    out = []
    for s in steps:
        median = s["median_seconds_from_previous"]
        out.append((s["users"], None if median is None else int(median * 1000)))
    return out


@pytest.mark.parametrize(
    ("order", "window", "steps"),
    [
        ("loose", "24h", STEPS),
        ("loose", "7d", STEPS),
        ("strict", "7d", STEPS),
        ("loose", "30m", [{"page": "/docs*"}, {"event": "Purchase", "props": {"plan": "pro"}}]),
        ("strict", "1d", [{"page": "*"}, {"page": "/pricing"}, {"event": "Export"}]),
    ],
)
def test_funnel_matches_reference(product, product_rows, order, window, steps):
    body = {"site_id": SITE, "date_range": RANGE, "steps": steps, "window": window, "order": order}
    result = _both(product, "funnel", body)
    seconds = {"m": 60, "h": 3600, "d": 86400}[window[-1]] * int(window[:-1])
    expected = ref.funnel(
        product_rows, steps, START, END, timedelta(seconds=seconds), strict=order == "strict"
    )
    assert _pairs(result["steps"]) == expected
    assert result["steps"][0]["users"] > 0


@pytest.mark.parametrize("breakdown", ["user:plan", "event:props:plan", "visit:device"])
def test_funnel_breakdown_partitions_people(product, breakdown):
    body = {"site_id": SITE, "date_range": RANGE, "steps": STEPS, "breakdown": breakdown}
    result = _both(product, "funnel", body)
    for k in range(len(STEPS)):
        total = sum(group["steps"][k]["users"] for group in result["breakdown"])
        assert total == result["steps"][k]["users"]


def test_funnel_people_who_dropped_off(product):
    body = {"site_id": SITE, "date_range": RANGE, "steps": STEPS, "window": "7d"}
    counts = _both(product, "funnel", body)["steps"]
    dropped = _both(product, "funnel", {**body, "people": {"step": 2, "status": "dropped"}})
    converted = _both(product, "funnel", {**body, "people": {"step": 2, "status": "converted"}})
    assert len(dropped["people"]) == counts[1]["dropoff"]
    assert len(converted["people"]) == counts[1]["users"]
    assert not set(dropped["people"]) & set(converted["people"])


def test_funnel_filter_by_trait_and_event_property(product):
    body = {
        "site_id": SITE,
        "date_range": RANGE,
        "steps": STEPS,
        "filters": [["is", "visit:country", ["US"]], ["is_not", "user:plan", ["pro"]]],
    }
    assert _both(product, "funnel", body)["steps"][0]["users"] > 0


@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_retention_matches_reference(product, product_rows, unit):
    body = {"site_id": SITE, "date_range": RANGE, "period": unit}
    result = _both(product, "retention", body)
    expected = ref.retention(product_rows, unit, START, END)
    got = {
        c["cohort"]: (c["size"], {p["period"]: p["active"] for p in c["periods"] if p["active"]})
        for c in result["cohorts"]
    }
    assert got == expected
    assert result["average"][0]["share"] == 1.0


def test_retention_with_first_and_return_events(product):
    body = {
        "site_id": SITE,
        "date_range": RANGE,
        "period": "week",
        "first_event": {"event": "Signup"},
        "return_event": {"event": "Export"},
    }
    assert _both(product, "retention", body)["cohorts"]


def test_segmentation_counts_match_reference(product, product_rows):
    body = {"site_id": SITE, "date_range": RANGE, "interval": "day"}
    result = _both(product, "segmentation", body)
    per_person = ref.product_events(product_rows, START, END)
    for entry in result["results"]:
        people = {
            p for p, evs in per_person.items() if any(e["name"] == entry["event"] for e in evs)
        }
        total = sum(e["name"] == entry["event"] for evs in per_person.values() for e in evs)
        assert entry["totals"]["total"] == total == sum(p["total"] for p in entry["series"])
        assert entry["totals"]["users"] == len(people)


@pytest.mark.parametrize("interval", ["hour", "week"])
def test_segmentation_breakdowns_agree(product, interval):
    for breakdown in ("user:plan", "event:props:plan", "event:page"):
        body = {
            "site_id": SITE,
            "date_range": RANGE,
            "interval": interval,
            "breakdown": breakdown,
            "events": ["Signup", "pageview"],
        }
        assert _both(product, "segmentation", body)["results"]


@pytest.mark.parametrize(
    ("anchor", "direction"),
    [
        ({"page": "/pricing"}, "after"),
        ({"event": "Signup"}, "before"),
        ({"page": "/docs*"}, "after"),
    ],
)
def test_paths_match_reference(product, product_rows, anchor, direction):
    body = {
        "site_id": SITE,
        "date_range": RANGE,
        "start": anchor,
        "direction": direction,
        "depth": 3,
        "width": 20,
    }
    tree = _both(product, "paths", body)["tree"]
    expected = ref.paths(product_rows, anchor, START, END, 3, before=direction == "before")
    assert tree["people"] == sum(expected.values())
    firsts: dict[str, int] = {}
    for path, people in expected.items():
        label = path[0] or ("(end)" if direction == "after" else "(start)")
        firsts[label] = firsts.get(label, 0) + people
    assert {c["label"]: c["people"] for c in tree["children"]} == firsts


def test_users_and_traits_match_reference(product, product_rows):
    body = {
        "site_id": SITE,
        "date_range": RANGE,
        "traits": ["plan", "seats", "company"],
        "pagination": {"limit": 1000},
    }
    result = _both(product, "users", body)["results"]
    people = ref.product_events(product_rows, START, END)
    assert {u["id"] for u in result} == set(people)
    traits = ref.traits(product_rows, END)
    for user in result:
        assert user["traits"] == traits.get(user["id"], {}), user["id"]
        assert user["events"] == len(people[user["id"]])


def test_profile_is_the_same_on_both(product, product_rows):
    traits = ref.traits(product_rows, NOW)
    some = [u for u in traits if traits[u]][:3]
    for user in some:
        profile = _both(product, "user", SITE, user, limit=5)
        assert profile["traits"] == traits[user]
        assert len(profile["events"]["results"]) <= 5
        page2 = _both(product, "user", SITE, user, limit=5, offset=5)
        first_ids = {e["event_id"] for e in profile["events"]["results"]}
        assert not first_ids & {e["event_id"] for e in page2["events"]["results"]}


_sites = (f"h{n}.example" for n in itertools.count())


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(history=histories)
def test_generated_histories_match_reference(product, history):
    site = next(_sites)
    rows = from_history(site, history)
    insert({n: e.store for n, e in product.items()}, rows)
    start, end = START, END
    body = {"site_id": site, "date_range": RANGE}
    users = _both(
        product, "users", {**body, "traits": ["plan", "seats"], "pagination": {"limit": 1000}}
    )
    people = ref.product_events(rows, start, end)
    assert {u["id"] for u in users["results"]} == set(people)
    traits = ref.traits(rows, end)
    for user in users["results"]:
        assert user["traits"] == traits.get(user["id"], {})
    for order in ("loose", "strict"):
        steps = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
        funnel = _both(product, "funnel", {**body, "steps": steps, "window": "1d", "order": order})
        expected = ref.funnel(rows, steps, start, end, timedelta(days=1), order == "strict")
        assert _pairs(funnel["steps"]) == expected
    retention = _both(product, "retention", {**body, "period": "day"})
    got = {
        c["cohort"]: (c["size"], {p["period"]: p["active"] for p in c["periods"] if p["active"]})
        for c in retention["cohorts"]
    }
    assert got == ref.retention(rows, "day", start, end)
