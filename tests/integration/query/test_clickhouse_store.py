"""The ClickHouse store on the real engine (chDB): replay, spool position, sessions."""

from __future__ import annotations

import pytest
from corpus import generate

from footfall.store.arrow import events_table
from footfall.store.base import SpoolPosition
from footfall.store.clickhouse import ClickHouseStore, chdb_path


def _count(store, site: str) -> int:
    return store.fetch("SELECT count() FROM events WHERE site_id = {p0:String}", [site])[1][0][0]


@pytest.fixture
def chdb_connection(stores):
    return stores["chdb"]._db


def test_replayed_batch_after_a_crash_is_stored_once(chdb_connection):
    rows = generate(seed=11, visitors=20, sites=("replay.example",))
    first = events_table(rows[: len(rows) // 2])
    whole = events_table(rows)
    before = ClickHouseStore(chdb_connection)
    before.insert(first, SpoolPosition(5, 0))
    # crash: the first half is stored but the position after it never was; the writer
    # replays from the last recorded position with a batch that now holds everything.
    after = ClickHouseStore(chdb_connection)
    after.insert(whole, SpoolPosition(5, 100))
    assert _count(after, "replay.example") == len(rows)
    assert after.spool_position() == SpoolPosition(5, 100)
    after.insert(events_table(rows[:0]), SpoolPosition(5, 120))
    assert after.spool_position() == SpoolPosition(5, 120)


def test_failed_insert_makes_the_next_one_check_for_duplicates(chdb_connection):
    rows = generate(seed=12, visitors=10, sites=("retry.example",))
    store = ClickHouseStore(chdb_connection)
    store.insert(events_table(rows[:5]), SpoolPosition(6, 0))
    assert store._recovering is False
    store._recovering = True  # as after an exception from the server
    store.insert(events_table(rows), SpoolPosition(6, 1))
    assert _count(store, "retry.example") == len(rows)


def test_visitor_rows_and_update_sessions_match_duckdb(stores):
    rows = [
        r
        for r in generate(seed=13, visitors=5, sites=("sess.example",))
        if r["name"] != "engagement"
    ]
    for store in stores.values():
        store.insert(events_table(rows), SpoolPosition(7, 0))
    keys = [("sess.example", rows[0]["visitor_id"]), ("sess.example", 1)]
    found = {
        name: sorted(s.visitor_rows(keys, 0), key=lambda r: r.event_id)
        for name, s in stores.items()
    }
    assert found["duckdb"] == found["chdb"]
    assert {r.visitor_id for r in found["chdb"]} == {rows[0]["visitor_id"]}
    changes = [(r.event_id, 4242) for r in found["chdb"]]
    for store in stores.values():
        store.update_sessions(changes)
    after = {
        name: sorted(s.visitor_rows(keys, 0), key=lambda r: r.event_id)
        for name, s in stores.items()
    }
    assert after["duckdb"] == after["chdb"]
    assert {r.session_id for r in after["chdb"]} == {4242}


def test_migrate_is_idempotent(stores):
    stores["chdb"].migrate()
    names = stores["chdb"].fetch("SELECT version FROM footfall_migrations")[1]
    assert sorted(set(names)) == [(1,)]


def test_chdb_urls(tmp_path):
    assert chdb_path("chdb:", tmp_path) == tmp_path / "chdb"
    assert chdb_path("chdb:///srv/ff", tmp_path).as_posix() == "/srv/ff"
    assert chdb_path("chdb:data", tmp_path) == tmp_path / "data"
