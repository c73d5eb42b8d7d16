"""Schema migrations, applied in order and recorded; they only ever add.

Version 1 creates the `events` table from store/schema.py. A later change appends a
new version with ALTER statements; released versions are never edited, so every
installed database can be brought forward without losing data.
"""

from __future__ import annotations

from footfall.store.schema import EVENT_COLUMNS

_EVENTS_DUCKDB = "CREATE TABLE IF NOT EXISTS events (\n  {}\n)".format(
    ",\n  ".join(f'"{c.name}" {c.duckdb}' for c in EVENT_COLUMNS)
)

DUCKDB_MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            _EVENTS_DUCKDB,
            "CREATE TABLE IF NOT EXISTS footfall_spool_state "
            "(segment BIGINT NOT NULL, byte_offset BIGINT NOT NULL)",
            "INSERT INTO footfall_spool_state SELECT 0, 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM footfall_spool_state)",
        ],
    ),
]
