"""Wire-compatible ingestion for other products' client libraries (PROTOCOLS.md).

One module per protocol: pure parsing functions that turn a request into `Hit`s, and
one ASGI handler that answers the way that protocol's official clients expect. Every
handler stores through `CollectorApp.store_hits`, the same durable path as /api/event.
"""
