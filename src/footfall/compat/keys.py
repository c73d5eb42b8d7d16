"""Linked client tokens (`footfall keys link`) cached for the hot path.

Re-read when the catalog's `data_version` changes, checked at most once a second, like
`context.SiteCache`: a key linked from the CLI works within a second, with no restart.
"""

from __future__ import annotations

import threading
import time

from footfall.catalog import Catalog


class ProtocolKeyCache:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._keys: dict[tuple[str, str], str] = {}
        self._version = -1
        self._checked = 0.0
        self._lock = threading.Lock()

    def __call__(self, protocol: str, key: object) -> str | None:
        """The site a client token belongs to, or None (also for a non-string token)."""
        if not isinstance(key, str | int) or isinstance(key, bool) or key == "":
            return None
        now = time.monotonic()
        if now - self._checked > 1.0:
            self._refresh(now)
        return self._keys.get((protocol, str(key).strip()))

    def _refresh(self, now: float) -> None:
        with self._lock:
            self._checked = now
            version = self._catalog.version()
            if version != self._version:
                rows = self._catalog.protocol_keys()
                self._keys = {(protocol, key): site for protocol, key, site in rows}
                self._version = version

    def invalidate(self) -> None:
        self._checked = 0.0
        self._version = -1
