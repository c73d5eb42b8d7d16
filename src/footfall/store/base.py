"""The `Store` seam: what ingestion and the query engine need from a database.

Every driver keeps the same `events` table (store/schema.py) and records, in the same
transaction as each batch, how far into the spool it has stored. That position is what
makes replay after a crash exactly-once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa


@dataclass(frozen=True, slots=True, order=True)
class SpoolPosition:
    """A point in the spool: segment number and byte offset within it."""

    segment: int = 0
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One stored event as session reconciliation sees it."""

    event_id: str
    site_id: str
    visitor_id: int
    timestamp_us: int
    session_id: int


class Store(Protocol):
    """A database holding the `events` table."""

    dialect: str  # sqlglot dialect name: "duckdb" or "clickhouse"

    def migrate(self) -> None:
        """Create or upgrade the schema; safe to call on every start."""

    def insert(self, events: pa.Table, position: SpoolPosition) -> None:
        """Store a batch and the spool position after it, atomically."""

    def spool_position(self) -> SpoolPosition:
        """How far into the spool the stored data reaches."""

    def visitor_rows(self, keys: Sequence[tuple[str, int]], since_us: int) -> list[SessionRow]:
        """Stored events of these (site_id, visitor_id) pairs at or after `since_us`."""

    def last_sessions(self, since_us: int) -> list[tuple[str, int, int, int]]:
        """Per visitor seen since `since_us`: (site_id, visitor_id, last timestamp µs, session)."""

    def stored_message_ids(self, site_id: str, ids: Sequence[str], since_us: int) -> set[str]:
        """Which of these client message ids the site already has (duplicates to drop)."""

    def update_sessions(self, changes: Sequence[tuple[str, int]]) -> None:
        """Set session_id per event_id (the pairs are (event_id, session_id))."""

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run a read query with positional `?` parameters; return column names and rows."""

    def close(self) -> None: ...


def open_store(url: str, data_dir: Path) -> Store:
    """Open the store named by FOOTFALL_STORE: `duckdb` (default) or `clickhouse://…`/`chdb:`."""
    scheme = url.split(":", 1)[0].lower() if url else "duckdb"
    if scheme in ("", "duckdb"):
        from footfall.store.duckdb import DuckDBStore

        path = url.split("://", 1)[1] if "://" in url else ""
        return DuckDBStore(Path(path) if path else data_dir / "footfall.duckdb")
    if scheme in ("clickhouse", "clickhouses", "chdb"):
        from footfall.store.clickhouse import open_clickhouse_store

        return open_clickhouse_store(url, data_dir)
    from footfall.errors import SettingsError

    raise SettingsError(
        f"FOOTFALL_STORE={url!r}: unknown store; use 'duckdb', 'duckdb:///path/file.duckdb', "
        "'clickhouse://user:pass@host:8123/db' or 'chdb:///path'"
    )
