"""The spool's record format: one JSON object per line, decoded in bulk by Arrow.

Records are the `Event` fields by name, with `props` as a list of [key, value] pairs
(Arrow's JSON reader has no map type). Decoding a whole batch in Arrow's C++ reader is
several times faster than per-record Python and leaves the GIL to the request handlers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from footfall.events import Event
from footfall.store.arrow import EVENTS_ARROW_SCHEMA

_AS_TEXT = ("timestamp", "revenue_amount")
_RECORD_SCHEMA = pa.schema(
    [
        pa.field(f.name, pa.string())
        if f.name in _AS_TEXT
        else pa.field("props", pa.list_(pa.list_(pa.string())))
        if f.name == "props"
        else f
        for f in EVENTS_ARROW_SCHEMA
    ]
)
_PARSE = pj.ParseOptions(explicit_schema=_RECORD_SCHEMA, unexpected_field_behavior="ignore")


def encode(events: Iterable[Event]) -> bytes:
    return b"".join(orjson.dumps(event) + b"\n" for event in events)


def decode(data: bytes) -> tuple[pa.Table, int]:
    """Complete JSON lines → (events table, number of unreadable lines skipped)."""
    try:
        table = _read(data)
        skipped = 0
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        good = [line for line in data.splitlines() if _readable(line)]
        skipped = data.count(b"\n") - len(good)
        table = _read(b"\n".join(good) + b"\n") if good else _RECORD_SCHEMA.empty_table()
    return _to_events_schema(table), skipped


def _readable(line: bytes) -> bool:
    try:
        _read(line + b"\n")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False
    return True


def _read(data: bytes) -> pa.Table:
    options = pj.ReadOptions(block_size=max(1 << 20, len(data) + 1))
    return pj.read_json(io.BytesIO(data), read_options=options, parse_options=_PARSE)


def _to_events_schema(table: pa.Table) -> pa.Table:
    columns = []
    for field in EVENTS_ARROW_SCHEMA:
        column = table.column(field.name).combine_chunks()
        if field.name in _AS_TEXT:
            column = column.cast(field.type)
        elif field.name == "props":
            pairs = column.flatten()
            column = pa.MapArray.from_arrays(
                column.offsets, pc.list_element(pairs, 0), pc.list_element(pairs, 1)
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=EVENTS_ARROW_SCHEMA)
