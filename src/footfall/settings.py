"""Frozen settings read once from FOOTFALL_* variables and command-line flags.

Each setting has a cast function; a bad value stops start-up with a message that
names the variable and what it accepts, instead of failing later on a request.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from footfall.errors import SettingsError

FSYNC_POLICIES = ("always", "interval", "never")


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true/false")


def _networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())


def _fsync(value: str) -> str:
    if value not in FSYNC_POLICIES:
        raise ValueError(f"expected one of {', '.join(FSYNC_POLICIES)}")
    return value


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("expected a positive integer")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError("expected a positive number")
    return number


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its FOOTFALL_* variable (upper-cased field name) and default."""

    data_dir: Path = Path("footfall-data")
    host: str = "127.0.0.1"
    port: int = 8000
    store: str = "duckdb"
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_body_bytes: int = 1_000_000
    spool_fsync: str = "interval"
    spool_fsync_interval: float = 1.0
    spool_segment_bytes: int = 64 * 1024 * 1024
    writer_batch_interval: float = 0.5
    maxmind_db: str = ""
    stats_rate_limit: int = 600
    log_level: str = "info"


_CASTS: dict[str, Callable[[str], Any]] = {
    "data_dir": Path,
    "host": str,
    "port": _positive_int,
    "store": str,
    "trusted_proxies": _networks,
    "max_body_bytes": _positive_int,
    "spool_fsync": _fsync,
    "spool_fsync_interval": _positive_float,
    "spool_segment_bytes": _positive_int,
    "writer_batch_interval": _positive_float,
    "maxmind_db": str,
    "stats_rate_limit": _positive_int,
    "log_level": str,
}

SETTING_NAMES = tuple(f.name for f in fields(Settings))


def env_name(setting: str) -> str:
    return "FOOTFALL_" + setting.upper()


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults, then FOOTFALL_* variables, then non-None `overrides` (command-line flags)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name in SETTING_NAMES:
        raw = environ.get(env_name(name))
        if raw is None:
            continue
        try:
            values[name] = _CASTS[name](raw)
        except ValueError as exc:
            raise SettingsError(f"{env_name(name)}={raw!r}: {exc}") from exc
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if isinstance(value, str) and name != "host":
            try:
                value = _CASTS[name](value)
            except ValueError as exc:
                raise SettingsError(f"--{name.replace('_', '-')}={value!r}: {exc}") from exc
        values[name] = value
    settings = replace(Settings(), **values)
    if settings.maxmind_db and not Path(settings.maxmind_db).is_file():
        raise SettingsError(
            f"{env_name('maxmind_db')}={settings.maxmind_db!r}: no such file "
            "(point it at a GeoLite2-City.mmdb or GeoIP2 City/Country database)"
        )
    return settings
