"""The options every provider takes, checked once when the Provider is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from .errors import ConfigurationError
from .transport import Transport


@dataclass(frozen=True, slots=True)
class ClientOptions:
    host: str | None = None
    sync: bool = False
    fail_silently: bool = True
    timeout: float = 10.0
    max_queue_size: int = 10_000
    flush_at: int = 100
    flush_interval: float = 1.0
    max_retries: int = 8
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 60.0
    shutdown_timeout: float = 10.0
    on_error: Callable[[Exception, list[dict[str, Any]]], Any] | None = None
    anonymize_ip: bool = False
    anonymize_user_agent: bool = False
    client_id_secret: str | None = None
    rotate_client_id: bool = True
    transport: Transport | None = None


COMMON_OPTIONS = frozenset(f.name for f in fields(ClientOptions)) | {"asynchronously"}
_POSITIVE = ("timeout", "max_queue_size", "flush_at", "shutdown_timeout")
_NON_NEGATIVE = ("flush_interval", "max_retries", "backoff_base", "backoff_cap", "max_retry_after")


def split_options(
    provider: str, options: Mapping[str, Any], specific: frozenset[str]
) -> tuple[ClientOptions, dict[str, Any]]:
    """Separate the common options from the provider's own and check both.

    ``asynchronously=False`` (the ``analytical`` spelling) means ``sync=True``. A common option a
    provider also declares (``anonymize_ip`` for Google Analytics) goes to both.
    """
    unknown = set(options) - COMMON_OPTIONS - specific
    if unknown:
        accepted = ", ".join(sorted(COMMON_OPTIONS | specific))
        raise ConfigurationError(
            f"unknown option(s) {', '.join(sorted(unknown))} for provider {provider!r}; "
            f"accepted: {accepted}"
        )
    common = {k: v for k, v in options.items() if k in COMMON_OPTIONS and k != "asynchronously"}
    if "asynchronously" in options and "sync" not in options:
        common["sync"] = not options["asynchronously"]
    for name in _POSITIVE:
        if name in common and not common[name] > 0:
            raise ConfigurationError(f"{name} must be > 0, got {common[name]!r}")
    for name in _NON_NEGATIVE:
        if name in common and not common[name] >= 0:
            raise ConfigurationError(f"{name} must be >= 0, got {common[name]!r}")
    on_error = common.get("on_error")
    if on_error is not None and not callable(on_error):
        raise ConfigurationError("on_error must be a callable(error, messages)")
    own = {k: v for k, v in options.items() if k in specific}
    return ClientOptions(**common), own
