"""Weighted tables the demo draws from: real user agents, sources, places and pages."""

from __future__ import annotations

# (path, weight among all pageviews, weight as an entry page, title)
PAGES: list[tuple[str, float, float, str]] = [
    ("/", 30, 40, "Footfall Demo Shop"),
    ("/pricing", 9, 6, "Pricing"),
    ("/features", 8, 5, "Features"),
    ("/blog", 7, 4, "Blog"),
    ("/blog/privacy-first-analytics", 6, 9, "Privacy-first analytics, explained"),
    ("/blog/duckdb-for-web-analytics", 5, 7, "DuckDB for web analytics"),
    ("/blog/cookieless-visitor-counting", 4, 5, "Counting visitors without cookies"),
    ("/blog/funnels-that-tell-the-truth", 3, 3, "Funnels that tell the truth"),
    ("/docs", 6, 3, "Documentation"),
    ("/docs/quickstart", 5, 3, "Quickstart"),
    ("/docs/tracking-script", 4, 2, "The tracking script"),
    ("/docs/stats-api", 3, 1.5, "Stats API"),
    ("/docs/python-client", 2.5, 1, "Python client"),
    ("/docs/self-hosting", 2.5, 1.5, "Self-hosting"),
    ("/about", 2, 1, "About us"),
    ("/contact", 1.5, 0.5, "Contact"),
    ("/careers", 1, 0.5, "Careers"),
    ("/changelog", 1.5, 1, "Changelog"),
    ("/login", 3, 2, "Log in"),
    ("/signup", 2.5, 0.5, "Sign up"),
    ("/legal/privacy", 0.8, 0.3, "Privacy policy"),
    ("/legal/terms", 0.5, 0.2, "Terms"),
    ("/integrations/django", 1.2, 1, "Django integration"),
    ("/integrations/fastapi", 1.0, 0.8, "FastAPI integration"),
    ("/integrations/wordpress", 0.9, 0.9, "WordPress plugin"),
    ("/compare/google-analytics", 1.2, 1.5, "Footfall vs Google Analytics"),
    ("/compare/plausible", 0.9, 1.0, "Footfall vs Plausible"),
    # The app behind the login: only signed-up people's sessions reach it (demo_product.py).
    ("/app", 0, 0, "Projects"),
    ("/app/projects/new", 0, 0, "New project"),
    ("/app/exports", 0, 0, "Exports"),
    ("/app/team", 0, 0, "Team"),
]

# (referrer URL, utm_source, utm_medium, utm_campaign, weight)
SOURCES: list[tuple[str, str, str, str, float]] = [
    ("", "", "", "", 34),
    ("https://www.google.com/", "", "", "", 24),
    ("https://www.bing.com/", "", "", "", 3),
    ("https://duckduckgo.com/", "", "", "", 3.5),
    ("https://www.ecosia.org/", "", "", "", 0.8),
    ("https://news.ycombinator.com/", "", "", "", 5),
    ("https://t.co/", "", "", "", 3),
    ("https://www.reddit.com/r/selfhosted/", "", "", "", 3.5),
    ("https://www.linkedin.com/", "", "", "", 1.5),
    ("https://github.com/footfall/footfall", "", "", "", 2.5),
    ("https://stackoverflow.com/questions/", "", "", "", 1.2),
    ("https://chatgpt.com/", "", "", "", 1.5),
    ("https://www.perplexity.ai/", "", "", "", 0.6),
    ("https://dev.to/", "", "", "", 0.8),
    ("https://www.youtube.com/", "", "", "", 0.7),
    ("", "newsletter", "email", "november-launch", 4),
    ("https://www.google.com/", "google", "cpc", "brand-search", 3),
    ("https://www.facebook.com/", "facebook", "paid_social", "retargeting", 1.2),
    ("https://www.producthunt.com/", "", "", "", 1.0),
    ("https://lobste.rs/", "", "", "", 0.6),
]

# (ISO country, [(ISO 3166-2 region, city)], weight)
COUNTRIES: list[tuple[str, list[tuple[str, str]], float]] = [
    ("US", [("US-CA", "San Francisco"), ("US-NY", "New York"), ("US-TX", "Austin")], 29),
    ("DE", [("DE-BE", "Berlin"), ("DE-BY", "Munich"), ("DE-HH", "Hamburg")], 9),
    ("GB", [("GB-ENG", "London"), ("GB-ENG", "Manchester"), ("GB-SCT", "Edinburgh")], 8),
    ("IN", [("IN-KA", "Bengaluru"), ("IN-MH", "Mumbai"), ("IN-DL", "New Delhi")], 7),
    ("FR", [("FR-IDF", "Paris"), ("FR-ARA", "Lyon"), ("FR-OCC", "Toulouse")], 5),
    ("CA", [("CA-ON", "Toronto"), ("CA-BC", "Vancouver"), ("CA-QC", "Montreal")], 4),
    ("NL", [("NL-NH", "Amsterdam"), ("NL-ZH", "Rotterdam"), ("NL-UT", "Utrecht")], 3.2),
    ("BR", [("BR-SP", "São Paulo"), ("BR-RJ", "Rio de Janeiro"), ("BR-MG", "Belo Horizonte")], 3),
    ("JP", [("JP-13", "Tokyo"), ("JP-27", "Osaka"), ("JP-14", "Yokohama")], 3),
    ("ES", [("ES-MD", "Madrid"), ("ES-CT", "Barcelona"), ("ES-VC", "Valencia")], 2.4),
    ("SE", [("SE-AB", "Stockholm"), ("SE-O", "Gothenburg"), ("SE-M", "Malmö")], 1.6),
    ("PL", [("PL-14", "Warsaw"), ("PL-12", "Kraków"), ("PL-02", "Wrocław")], 1.8),
    ("AU", [("AU-NSW", "Sydney"), ("AU-VIC", "Melbourne"), ("AU-QLD", "Brisbane")], 2.2),
    ("IT", [("IT-25", "Milan"), ("IT-62", "Rome"), ("IT-21", "Turin")], 2),
    ("CH", [("CH-ZH", "Zurich"), ("CH-GE", "Geneva"), ("CH-BE", "Bern")], 1.2),
    ("SG", [("SG-01", "Singapore")], 1.1),
    ("KR", [("KR-11", "Seoul"), ("KR-26", "Busan")], 1.0),
    ("UA", [("UA-30", "Kyiv"), ("UA-46", "Lviv")], 0.9),
    ("MX", [("MX-CMX", "Mexico City"), ("MX-JAL", "Guadalajara")], 1.0),
    ("NG", [("NG-LA", "Lagos")], 0.6),
    ("ZA", [("ZA-WC", "Cape Town"), ("ZA-GP", "Johannesburg")], 0.6),
    ("", [], 1.5),
]

# (real user-agent string, weight)
USER_AGENTS: list[tuple[str, float]] = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        24,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        12,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Safari/605.1.15",
        8,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", 6),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", 2.5),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36",
        2.5,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        6,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        14,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        4,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.81 Mobile Safari/537.36",
        7,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        3,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.6 Mobile/15E148 Safari/604.1",
        2.5,
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        1,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0",
        1,
    ),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0", 1.5),
]

# (plan, price in EUR when bought, weight)
PLANS: list[tuple[str, float, float]] = [("free", 0.0, 5), ("pro", 29.0, 3), ("team", 99.0, 1)]

OUTBOUND = [
    "https://github.com/footfall/footfall",
    "https://twitter.com/footfall",
    "https://duckdb.org/",
    "https://clickhouse.com/",
    "https://news.ycombinator.com/item?id=40000000",
]

DOWNLOADS = [
    "https://demo.footfall.dev/files/footfall-whitepaper.pdf",
    "https://demo.footfall.dev/files/pricing-sheet.pdf",
    "https://demo.footfall.dev/files/footfall-0.1.0.tar.gz",
]
