"""The embedded default: one DuckDB file holding the `events` table.

DuckDB allows one writing process, so the server owns the file; reads run on cursors
of the same connection (DuckDB serialises what must be serialised). Users can open a
copy, or the file while Footfall is stopped, with any DuckDB client.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from footfall.errors import StoreBusy
from footfall.store.base import SessionRow, SpoolPosition
from footfall.store.migrations import DUCKDB_MIGRATIONS


class DuckDBStore:
    dialect = "duckdb"

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            raise StoreBusy(
                f"{path} is open in another process (is `footfall serve` running on this "
                "data dir?); stop it first, or use the stats API / `footfall stats --data-dir "
                "http://…` against the running server"
            ) from exc
        self._con.execute("SET TimeZone = 'UTC'")
        self._write_lock = threading.Lock()
        self._local = threading.local()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._con.cursor()
            cursor.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cursor
        return cursor

    def migrate(self) -> None:
        with self._write_lock:
            con = self._con
            con.execute(
                "CREATE TABLE IF NOT EXISTS footfall_migrations "
                "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)"
            )
            done = {
                row[0] for row in con.execute("SELECT version FROM footfall_migrations").fetchall()
            }
            for version, statements in DUCKDB_MIGRATIONS:
                if version in done:
                    continue
                con.execute("BEGIN")
                try:
                    for statement in statements:
                        con.execute(statement)
                    con.execute("INSERT INTO footfall_migrations (version) VALUES (?)", [version])
                    con.execute("COMMIT")
                except Exception:
                    con.execute("ROLLBACK")
                    raise

    def insert(self, events: pa.Table, position: SpoolPosition) -> None:
        with self._write_lock:
            con = self._con
            con.execute("BEGIN")
            try:
                if events.num_rows:
                    con.register("footfall_batch", events)
                    con.execute("INSERT INTO events BY NAME SELECT * FROM footfall_batch")
                    con.unregister("footfall_batch")
                con.execute(
                    "UPDATE footfall_spool_state SET segment = ?, byte_offset = ?",
                    [position.segment, position.offset],
                )
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise

    def spool_position(self) -> SpoolPosition:
        row = (
            self._cursor()
            .execute("SELECT segment, byte_offset FROM footfall_spool_state")
            .fetchone()
        )
        return SpoolPosition(*row) if row else SpoolPosition()

    def visitor_rows(self, keys: Sequence[tuple[str, int]], since_us: int) -> list[SessionRow]:
        if not keys:
            return []
        cursor = self._cursor()
        wanted = pa.table(
            {
                "site_id": pa.array([k[0] for k in keys], pa.string()),
                "visitor_id": pa.array([k[1] for k in keys], pa.uint64()),
            }
        )
        cursor.register("footfall_wanted", wanted)
        try:
            rows = cursor.execute(
                "SELECT e.event_id, e.site_id, e.visitor_id, epoch_us(e.timestamp), e.session_id "
                "FROM events e JOIN footfall_wanted w USING (site_id, visitor_id) "
                "WHERE e.timestamp >= make_timestamp(?::BIGINT)",
                [since_us],
            ).fetchall()
        finally:
            cursor.unregister("footfall_wanted")
        return [SessionRow(*row) for row in rows]

    def last_sessions(self, since_us: int) -> list[tuple[str, int, int, int]]:
        return (
            self._cursor()
            .execute(
                "SELECT site_id, visitor_id, epoch_us(max(timestamp)), "
                "arg_max(session_id, timestamp) FROM events "
                "WHERE timestamp >= make_timestamp(?::BIGINT) GROUP BY site_id, visitor_id",
                [since_us],
            )
            .fetchall()
        )

    def stored_message_ids(self, site_id: str, ids: Sequence[str], since_us: int) -> set[str]:
        cursor = self._cursor()
        cursor.register("footfall_ids", pa.table({"message_id": pa.array(ids, pa.string())}))
        try:
            rows = cursor.execute(
                "SELECT DISTINCT e.message_id FROM events e JOIN footfall_ids USING (message_id) "
                "WHERE e.site_id = ? AND e.timestamp >= make_timestamp(?::BIGINT)",
                [site_id, since_us],
            ).fetchall()
        finally:
            cursor.unregister("footfall_ids")
        return {row[0] for row in rows}

    def update_sessions(self, changes: Sequence[tuple[str, int]]) -> None:
        if not changes:
            return
        table = pa.table(
            {
                "event_id": pa.array([c[0] for c in changes], pa.string()),
                "session_id": pa.array([c[1] for c in changes], pa.uint64()),
            }
        )
        with self._write_lock:
            con = self._con
            con.register("footfall_changes", table)
            try:
                con.execute(
                    "UPDATE events SET session_id = c.session_id FROM footfall_changes c "
                    "WHERE events.event_id = c.event_id"
                )
            finally:
                con.unregister("footfall_changes")

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        cursor = self._cursor()
        result = cursor.execute(sql, list(params))
        names = [d[0] for d in result.description] if result.description else []
        return names, result.fetchall()

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self._cursor().execute(sql, list(params)).fetch_arrow_table()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a write statement (retention, erasure) under the write lock."""
        with self._write_lock:
            self._con.execute(sql, list(params))

    def close(self) -> None:
        with self._write_lock:
            self._con.close()
