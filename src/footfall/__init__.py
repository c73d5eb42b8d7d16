"""Footfall: self-hosted, privacy-first web and product analytics."""

__version__ = "0.1.0"

__all__ = ["__version__", "connect"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """`footfall.connect` without importing pandas and the engines at `import footfall`."""
    if name == "connect":
        from footfall.query.client import connect

        return connect
    raise AttributeError(f"module 'footfall' has no attribute {name!r}")
