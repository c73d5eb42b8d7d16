"""The product pages in Debian's chromium: what they show equals what the product API
answers for the same query on the same server; saving, CSV, automations, and hostile
strings from visitors shown as text."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from dashboard_env import ADMIN, DEMO, ODD_ID, PAYLOAD, PEOPLE, SCREENSHOTS, VIEWER, browser_login

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

STEPS = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
VIEWS = ("people", "events", "funnels", "retention", "paths", "cohorts")


def _idle(page) -> None:
    expect(page.locator(".loading")).to_have_count(0)


def _data(page, selector: str, key: str) -> list[str]:
    return page.locator(selector).evaluate_all(f"els => els.map(e => e.dataset.{key})")


def _csrf(page) -> str:
    return page.get_attribute("#app", "data-csrf")


def _save(page, server, kinds: str, body: dict) -> dict:
    """Save through the dashboard's own endpoint, as its JS does (CSRF header)."""
    response = page.request.post(
        f"{server.url}/sites/{DEMO}/api/product/{kinds}",
        data=json.dumps(body),
        headers={"content-type": "application/json", "x-csrf-token": _csrf(page)},
    )
    assert response.status == 201, response.text()
    return response.json()


def _build_funnel(page, steps: list[dict]) -> None:
    """Fill the step builder (two rows exist; more are added) and show the funnel."""
    for i, step in enumerate(steps):
        n = i + 1
        if i >= 2:
            page.get_by_role("button", name="+ Add step").click()
        kind = "page" if "page" in step else "event"
        page.get_by_label(f"Step {n}: page or event").select_option(kind)
        label = f"Step {n}: page path" if kind == "page" else f"Step {n}: event name"
        page.get_by_label(label).fill(step.get("page", step.get("event")))
    page.get_by_role("button", name="Show funnel").click()
    page.wait_for_selector(".fstep")
    _idle(page)


def _step_users(page) -> list[int]:
    return [int(v) for v in _data(page, "#funnel .fstep", "users")]


def test_funnel_builder_shows_the_engine_numbers_saves_and_reopens(
    dash_server, new_context, demo_api
):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/funnels")
    expect(page.locator("#funnel-empty")).to_be_visible()
    # Reordering and removing in the builder: a stray first step moved down, then removed.
    page.get_by_label("Step 1: page path").fill("/stray")
    page.get_by_role("button", name="+ Add step").click()
    page.get_by_role("button", name="Move step 1 down").click()
    expect(page.get_by_label("Step 2: page path")).to_have_value("/stray")
    page.get_by_role("button", name="Remove step 2").click()
    page.get_by_label("Conversion window").select_option("7d")
    _build_funnel(page, STEPS)
    body = {"date_range": "30d", "steps": STEPS, "window": "7d"}
    engine = demo_api.post("funnel", body)
    assert _step_users(page) == [s["users"] for s in engine["steps"]]
    assert engine["steps"][0]["users"] > 0
    assert "window=7d" in page.url and "steps=" in page.url
    meta = page.locator("#funnel .fstep").nth(1).locator(".fstep-meta").inner_text()
    assert "overall" in meta and "dropped off" in meta

    # The people who dropped off at step 2, each linking to their profile.
    page.locator("#funnel .fstep").nth(1).get_by_role(
        "button", name=re.compile("dropped off")
    ).click()
    page.wait_for_selector("#step-people li a")
    _idle(page)
    dropped = demo_api.post(
        "funnel", {**body, "people": {"step": 2, "status": "dropped", "limit": 50}}
    )
    assert page.locator("#step-people a").all_inner_texts() == dropped["people"]
    href = page.locator("#step-people a").first.get_attribute("href")
    assert href == f"/sites/{DEMO}/people/{quote(dropped['people'][0], safe='')}"

    # Save, then reopen from the list on a fresh page.
    name = f"Signup funnel {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Save funnel").click()
    page.locator("#saved li", has_text=name).wait_for()
    page.wait_for_url(re.compile(r"saved=\d+"))
    page.goto(f"{dash_server.url}/sites/{DEMO}/funnels")
    page.locator("#saved").get_by_role("button", name=name, exact=True).click()
    page.wait_for_selector(".fstep")
    _idle(page)
    assert _step_users(page) == [s["users"] for s in engine["steps"]]
    expect(page.get_by_label("Step 3: event name")).to_have_value("Signup")
    expect(page.get_by_label("Conversion window")).to_have_value("7d")
    assert context.js_errors == []


def test_people_list_profile_and_timeline(dash_server, new_context, demo_api):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/people")
    page.wait_for_selector("#people tbody a.person")
    _idle(page)
    shown = page.locator("#people tbody a.person").all_inner_texts()
    listed = demo_api.post("users", {"date_range": "30d", "pagination": {"limit": 50}})
    assert shown == [r["id"] for r in listed["results"]]
    page.get_by_role("button", name="Older →").click()
    page.wait_for_url(re.compile(r"page=2"))
    _idle(page)
    second = demo_api.post(
        "users", {"date_range": "30d", "pagination": {"limit": 50, "offset": 50}}
    )
    assert page.locator("#people tbody a.person").all_inner_texts() == [
        r["id"] for r in second["results"]
    ]
    person = page.locator("#people tbody a.person").first.inner_text()
    page.locator("#people tbody a.person").first.click()
    page.wait_for_url(re.compile(r"/people/.+"))
    page.wait_for_selector("#timeline li.entry")
    _idle(page)
    profile = demo_api.user(person, limit=50)
    assert page.get_attribute("#timeline-count", "data-total") == str(profile["events"]["total"])
    events = page.locator("#timeline li.entry .what").all_inner_texts()
    expected = [
        e["pathname"] if e["name"] == "pageview" else e["name"]
        for e in profile["events"]["results"]
    ]
    assert events == expected
    assert context.js_errors == []


def test_people_filters_and_odd_ids(dash_server, new_context, people_site):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{PEOPLE}/people?period=day")
    page.wait_for_selector("#people tbody a.person")
    _idle(page)
    assert set(page.locator("#people tbody a.person").all_inner_texts()) == {ODD_ID, PAYLOAD["id"]}
    page.get_by_role("button", name="+ Filter").click()
    page.get_by_label("Where").select_option("user:plan")
    page.get_by_label("Value").fill("pro")
    page.get_by_role("button", name="Add filter").click()
    page.wait_for_url(re.compile(r"f=user%3Aplan%3Dpro"))
    expect(page.locator("#people tbody a.person")).to_have_text([ODD_ID])
    expect(page.locator(".chip")).to_have_text(re.compile("plan \\(trait\\) is pro"))
    page.get_by_role("link", name=ODD_ID).click()
    page.wait_for_url(f"**/people/{quote(ODD_ID, safe='')}")
    page.wait_for_selector("#timeline li.entry")
    assert "Acme Zoë" in page.inner_text("#traits") and "anon-odd-1" in page.inner_text("#about")
    assert page.locator("#timeline li.entry .what").all_inner_texts() == ["Export", "/pricing"]
    assert context.js_errors == []


def test_retention_grid_has_the_engine_cohort_sizes(dash_server, new_context, demo_api):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/retention?unit=week")
    page.wait_for_selector("#grid tbody tr")
    _idle(page)
    engine = demo_api.post("retention", {"date_range": "30d", "period": "week"})
    rows = page.locator("#grid tbody tr")
    cohorts, sizes = _data(page, "#grid tbody tr", "cohort"), _data(page, "#grid td.size", "size")
    shown = dict(zip(cohorts, sizes, strict=True))
    assert shown == {c["cohort"]: str(c["size"]) for c in engine["cohorts"]}
    shares = [float(v) for v in _data(page, "#grid td.heat:not(.none)", "share")]
    assert shares == [p["share"] for c in engine["cohorts"] for p in c["periods"]]
    assert rows.count() == len(engine["cohorts"]) > 0
    assert page.locator("#chart polyline").count() == 1
    page.get_by_label("Cohorts by").select_option("day")
    page.wait_for_url(re.compile(r"unit=day"))
    _idle(page)
    by_day = demo_api.post("retention", {"date_range": "30d", "period": "day"})
    assert _data(page, "#grid td.size", "size") == [str(c["size"]) for c in by_day["cohorts"]]
    assert context.js_errors == []


def test_segmentation_chart_and_totals(dash_server, new_context, demo_api):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/events?interval=day")
    page.wait_for_selector("#totals tbody tr")
    _idle(page)

    def shown() -> dict[tuple[str, str], tuple[int, int]]:
        rows = page.locator("#totals tbody tr")
        out = {}
        for i in range(rows.count()):
            row = rows.nth(i)
            cells = row.locator("td").all_inner_texts()
            key = (row.get_attribute("data-event"), cells[1] if len(cells) == 5 else "")
            out[key] = (
                int(row.locator("td.total").get_attribute("data-value")),
                int(row.locator("td.users").get_attribute("data-value")),
            )
        return out

    def expected(result: dict) -> dict[tuple[str, str], tuple[int, int]]:
        return {
            (r["event"], r.get("breakdown", "")): (r["totals"]["total"], r["totals"]["users"])
            for r in result["results"]
        }

    engine = demo_api.post("segmentation", {"date_range": "30d", "interval": "day"})
    assert shown() == expected(engine)
    lines = min(8, len(engine["results"]))
    assert page.locator("#chart polyline").count() == lines
    assert page.locator("#legend li").count() == lines

    page.get_by_label("Add an event").fill("Signup")
    page.get_by_role("button", name="Add event").click()
    page.wait_for_url(re.compile(r"e=Signup"))
    _idle(page)
    page.get_by_label("Breakdown").select_option("visit:device")
    page.wait_for_url(re.compile(r"by=visit%3Adevice"))
    _idle(page)
    body = {
        "date_range": "30d",
        "interval": "day",
        "events": ["Signup"],
        "breakdown": "visit:device",
    }
    assert shown() == expected(demo_api.post("segmentation", body))
    page.get_by_label("Interval").select_option("week")
    page.wait_for_url(re.compile(r"interval=week"))
    _idle(page)
    assert page.locator("#chart polyline").count() >= 1
    assert context.js_errors == []


def test_paths_tree_expands(dash_server, new_context, demo_api):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/paths?start=page:/pricing&depth=3&width=5")
    page.wait_for_selector("#tree [role=treeitem]")
    _idle(page)
    engine = demo_api.post(
        "paths", {"date_range": "30d", "start": {"page": "/pricing"}, "depth": 3, "width": 5}
    )
    top = page.locator("#tree > ul > li")
    assert _data(page, "#tree > ul > li", "label") == [
        c["label"] for c in engine["tree"]["children"]
    ]
    people = top.locator(":scope > .node-row [data-people]")
    assert [int(v) for v in people.evaluate_all("els => els.map(e => e.dataset.people)")] == [
        c["people"] for c in engine["tree"]["children"]
    ]
    if any(c["label"] == "(end)" for c in engine["tree"]["children"]):
        assert "End of path" in page.inner_text("#tree")
    items = page.locator("#tree li[role=treeitem]")
    item = items.nth(items.evaluate_all("els => els.findIndex(e => e.ariaExpanded === 'false')"))
    closed = item.locator(":scope > .node-row button.toggle")
    expect(closed).to_have_attribute("aria-label", re.compile("^Expand "))
    group = item.locator(":scope > ul[role=group]")
    expect(group).to_be_hidden()
    closed.click()
    expect(item).to_have_attribute("aria-expanded", "true")
    expect(group).to_be_visible()
    assert group.locator(":scope > li").count() >= 1
    page.get_by_label("Show").select_option("before")
    page.get_by_role("button", name="Show paths").click()
    page.wait_for_url(re.compile(r"dir=before"))
    _idle(page)
    assert "Before /pricing" in page.inner_text("#tree-title")
    assert context.js_errors == []


def test_cohort_builder_csv_and_cohort_filter(dash_server, new_context, demo_api, tmp_path):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/cohorts")
    page.get_by_label("Condition 1: page or event").select_option("event")
    page.get_by_label("Condition 1: page path (* matches anything) or event name").fill("Signup")
    page.get_by_role("button", name="+ Did not…").click()
    page.get_by_label("Condition 2: page or event").select_option("page")
    page.get_by_label("Condition 2: page path (* matches anything) or event name").fill("/nowhere")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#preview .size")
    definition = {
        "match": "all",
        "conditions": [
            {"did": {"event": "Signup"}, "at_least": 1},
            {"did_not": {"page": "/nowhere"}},
        ],
    }
    members = demo_api.post("cohort", {"cohort": definition, "pagination": {"limit": 10_000}})
    assert page.get_attribute("#preview .size", "data-size") == str(members["total"])
    assert members["total"] > 0
    name = f"Signed up {uuid.uuid4().hex[:6]}"
    page.fill("#cohort-name", name)
    page.get_by_role("button", name="Save cohort").click()
    row = page.locator("#cohorts tbody tr", has_text=name)
    row.locator("td.size[data-size]").wait_for()
    assert row.locator("td.size").get_attribute("data-size") == str(members["total"])
    assert row.locator("svg.spark polyline").count() == 1
    assert "did Signup" in row.inner_text() and "did not do /nowhere" in row.inner_text()

    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    saved = Path(tmp_path / "members.csv")
    download.value.save_as(saved)
    assert saved.read_text().splitlines() == ["person", *members["people"]]

    cohort_id = row.get_attribute("data-cohort")
    row.get_by_role("link", name="Funnels").click()
    page.wait_for_url(re.compile(rf"/funnels\?cohort={cohort_id}$"))
    expect(page.locator("#cohort option:checked")).to_have_text(name)
    _build_funnel(page, STEPS)
    assert f"cohort={cohort_id}" in page.url
    engine = demo_api.post(
        "funnel", {"date_range": "30d", "steps": STEPS, "cohort": int(cohort_id)}
    )
    assert _step_users(page) == [s["users"] for s in engine["steps"]]
    everyone = demo_api.post("funnel", {"date_range": "30d", "steps": STEPS})
    assert engine["steps"][0]["users"] < everyone["steps"][0]["users"]
    # The selector changes the cohort (back to everyone) and keeps the steps.
    page.get_by_label("Cohort", exact=True).select_option("")
    page.wait_for_url(lambda url: "cohort=" not in url)
    _idle(page)
    assert _step_users(page) == [s["users"] for s in everyone["steps"]]
    assert context.js_errors == []


def test_automation_form_round_trip(dash_server, new_context, demo_api):
    context = new_context()
    page = browser_login(context, dash_server, ADMIN)
    page.goto(f"{dash_server.url}/sites/{DEMO}/cohorts")
    cohort = _save(
        page,
        dash_server,
        "cohorts",
        {
            "name": f"Buyers {uuid.uuid4().hex[:6]}",
            "cohort": {"conditions": [{"did": {"event": "Purchase"}}]},
        },
    )
    page.reload()
    expect(page.locator("#auto-cohort option", has_text=cohort["name"])).to_have_count(1)
    hook_name, mail_name = f"hook {uuid.uuid4().hex[:6]}", f"mail {uuid.uuid4().hex[:6]}"
    page.fill("#auto-name", hook_name)
    page.get_by_label("When someone enters").select_option(str(cohort["id"]))
    page.get_by_label("URL").fill("https://hooks.example.com/footfall")
    page.get_by_label("Signing secret").fill("browser-hook-secret-1")
    page.get_by_role("button", name="Add automation").click()
    row = page.locator("#automations tbody tr", has_text=hook_name)
    row.wait_for()
    assert "https://hooks.example.com/footfall" in row.inner_text()
    assert cohort["name"] in row.inner_text()
    expect(page.get_by_label("Signing secret")).to_have_value("")

    page.get_by_label("E-mail", exact=True).check()
    expect(page.get_by_label("URL")).to_be_hidden()
    page.fill("#auto-name", mail_name)
    page.get_by_label("When someone enters").select_option(str(cohort["id"]))
    page.get_by_label("Recipients").fill("team@example.com, boss@example.com")
    page.get_by_label("SMTP host").fill("mail.example.com")
    page.get_by_label("Port").fill("2525")
    page.get_by_label("Sender").fill("footfall@example.com")
    page.get_by_label("User name").fill("mailer")
    page.get_by_label("Password").fill("browser-smtp-password-1")
    page.get_by_label("STARTTLS").uncheck()
    page.get_by_label("Subject").fill("$person entered $cohort")
    page.get_by_role("button", name="Add automation").click()
    page.locator("#automations tbody tr", has_text=mail_name).wait_for()
    assert "team@example.com, boss@example.com" in page.inner_text("#automations")

    saved = {a["name"]: a["automation"] for a in demo_api.get("automations").json()["results"]}
    assert saved[hook_name] == {
        "cohort": cohort["id"],
        "channel": "webhook",
        "notify_existing": False,
        "url": "https://hooks.example.com/footfall",
        "secret": "***",
    }
    assert saved[mail_name]["smtp"] == {
        "host": "mail.example.com",
        "port": 2525,
        "starttls": False,
        "sender": "footfall@example.com",
        "username": "mailer",
        "password": "***",
    }
    assert saved[mail_name]["to"] == ["team@example.com", "boss@example.com"]
    page.reload()
    page.locator("#automations tbody tr", has_text=mail_name).wait_for()
    assert "browser-hook-secret-1" not in page.content()
    assert "browser-smtp-password-1" not in page.content()

    delete = page.get_by_role("button", name=f"Delete automation {hook_name}")
    delete.click()
    expect(delete).to_have_text("Click again to delete")
    delete.click()
    expect(page.locator("#automations tbody tr", has_text=hook_name)).to_have_count(0)
    assert hook_name not in {a["name"] for a in demo_api.get("automations").json()["results"]}
    assert context.js_errors == []


def test_viewer_reads_but_cannot_save(dash_server, new_context):
    context = new_context()
    page = browser_login(context, dash_server, VIEWER)
    page.goto(f"{dash_server.url}/sites/{DEMO}/funnels")
    expect(page.locator("#saved li").first).to_be_visible()
    assert page.locator("#save-form").count() == 0
    assert page.get_by_role("button", name=re.compile("^Delete")).count() == 0
    page.goto(f"{dash_server.url}/sites/{DEMO}/cohorts")
    page.wait_for_selector("#cohorts tbody tr, #cohorts-empty:not([hidden])")
    assert page.locator("#auto-form").count() == 0 and page.locator("#save-cohort").count() == 0
    assert page.locator("text=Settings").count() == 0
    assert context.js_errors == []


def test_every_product_page_fits_a_phone_without_errors(dash_server, new_context):
    for scheme in ("light", "dark"):
        context = new_context(color_scheme=scheme)
        page = browser_login(context, dash_server, ADMIN)
        page.set_viewport_size({"width": 390, "height": 844})
        for view in VIEWS:
            page.goto(f"{dash_server.url}/sites/{DEMO}/{view}")
            page.wait_for_load_state("networkidle")
            _idle(page)
            assert page.locator("#error").is_hidden(), page.inner_text("#error")
            assert page.evaluate("document.documentElement.scrollWidth <= 390"), view
        assert context.js_errors == []


def test_visitor_supplied_strings_are_text_on_product_pages(dash_server, new_context, people_site):
    """Ids, traits, trait names, event names, property keys and values, and paths hold
    HTML and script: every product page shows them literally, and nothing runs."""
    context = new_context(bypass_csp=True)  # only the rendering itself protects
    page = browser_login(context, dash_server, ADMIN)
    base = f"{dash_server.url}/sites/{PEOPLE}"

    page.goto(f"{base}/people?period=day&t=plan")
    page.wait_for_selector("#people tbody a.person")
    _idle(page)
    page.get_by_text("Trait columns").click()
    page.get_by_role("checkbox", name=PAYLOAD["trait_key"]).check()
    page.wait_for_url(re.compile(r"t=plan&t=%3Cb"))
    _idle(page)
    table = page.text_content("#people")  # headers are upper-cased by CSS
    assert PAYLOAD["id"] in table and PAYLOAD["trait_key"] in table and PAYLOAD["trait"] in table

    page.get_by_role("link", name=PAYLOAD["id"]).click()
    page.wait_for_selector("#timeline li.entry")
    assert PAYLOAD["id"] in page.inner_text("#person-title")
    traits = page.inner_text("#traits")
    assert PAYLOAD["trait_key"] in traits and PAYLOAD["trait"] in traits
    timeline = page.inner_text("#timeline")
    for key in ("event", "prop_key", "prop", "path"):
        assert PAYLOAD[key] in timeline, key

    page.goto(f"{base}/people?period=day")
    page.get_by_role("button", name="+ Filter").click()
    page.get_by_label("Where").select_option(f"user:{PAYLOAD['trait_key']}")
    page.get_by_label("Value").fill(PAYLOAD["trait"])
    page.get_by_role("button", name="Add filter").click()
    page.wait_for_url(re.compile(r"f=user"))
    page.reload()  # the filter survives the URL (a '=' in the trait name is escaped there)
    page.wait_for_selector(".chip")
    _idle(page)
    assert PAYLOAD["trait"] in page.inner_text(".chip")
    assert PAYLOAD["trait_key"] in page.inner_text(".chip")
    expect(page.locator("#people tbody a.person")).to_have_text([PAYLOAD["id"]])

    page.goto(f"{base}/events?period=day")
    page.wait_for_selector("#totals tbody tr")
    _idle(page)
    assert PAYLOAD["event"] in page.inner_text("#totals") and PAYLOAD["event"] in page.inner_text(
        "#legend"
    )
    page.get_by_label("Breakdown").select_option(f"event:props:{PAYLOAD['prop_key']}")
    _idle(page)
    assert PAYLOAD["prop"] in page.inner_text("#totals")

    steps = [{"page": "/pricing"}, {"event": PAYLOAD["event"]}]
    page.goto(f"{base}/funnels?period=day&steps={quote(json.dumps(steps))}")
    page.wait_for_selector(".fstep")
    _idle(page)
    assert PAYLOAD["event"] in page.inner_text("#funnel")
    assert _step_users(page) == [2, 1]
    page.locator("#funnel .fstep").nth(1).get_by_role(
        "button", name=re.compile("converted")
    ).click()
    page.get_by_role("link", name=PAYLOAD["id"]).wait_for()
    assert page.inner_text("#step-people") == PAYLOAD["id"]

    page.goto(f"{base}/paths?period=day&start=page:/pricing")
    page.wait_for_selector("#tree [role=treeitem]")
    _idle(page)
    assert PAYLOAD["event"] in page.inner_text("#tree")

    page.goto(f"{base}/retention?period=day")
    page.wait_for_selector("#grid tbody tr")

    page.goto(f"{base}/cohorts")
    page.get_by_label("Condition 1: page or event").select_option("event")
    page.get_by_label("Condition 1: page path (* matches anything) or event name").fill(
        PAYLOAD["event"]
    )
    page.get_by_role("button", name="+ Trait is…").click()
    page.get_by_label("Condition 2: trait").fill(PAYLOAD["trait_key"])
    page.get_by_label("Condition 2: value").fill(PAYLOAD["trait"])
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#preview .size")
    assert page.get_attribute("#preview .size", "data-size") == "1"
    assert page.inner_text("#preview ul") == PAYLOAD["id"]

    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert context.dialogs == []
    assert context.js_errors == []


def test_product_screenshots(dash_server, new_context, demo_api, tmp_path):
    """Funnels, retention, a person and cohorts on the demo data, for the README
    (written to docs/screenshots with FOOTFALL_SCREENSHOTS=1)."""
    out = SCREENSHOTS if os.environ.get("FOOTFALL_SCREENSHOTS") else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    page = browser_login(new_context(color_scheme="light"), dash_server, ADMIN)
    site = f"{dash_server.url}/sites/{DEMO}"

    steps = [{"page": "/"}, {"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
    page.goto(f"{site}/funnels?steps={quote(json.dumps(steps))}&window=7d&by=visit:device")
    page.wait_for_selector(".fstep")
    page.wait_for_selector("#breakdown-card:not([hidden])")
    _idle(page)
    page.screenshot(path=out / "funnel.png", full_page=True)

    page.goto(f"{site}/retention?unit=week")
    page.wait_for_selector("#grid tbody tr")
    _idle(page)
    page.screenshot(path=out / "retention.png", full_page=True)

    traits = page.request.get(f"{site}/api/product/traits").json()["keys"]
    found = demo_api.post(
        "users", {"date_range": "30d", "traits": traits[:5], "pagination": {"limit": 500}}
    )
    identified = [r for r in found["results"] if r["traits"]]
    if identified:
        busiest = max(identified, key=lambda r: r["events"])["id"]
        page.goto(f"{site}/people/{quote(busiest, safe='')}")
        page.wait_for_selector("#timeline li.entry")
    else:
        page.goto(f"{site}/people")
        page.wait_for_selector("#people tbody a.person")
    _idle(page)
    page.screenshot(path=out / "people.png")

    page.goto(f"{site}/cohorts")
    for name, definition in (
        ("Signed up this month", {"conditions": [{"did": {"event": "Signup"}, "within_days": 30}]}),
        (
            "Saw pricing, did not sign up",
            {
                "conditions": [
                    {"did": {"page": "/pricing"}, "at_least": 2},
                    {"did_not": {"event": "Signup"}},
                ]
            },
        ),
    ):
        _save(page, dash_server, "cohorts", {"name": name, "cohort": definition})
    page.reload()
    page.wait_for_selector("#cohorts tbody tr td.size[data-size]")
    expect(page.locator("#cohorts td.size:not([data-size])")).to_have_count(0)
    page.screenshot(path=out / "cohorts.png", full_page=True)
    for name in ("funnel", "retention", "people", "cohorts"):
        assert (out / f"{name}.png").stat().st_size > 5_000
