"""Size budget of the tracking script: what every visitor of every page downloads."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "src" / "footfall" / "collector" / "static"
# build -> most bytes allowed gzipped (level 9)
BUDGETS = {
    "script.js": 1024,  # the core: the promise on the box
    "script.ext.js": 2048,  # core + every extra, still below Plausible's ~2.5 KB core
}


def gzipped_size(name: str) -> int:
    return len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))


@pytest.mark.parametrize("name", BUDGETS)
def test_gzipped_size_within_budget(name: str) -> None:
    size = gzipped_size(name)
    raw = (STATIC / name).stat().st_size
    print(f"{name}: {raw} bytes, {size} gzipped (budget {BUDGETS[name]})")
    assert size <= BUDGETS[name], f"{name} is {size} bytes gzipped, over {BUDGETS[name]}"


@pytest.mark.parametrize("name", BUDGETS)
def test_build_is_es5(name: str) -> None:
    """Old browsers must get a script that parses (a syntax error escapes any try/catch)."""
    code = (STATIC / name).read_text()
    assert "=>" not in code
    assert not re.search(r"\b(let|const|class)\s", code)
    assert "`" not in code


def test_core_has_no_extras() -> None:
    core = (STATIC / "script.js").read_text()
    ext = (STATIC / "script.ext.js").read_text()
    for marker in ("Outbound Link: Click", "File Download", "engagement", "footfall-event-"):
        assert marker not in core
        assert marker in ext
