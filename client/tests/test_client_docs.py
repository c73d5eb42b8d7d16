"""docs/client.md must mention every provider, option and middleware rule."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from footfall_client.integrations import PageviewRules
from footfall_client.options import COMMON_OPTIONS
from footfall_client.providers import REGISTRY

DOCS = Path(__file__).resolve().parents[2] / "docs" / "client.md"
README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = pytest.mark.skipif(not DOCS.exists(), reason="docs/client.md is not beside the client")


def test_every_provider_has_a_section_and_an_example():
    text = DOCS.read_text("utf-8")
    readme = README.read_text("utf-8")
    for name in REGISTRY:
        assert f"`{name}`" in text, name
        assert f'Provider("{name}"' in text, name
        assert f'Provider("{name}"' in readme, name


def test_every_option_is_documented():
    text = DOCS.read_text("utf-8")
    names = set(COMMON_OPTIONS)
    for destination in REGISTRY.values():
        names |= destination.options
    names |= {f.name for f in fields(PageviewRules)}
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert missing == []
