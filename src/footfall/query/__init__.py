"""The query engine: one spec, one SQL tree, printed for DuckDB or ClickHouse."""
