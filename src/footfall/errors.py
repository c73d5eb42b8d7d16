"""One error hierarchy: every user-facing failure says what was wrong and where."""

from __future__ import annotations


class FootfallError(Exception):
    """Base of every error Footfall raises on purpose."""


class SettingsError(FootfallError):
    """A setting (flag, FOOTFALL_* variable) has a value Footfall cannot use."""


class StoreBusy(FootfallError):
    """The embedded store is held by another process (DuckDB allows one writer)."""


class CatalogError(FootfallError):
    """A catalog request cannot be carried out (unknown site, duplicate key, …)."""


class InvalidEvent(FootfallError):
    """An incoming event is malformed; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidQuery(FootfallError):
    """A stats query is invalid; `path` is the JSON path of the offending part."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
