"""The dashboard over plain HTTP: access control, CSRF, headers, shared links, assets."""

from __future__ import annotations

import gzip
import json
import re

import httpx
from dashboard_env import ADMIN, DEMO, OTHER, VIEWER, csrf_from

from footfall.web.dashboard.api import _cell

BUDGET_GZIP_BYTES = 150 * 1024


def _query(client: httpx.Client, path: str, body: dict) -> httpx.Response:
    return client.get(path, params={"q": json.dumps(body)})


def test_pages_need_login_and_json_says_401(clients):
    anon = clients.anon()
    page = anon.get(f"/sites/{DEMO}")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    api = _query(anon, f"/sites/{DEMO}/api/query", {"date_range": "7d", "metrics": ["visitors"]})
    assert api.status_code == 401 and api.json() == {"error": "log in first"}
    assert anon.get("/sites").status_code == 303


def test_security_headers_on_every_dashboard_response(clients):
    client = clients.login(ADMIN)
    for path in ("/login", "/sites", f"/sites/{DEMO}", f"/sites/{DEMO}/api/realtime", "/nope/x"):
        response = client.get(path)
        if response.status_code == 404 and path == "/nope/x":
            continue  # not a dashboard route
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(clients):
    client = clients.anon()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": ADMIN[0], "password": ADMIN[1], "csrf_token": token}
    )
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "ff_session" in v
    )
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http on loopback


def test_wrong_password_is_refused(clients):
    client = clients.anon()
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": ADMIN[0], "password": "wrong-password", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "do not match" in response.text


def test_post_without_csrf_token_is_403(clients):
    anon = clients.anon()
    anon.get("/login")
    assert anon.post("/login", data={"email": ADMIN[0], "password": ADMIN[1]}).status_code == 403
    client = clients.login(ADMIN)
    settings = f"/sites/{DEMO}/settings"
    forged = client.post(settings, data={"action": "create_key", "kind": "stats"})
    assert forged.status_code == 403
    wrong = client.post(settings, data={"action": "create_key", "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    # A token from another session does not work either.
    other = clients.login(ADMIN)
    token = csrf_from(other.get(settings).text)
    stolen = client.post(settings, data={"action": "create_key", "csrf_token": token})
    assert stolen.status_code == 403
    assert client.post("/logout").status_code == 403


def test_viewer_sees_only_their_site(clients):
    viewer = clients.login(VIEWER)
    sites = viewer.get("/sites").text
    assert DEMO in sites and OTHER not in sites
    assert viewer.get(f"/sites/{OTHER}").status_code == 404
    assert viewer.get(f"/sites/{OTHER}/live").status_code == 404
    body = {"date_range": "7d", "metrics": ["visitors"]}
    for name in ("query", "csv"):
        response = _query(viewer, f"/sites/{OTHER}/api/{name}", body)
        assert response.status_code == 404 and "error" in response.json()
    for name in ("live", "realtime", "props"):
        assert viewer.get(f"/sites/{OTHER}/api/{name}").status_code == 404
    # A viewer reads but does not manage.
    assert viewer.get(f"/sites/{DEMO}").status_code == 200
    assert viewer.get(f"/sites/{DEMO}/settings").status_code == 403


def test_query_body_cannot_name_another_site(clients):
    viewer = clients.login(VIEWER)
    body = {"site_id": OTHER, "date_range": "all", "metrics": ["visitors"]}
    result = _query(viewer, f"/sites/{DEMO}/api/query", body).json()
    assert result["query"]["site_id"] == DEMO


def test_bad_query_is_a_json_400(clients):
    client = clients.login(ADMIN)
    response = _query(client, f"/sites/{DEMO}/api/query", {"date_range": "7d", "metrics": ["x"]})
    assert response.status_code == 400 and "metrics[0]" in response.json()["error"]


def test_csv_export(clients):
    client = clients.login(ADMIN)
    body = {"date_range": "all", "metrics": ["visitors", "pageviews"], "dimensions": ["event:page"]}
    response = _query(client, f"/sites/{DEMO}/api/csv", body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "event:page,visitors,pageviews"
    assert len(lines) > 5


def test_csv_cells_never_start_a_formula():
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("/pricing") == "/pricing"
    assert _cell({"value": 12.5}) == "12.5"


def test_shared_link_password_and_revocation(clients):
    admin = clients.login(ADMIN)
    settings = f"/sites/{DEMO}/settings"
    token = csrf_from(admin.get(settings).text)
    page = admin.post(
        settings,
        data={
            "action": "create_share",
            "name": "locked",
            "password": "share-pass-1",
            "csrf_token": token,
        },
    ).text
    link = re.findall(r'href="(/share/[^"]+)"', page)[-1]
    anon = clients.anon()
    assert "needs its password" not in anon.get(link).text
    assert 'name="password"' in anon.get(link).text
    body = {"date_range": "7d", "metrics": ["visitors"]}
    assert _query(anon, f"{link}/api/query", body).status_code == 403
    unlock = anon.post(
        f"{link}/unlock",
        data={"password": "share-pass-1", "csrf_token": csrf_from(anon.get(link).text)},
    )
    assert unlock.status_code == 303
    assert _query(anon, f"{link}/api/query", body).status_code == 200
    admin.post(
        settings,
        data={"action": "revoke_share", "token": link.rsplit("/", 1)[1], "csrf_token": token},
    )
    assert anon.get(link).status_code == 404
    assert _query(anon, f"{link}/api/query", body).status_code == 404


def test_assets_are_versioned_cached_and_within_budget(clients):
    client = clients.login(ADMIN)
    html = client.get(f"/sites/{DEMO}").text
    urls = re.findall(r'(?:src|href)="(/static/app\.[0-9a-f]+\.(?:js|css))"', html)
    assert len(urls) == 2
    total = 0
    for url in urls:
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
        raw = client.get(url, headers={"accept-encoding": "identity"}).content
        total += len(gzip.compress(raw, 9))
    assert total <= BUDGET_GZIP_BYTES, total
