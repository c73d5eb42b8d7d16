"""Automatic, SPA, hash-routed, manual and queued pageviews from the core script."""

from __future__ import annotations

from typing import Any

import pytest
from tracker_harness import Collector, Site

pytestmark = pytest.mark.browser


def paths(events: list[dict[str, Any]]) -> list[str]:
    return [e["u"].split("127.0.0.1", 1)[1].split("/", 1)[1] for e in events]


def test_pageview_payload_and_transport(page: Any, site: Site, collector: Collector) -> None:
    # keepalive is what lets a hit outlive the page (outbound clicks, pagehide): check it
    # directly, since a lost request only shows up now and then.
    page.add_init_script(
        "var realFetch = window.fetch; window.__fetches = [];"
        "window.fetch = function (url, options) {"
        " __fetches.push([url, options]); return realFetch(url, options); };"
    )
    page.set_viewport_size({"width": 1111, "height": 700})
    page.goto(f"{site.url}/page.html?utm_source=news")
    [event] = collector.wait_for("pageview")
    assert event == {
        "n": "pageview",
        "u": f"{site.url}/page.html?utm_source=news",
        "d": "test.example",
        "r": None,
        "w": 1111,
        "v": 1,
    }
    [[url, options]] = page.evaluate("__fetches")
    assert url == f"{collector.url}/api/event"
    assert options["method"] == "POST"
    assert options["keepalive"] is True
    assert options["headers"] == {"Content-Type": "text/plain"}
    assert page.evaluate("__errors") == []


def test_data_api_sends_elsewhere(page: Any, site: Site, collector: Collector) -> None:
    # The script is served by the site itself; its hits go to the collector named by data-api.
    site.tracker(f'data-api="{collector.url}/api/event"', origin=site.url)
    page.goto(f"{site.url}/page.html")
    assert page.evaluate("document.scripts[0].src") == f"{site.url}/js/script.js"
    assert len(collector.wait_for("pageview")) == 1


def test_referrer_is_sent(page: Any, site: Site, collector: Collector) -> None:
    page.goto(f"{site.url}/page.html", referer="https://news.example/item?id=1")
    [event] = collector.wait_for("pageview")
    assert event["r"] == page.evaluate("document.referrer") == "https://news.example/item?id=1"


def test_spa_history_navigations(page: Any, site: Site, collector: Collector) -> None:
    page.goto(f"{site.url}/page.html")
    collector.wait_for("pageview")
    page.evaluate("history.pushState({}, '', '/app/a')")
    collector.wait_for("pageview", 2)
    page.evaluate("history.replaceState({scroll: 10}, '', '/app/a')")  # same URL: no pageview
    page.evaluate("history.pushState({}, '', '/app/a?tab=2')")  # same path: no pageview
    page.evaluate("history.pushState({}, '', '/app/b')")
    collector.wait_for("pageview", 3)
    page.evaluate("history.replaceState({}, '', '/app/c')")
    collector.wait_for("pageview", 4)
    page.go_back()  # popstate back to /app/a?tab=2 (/app/b was replaced by /app/c)
    collector.wait_for("pageview", 5)
    page.go_back()  # popstate to /app/a: same path as before, no pageview
    page.go_back()  # popstate to /page.html
    events = collector.wait_for("pageview", 6)
    assert paths(events) == ["page.html", "app/a", "app/b", "app/c", "app/a?tab=2", "page.html"]
    assert all("h" not in e for e in events)
    assert page.evaluate("__errors") == []


def test_hash_mode(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-hash")
    page.goto(f"{site.url}/page.html#/home")
    collector.wait_for("pageview")
    page.evaluate("location.hash = '#/settings'")
    page.evaluate("history.pushState({}, '', '#/profile')")
    page.evaluate("history.replaceState({}, '', '#/profile')")
    events = collector.wait_for("pageview", 3)
    assert paths(events) == ["page.html#/home", "page.html#/settings", "page.html#/profile"]
    assert all(e["h"] == 1 for e in events)


def test_without_hash_mode_hash_changes_are_not_pages(
    page: Any, site: Site, collector: Collector, nothing_sent: Any
) -> None:
    page.goto(f"{site.url}/page.html")
    collector.wait_for("pageview")
    collector.clear()
    page.evaluate("location.hash = '#section'")
    nothing_sent()


def test_manual_mode(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-manual")
    page.goto(f"{site.url}/page.html")
    page.evaluate("history.pushState({}, '', '/app/42')")
    page.evaluate("footfall('pageview', {u: '/app/[id]', props: {section: 'app'}})")
    [event] = collector.wait_for("pageview")
    assert event["u"] == f"{site.url}/app/[id]"  # resolved against the page URL
    assert event["p"] == {"section": "app"}
    assert len(collector.events()) == 1


def test_queue_stub_replays_calls_made_before_load(
    page: Any, site: Site, collector: Collector
) -> None:
    page.goto(f"{site.url}/stub.html")
    collector.wait_for(count=3)
    names = [e["n"] for e in collector.events()]  # sent concurrently: any arrival order
    assert sorted(names) == ["Early", "Early Callback", "pageview"]
    assert collector.events("Early")[0]["p"] == {"when": "before load"}
    page.wait_for_function("window.__early")
    assert page.evaluate("window.__early") == {"status": 202}


def test_prerendered_page_waits_until_shown(
    page: Any, site: Site, collector: Collector, nothing_sent: Any
) -> None:
    page.add_init_script(
        "var prerendering = true;"
        "Object.defineProperty(Document.prototype, 'prerendering',"
        " {get: function () { return prerendering; }, configurable: true});"
        "window.__activate = function () {"
        " prerendering = false; document.dispatchEvent(new Event('prerenderingchange')); };"
    )
    page.goto(f"{site.url}/page.html")
    nothing_sent()
    page.evaluate("__activate()")
    assert len(collector.wait_for("pageview")) == 1
