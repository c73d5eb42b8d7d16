"""The HTTP surface other than ingestion: stats API, dashboard, auth."""
