"""`footfall demo`: the data a newcomer's first dashboard and product pages are built from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from footfall.demo import generate_demo
from footfall.product.cohorts import parse_cohort
from footfall.product.engine import ProductEngine
from footfall.query.engine import QueryEngine
from footfall.settings import Settings
from footfall.store.duckdb import DuckDBStore

SITE = "demo.footfall.dev"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    settings = Settings(data_dir=data_dir)
    stored = generate_demo(settings, site=SITE, events=40_000, days=30, seed=3)
    assert 20_000 < stored < 80_000
    assert generate_demo(settings, site=SITE, events=40_000, days=30, seed=3, if_empty=True) == 0
    return data_dir


@pytest.fixture
def store(demo: Path):  # type: ignore[no-untyped-def]
    store = DuckDBStore(demo / "footfall.duckdb", read_only=True)
    yield store
    store.close()


def rows(store: DuckDBStore, sql: str) -> list[tuple]:
    return store.fetch(sql)[1]


def test_web_stats_look_like_a_real_site(store: DuckDBStore) -> None:
    result = QueryEngine(store).query(
        {
            "site_id": SITE,
            "date_range": "30d",
            "metrics": ["visitors", "visits", "pageviews", "bounce_rate", "visit_duration"],
        },
        now=datetime.now(UTC),
    )
    visitors, visits, pageviews, bounce, duration = result["results"][0]["metrics"]
    assert 0 < visitors <= visits < pageviews
    assert 20 < bounce < 80 and duration > 10
    sources = rows(store, "SELECT count(DISTINCT referrer_source) FROM events")
    assert sources[0][0] >= 5


def test_identify_records_link_an_anonymous_id_to_a_user(store: DuckDBStore) -> None:
    broken = rows(
        store,
        "SELECT count(*) FROM events WHERE name = '$identify' AND map_contains(props, 'set:email')"
        " AND (user_id = '' OR distinct_id = '')",
    )
    assert broken == [(0,)]
    unlinked = rows(
        store,
        "SELECT count(*) FROM events s WHERE s.name = 'Signup' AND NOT EXISTS (SELECT 1 FROM "
        "events i WHERE i.name = '$identify' AND i.distinct_id = s.distinct_id)",
    )
    assert unlinked == [(0,)]


def test_product_questions_have_answers(store: DuckDBStore) -> None:
    engine, now = ProductEngine(store), datetime.now(UTC)
    steps = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
    funnel = engine.funnel({"site_id": SITE, "date_range": "30d", "steps": steps}, now=now)
    users = [s["users"] for s in funnel["steps"]]
    assert users[0] > users[1] > users[2] > 0
    # Signed-up people come back: identified people are active in later weeks.
    retention = engine.retention(
        {
            "site_id": SITE,
            "date_range": "30d",
            "period": "week",
            "filters": [["is", "user:plan", ["free", "pro", "team"]]],
        },
        now=now,
    )
    later = [p["active"] for c in retention["cohorts"] for p in c["periods"] if p["period"] > 0]
    assert sum(later) > 0
    people = engine.users({"site_id": SITE, "date_range": "30d", "traits": ["plan"]}, now=now)
    assert any(p["traits"].get("plan") in ("free", "pro", "team") for p in people["results"])
    exporters = {"conditions": [{"did": {"event": "Export"}, "at_least": 2}]}
    assert engine.cohort_size(SITE, parse_cohort(exporters), at=now) > 0
