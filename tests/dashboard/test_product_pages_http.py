"""The product pages and their JSON endpoints over HTTP: access, equality with the product
engine (through the bearer-key API on the same server), errors, saving, shared links."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import quote

import httpx
import pytest
from dashboard_env import ADMIN, DEMO, ODD_ID, OTHER, PAYLOAD, PEOPLE, VIEWER, csrf_from

from footfall.web.dashboard.assets import ASSETS
from footfall.web.dashboard.format import human_duration

VIEWS = ("people", "events", "funnels", "retention", "paths", "cohorts")
STEPS = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
BUDGET_GZIP_BYTES = 150 * 1024


def product(client: httpx.Client, site: str, kind: str, body: object) -> httpx.Response:
    return client.get(f"/sites/{site}/api/product/{kind}", params={"q": json.dumps(body)})


def page_csrf(client: httpx.Client, path: str) -> str:
    found = re.search(r'data-csrf="([0-9a-f]+)"', client.get(path).text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def send(client: httpx.Client, method: str, path: str, token: str | None, body=None):
    headers = {"x-csrf-token": token} if token else {}
    return client.request(method, path, json=body, headers=headers)


# ---- pages -----------------------------------------------------------------------------------


def test_pages_need_login(clients):
    anon = clients.anon()
    for view in VIEWS:
        response = anon.get(f"/sites/{DEMO}/{view}")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert anon.get(f"/sites/{DEMO}/people/user-1").status_code == 303
    api = product(anon, DEMO, "funnel", {"steps": STEPS})
    assert api.status_code == 401 and api.json() == {"error": "log in first"}
    assert anon.get(f"/sites/{DEMO}/api/product/cohorts").status_code == 401


def test_pages_for_users_given_the_site_only(clients):
    viewer = clients.login(VIEWER)
    for view in VIEWS:
        page = viewer.get(f"/sites/{DEMO}/{view}")
        assert page.status_code == 200, view
        assert f'data-page="{view}"' in page.text
        assert "content-security-policy" in page.headers
        assert viewer.get(f"/sites/{OTHER}/{view}").status_code == 404
    for kind in ("funnel", "retention", "segmentation", "paths", "users"):
        answer = product(viewer, OTHER, kind, {"steps": STEPS})
        assert answer.status_code == 404 and "error" in answer.json()
    assert viewer.get(f"/sites/{OTHER}/api/product/users/u1").status_code == 404
    assert viewer.get(f"/sites/{OTHER}/api/product/cohorts").status_code == 404
    assert viewer.get(f"/sites/{OTHER}/api/product/traits").status_code == 404
    admin = clients.login(ADMIN)
    assert admin.get(f"/sites/{OTHER}/funnels").status_code == 200


def test_site_tabs_and_the_page_script(clients):
    viewer = clients.login(VIEWER)
    html = viewer.get(f"/sites/{DEMO}/funnels").text
    tabs = re.findall(r'<a href="([^"]+)"[^>]*>(\w+)</a>', html.split('aria-label="Site views"')[1])
    assert [label for _href, label in tabs] == [
        "Dashboard",
        "Live",
        "People",
        "Events",
        "Funnels",
        "Retention",
        "Paths",
        "Cohorts",
    ]  # a viewer has no Settings tab
    assert re.search(r'href="/sites/demo.footfall.dev/funnels"[^>]*aria-current="page"', html)
    assert re.search(r'src="/static/funnels\.[0-9a-f]{12}\.js"', html)
    owner_tabs = clients.login(ADMIN).get(f"/sites/{DEMO}/people").text
    assert f'href="/sites/{DEMO}/settings"' in owner_tabs


def test_profile_page_takes_any_id(clients, people_site):
    admin = clients.login(ADMIN)
    odd = admin.get(f"/sites/{PEOPLE}/people/{quote(ODD_ID, safe='')}")
    assert odd.status_code == 200 and f'data-person="{ODD_ID}"' in odd.text
    hostile = admin.get(f"/sites/{PEOPLE}/people/{quote(PAYLOAD['id'], safe='')}")
    assert hostile.status_code == 200
    assert PAYLOAD["id"] not in hostile.text  # only ever escaped
    assert 'data-person="&lt;img src=x onerror=window.__pwned=1&gt;"' in hostile.text
    assert admin.get(f"/sites/{PEOPLE}/people/").status_code == 404


# ---- the JSON endpoints answer what the engine answers ---------------------------------------

BODIES = {
    "funnel": {"date_range": "30d", "steps": STEPS, "window": "7d", "breakdown": "visit:device"},
    "retention": {"date_range": "30d", "period": "week"},
    "segmentation": {"date_range": "30d", "interval": "day", "breakdown": "visit:device"},
    "paths": {"date_range": "30d", "start": {"page": "/pricing"}, "depth": 2, "width": 3},
    "users": {"date_range": "30d", "traits": ["plan"], "pagination": {"limit": 20, "offset": 5}},
}


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_queries_equal_the_product_api(clients, demo_api, kind):
    viewer = clients.login(VIEWER)
    body = BODIES[kind]
    shown = product(viewer, DEMO, kind, body)
    assert shown.status_code == 200, shown.text
    assert shown.json() == demo_api.post(kind, body)


def test_funnel_people_and_filters_equal_the_product_api(clients, demo_api):
    viewer = clients.login(VIEWER)
    body = {
        "date_range": "30d",
        "steps": STEPS,
        "filters": [["is_not", "visit:device", ["Tablet"]]],
        "people": {"step": 2, "status": "dropped", "limit": 30},
    }
    shown = product(viewer, DEMO, "funnel", body).json()
    assert shown == demo_api.post("funnel", body) and shown["people"]


def test_the_site_comes_from_the_path(clients, demo_api):
    viewer = clients.login(VIEWER)
    body = {"site_id": OTHER, "date_range": "30d", "pagination": {"limit": 5}}
    shown = product(viewer, DEMO, "users", body).json()
    assert shown == demo_api.post("users", {**body, "site_id": DEMO})


def test_profiles_equal_the_product_api(clients, people_site):
    admin = clients.login(ADMIN)
    for person in (ODD_ID, PAYLOAD["id"]):
        path = f"/sites/{PEOPLE}/api/product/users/{quote(person, safe='')}"
        shown = admin.get(path, params={"limit": 2, "offset": 1})
        assert shown.status_code == 200
        assert shown.json() == people_site.user(person, limit=2, offset=1)
        assert shown.json()["id"] == person and shown.json()["traits"]
    odd = admin.get(f"/sites/{PEOPLE}/api/product/users/{quote(ODD_ID, safe='')}").json()
    assert odd["traits"] == {"company": "Acme Zoë", "email": "zoe@example.com", "plan": "pro"}
    assert odd["identities"] == ["anon-odd-1"]
    assert [e["name"] for e in odd["events"]["results"]] == ["Export", "pageview"]


def test_trait_keys_in_use(clients, people_site):
    admin = clients.login(ADMIN)
    keys = admin.get(f"/sites/{PEOPLE}/api/product/traits").json()["keys"]
    assert {"plan", "company", "email", PAYLOAD["trait_key"]} <= set(keys)


@pytest.mark.parametrize(
    ("kind", "body", "path"),
    [
        ("funnel", {"steps": [{"page": "/"}]}, "steps:"),
        ("funnel", {"steps": [{"page": "/"}, {"event": 3}]}, "steps[1].event:"),
        ("funnel", {"steps": STEPS, "window": "2 days"}, "window:"),
        ("funnel", {"steps": STEPS, "cohort": 10**9}, "cohort:"),
        ("retention", {"period": "year"}, "period:"),
        ("segmentation", {"interval": "minute"}, "interval:"),
        ("paths", {"depth": 2}, "start:"),
        ("users", {"pagination": {"limit": 0}}, "pagination.limit:"),
        ("users", {"filters": [["is", "visit:source", ["x"]]]}, "filters[0][1]:"),
        ("cohort", {"cohort": {"conditions": [{"did": {}}]}}, "cohort.conditions[0].did:"),
        ("cohort", {"cohort": {"conditions": []}, "pagination": 3}, "pagination:"),
        ("users", [1, 2], "query:"),
    ],
)
def test_bad_bodies_are_400_naming_the_path(clients, kind, body, path):
    viewer = clients.login(VIEWER)
    response = product(viewer, DEMO, kind, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(path), response.json()


def test_bad_query_arguments_are_400(clients):
    viewer = clients.login(VIEWER)
    response = viewer.get(f"/sites/{DEMO}/api/product/funnel", params={"q": "{nope"})
    assert response.status_code == 400 and response.json()["error"].startswith("q:")
    profile = viewer.get(f"/sites/{DEMO}/api/product/users/u1", params={"limit": "x"})
    assert profile.status_code == 400 and profile.json()["error"].startswith("pagination")


# ---- saving ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "kind", "value"),
    [
        ("funnels", "funnel", {"steps": STEPS, "window": "7d", "order": "strict"}),
        ("cohorts", "cohort", {"match": "any", "conditions": [{"did": {"event": "Signup"}}]}),
    ],
)
def test_saving_needs_csrf_and_the_owner_role(clients, kinds, kind, value):
    base = f"/sites/{DEMO}/api/product/{kinds}"
    viewer = clients.login(VIEWER)
    viewer_token = page_csrf(viewer, f"/sites/{DEMO}/{kinds}")
    body = {"name": f"Saved {kind}", kind: value}
    assert send(viewer, "POST", base, viewer_token, body).status_code == 403
    admin = clients.login(ADMIN)
    token = page_csrf(admin, f"/sites/{DEMO}/{kinds}")
    assert send(admin, "POST", base, None, body).status_code == 403
    assert send(admin, "POST", base, viewer_token, body).status_code == 403  # another session's
    created = send(admin, "POST", base, token, body)
    assert created.status_code == 201, created.text
    saved_id = created.json()["id"]
    listed = viewer.get(base).json()["results"]  # viewers may read them
    assert {"id": saved_id, "name": f"Saved {kind}", kind: value} in [
        {k: v for k, v in s.items() if k != "created_at"} for s in listed
    ]
    assert send(viewer, "DELETE", f"{base}/{saved_id}", viewer_token).status_code == 403
    assert send(admin, "DELETE", f"{base}/{saved_id}", None).status_code == 403
    assert send(admin, "DELETE", f"{base}/{saved_id}", token).status_code == 204
    assert send(admin, "DELETE", f"{base}/{saved_id}", token).status_code == 404
    assert send(admin, "DELETE", f"{base}/nope", token).status_code == 404


def test_saving_bad_bodies_names_the_path(clients):
    admin = clients.login(ADMIN)
    token = page_csrf(admin, f"/sites/{DEMO}/funnels")
    base = f"/sites/{DEMO}/api/product"
    cases = [
        ("funnels", {"name": "x", "funnel": {"steps": []}}, "funnel.steps:"),
        ("funnels", {"name": "", "funnel": {"steps": STEPS}}, "name:"),
        ("cohorts", {"name": "x", "cohort": {"conditions": [{"did": {}}]}}, "cohort.conditions"),
        ("automations", {"name": "x", "automation": {"cohort": 10**9}}, "automation."),
    ]
    for kinds, body, path in cases:
        response = send(admin, "POST", f"{base}/{kinds}", token, body)
        assert response.status_code == 400 and response.json()["error"].startswith(path)
    raw = admin.post(
        f"{base}/funnels", content=b"[", headers={"x-csrf-token": token, "content-type": "x"}
    )
    assert raw.status_code == 400 and raw.json()["error"].startswith("body:")


def test_cohort_members_csv_and_sizes(clients, demo_api):
    admin = clients.login(ADMIN)
    token = page_csrf(admin, f"/sites/{DEMO}/cohorts")
    definition = {"conditions": [{"did": {"event": "Signup"}}]}
    created = send(
        admin,
        "POST",
        f"/sites/{DEMO}/api/product/cohorts",
        token,
        {"name": "Signed up", "cohort": definition},
    ).json()
    base = f"/sites/{DEMO}/api/product/cohorts/{created['id']}"
    csv = admin.get(f"{base}/members.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    members = demo_api.post("cohort", {"cohort": created["id"], "pagination": {"limit": 10_000}})
    assert csv.text.splitlines() == ["person", *members["people"]] and members["total"] > 0
    preview = product(admin, DEMO, "cohort", {"cohort": definition, "pagination": {"limit": 5}})
    assert preview.json() == demo_api.post(
        "cohort", {"cohort": definition, "pagination": {"limit": 5}}
    )
    sizes = admin.get(f"{base}/sizes", params={"interval": "day", "points": 3}).json()
    assert len(sizes["results"]) == 3 and sizes["results"][-1]["size"] == members["total"]
    assert admin.get(f"{base}/sizes", params={"points": 99}).status_code == 400
    assert admin.get(f"/sites/{DEMO}/api/product/cohorts/999999/members.csv").status_code == 404
    other = clients.login(VIEWER).get(f"/sites/{OTHER}/api/product/cohorts/{created['id']}/sizes")
    assert other.status_code == 404
    send(admin, "DELETE", base, token)


def test_automations_are_for_owners_and_never_show_secrets(clients):
    admin = clients.login(ADMIN)
    token = page_csrf(admin, f"/sites/{DEMO}/cohorts")
    base = f"/sites/{DEMO}/api/product"
    cohort = send(
        admin,
        "POST",
        f"{base}/cohorts",
        token,
        {"name": "Exporters", "cohort": {"conditions": [{"did": {"event": "Signup"}}]}},
    ).json()
    hook = {
        "cohort": cohort["id"],
        "channel": "webhook",
        "url": "https://hooks.example.com/ff",
        "secret": "hook-secret-value-1",
    }
    mail = {
        "cohort": cohort["id"],
        "channel": "email",
        "to": ["team@example.com"],
        "smtp": {"host": "mail.example.com", "port": 587, "password": "smtp-password-value-1"},
    }
    for name, automation in (("hook", hook), ("mail", mail)):
        saved = send(
            admin, "POST", f"{base}/automations", token, {"name": name, "automation": automation}
        )
        assert saved.status_code == 201, saved.text
        assert "value-1" not in saved.text
    listing = admin.get(f"{base}/automations")
    assert listing.status_code == 200
    assert "hook-secret-value-1" not in listing.text and "smtp-password-value-1" not in listing.text
    shown = {a["name"]: a["automation"] for a in listing.json()["results"]}
    assert shown["hook"]["secret"] == "***" and shown["hook"]["url"] == hook["url"]
    assert shown["mail"]["smtp"]["password"] == "***"
    assert "value-1" not in admin.get(f"/sites/{DEMO}/cohorts").text
    viewer = clients.login(VIEWER)
    assert viewer.get(f"{base}/automations").status_code == 403
    # An automation can only watch a cohort of its own site.
    other_token = page_csrf(admin, f"/sites/{OTHER}/cohorts")
    foreign = send(
        admin,
        "POST",
        f"/sites/{OTHER}/api/product/automations",
        other_token,
        {"name": "x", "automation": hook},
    )
    assert foreign.status_code == 400 and foreign.json()["error"].startswith("automation.cohort")
    for item in listing.json()["results"]:
        send(admin, "DELETE", f"{base}/automations/{item['id']}", token)
    send(admin, "DELETE", f"{base}/cohorts/{cohort['id']}", token)


# ---- shared links ----------------------------------------------------------------------------


def test_shared_links_expose_no_product_pages_or_endpoints(clients):
    admin = clients.login(ADMIN)
    settings = f"/sites/{DEMO}/settings"
    page = admin.post(
        settings,
        data={
            "action": "create_share",
            "name": "product",
            "csrf_token": csrf_from(admin.get(settings).text),
        },
    ).text
    link = re.findall(r'href="(/share/[^"]+)"', page)[-1]
    anon = clients.anon()
    html = anon.get(link).text
    assert "data-product-tab" not in html and "/people" not in html
    for view in (*VIEWS, "people/user-1"):
        assert anon.get(f"{link}/{view}").status_code == 404
    for path in (
        "product/funnel",
        "product/users",
        "product/users/user-1",
        "product/cohorts",
        "product/cohort",
        "product/traits",
        "product/automations",
        "product/cohorts/1/members.csv",
    ):
        response = anon.get(f"{link}/api/{path}", params={"q": json.dumps({"steps": STEPS})})
        assert response.status_code == 404, path
    # A logged-in owner does not get them through the link either.
    assert admin.get(f"{link}/api/product/users").status_code == 404


# ---- assets ----------------------------------------------------------------------------------


def test_product_modules_are_versioned_and_within_budget(clients):
    client = clients.login(ADMIN)
    html = client.get(f"/sites/{DEMO}/cohorts").text
    (entry,) = re.findall(r'src="(/static/cohorts\.[0-9a-f]+\.js)"', html)
    seen, queue = set(), [entry]
    while queue:  # every module a page loads is reachable by its hashed import URL
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200 and "immutable" in response.headers["cache-control"]
        assert "from './" not in response.text
        queue += re.findall(r"from '(/static/[\w-]+\.[0-9a-f]{12}\.js)'", response.text)
    assert {re.sub(r"\.[0-9a-f]{12}", "", u) for u in seen} == {
        "/static/cohorts.js",
        "/static/insight.js",
        "/static/ui.js",
    }
    total = 0
    for name in ASSETS:
        if name.endswith((".js", ".css")):
            raw = client.get(f"/static/{name}", headers={"accept-encoding": "identity"}).content
            total += len(gzip.compress(raw, 9))
    assert total <= BUDGET_GZIP_BYTES, total


def test_long_durations_read_in_days():
    """Funnel medians can be days; the JS duration() formats the same way."""
    assert [human_duration(s) for s in (3725, 47 * 3600, 3 * 86400 + 3600)] == [
        "1h 2m",
        "47h 0m",
        "3d 1h",
    ]
