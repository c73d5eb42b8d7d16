"""Enrichment: pure, cached functions that turn a hit's raw fields into dimensions.

Each module has one job: `useragent` (browser, OS, device class), `bots` (why a user agent
is not a human), `referrers` (source name and channel), `geo` (country, region, city from an
IP), `urls` (page URL, referrer, UTM and click-id parameters, screen class). The lists they
use live in `data/` with their sources and licences (see `data/README.md`).
"""
