"""The running instance: settings, catalog, store, spool and writer, built once at start.

Everything that does I/O hangs off this object; the HTTP apps and the CLI receive it
instead of reaching for globals.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from footfall.catalog import Catalog, Site
from footfall.enrich.geo import GeoLookup, make_geo_lookup
from footfall.ingest.pipeline import DropCounter, StepContext
from footfall.ingest.spool import Spool
from footfall.ingest.writer import BatchWriter
from footfall.privacy.salts import SaltRing
from footfall.settings import Settings
from footfall.store import Store, open_store


def utc_now() -> datetime:
    return datetime.now(UTC)


class SiteCache:
    """Sites by domain for the hot path, re-read when the catalog changes (checked ≤ 1/s)."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._sites: dict[str, Site] = {}
        self._version = -1
        self._checked = 0.0
        self._lock = threading.Lock()

    def __call__(self, site_id: str) -> Site | None:
        now = time.monotonic()
        if now - self._checked > 1.0:
            self._refresh(now)
        return self._sites.get(site_id)

    def _refresh(self, now: float) -> None:
        with self._lock:
            self._checked = now
            version = self._catalog.version()
            if version != self._version or not self._sites:
                self._sites = {site.domain: site for site in self._catalog.sites()}
                self._version = version

    def invalidate(self) -> None:
        self._checked = 0.0
        self._version = -1


@dataclass
class Counters:
    accepted: int = 0
    invalid: int = 0
    drops: DropCounter = field(default_factory=DropCounter)


class AppContext:
    def __init__(self, settings: Settings, *, start_writer: bool = True) -> None:
        self.settings = settings
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(data_dir / "catalog.sqlite3")
        self.store: Store = open_store(settings.store, data_dir)
        self.store.migrate()
        self.spool = Spool(
            data_dir / "spool",
            segment_bytes=settings.spool_segment_bytes,
            fsync=settings.spool_fsync,
        )
        self.writer = BatchWriter(self.spool, self.store, interval=settings.writer_batch_interval)
        self.sites = SiteCache(self.catalog)
        self.salts = SaltRing(self.catalog.salts)
        self.geo: GeoLookup = make_geo_lookup(settings.maxmind_db or None)
        self.steps = StepContext(sites=self.sites, salt_for=self.salts.salt_for, geo=self.geo)
        self.counters = Counters()
        self.started_at = utc_now()
        self.clock = utc_now
        self._fsync_stop = threading.Event()
        if start_writer:
            self.start()

    def start(self) -> None:
        self.writer.flush()  # replay whatever a previous run left in the spool
        self.writer.start()
        if self.settings.spool_fsync == "interval":
            threading.Thread(target=self._fsync_loop, name="footfall-fsync", daemon=True).start()

    def _fsync_loop(self) -> None:
        while not self._fsync_stop.wait(self.settings.spool_fsync_interval):
            self.spool.sync()

    def close(self) -> None:
        """Flush everything to the store and close files (SIGTERM path)."""
        self._fsync_stop.set()
        self.writer.stop()
        self.spool.close()
        self.store.close()
