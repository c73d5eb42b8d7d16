"""Storage drivers behind one `Store` protocol; `open_store` picks one from a URL."""

from footfall.store.base import SpoolPosition, Store, open_store

__all__ = ["SpoolPosition", "Store", "open_store"]
