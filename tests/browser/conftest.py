"""Fixtures for driving the tracking script in Debian's chromium (see tracker_harness.py).

``collector`` is the seam: it yields an object with a base ``url`` and ``events()``. Point
it at the real Footfall server once that can serve ``/js/script.js`` and ``/api/event``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tracker_harness import Collector, FakeCollector, Site, serve


@pytest.fixture(scope="session")
def _fake_collector() -> Iterator[FakeCollector]:
    collector = FakeCollector()
    with serve(collector.handler()) as url:
        collector.url = url
        yield collector


@pytest.fixture
def collector(_fake_collector: FakeCollector) -> Collector:
    """Base URL + received events. Swap this fixture to test against the real server."""
    _fake_collector.clear()
    return _fake_collector


@pytest.fixture(scope="session")
def _site(_fake_collector: FakeCollector) -> Iterator[Site]:
    site = Site(url="", collector_url=_fake_collector.url)
    with serve(site.handler()) as url:
        site.url = url
        site.alt_origin = url.replace("127.0.0.1", "localhost")
        yield site


@pytest.fixture
def site(_site: Site, collector: Collector) -> Site:
    _site.collector_url = collector.url
    _site.tracker()
    return _site


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh profile per test; window errors are collected in ``window.__errors``."""
    context = browser.new_context()
    context.add_init_script(
        "window.__errors = [];"
        "addEventListener('error', function (e) { __errors.push(String(e.message)) });"
        "addEventListener('unhandledrejection', function (e) { __errors.push(String(e.reason)) });"
    )
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def nothing_sent(collector: Collector) -> Callable[[], None]:
    """Assert, after a short grace period, that no event reached the collector."""

    def check() -> None:
        time.sleep(0.3)
        assert collector.events() == []

    return check
