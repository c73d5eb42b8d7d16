"""Shared by every test directory: one Playwright driver and one Debian chromium.

Browser tests run last: Playwright's sync API keeps an event loop running in the main
thread while its driver is open, which would break later tests that use asyncio.run, and
a second sync driver cannot start beside it, so every browser test shares this one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The Playwright driver; never downloads a browser (Debian's chromium is launched)."""
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: run scripts/install-test-deps.sh"
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def launch_chromium(playwright: Any) -> Callable[..., Any]:
    """Start Debian's chromium with the flags this closed network needs, plus `extra`."""

    def launch(*extra: str) -> Any:
        return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra])

    return launch


@pytest.fixture(scope="session")
def browser(launch_chromium: Callable[..., Any]) -> Iterator[Any]:
    browser = launch_chromium()
    yield browser
    browser.close()
