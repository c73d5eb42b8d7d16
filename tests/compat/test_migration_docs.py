"""Every linked protocol has a migration guide that shows its `footfall keys link` command,
and every compatible path is listed in the migration overview."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from footfall.catalog.sqlite import PROTOCOLS
from footfall.compat.routes import table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "migrate"
GUIDES = {
    "segment": "segment",
    "mixpanel": "mixpanel",
    "posthog": "posthog",
    "ga": "google-analytics",
    "ga4": "google-analytics",
    "umami": "umami",
    "snowplow": "snowplow",
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_guide_shows_the_link_command(protocol):
    guide = (DOCS / f"{GUIDES[protocol]}.md").read_text()
    assert f"footfall keys link --site example.com --protocol {protocol} " in guide


def test_overview_lists_every_path():
    overview = (DOCS / "README.md").read_text()
    paths = {path.rstrip("/") for _, path in table(SimpleNamespace())}
    for path in sorted(paths - {"/v1/" + short for short in "tpigasb"}):
        assert f"{path}`" in overview, path
    assert "`/v1/{t,p,i,g,a,s,b}`" in overview
