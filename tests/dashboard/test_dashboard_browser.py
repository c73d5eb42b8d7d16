"""The dashboard in Debian's chromium against a real server with demo data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest
from dashboard_env import (
    ADMIN,
    DEMO,
    OTHER,
    SCREENSHOTS,
    VIEWER,
    XSS,
    browser_login,
    send_event,
)
from server import ServerProcess

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def _stat(page, label: str) -> str:
    return page.locator(".stat", has_text=label).locator(".stat-value").inner_text()


def _wait_loaded(page) -> None:
    page.wait_for_selector(".stat .stat-value")
    page.wait_for_selector(".panel .rows li button")
    expect(page.locator(".loading")).to_have_count(0)


class FirstRunServer(ServerProcess):
    """A server whose stdout is kept, to read the setup link it prints."""

    def start(self) -> FirstRunServer:
        self.log = self.data_dir.parent / "stdout.txt"
        self.data_dir.mkdir(parents=True)
        with self.log.open("wb") as out, (self.data_dir.parent / "stderr.txt").open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "footfall.cli", "serve"],
                env=self.env,
                stdout=out,
                stderr=err,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "setup?token=" not in self.log.read_text():
            assert self.process.poll() is None, "server exited"
            time.sleep(0.1)
        return self

    def setup_url(self) -> str:
        found = re.search(r"(http://\S+/setup\?token=\S+)", self.log.read_text())
        assert found
        return found.group(1)


def test_first_run_setup_add_site_and_empty_state(tmp_path, new_context):
    server = FirstRunServer(tmp_path / "data").start()
    try:
        page = new_context().new_page()
        page.goto(server.url + "/")
        assert "There is no account yet" in page.content()
        page.goto(server.url + "/setup?token=wrong")
        assert "not valid" in page.content()
        page.goto(server.setup_url())
        page.get_by_label("E-mail").fill("owner@example.com")
        page.get_by_label("Password", exact=False).first.fill("first-password")
        page.get_by_label("Password again").fill("first-password")
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url("**/sites/new")
        page.get_by_label("Domain").fill("https://www.new-site.example/")
        page.get_by_role("button", name="Add site").click()
        page.wait_for_url("**/sites/new-site.example/settings")
        assert 'data-domain="new-site.example"' in page.locator("pre.snippet").first.inner_text()
        assert "footfall_client import Provider" in page.content()
        page.get_by_role("link", name="Open dashboard").click()
        page.wait_for_selector("#empty:not([hidden])")
        assert "paste its snippet" in page.locator("#empty").inner_text()
        # The token works once.
        assert httpx.get(server.setup_url()).status_code == 404
    finally:
        server.stop()


def test_dashboard_filter_range_compare_and_logout(dash_server, new_context):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    assert DEMO in page.inner_text(".sites") and page.locator(".spark").count() >= 1
    page.goto(f"{dash_server.url}/sites/{DEMO}")
    _wait_loaded(page)
    before = _stat(page, "Unique visitors")
    assert before != "0" and before[0].isdigit()

    sources = page.locator(".panel", has_text="Sources")
    first = sources.locator(".rows li button").first
    name = first.locator(".row-label").inner_text()
    first.click()
    page.wait_for_selector(".chip")
    assert name in page.inner_text(".chip")
    assert "f=visit%3Asource%3D" in page.url
    _wait_loaded(page)
    assert _stat(page, "Unique visitors") != before

    # The filtered view survives a reload (it lives in the URL); removing the chip undoes it.
    page.reload()
    _wait_loaded(page)
    assert page.locator(".chip").count() == 1
    page.get_by_role("button", name=re.compile("Remove filter")).click()
    page.wait_for_url(lambda url: "f=" not in url)
    _wait_loaded(page)
    assert _stat(page, "Unique visitors") == before

    page.select_option("#period", "7d")
    page.wait_for_url(re.compile(r"period=7d"))
    _wait_loaded(page)
    assert _stat(page, "Unique visitors") != before

    page.select_option("#compare", "previous_period")
    page.wait_for_url(re.compile(r"compare=previous_period"))
    page.wait_for_selector(".chart polyline.previous")
    assert page.locator(".stat .change").count() == 6

    page.get_by_role("button", name="Total pageviews").click()
    page.wait_for_url(re.compile(r"metric=pageviews"))

    first_day = (date.today() - timedelta(days=10)).isoformat()
    last_day = (date.today() - timedelta(days=8)).isoformat()
    page.select_option("#period", "custom")
    page.get_by_label("From", exact=True).fill(first_day)
    page.get_by_label("To", exact=True).fill(last_day)
    page.wait_for_url(re.compile(f"from={first_day}&to={last_day}"))
    _wait_loaded(page)
    assert page.locator(".chart text.axis", has_text=last_day[5:]).count() == 1
    assert context.js_errors == []

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto(f"{dash_server.url}/sites/{DEMO}")
    assert "/login?next=" in page.url


def test_filter_on_a_property_key_with_an_equals_sign(dash_server, new_context):
    """`f=<dim>=<value>` in the URL: a '=' inside the key is escaped, so it survives."""
    page = browser_login(new_context(), dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}?f=event%3Aprops%3Aa%253Db%3Dx%3Dy")
    page.wait_for_selector(".chip")
    assert page.inner_text(".chip").replace("\n", " ").startswith("Property a=b is x=y")
    page.locator(".chip-x").click()
    page.wait_for_function("!location.search.includes('f=')")
    page.go_back()
    page.wait_for_selector(".chip")
    assert "a=b" in page.inner_text(".chip")


def test_details_search_and_csv(dash_server, new_context):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/details?dim=event:page")
    page.wait_for_selector("#table tbody tr td a")
    assert page.locator("#table tbody tr").count() > 9
    page.get_by_label("Search").fill("blog")
    expect(page.locator("#table tbody td a").filter(has_not_text="blog")).to_have_count(0)
    href = page.get_attribute("#csv", "href")
    response = page.request.get(dash_server.url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text().splitlines()
    assert lines[0].startswith("event:page,") and all("blog" in line for line in lines[1:])
    assert context.js_errors == []


def test_live_feed_shows_a_new_event(dash_server, new_context):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/live")
    page.wait_for_selector("#feed tbody tr")
    path = f"/live-{uuid.uuid4().hex[:8]}"
    send_event(
        dash_server,
        {
            "name": "pageview",
            "url": f"https://{DEMO}{path}",
            "domain": DEMO,
            "referrer": "https://news.ycombinator.com/item?id=1",
        },
    )
    row = page.locator("#feed tbody tr", has_text=path)
    row.wait_for(timeout=10_000)
    assert "Chrome" in row.inner_text()
    assert int(page.inner_text("#current")) >= 1
    assert context.js_errors == []


def test_share_link_works_logged_out_until_revoked(dash_server, new_context):
    admin = browser_login(new_context(), dash_server, ADMIN)
    admin.goto(f"{dash_server.url}/sites/{DEMO}/settings")
    form = admin.locator("form", has=admin.locator("input[value=create_share]"))
    form.get_by_label("Name").fill("public")
    form.get_by_role("button", name="Create link").click()
    link = admin.locator("a.share-link").last.get_attribute("href")

    visitor = new_context().new_page()
    visitor.goto(dash_server.url + link)
    _wait_loaded(visitor)
    assert visitor.locator("text=Log out").count() == 0
    assert visitor.locator("text=Settings").count() == 0

    row = admin.locator("tr", has=admin.locator(f"a[href='{link}']"))
    row.get_by_role("button", name="Revoke").click()
    admin.wait_for_selector("text=Shared link revoked.")
    response = visitor.goto(dash_server.url + link)
    assert response.status == 404


def test_viewer_cannot_open_another_site(dash_server, new_context):
    page = browser_login(new_context(), dash_server, VIEWER)
    assert OTHER not in page.inner_text("main")
    response = page.goto(f"{dash_server.url}/sites/{OTHER}")
    assert response.status == 404
    api = page.request.get(f"{dash_server.url}/sites/{OTHER}/api/realtime")
    assert api.status == 404


PAYLOADS = {
    "path": "/<img src=x onerror=window.__pwned=1;alert(1)>",
    "utm": "<script>window.__pwned=2;alert(2)</script>",
    "event": "<svg onload=alert(3)>",
    "prop": '"><script>window.__pwned=4;alert(4)</script>',
    "key": "<b onmouseover=alert(5)>k</b>",
}


def test_visitor_supplied_strings_are_text_never_html(dash_server, new_context):
    send_event(
        dash_server,
        {
            "name": "pageview",
            "domain": XSS,
            "referrer": "javascript:alert(1)",
            "url": f"https://{XSS}{PAYLOADS['path']}?utm_source={PAYLOADS['utm']}",
        },
    )
    send_event(
        dash_server,
        {
            "name": PAYLOADS["event"],
            "domain": XSS,
            "url": f"https://{XSS}/x",
            "props": {PAYLOADS["key"]: PAYLOADS["prop"]},
        },
    )
    # Without the CSP, so that only the rendering itself (textContent, autoescape) protects.
    context = new_context(bypass_csp=True)
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{XSS}?period=day")
    _wait_loaded(page)
    pages = page.locator(".panel", has_text="Pages")
    pages.locator(".row-label", has_text="onerror").wait_for()
    assert PAYLOADS["path"] in pages.inner_text()
    goals = page.locator(".panel", has_text="Goals")
    goals.locator(".row-label", has_text="svg").wait_for()
    assert PAYLOADS["event"] in goals.inner_text()
    goals.get_by_role("tab", name="Properties").click()
    goals.locator(".row-label", has_text="script").wait_for()
    assert PAYLOADS["prop"] in goals.inner_text()
    assert goals.get_by_label("Properties breakdown").inner_text() == PAYLOADS["key"]
    sources = page.locator(".panel", has_text="Sources")
    sources.get_by_role("tab", name="UTM").click()
    sources.get_by_label("UTM breakdown").select_option("visit:utm_source")
    sources.locator(".row-label", has_text="script").wait_for()
    assert PAYLOADS["utm"] in sources.inner_text()
    # Filtering by a payload puts it in a chip and the URL, still as text.
    sources.locator(".rows li button").first.click()
    page.wait_for_selector(".chip")
    assert PAYLOADS["utm"] in page.inner_text(".chip")
    page.reload()
    _wait_loaded(page)
    page.goto(f"{dash_server.url}/sites/{XSS}/details?period=day&dim=event:page")
    page.wait_for_selector("#table tbody td a")
    assert PAYLOADS["path"] in page.inner_text("#table")
    page.goto(f"{dash_server.url}/sites/{XSS}/live")
    page.locator("#feed tbody tr", has_text="onerror").wait_for()
    assert PAYLOADS["event"] in page.inner_text("#feed")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert context.dialogs == []
    assert context.js_errors == []


def test_screenshots(dash_server, new_context, tmp_path):
    """The main pages, saved for the README (to docs/screenshots with FOOTFALL_SCREENSHOTS=1)."""
    out = SCREENSHOTS if os.environ.get("FOOTFALL_SCREENSHOTS") else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    light = new_context(color_scheme="light")
    page = light.new_page()
    page.goto(f"{dash_server.url}/login")
    page.screenshot(path=out / "login.png")
    page = browser_login(light, dash_server, ADMIN)
    page.screenshot(path=out / "sites.png")
    page.goto(f"{dash_server.url}/sites/{DEMO}?period=7d")
    _wait_loaded(page)
    page.screenshot(path=out / "dashboard.png", full_page=True)
    page.goto(f"{dash_server.url}/sites/{DEMO}/details?dim=visit:source")
    page.wait_for_selector("#table tbody td a")
    page.screenshot(path=out / "details.png")
    page.goto(f"{dash_server.url}/sites/{DEMO}/live")
    page.wait_for_selector("#feed tbody tr")
    page.screenshot(path=out / "live.png")
    page.goto(f"{dash_server.url}/sites/{DEMO}/settings")
    page.screenshot(path=out / "settings.png", full_page=True)

    dark = new_context(color_scheme="dark")
    page = browser_login(dark, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}?period=7d&compare=previous_period")
    _wait_loaded(page)
    page.screenshot(path=out / "dashboard-dark.png", full_page=True)

    phone = new_context(color_scheme="light")
    page = browser_login(phone, dash_server, ADMIN)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{dash_server.url}/sites/{DEMO}")
    _wait_loaded(page)
    page.screenshot(path=out / "phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= 390")
    for name in (
        "login",
        "sites",
        "dashboard",
        "details",
        "live",
        "settings",
        "dashboard-dark",
        "phone",
    ):
        assert (out / f"{name}.png").stat().st_size > 5_000
