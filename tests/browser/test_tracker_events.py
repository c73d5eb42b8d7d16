"""Custom events (core) and the opt-in extras of script.ext.js."""

from __future__ import annotations

from typing import Any

import pytest
from tracker_harness import Collector, Site

pytestmark = pytest.mark.browser

EXT = "script.ext.js"


def test_custom_event_with_props_revenue_and_callback(
    page: Any, site: Site, collector: Collector
) -> None:
    page.goto(f"{site.url}/page.html")
    page.evaluate(
        "footfall('Signup', {props: {plan: 'pro'}, revenue: {amount: 29, currency: 'EUR'},"
        " interactive: false, callback: function (r) { window.__result = r; }})"
    )
    [event] = collector.wait_for("Signup")
    assert event["p"] == {"plan": "pro"}
    assert event["$"] == {"amount": 29, "currency": "EUR"}
    assert event["i"] is False
    assert event["u"] == f"{site.url}/page.html"
    assert event["d"] == "test.example"
    page.wait_for_function("window.__result")
    assert page.evaluate("window.__result") == {"status": 202}
    page.evaluate("footfall('Plain')")
    [plain] = collector.wait_for("Plain")
    assert "i" not in plain and "p" not in plain and "$" not in plain


def test_outbound_link_survives_navigation(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-outbound", build=EXT)
    page.goto(f"{site.url}/page.html")
    page.click("#internal")  # same site: not outbound
    page.wait_for_selector("#landing")
    page.go_back()
    page.click("#outbound")  # real click; the page unloads at once
    page.wait_for_selector("#landing")
    assert page.url.startswith("http://localhost:")
    [event] = collector.wait_for("Outbound Link: Click")
    assert event["p"] == {"url": f"{site.alt_origin}/landing.html"}
    assert event["u"] == f"{site.url}/page.html"


def test_file_download(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-downloads", build=EXT)
    page.goto(f"{site.url}/page.html")
    with page.expect_download():
        page.click("#download")
    [event] = collector.wait_for("File Download")
    assert event["p"] == {"url": f"{site.url}/files/report.pdf"}  # query string dropped
    page.click("#outbound")  # outbound tracking is a separate opt-in
    page.wait_for_selector("#landing")
    assert collector.events("Outbound Link: Click") == []


def test_file_download_custom_types(page: Any, site: Site, collector: Collector) -> None:
    site.tracker('data-downloads="zip, dmg"', build=EXT)
    page.goto(f"{site.url}/page.html")
    with page.expect_download():
        page.click("#download")  # pdf is not in the list
    with page.expect_download():
        page.click("#zip")
    events = collector.wait_for("File Download")
    assert [e["p"]["url"] for e in events] == [f"{site.url}/files/archive.zip"]


def test_tagged_element(page: Any, site: Site, collector: Collector) -> None:
    site.tracker(build=EXT)
    page.goto(f"{site.url}/page.html")
    page.click("#tagged-inner")  # a child of the tagged button
    [event] = collector.wait_for("Signup")
    assert event["p"] == {"plan": "pro", "label": "Big Button"}


def test_form_submissions(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-forms", build=EXT)
    page.goto(f"{site.url}/page.html")
    page.click("#contact-submit")  # the page handles this one itself (no navigation)
    [contact] = collector.wait_for("Contact")
    assert contact["p"] == {"form": "contact", "path": "/page.html"}
    page.click("#signup-submit")  # navigates to /thanks.html
    page.wait_for_selector("#thanks")
    [signup] = collector.wait_for("Form: Submission")
    assert signup["p"] == {"form": "signup", "path": "/page.html"}


def test_404_page(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-404", build=EXT)
    response = page.goto(f"{site.url}/no/such/page")
    assert response.status == 404
    [event] = collector.wait_for("404")
    assert event["p"] == {"path": "/no/such/page"}
    assert len(collector.events("pageview")) == 1
    page.goto(f"{site.url}/page.html")  # a 200 page sends no 404
    collector.wait_for("pageview", 2)
    assert len(collector.events("404")) == 1


def test_extras_are_off_without_attributes(page: Any, site: Site, collector: Collector) -> None:
    site.tracker(build=EXT)
    page.goto(f"{site.url}/page.html")
    with page.expect_download():
        page.click("#download")
    page.click("#contact-submit")
    page.click("#outbound")
    page.wait_for_selector("#landing")
    page.goto(f"{site.url}/missing")
    collector.wait_for("pageview", 2)
    assert [e["n"] for e in collector.events()] == ["pageview", "pageview"]


def hide_page(page: Any) -> None:
    """Headless pages are always visible: fake the switch to another tab."""
    page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )


def test_engagement_on_hidden(page: Any, site: Site, collector: Collector) -> None:
    site.tracker("data-engagement", build=EXT)
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(f"{site.url}/page.html")
    collector.wait_for("pageview")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(100)
    hide_page(page)
    [event] = collector.wait_for("engagement")
    assert event["u"] == f"{site.url}/page.html"
    assert event["d"] == "test.example"
    assert 300 <= event["e"] < 10_000
    assert event["sd"] == 100
    assert page.evaluate("__errors") == []


def test_engagement_on_spa_navigation_and_pagehide(
    page: Any, site: Site, collector: Collector
) -> None:
    site.tracker("data-engagement", build=EXT)
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(f"{site.url}/page.html")
    collector.wait_for("pageview")
    page.wait_for_timeout(200)
    page.evaluate("history.pushState({}, '', '/app/next')")
    [first] = collector.wait_for("engagement")
    assert first["u"] == f"{site.url}/page.html"
    assert first["e"] >= 200
    assert 0 < first["sd"] < 50  # only the first screen of a tall page was seen
    page.wait_for_timeout(200)
    page.goto(f"{site.url}/landing.html")  # pagehide
    events = collector.wait_for("engagement", 2)
    assert events[1]["u"] == f"{site.url}/app/next"
    assert events[1]["e"] >= 200
