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
        self._day_number = -1
        self._salt = b""
        self._lock = threading.Lock()

    def salt_for(self, moment: datetime) -> bytes:
        day_number = int(moment.timestamp()) // 86400
        if day_number != self._day_number:
            with self._lock:
                if day_number != self._day_number:
                    day = salt_day(moment)
                    self._salt = self._load(day)[day]
                    self._day_number = day_number
        return self._salt
