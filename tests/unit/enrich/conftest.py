from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED_DATA_CANDIDATES = (REPO.parent / "shared" / "data", REPO / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared real-world test data (`shared/data` beside the repo)."""
    for path in SHARED_DATA_CANDIDATES:
        if (path / "README.md").is_file():
            return path
    pytest.skip("shared/data is not beside the repository")


@pytest.fixture(scope="session")
def uap_sample(shared_data: Path) -> list[dict[str, str]]:
    """Rows of uap_core_user_agents_sample.csv (uap-core test cases, real UAs)."""
    with (shared_data / "uap_core_user_agents_sample.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
