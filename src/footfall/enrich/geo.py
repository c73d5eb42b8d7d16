"""Country, region and city of a client IP, behind the `GeoLookup` seam.

Two implementations:

- `GeoIP2FastLookup`: the country database bundled with the `geoip2fast` package (built from
  MaxMind GeoLite2 Country, IPv4 and IPv6), loaded once per process; country only.
- `MaxMindLookup`: a GeoLite2/GeoIP2 City or Country `.mmdb` file the owner supplies; country,
  region (ISO 3166-2, "US-CA") and city (English name).

Private, loopback, reserved and malformed addresses give an empty `GeoInfo`. Lookups are
memoised per IP (the same clients come back again and again). The IP is never logged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

import maxminddb

from footfall.errors import SettingsError

__all__ = ["GeoIP2FastLookup", "GeoInfo", "GeoLookup", "MaxMindLookup", "make_geo_lookup"]

CACHE_SIZE = 50_000
GEOIP2FAST_IPV6_FILE = "geoip2fast-ipv6.dat.gz"  # IPv4 + IPv6 countries (~47 MB resident)
GEOIP2FAST_IPV4_FILE = "geoip2fast.dat.gz"  # IPv4 only (~27 MB resident)


@dataclass(frozen=True, slots=True)
class GeoInfo:
    country: str = ""  # ISO 3166-1 alpha-2, upper case
    region: str = ""  # ISO 3166-2, "US-CA"
    city: str = ""  # English name


EMPTY = GeoInfo()


class GeoLookup(Protocol):
    def lookup(self, ip: str) -> GeoInfo: ...


def public_ip(ip: str) -> str | None:
    """The canonical text of `ip` if it is a globally routable unicast address, else None.

    IPv4-mapped IPv6 (`::ffff:1.2.3.4`) gives the IPv4 address; a zone id (`%eth0`) and
    brackets are dropped.
    """
    text = ip.strip().strip("[]").partition("%")[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return str(addr) if addr.is_global and not addr.is_multicast else None


def _memoised(fn: Callable[[str], GeoInfo]) -> Callable[[str], GeoInfo]:
    return lru_cache(maxsize=CACHE_SIZE)(fn)


@cache
def _geoip2fast(data_file: str) -> Any:
    from geoip2fast import GeoIP2Fast  # type: ignore[import-untyped]

    return GeoIP2Fast(verbose=False, geoip2fast_data_file=data_file)


class GeoIP2FastLookup:
    """Country from geoip2fast's bundled database (`ipv6=False` loads the smaller IPv4-only
    file). The database is loaded once per process, when the first instance is made."""

    def __init__(self, ipv6: bool = True) -> None:
        self._db = _geoip2fast(GEOIP2FAST_IPV6_FILE if ipv6 else GEOIP2FAST_IPV4_FILE)
        self.lookup = _memoised(self._lookup)

    def _lookup(self, ip: str) -> GeoInfo:
        addr = public_ip(ip)
        if addr is None:
            return EMPTY
        code = self._db.lookup(addr).country_code or ""
        # geoip2fast answers "--" (not found, private) or "" (invalid), and a few other
        # two-character error codes that are not letters.
        if len(code) != 2 or not code.isalpha():
            return EMPTY
        return GeoInfo(country=code.upper())


def geo_from_record(record: Mapping[str, Any] | None) -> GeoInfo:
    """Map a GeoIP2/GeoLite2 City or Country record to a `GeoInfo`."""
    if not record:
        return EMPTY
    country = str((record.get("country") or {}).get("iso_code") or "").upper()
    if not country:
        return EMPTY
    subdivisions = record.get("subdivisions") or ()
    sub = str(subdivisions[0].get("iso_code") or "") if subdivisions else ""
    city = str(((record.get("city") or {}).get("names") or {}).get("en") or "")
    return GeoInfo(country=country, region=f"{country}-{sub.upper()}" if sub else "", city=city)


class MaxMindLookup:
    """Country, region and city from a GeoLite2/GeoIP2 `.mmdb` file (City or Country).

    Raises `SettingsError` naming the path when the file is missing or is not a MaxMind DB.
    """

    def __init__(self, path: str) -> None:
        try:
            self._reader = maxminddb.open_database(path)
        except FileNotFoundError:
            raise SettingsError(f"MaxMind database {path!r}: no such file") from None
        except (OSError, maxminddb.InvalidDatabaseError, ValueError) as exc:
            raise SettingsError(f"MaxMind database {path!r}: cannot be read ({exc})") from None
        self.path = path
        self.lookup = _memoised(self._lookup)

    def _lookup(self, ip: str) -> GeoInfo:
        addr = public_ip(ip)
        if addr is None:
            return EMPTY
        try:
            record = self._reader.get(addr)
        except (ValueError, maxminddb.InvalidDatabaseError):
            return EMPTY  # e.g. an IPv6 address in an IPv4-only database
        return geo_from_record(record if isinstance(record, Mapping) else None)

    def close(self) -> None:
        self._reader.close()


def make_geo_lookup(maxmind_path: str | None) -> GeoLookup:
    """`MaxMindLookup` on the owner's file when a path is given, else `GeoIP2FastLookup`."""
    if maxmind_path:
        return MaxMindLookup(maxmind_path)
    return GeoIP2FastLookup()
