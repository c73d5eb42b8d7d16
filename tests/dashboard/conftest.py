"""One real `footfall serve` with demo data, shared by the dashboard tests.

The data dir holds the demo site (50k events), a second site nobody but the admin may
see, a site for injection payloads, an admin and a viewer of the demo site only. The
product tests add PEOPLE (identified people with odd ids and hostile traits) and compare
the product pages with the bearer-key product API (`ProductAPI`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from dashboard_env import (
    ADMIN,
    DEMO,
    ODD_ID,
    OTHER,
    PAYLOAD,
    PEOPLE,
    SEGMENT_KEY,
    VIEWER,
    XSS,
    Clients,
    ProductAPI,
    person_stored,
    send_segment,
)
from server import ServerProcess


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


@pytest.fixture
def clients(dash_server: ServerProcess) -> Iterator[Clients]:
    made = Clients(dash_server)
    yield made
    made.close()


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


@pytest.fixture(scope="session")
def demo_api(dash_server: ServerProcess) -> Iterator[ProductAPI]:
    api = ProductAPI(dash_server, DEMO)
    yield api
    api.http.close()


@pytest.fixture(scope="session")
def people_site(dash_server: ServerProcess) -> Iterator[ProductAPI]:
    """PEOPLE with two identified people (ODD_ID and the payload id), traits and events
    from a minute ago: a funnel /pricing → Export, and hostile names everywhere."""
    dash_server.cli("sites", "add", PEOPLE)
    dash_server.cli("keys", "link", "--site", PEOPLE, "--protocol", "segment", "--key", SEGMENT_KEY)
    api = ProductAPI(dash_server, PEOPLE)
    now = datetime.now(UTC)

    def at(seconds: int) -> str:
        return (now - timedelta(seconds=seconds)).isoformat()

    page = {"url": f"https://{PEOPLE}/pricing", "path": "/pricing"}
    batch: list[dict[str, Any]] = [
        {
            "type": "identify",
            "userId": ODD_ID,
            "anonymousId": "anon-odd-1",
            "traits": {"plan": "pro", "company": "Acme Zoë", "email": "zoe@example.com"},
            "timestamp": at(60),
        },
        {"type": "page", "userId": ODD_ID, "properties": page, "timestamp": at(50)},
        {
            "type": "track",
            "userId": ODD_ID,
            "event": "Export",
            "properties": {"format": "csv"},
            "timestamp": at(40),
        },
        {
            "type": "identify",
            "userId": PAYLOAD["id"],
            "traits": {"plan": PAYLOAD["trait"], PAYLOAD["trait_key"]: PAYLOAD["trait"]},
            "timestamp": at(55),
        },
        {"type": "page", "userId": PAYLOAD["id"], "properties": page, "timestamp": at(45)},
        {
            "type": "track",
            "userId": PAYLOAD["id"],
            "event": PAYLOAD["event"],
            "properties": {PAYLOAD["prop_key"]: PAYLOAD["prop"]},
            "timestamp": at(35),
        },
        {
            "type": "page",
            "userId": PAYLOAD["id"],
            "properties": {"url": f"https://{PEOPLE}{PAYLOAD['path']}", "path": PAYLOAD["path"]},
            "timestamp": at(30),
        },
    ]
    deadline = time.monotonic() + 30
    # The collector reads linked keys from the catalog at most once a second: until then
    # the key is unknown (401) and nothing was stored, so sending again is safe.
    while send_segment(dash_server, batch) == 401:
        assert time.monotonic() < deadline, "the Segment key was not accepted"
        time.sleep(0.3)
    while not (person_stored(api, ODD_ID, 2) and person_stored(api, PAYLOAD["id"], 3)):
        assert time.monotonic() < deadline, "the events were not stored"
        time.sleep(0.2)
    yield api
    api.http.close()
