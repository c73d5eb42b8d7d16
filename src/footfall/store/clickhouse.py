"""ClickHouse for scale: a server through clickhouse-connect, or the engine in-process (chDB).

Queries use ClickHouse's typed server-side parameters `{pN:Type}`; `fetch` maps the
positional list to p0, p1, … and each connection binds them its own way (chDB takes
values in the escaped text form, clickhouse-connect formats them itself).

Exactly-once replay without transactions: `insert` writes the events, then the spool
position. A crash between the two leaves events whose position was not recorded, so
the writer replays them. The first insert after opening the store (and any insert
after a failed one) therefore drops rows whose event_id is already stored within the
batch's sites and time span, before inserting. Every other insert is a plain append:
no FINAL, no ReplacingMergeTree on the events, so queries stay plain scans.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.compute as pc

from footfall.store.base import SessionRow, SpoolPosition
from footfall.store.schema import EVENT_COLUMN_NAMES, EVENT_COLUMNS

_EVENTS_SETTINGS = "SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1"
_EVENTS = (
    "CREATE TABLE IF NOT EXISTS events (\n  {}\n) ENGINE = MergeTree\n"
    "PARTITION BY toYYYYMM(timestamp)\n"
    "ORDER BY (site_id, toDate(timestamp), visitor_id, timestamp)\n"
).format(",\n  ".join(f"`{c.name}` {c.clickhouse}" for c in EVENT_COLUMNS))

# Released versions are never edited; a change appends a version (same rule as DuckDB).
CLICKHOUSE_MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            _EVENTS + _EVENTS_SETTINGS,
            "CREATE TABLE IF NOT EXISTS footfall_spool_state (id UInt8, segment Int64, "
            "byte_offset Int64, seq UInt64) ENGINE = ReplacingMergeTree(seq) ORDER BY id",
        ],
    ),
]
_UPDATE_CHUNK = 5_000


def _escape(text: str) -> str:
    """The escaped text form ClickHouse parses a top-level String parameter from."""
    return (
        text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\0", "\\0")
    )


def _quote(text: str) -> str:
    return (
        "'"
        + text.replace("\\", "\\\\")
        .replace("'", "\\'")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\0", "\\0")
        + "'"
    )


def _plain(value: Any) -> Any:
    """Python values as text ClickHouse parses the same on every connection."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    return value


def _chdb_value(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return "\\N"
    if isinstance(value, list | tuple):
        inner = ",".join(_quote(v) if isinstance(v, str) else str(_plain(v)) for v in value)
        return f"[{inner}]"
    return _escape(value) if isinstance(value, str) else str(value)


class _Connection(Protocol):
    def query(self, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]: ...
    def command(self, sql: str, params: dict[str, Any] | None = None) -> None: ...
    def insert_arrow(self, table: str, data: pa.Table) -> None: ...
    def close(self) -> None: ...


class _ChdbConnection:
    """The ClickHouse engine in this process. One call at a time."""

    def __init__(self, path: Path) -> None:
        import chdb

        path.mkdir(parents=True, exist_ok=True)
        self._con = chdb.connect(str(path))
        self._lock = threading.Lock()

    def _run(self, sql: str, params: dict[str, Any] | None, fmt: str) -> Any:
        bound = {k: _chdb_value(v) for k, v in (params or {}).items()}
        with self._lock:
            return self._con.query(sql, fmt, params=bound) if bound else self._con.query(sql, fmt)

    def query(self, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
        table = self._run(sql, params, "Arrowtable")
        columns = [c.to_pylist() for c in table.columns]
        return list(table.column_names), list(zip(*columns, strict=True)) if columns else []

    def command(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self._run(sql, params, "CSV")

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        names = ", ".join(f"`{n}`" for n in data.column_names)
        batch = data  # noqa: F841 - read by name by chDB's Python() table function
        with self._lock:
            self._con.query(f"INSERT INTO {table} ({names}) SELECT {names} FROM Python(batch)")

    def close(self) -> None:
        with self._lock:
            self._con.close()


class _ServerConnection:
    """A ClickHouse server over HTTP(S) via clickhouse-connect."""

    def __init__(self, url: str) -> None:
        import clickhouse_connect

        parts = urlparse(url)
        self._client = clickhouse_connect.get_client(
            host=parts.hostname or "localhost",
            port=parts.port or (8443 if parts.scheme == "clickhouses" else 8123),
            username=unquote(parts.username or "default"),
            password=unquote(parts.password or ""),
            database=parts.path.strip("/") or "default",
            secure=parts.scheme == "clickhouses",
        )
        self._lock = threading.Lock()

    def query(self, sql: str, params: dict[str, Any]) -> tuple[list[str], list[tuple]]:
        bound = {k: _plain(v) for k, v in params.items()}
        with self._lock:
            result = self._client.query(sql, parameters=bound)
        return list(result.column_names), [tuple(r) for r in result.result_rows]

    def command(self, sql: str, params: dict[str, Any] | None = None) -> None:
        bound = {k: _plain(v) for k, v in (params or {}).items()}
        with self._lock:
            self._client.command(sql, parameters=bound or None)

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        with self._lock:
            self._client.insert_arrow(table, data)

    def close(self) -> None:
        self._client.close()


class ClickHouseStore:
    dialect = "clickhouse"

    def __init__(self, connection: _Connection) -> None:
        self._db = connection
        self._write_lock = threading.Lock()
        self._recovering = True  # the first insert checks for a replayed batch
        self._lightweight_update = True

    # schema -------------------------------------------------------------------------

    def migrate(self) -> None:
        with self._write_lock:
            self._db.command(
                "CREATE TABLE IF NOT EXISTS footfall_migrations (version UInt32, "
                "applied_at DateTime DEFAULT now()) ENGINE = ReplacingMergeTree ORDER BY version"
            )
            _, rows = self._db.query("SELECT version FROM footfall_migrations", {})
            done = {r[0] for r in rows}
            for version, statements in CLICKHOUSE_MIGRATIONS:
                if version in done:
                    continue
                for statement in statements:  # each is idempotent (IF NOT EXISTS)
                    try:
                        self._db.command(statement)
                    except Exception:
                        if _EVENTS_SETTINGS not in statement:
                            raise
                        # servers before 25.7 lack lightweight-update columns
                        self._db.command(statement.replace(_EVENTS_SETTINGS, ""))
                        self._lightweight_update = False
                self._db.command(
                    "INSERT INTO footfall_migrations (version) VALUES ({v:UInt32})", {"v": version}
                )

    # writes -------------------------------------------------------------------------

    def insert(self, events: pa.Table, position: SpoolPosition) -> None:
        with self._write_lock:
            try:
                if events.num_rows and self._recovering:
                    events = self._drop_stored(events)
                if events.num_rows:
                    self._db.insert_arrow("events", events.select(list(EVENT_COLUMN_NAMES)))
                self._db.command(
                    "INSERT INTO footfall_spool_state (id, segment, byte_offset, seq) VALUES "
                    "(0, {s:Int64}, {o:Int64}, {q:UInt64})",
                    {"s": position.segment, "o": position.offset, "q": time.time_ns()},
                )
            except BaseException:
                self._recovering = True
                raise
            self._recovering = False

    def _drop_stored(self, events: pa.Table) -> pa.Table:
        """Rows of a replayed batch that an interrupted insert already stored."""
        ids = events.column("event_id").to_pylist()
        stamps = events.column("timestamp")
        _, rows = self._db.query(
            "SELECT event_id FROM events WHERE site_id IN {sites:Array(String)} "
            "AND timestamp >= {lo:DateTime64(6, 'UTC')} AND timestamp <= {hi:DateTime64(6, 'UTC')} "
            "AND event_id IN {ids:Array(String)}",
            {
                "sites": sorted(set(events.column("site_id").to_pylist())),
                "lo": pc.min(stamps).as_py().replace(tzinfo=None),
                "hi": pc.max(stamps).as_py().replace(tzinfo=None),
                "ids": ids,
            },
        )
        if not rows:
            return events
        stored = pa.array([r[0] for r in rows], pa.string())
        return events.filter(pc.invert(pc.is_in(events.column("event_id"), stored)))

    def spool_position(self) -> SpoolPosition:
        _, rows = self._db.query(
            "SELECT segment, byte_offset FROM footfall_spool_state ORDER BY seq DESC LIMIT 1", {}
        )
        return SpoolPosition(int(rows[0][0]), int(rows[0][1])) if rows else SpoolPosition()

    def visitor_rows(self, keys: Sequence[tuple[str, int]], since_us: int) -> list[SessionRow]:
        if not keys:
            return []
        wanted = set(keys)
        _, rows = self._db.query(
            "SELECT event_id, site_id, visitor_id, toUnixTimestamp64Micro(timestamp), session_id "
            "FROM events WHERE site_id IN {sites:Array(String)} "
            "AND visitor_id IN {vids:Array(UInt64)} "
            "AND timestamp >= fromUnixTimestamp64Micro({since:Int64}, 'UTC')",
            {
                "sites": sorted({k[0] for k in keys}),
                "vids": sorted({k[1] for k in keys}),
                "since": since_us,
            },
        )
        return [SessionRow(*r) for r in rows if (r[1], r[2]) in wanted]

    def last_sessions(self, since_us: int) -> list[tuple[str, int, int, int]]:
        _, rows = self._db.query(
            "SELECT site_id, visitor_id, toUnixTimestamp64Micro(max(timestamp)), "
            "argMax(session_id, timestamp) FROM events "
            "WHERE timestamp >= fromUnixTimestamp64Micro({since:Int64}, 'UTC') "
            "GROUP BY site_id, visitor_id",
            {"since": since_us},
        )
        return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]

    def stored_message_ids(self, site_id: str, ids: Sequence[str], since_us: int) -> set[str]:
        _, rows = self._db.query(
            "SELECT DISTINCT message_id FROM events WHERE site_id = {site:String} "
            "AND message_id IN {ids:Array(String)} "
            "AND timestamp >= fromUnixTimestamp64Micro({since:Int64}, 'UTC')",
            {"site": site_id, "ids": list(ids), "since": since_us},
        )
        return {r[0] for r in rows}

    def update_sessions(self, changes: Sequence[tuple[str, int]]) -> None:
        with self._write_lock:
            for i in range(0, len(changes), _UPDATE_CHUNK):
                chunk = changes[i : i + _UPDATE_CHUNK]
                params = {"ids": [c[0] for c in chunk], "sids": [c[1] for c in chunk]}
                assignment = (
                    "session_id = transform(event_id, {ids:Array(String)}, "
                    "{sids:Array(UInt64)}, session_id) WHERE event_id IN {ids:Array(String)}"
                )
                if self._lightweight_update:
                    try:
                        self._db.command(f"UPDATE events SET {assignment}", params)
                        continue
                    except Exception:
                        self._lightweight_update = False
                self._db.command(
                    f"ALTER TABLE events UPDATE {assignment} SETTINGS mutations_sync = 2", params
                )

    # reads --------------------------------------------------------------------------

    def fetch(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run a read query whose placeholders are `{p0:Type}`, `{p1:Type}`, …"""
        return self._db.query(sql, {f"p{i}": v for i, v in enumerate(params)})

    def fetch_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        names, rows = self.fetch(sql, params)
        return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a write statement (retention, erasure)."""
        with self._write_lock:
            self._db.command(sql, {f"p{i}": v for i, v in enumerate(params)})

    def close(self) -> None:
        self._db.close()


def chdb_path(url: str, data_dir: Path) -> Path:
    """`chdb:` → data_dir/chdb; `chdb:///abs/dir` → /abs/dir; `chdb:rel` → data_dir/rel."""
    rest = url.split(":", 1)[1] if ":" in url else ""
    if rest.startswith("//"):
        rest = rest[2:]
        return Path(rest) if rest else data_dir / "chdb"
    return data_dir / rest if rest else data_dir / "chdb"


def open_clickhouse_store(url: str, data_dir: Path) -> ClickHouseStore:
    """`clickhouse://user:pass@host:8123/db` (or clickhouses://) or `chdb:[///path]`."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "chdb":
        return ClickHouseStore(_ChdbConnection(chdb_path(url, data_dir)))
    return ClickHouseStore(_ServerConnection(url))
