"""The batch writer: one thread that moves spooled events into the store.

It reads whatever the spool holds past the store's recorded position, assigns visit
ids, and inserts the batch together with the new position in one transaction, so a
crash at any point replays each event exactly once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from footfall.ingest.records import decode
from footfall.ingest.sessions import GAP_US, Sessionizer
from footfall.ingest.spool import Spool
from footfall.store.arrow import EVENTS_ARROW_SCHEMA
from footfall.store.base import Store

log = logging.getLogger("footfall.writer")

_SESSION_COLUMN = EVENTS_ARROW_SCHEMA.get_field_index("session_id")
DEDUP_WINDOW_US = 8 * 86400 * 1_000_000  # clients retry for hours; imports reach 7 days back
WARM_WINDOW_US = 50 * 3600 * 1_000_000  # visitor ids live for one salt day (+ margin)


class BatchWriter:
    def __init__(
        self,
        spool: Spool,
        store: Store,
        *,
        interval: float = 0.5,
        max_batch_bytes: int = 32 << 20,
        now_us: Callable[[], int] = lambda: time.time_ns() // 1000,
    ) -> None:
        self.spool = spool
        self.store = store
        self.interval = interval
        self.max_batch_bytes = max_batch_bytes
        self.now_us = now_us
        self.sessions = Sessionizer()
        self.position = store.spool_position()
        self.stored = 0
        self.corrupt = 0
        self.duplicates = 0
        self.errors = 0
        self.last_error = ""
        self.last_flush = time.time()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.sessions.warm(store.last_sessions(self.now_us() - WARM_WINDOW_US))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="footfall-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        cleanup_at = 0.0
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while self.drain_once():
                    pass
            except Exception as exc:  # keep going: the spool still holds everything
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("batch write failed; will retry from the spool")
                self._stop.wait(min(30.0, self.interval * 2))
            if time.time() > cleanup_at:
                self.sessions.forget_before(self.now_us() - WARM_WINDOW_US)
                cleanup_at = time.time() + 600

    def drain_once(self) -> int:
        """Store one batch; return how many events it held (0 when the spool is drained)."""
        with self._lock:
            data, position = self.spool.read(self.position, self.max_batch_bytes)
            if not data:
                if position != self.position:
                    self.store.insert(EVENTS_ARROW_SCHEMA.empty_table(), position)
                    self.position = position
                return 0
            table, skipped = decode(data)
            self.corrupt += skipped
            table = self._drop_duplicates(table)
            table = table.take(pc.sort_indices(table, [("timestamp", "ascending")]))
            stamps = table.column("timestamp").cast(pa.int64()).to_pylist()
            ids, late = self.sessions.assign(
                table.column("site_id").to_pylist(), table.column("visitor_id").to_pylist(), stamps
            )
            table = table.set_column(_SESSION_COLUMN, "session_id", pa.array(ids, pa.uint64()))
            self.store.insert(table, position)
            if late:
                since = min(stamps) - 2 * GAP_US - 48 * 3600 * 1_000_000
                stored = self.store.visitor_rows(sorted(late), since)
                changes = self.sessions.reconcile(
                    [
                        (r.event_id, r.site_id, r.visitor_id, r.timestamp_us, r.session_id)
                        for r in stored
                    ]
                )
                self.store.update_sessions(changes)
            self.position = position
            self.stored += table.num_rows
            self.last_flush = time.time()
            self.spool.release(position)
            return table.num_rows

    def _drop_duplicates(self, table: pa.Table) -> pa.Table:
        """Drop events whose client message id was seen before (retries, replays)."""
        ids = table.column("message_id")
        with_id = pc.not_equal(ids, "")
        if not pc.any(with_id).as_py():
            return table
        rows = pc.indices_nonzero(with_id).to_pylist()
        sites = pc.take(table.column("site_id"), rows).to_pylist()
        messages = pc.take(ids, rows).to_pylist()
        by_site: dict[str, list[str]] = {}
        for site, message in zip(sites, messages, strict=True):
            by_site.setdefault(site, []).append(message)
        since = self.now_us() - DEDUP_WINDOW_US
        known = {
            (site, message)
            for site, batch in by_site.items()
            for message in self.store.stored_message_ids(site, batch, since)
        }
        keep = [True] * table.num_rows
        for row, site, message in zip(rows, sites, messages, strict=True):
            if (site, message) in known:
                keep[row] = False
                self.duplicates += 1
            known.add((site, message))  # a repeat within this batch is a duplicate too
        return table.filter(pa.array(keep)) if not all(keep) else table

    def flush(self) -> None:
        """Store everything spooled so far (used on shutdown and by tests)."""
        while self.drain_once():
            pass

    def lag_bytes(self) -> int:
        return self.spool.pending_bytes(self.position)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
        self.flush()
