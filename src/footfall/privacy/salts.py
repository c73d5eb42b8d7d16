"""The salt ring: today's salt for new ids, rotated at midnight UTC.

The catalog keeps today's and yesterday's salt (for events that straddle midnight)
and deletes older ones; this object only caches them and asks again when the day
changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from footfall.privacy.ids import salt_day


class SaltRing:
    def __init__(self, load: Callable[[str], dict[str, bytes]]) -> None:
        self._load = load
        self._day = ""
        self._salt = b""
        self._lock = threading.Lock()

    def salt_for(self, moment: datetime) -> bytes:
        day = salt_day(moment)
        if day != self._day:
            with self._lock:
                if day != self._day:
                    salts = self._load(day)
                    self._salt = salts[day]
                    self._day = day
        return self._salt
