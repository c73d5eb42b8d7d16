"""Metadata (sites, salts, keys, settings) in a small SQLite catalog."""

from footfall.catalog.sqlite import ApiKey, Catalog, Site

__all__ = ["ApiKey", "Catalog", "Site"]
