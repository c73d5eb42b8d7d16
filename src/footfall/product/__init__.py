"""Product analytics: people (identities, traits), funnels, retention, segmentation.

Every query compiles to one guarded sqlglot tree (the query package's printer) so DuckDB
and ClickHouse answer identically; see docs/product-analytics.md.
"""
