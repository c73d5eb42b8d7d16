"""A real Footfall server with every protocol's token linked to one site (docs/migrate/)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

SITE = "example.com"
KEYS = {
    "segment": "SEGMENT_WRITE_KEY",
    "mixpanel": "mp_project_token",
    "posthog": "phc_projectkey",
    "ga": "UA-12345-1",
    "ga4": "G-ABCDEF",
    "umami": "4fb7fa4c-5b46-438d-94b3-3a8fb9bc2e8b",
    "snowplow": "shop-app",
}
CHROME_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"


def linked_server(data_dir: Path):  # type: ignore[no-untyped-def]
    """A started `ServerProcess` whose site accepts every protocol's token in KEYS."""
    from server import ServerProcess

    server = ServerProcess(data_dir)
    server.cli("sites", "add", SITE)
    for protocol, key in KEYS.items():
        server.cli("keys", "link", "--site", SITE, "--protocol", protocol, "--key", key)
    return server.start()
