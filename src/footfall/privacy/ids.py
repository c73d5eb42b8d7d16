"""Visitor and session ids: pure functions of their inputs, so every process agrees.

A visitor id is a keyed 64-bit BLAKE2b hash of (site, client IP, user agent) under
the day's random salt. The IP and user agent go into the hash and nowhere else; once
the salt is deleted the id can no longer be linked to anyone.
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime

_U64 = (1 << 64) - 1


def visitor_id(salt: bytes, site_id: str, client_ip: str, user_agent: str) -> int:
    digest = hashlib.blake2b(
        f"{site_id}\x00{client_ip}\x00{user_agent}".encode(errors="surrogatepass"),
        digest_size=8,
        key=salt,
    ).digest()
    return int.from_bytes(digest, "big") or 1


def session_id(visitor: int, session_start_us: int) -> int:
    """A visit's id depends only on its visitor and its first event's time."""
    digest = hashlib.blake2b(
        visitor.to_bytes(8, "big") + session_start_us.to_bytes(8, "big", signed=True),
        digest_size=8,
    ).digest()
    return int.from_bytes(digest, "big") or 1


def salt_day(moment: datetime) -> str:
    """Salts rotate at midnight UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def uuid7(now_ms: int | None = None) -> str:
    """A time-ordered UUID (RFC 9562 version 7) as 32 hex digits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = random.getrandbits(80)  # uniqueness, not secrecy: ids are not credentials
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68) << 64
    value |= 0b10 << 62 | (rand & ((1 << 62) - 1))
    return f"{value:032x}"
