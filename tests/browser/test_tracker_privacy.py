"""What the script refuses to do: track bots, localhost or opted-out visitors, store
anything, or throw into the host page. And the no-JS pixel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from tracker_harness import Collector, FakeCollector, Site

pytestmark = pytest.mark.browser

EXT = "script.ext.js"
ALL_EXTRAS = "data-outbound data-downloads data-forms data-404 data-engagement"
CALLBACK = "new Promise(function (ok) { footfall('Probe', {callback: ok}); })"


def test_skips_automation_by_default(
    page: Any, site: Site, collector: Collector, nothing_sent: Any
) -> None:
    site.tracker(allow="data-allow-localhost")
    page.goto(f"{site.url}/page.html")
    assert page.evaluate("navigator.webdriver") is True
    assert page.evaluate(CALLBACK) == {"ignored": True}
    nothing_sent()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_skips_localhost_by_default(
    page: Any, site: Site, collector: Collector, nothing_sent: Any, host: str
) -> None:
    site.tracker(allow="data-allow-automation")
    page.goto(f"{site.url.replace('127.0.0.1', host)}/page.html")
    assert page.evaluate(CALLBACK) == {"ignored": True}
    nothing_sent()


@pytest.mark.parametrize("signal", ["doNotTrack", "globalPrivacyControl"])
def test_dnt_and_gpc_respected_when_asked(
    context: Any, site: Site, collector: Collector, nothing_sent: Any, signal: str
) -> None:
    value = "'1'" if signal == "doNotTrack" else "true"
    context.add_init_script(
        f"Object.defineProperty(Navigator.prototype, '{signal}', {{get: () => {value}}})"
    )
    page = context.new_page()
    site.tracker("data-respect-dnt")
    page.goto(f"{site.url}/page.html")
    assert page.evaluate(CALLBACK) == {"ignored": True}
    nothing_sent()
    site.tracker()  # the site did not ask: the signal alone does not stop tracking
    page.goto(f"{site.url}/page.html")
    assert len(collector.wait_for("pageview")) == 1


def test_no_cookies_or_storage(context: Any, page: Any, site: Site, collector: Collector) -> None:
    site.tracker(ALL_EXTRAS, build=EXT)
    page.goto(f"{site.url}/page.html")
    page.evaluate("footfall('Signup', {props: {plan: 'pro'}})")
    page.click("#tagged")
    page.click("#contact-submit")
    page.evaluate("history.pushState({}, '', '/app/x')")
    collector.wait_for(count=5)
    state = page.evaluate(
        "async () => [document.cookie, localStorage.length, sessionStorage.length,"
        " (await indexedDB.databases()).length]"
    )
    assert state == ["", 0, 0, 0]
    assert context.cookies() == []


def test_noscript_pixel(browser: Any, site: Site, collector: Collector) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/pixel.html")
        page.wait_for_load_state("load")
    finally:
        context.close()
    hits = sorted(collector.pixel_hits(), key=lambda hit: len(hit.params))
    assert [hit.params for hit in hits] == [
        {"d": "test.example"},
        {
            "d": "test.example",
            "u": "https://test.example/pricing",
            "r": "https://news.example/",
        },
    ]
    # Without `u`, the page URL comes from the Referer header: the full URL only with
    # referrerpolicy="no-referrer-when-downgrade"; the default policy sends just the origin.
    assert hits[0].referer == f"{site.url}/pixel.html"
    assert hits[1].referer == f"{site.url}/"
    assert urlsplit(hits[1].referer).path == "/"


# (what the page lacks, what a footfall() callback then receives)
BROKEN = {
    "no fetch, no sendBeacon": (
        "window.fetch = undefined; Navigator.prototype.sendBeacon = undefined;",
        {"error"},
    ),
    "throwing fetch": (
        "window.fetch = function () { throw new Error('blocked'); };"
        "Navigator.prototype.sendBeacon = undefined;",
        {"error"},
    ),
    "rejecting fetch": (
        "window.fetch = function () { return Promise.reject(new Error('blocked')); };",
        {"error"},
    ),
    # The script gives up at start-up; footfall() still answers, so the page never waits.
    "no URL": ("window.URL = undefined;", {"ignored"}),
    "no currentScript": (
        "Object.defineProperty(Document.prototype, 'currentScript', {get: () => null});",
        {"ignored"},
    ),
}


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_never_throws_into_the_page(
    context: Any, site: Site, collector: Collector, breakage: str
) -> None:
    script, callback_keys = BROKEN[breakage]
    context.add_init_script(script)
    page = context.new_page()
    site.tracker(ALL_EXTRAS, build=EXT)
    page.goto(f"{site.url}/page.html")
    result = page.evaluate(
        "new Promise(function (ok) {"
        " footfall('Signup', {props: {plan: 'pro'}, callback: ok});"
        " setTimeout(function () { ok('no callback'); }, 2000); })"
    )
    assert set(result) == callback_keys
    page.click("#tagged")
    page.click("#contact-submit")
    page.evaluate("history.pushState({}, '', '/app/x'); history.back()")
    page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden'});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("__errors") == []
    assert collector.events() == []


def test_falls_back_to_send_beacon(context: Any, site: Site, collector: Collector) -> None:
    context.add_init_script("window.fetch = undefined;")
    page = context.new_page()
    page.goto(f"{site.url}/page.html")
    [event] = collector.wait_for("pageview")
    assert event["u"] == f"{site.url}/page.html"
    if isinstance(collector, FakeCollector):  # sendBeacon sends text/plain;charset=UTF-8
        assert collector.requests[0]["content_type"].startswith("text/plain")
    assert page.evaluate(CALLBACK) == {}
