"""What the dashboard tests share besides fixtures (conftest.py): names, accounts, and
clients for the real server. A module of its own, so that test files import it by a name
no other test directory uses."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from server import ServerProcess

DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
DEMO = "demo.footfall.dev"
OTHER = "other.example"
XSS = "xss.example"
ADMIN = ("admin@example.com", "admin-password-1")
VIEWER = ("viewer@example.com", "viewer-password-1")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class Clients:
    """httpx clients for one test (anonymous or logged in), closed when it ends."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self._open: list[httpx.Client] = []

    def anon(self) -> httpx.Client:
        client = httpx.Client(base_url=self.server.url, timeout=10)
        self._open.append(client)
        return client

    def login(self, who: tuple[str, str]) -> httpx.Client:
        """A client logged in as `who`, the way a browser does it (cookies kept)."""
        client = self.anon()
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login", data={"email": who[0], "password": who[1], "csrf_token": token}
        )
        assert response.status_code == 303, response.text
        return client

    def close(self) -> None:
        for client in self._open:
            client.close()


def send_event(server: ServerProcess, body: dict[str, Any]) -> None:
    response = httpx.post(
        f"{server.url}/api/event",
        json=body,
        headers={"User-Agent": DESKTOP_CHROME, "Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    assert "x-footfall-dropped" not in response.headers, response.headers


def browser_login(context: Any, server: ServerProcess, who: tuple[str, str]) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/sites")
    return page


PEOPLE = "people.example"  # identified people with odd and hostile ids, traits and names
SEGMENT_KEY = "people-example-segment-key"
ODD_ID = "org/7: Zoë ü 42"  # a slash, a colon, spaces and non-ASCII: must survive URLs
PAYLOAD = {
    "id": "<img src=x onerror=window.__pwned=1>",
    "trait_key": "<b onmouseover=window.__pwned=5>k</b>",
    "trait": "<script>window.__pwned=2</script>",
    "event": "<svg onload=window.__pwned=3>",
    "prop_key": "<i onclick=window.__pwned=6>p</i>",
    "prop": '"><img src=y onerror=window.__pwned=4>',
    "path": "/<img src=z onerror=window.__pwned=7>",
}


class ProductAPI:
    """The product API (`/api/v2/…`) of the running server, with a stats key for one site:
    what the dashboard shows must equal what this answers for the same body."""

    def __init__(self, server: ServerProcess, site: str) -> None:
        self.site = site
        key = server.cli("keys", "create", "--site", site).strip()
        self.http = httpx.Client(
            base_url=server.url, timeout=30, headers={"Authorization": f"Bearer {key}"}
        )

    def post(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(f"/api/v2/{kind}", json={**body, "site_id": self.site})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"/api/v2/{path}", params={"site_id": self.site, **params})

    def user(self, person: str, **params: Any) -> dict[str, Any]:
        response = self.get(f"users/{quote(person, safe='')}", **params)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def send_segment(server: ServerProcess, batch: list[dict[str, Any]]) -> int:
    """Send Segment-protocol messages (identify with traits, track, page) to PEOPLE."""
    response = httpx.post(f"{server.url}/v1/batch", json={"writeKey": SEGMENT_KEY, "batch": batch})
    assert response.status_code in (200, 401), response.text
    return response.status_code


def person_stored(api: ProductAPI, person: str, events: int) -> bool:
    """Whether `person` has traits and at least `events` product events stored."""
    profile = api.user(person)
    return bool(profile["traits"]) and profile["events"]["total"] >= events
