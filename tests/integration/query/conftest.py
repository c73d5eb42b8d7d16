"""One corpus loaded into every backend once per test session (chDB allows one data
directory per process, so the chDB store is shared by every test that needs it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from corpus import generate

from footfall.query.engine import QueryEngine
from footfall.store.arrow import events_table
from footfall.store.base import SpoolPosition, open_store


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict[str, Any]]:
    return generate()


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory, corpus_rows: list[dict[str, Any]]):
    base = tmp_path_factory.mktemp("stores")
    opened = {
        "duckdb": open_store("duckdb", base / "duck"),
        "chdb": open_store("chdb:", base / "ch"),
    }
    table = events_table(corpus_rows)
    for store in opened.values():
        store.migrate()
        store.insert(table, SpoolPosition(1, len(corpus_rows)))
    yield opened
    for store in opened.values():
        store.close()


@pytest.fixture(scope="session")
def engines(stores) -> dict[str, QueryEngine]:
    return {name: QueryEngine(store) for name, store in stores.items()}
