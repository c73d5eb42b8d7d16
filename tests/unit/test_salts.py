"""Daily salts: a new one each UTC day, yesterday's kept for the changeover, older deleted."""

from __future__ import annotations

from datetime import UTC, datetime

from footfall.catalog import Catalog
from footfall.privacy.ids import visitor_id
from footfall.privacy.salts import SaltRing


def test_salts_rotate_and_old_ones_are_deleted(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    first = catalog.salts("2026-11-20")
    assert list(first) == ["2026-11-20"]
    catalog.salts("2026-11-21")
    third = catalog.salts("2026-11-22")
    assert sorted(third) == ["2026-11-21", "2026-11-22"]
    assert third["2026-11-21"] != third["2026-11-22"]
    rows = catalog._con().execute("SELECT day FROM salts ORDER BY day").fetchall()
    assert rows == [("2026-11-21",), ("2026-11-22",)]  # 2026-11-20's salt is gone for good


def test_same_person_is_not_linkable_across_days(tmp_path):
    ring = SaltRing(Catalog(tmp_path / "catalog.sqlite3").salts)
    monday = ring.salt_for(datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert ring.salt_for(datetime(2026, 11, 23, 23, 59, tzinfo=UTC)) == monday
    tuesday = ring.salt_for(datetime(2026, 11, 24, 0, 1, tzinfo=UTC))
    person = ("example.com", "198.51.100.7", "Mozilla/5.0 Firefox/133.0")
    assert visitor_id(monday, *person) == visitor_id(monday, *person)
    assert visitor_id(monday, *person) != visitor_id(tuesday, *person)
    assert visitor_id(monday, *person) != visitor_id(monday, "other.com", *person[1:])
