"""Product corpus fixtures shared by the test_product_* modules (import them by name).

The corpus goes into the session's shared stores under its own site; inserting is
skipped when the site already has rows, so importing the fixtures into several modules
does not load the corpus twice.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "product"))

import product_reference as ref
from product_corpus import NOW, START, generate, row

from footfall.product.engine import ProductEngine
from footfall.store.arrow import events_table

SITE = "p.example"
__all__ = ["NOW", "SITE", "START", "insert", "product", "product_rows", "ref", "row"]


def insert(stores: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    table = events_table(rows)
    for store in stores.values():
        store.insert(table, store.spool_position())


def _has_rows(store: Any, site: str) -> bool:
    param = "$1" if store.dialect == "duckdb" else "{p0:String}"
    _, rows = store.fetch(f"SELECT count(*) FROM events WHERE site_id = {param}", [site])
    return bool(rows[0][0])


@pytest.fixture(scope="session")
def product_rows(stores) -> list[dict[str, Any]]:
    rows = generate(SITE)
    if not all(_has_rows(s, SITE) for s in stores.values()):
        insert(stores, rows)
    return rows


@pytest.fixture(scope="session")
def product(stores, product_rows) -> dict[str, ProductEngine]:
    return {name: ProductEngine(store) for name, store in stores.items()}
