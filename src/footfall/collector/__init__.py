"""The ingestion HTTP surface: endpoints, client IPs, CORS, and the tracking script."""
