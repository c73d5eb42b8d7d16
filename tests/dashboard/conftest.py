"""One real `footfall serve` with demo data, shared by the dashboard tests.

The data dir holds the demo site (50k events), a second site nobody but the admin may
see, a site for injection payloads, an admin and a viewer of the demo site only.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

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


@pytest.fixture(scope="session")
def dash_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("dashboard") / "data")
    server.cli("demo", "--events", "50000")
    server.cli("sites", "add", OTHER)
    server.cli("sites", "add", XSS)
    server.cli("users", "create", "--email", ADMIN[0], "--password", ADMIN[1], "--admin")
    server.cli("users", "create", "--email", VIEWER[0], "--password", VIEWER[1])
    server.cli("users", "grant", VIEWER[0], DEMO, "--role", "viewer")
    server.start()
    yield server
    server.stop()
    log = getattr(server, "log_path", None)
    errors = log.read_text(errors="replace") if log and log.exists() else ""
    assert "Traceback" not in errors, errors


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


@pytest.fixture
def clients(dash_server: ServerProcess) -> Iterator[Clients]:
    made = Clients(dash_server)
    yield made
    made.close()


def send_event(server: ServerProcess, body: dict[str, Any]) -> None:
    response = httpx.post(
        f"{server.url}/api/event",
        json=body,
        headers={"User-Agent": DESKTOP_CHROME, "Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    assert "x-footfall-dropped" not in response.headers, response.headers


@pytest.fixture
def new_context(browser: Any) -> Iterator[Any]:
    """Make fresh browser profiles; JS errors and dialogs are recorded on the context."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, **options)
        context.js_errors = []
        context.dialogs = []

        def on_page(page: Any) -> None:
            page.on("pageerror", lambda error: context.js_errors.append(str(error)))
            page.on(
                "dialog", lambda dialog: (context.dialogs.append(dialog.message), dialog.dismiss())
            )

        context.on("page", on_page)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def browser_login(context: Any, server: ServerProcess, who: tuple[str, str]) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}/sites")
    return page
