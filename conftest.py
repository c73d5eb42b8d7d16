"""Run the browser tests last: Playwright's sync API keeps an event loop running in the
main thread while its browser is open, which would break later tests that use asyncio.run."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
