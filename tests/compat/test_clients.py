"""The official client libraries, pointed at a real Footfall server, unchanged but for the host.

One server for the module: every client sends its known set of pageviews, events,
identifies and aliases, the server is stopped (the writer drains the spool), and the
tests read what the query engine reports and what the events table holds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from compat_server import CHROME_UA, KEYS, NODE_MODULES, SITE, linked_server
from server import stored_rows

from footfall.query.engine import QueryEngine
from footfall.store.duckdb import DuckDBStore

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def send_segment(url: str) -> list[Any]:
    from segment.analytics import Client

    errors: list[Any] = []
    client = Client(
        KEYS["segment"],
        host=url,
        sync_mode=True,
        gzip=True,
        max_retries=0,
        on_error=lambda error, batch: errors.append(error),
    )
    context = {"ip": "203.0.113.10", "userAgent": CHROME_UA}
    client.page(
        user_id="seg-user",
        name="Pricing",
        context=context,
        properties={"url": "https://example.com/seg/pricing", "title": "Pricing"},
    )
    client.track(
        user_id="seg-user",
        event="Signed Up",
        context=context,
        message_id="seg-dup",
        properties={
            "plan": "pro",
            "revenue": 29.5,
            "currency": "EUR",
            "billing": {"cycle": "yearly"},
        },
    )
    client.track(
        user_id="seg-user",
        event="Signed Up",
        context=context,
        message_id="seg-dup",
        properties={"plan": "pro"},
    )  # a retry with the same messageId
    client.identify(
        user_id="seg-user",
        anonymous_id="seg-anon",
        traits={"email": "seg@example.com", "plan": "pro"},
    )
    client.alias(previous_id="seg-anon", user_id="seg-user")
    client.group(user_id="seg-user", group_id="acme", traits={"name": "Acme"})
    client.screen(user_id="seg-user", name="Home")
    client.page(user_id="seg-user", name="Checkout")  # a backend page call: a name, no url
    client.flush()
    return errors


def send_mixpanel(url: str) -> None:
    import mixpanel

    urls = {
        "events_url": f"{url}/track",
        "people_url": f"{url}/engage",
        "groups_url": f"{url}/groups",
        "import_url": f"{url}/import",
    }
    mp = mixpanel.Mixpanel(KEYS["mixpanel"], consumer=mixpanel.Consumer(**urls))
    mp.track("mp-user", "$mp_web_page_view", {"$current_url": "https://example.com/mp/home"})
    mp.track("mp-user", "Purchased", {"price": 12, "currency": "USD", "item": "book"})
    mp.people_set("mp-user", {"plan": "pro"})
    mp.people_set_once("mp-user", {"first_seen": "2026-01-01"})
    mp.people_increment("mp-user", {"logins": 2})
    mp.people_unset("mp-user", ["legacy"])
    mp.group_set("company", "acme", {"name": "Acme"})
    mp.merge(None, "mp-device", "mp-user")
    # alias() always posts through a fresh default Consumer: point that one here too.
    original = mixpanel.Consumer
    mixpanel.Consumer = partial(original, **urls)
    try:
        mp.alias("mp-user", "mp-anon")
    finally:
        mixpanel.Consumer = original
    buffered = mixpanel.BufferedConsumer(**urls)
    batch = mixpanel.Mixpanel(KEYS["mixpanel"], consumer=buffered)
    for n in range(3):
        batch.track("mp-batch", "Batched", {"n": n})
    buffered.flush()


def send_posthog(url: str) -> None:
    from posthog import Posthog

    ph = Posthog(KEYS["posthog"], host=url, sync_mode=True, gzip=True, max_retries=0)
    ph.capture(
        "$pageview",
        distinct_id="ph-user",
        properties={"$current_url": "https://example.com/ph/home"},
    )
    ph.capture(
        "Clicked Button",
        distinct_id="ph-user",
        properties={"color": "blue"},
        uuid=str(uuid.UUID(int=7)),
    )
    ph.capture(
        "Clicked Button",
        distinct_id="ph-user",
        properties={"color": "blue"},
        uuid=str(uuid.UUID(int=7)),
    )  # duplicate uuid: stored once
    ph.capture(
        "$identify",
        distinct_id="ph-user",
        properties={"$anon_distinct_id": "ph-anon", "$set": {"email": "ph@example.com"}},
    )
    ph.set(distinct_id="ph-user", properties={"plan": "pro"})
    ph.alias(previous_id="ph-anon", distinct_id="ph-user")
    ph.group_identify("company", "acme", {"name": "Acme"}, distinct_id="ph-user")
    ph.flush()
    ph.shutdown()


def send_ga(url: str) -> None:
    import analytical
    from analytical.providers.googleanalytics import Provider

    original = Provider.ANALYTICS_API_URL
    Provider.ANALYTICS_API_URL = f"{url}/collect"
    try:
        provider = analytical.Provider("googleanalytics", KEYS["ga"], asynchronously=False)
        common = {"cid": "ga-client", "ua": CHROME_UA, "uip": "203.0.113.20"}
        provider.pageview({"dl": "https://example.com/ga/home", "dt": "Home", **common})
        provider.event({"ec": "video", "ea": "play", "el": "intro", "ev": 3, **common})
    finally:
        Provider.ANALYTICS_API_URL = original


def send_snowplow(url: str) -> None:
    from snowplow_tracker import (
        Emitter,
        PageView,
        SelfDescribing,
        SelfDescribingJson,
        StructuredEvent,
        Subject,
        Tracker,
    )

    host = url.removeprefix("http://")
    for method in ("post", "get"):
        emitter = Emitter(
            host, protocol="http", method=method, batch_size=1 if method == "get" else 5
        )
        tracker = Tracker(
            namespace="ns",
            emitters=emitter,
            app_id=KEYS["snowplow"],
            subject=Subject().set_user_id("sp-user"),
        )
        tracker.track(PageView(page_url=f"https://example.com/sp/{method}", page_title="Home"))
        if method == "post":
            tracker.track(
                StructuredEvent(category="shop", action="add-to-basket", label="sku-1", value=2)
            )
            schema = "iglu:com.acme/checkout_started/jsonschema/1-0-0"
            tracker.track(
                SelfDescribing(SelfDescribingJson(schema, {"step": 1, "cart": {"items": 2}}))
            )
        emitter.flush()


def send_node(script: str, *args: str) -> Any:
    result = subprocess.run(
        ["node", script, *args],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> dict[str, Any]:
    server = linked_server(tmp_path_factory.mktemp("compat") / "data")
    report: dict[str, Any] = {"data_dir": server.data_dir}
    try:
        report["segment_errors"] = send_segment(server.url)
        send_mixpanel(server.url)
        send_posthog(server.url)
        send_ga(server.url)
        send_snowplow(server.url)
        assert shutil.which("node"), "node is missing: run scripts/install-test-deps.sh"
        assert (NODE_MODULES / "@umami" / "node").exists(), "run scripts/install-test-deps.sh"
        report["umami"] = send_node("send_umami.cjs", server.url, KEYS["umami"])
    finally:
        server.stop()
    return report


def rows(sent: dict[str, Any], protocol: str) -> list[tuple]:
    return stored_rows(
        sent["data_dir"],
        "SELECT name, pathname, user_id, distinct_id, map_entries(props), revenue_amount, "
        "revenue_currency FROM events WHERE protocol = ? ORDER BY timestamp, name",
        [protocol],
    )


def props(row: tuple) -> dict[str, str]:
    return {entry["key"]: entry["value"] for entry in row[4]}


def named(sent: dict[str, Any], protocol: str, name: str) -> list[tuple]:
    return [row for row in rows(sent, protocol) if row[0] == name]


def stats(sent: dict[str, Any], **spec: Any) -> list[dict[str, Any]]:
    store = DuckDBStore(sent["data_dir"] / "footfall.duckdb", read_only=True)
    try:
        body = {"site_id": SITE, "date_range": "day", **spec}
        return QueryEngine(store).query(body, now=datetime.now(UTC), timezone="UTC")["results"]
    finally:
        store.close()


def test_segment_python_client(sent):
    assert sent["segment_errors"] == []
    assert {row[1] for row in named(sent, "segment", "pageview")} == {
        "/seg/pricing",
        "/Home",
        "/Checkout",
    }
    (signup,) = named(sent, "segment", "Signed Up")  # the retried messageId is stored once
    assert props(signup) == {
        "plan": "pro",
        "billing.cycle": "yearly",
        "currency": "EUR",
        "revenue": "29.5",
    }
    assert (signup[2], signup[5], signup[6]) == ("seg-user", 29.5, "EUR")
    (identify,) = named(sent, "segment", "$identify")
    assert identify[2:4] == ("seg-user", "seg-anon")
    assert props(identify) == {"set:email": "seg@example.com", "set:plan": "pro"}
    (alias,) = named(sent, "segment", "$alias")
    assert alias[2:4] == ("seg-user", "seg-anon")
    (group,) = named(sent, "segment", "$group")
    assert props(group) == {"group_type": "group", "group_id": "acme", "set:name": "Acme"}


def test_mixpanel_python_client(sent):
    (page,) = named(sent, "mixpanel", "pageview")
    assert page[1:4] == ("/mp/home", "", "mp-user")
    (purchase,) = named(sent, "mixpanel", "Purchased")
    assert props(purchase)["item"] == "book" and purchase[5:7] == (12, "USD")
    assert "token" not in props(purchase) and "mp_lib" not in props(purchase)
    identify = {tuple(sorted(props(row).items())) for row in named(sent, "mixpanel", "$identify")}
    assert identify == {
        (("set:plan", "pro"),),
        (("set_once:first_seen", "2026-01-01"),),
        (("add:logins", "2"),),
        (("unset:legacy", ""),),
    }
    aliases = {row[2:4] for row in named(sent, "mixpanel", "$alias")}
    assert aliases == {("mp-user", "mp-anon"), ("mp-user", "mp-device")}
    (group,) = named(sent, "mixpanel", "$group")
    assert props(group) == {"group_type": "company", "group_id": "acme", "set:name": "Acme"}
    assert len(named(sent, "mixpanel", "Batched")) == 3


def test_posthog_python_client(sent):
    (page,) = named(sent, "posthog", "pageview")
    assert page[1] == "/ph/home" and page[3] == "ph-user"
    (click,) = named(sent, "posthog", "Clicked Button")  # duplicate uuid stored once
    assert props(click) == {"color": "blue"}
    identify = {tuple(sorted(props(row).items())) for row in named(sent, "posthog", "$identify")}
    assert identify == {(("set:email", "ph@example.com"),), (("set:plan", "pro"),)}
    assert ("ph-user", "ph-anon") in {row[2:4] for row in named(sent, "posthog", "$identify")}
    (alias,) = named(sent, "posthog", "$alias")
    assert alias[2:4] == ("ph-user", "ph-anon")
    (group,) = named(sent, "posthog", "$group")
    assert group[3] == "ph-user"
    assert props(group) == {"group_type": "company", "group_id": "acme", "set:name": "Acme"}


def test_google_analytics_through_analytical(sent):
    (page,) = named(sent, "ga", "pageview")
    assert page[1] == "/ga/home" and page[3] == "ga-client"
    (play,) = named(sent, "ga", "play")
    assert props(play) == {"category": "video", "label": "intro", "value": "3"}


def test_snowplow_python_tracker(sent):
    assert {row[1] for row in named(sent, "snowplow", "pageview")} == {"/sp/post", "/sp/get"}
    (basket,) = named(sent, "snowplow", "add-to-basket")
    assert basket[2] == "sp-user"
    assert props(basket) == {"category": "shop", "label": "sku-1", "value": "2"}
    (checkout,) = named(sent, "snowplow", "checkout_started")
    assert props(checkout) == {"step": "1", "cart.items": "2"}


def test_umami_node_client(sent):
    assert [reply["status"] for reply in sent["umami"]] == [200] * 4
    assert all({"cache", "sessionId", "visitId"} <= set(r["body"]) for r in sent["umami"])
    pages = {row[1] for row in named(sent, "umami", "pageview")}
    assert pages == {"/umami/home", "/umami/pricing"}
    (signup,) = named(sent, "umami", "signup")
    assert props(signup) == {"plan": "pro", "seats": "3"}
    (identify,) = named(sent, "umami", "$identify")
    assert props(identify) == {"set:email": "u@example.com", "set:plan": "pro"}


def test_web_stats_ignore_identity_records(sent):
    stored = stored_rows(sent["data_dir"], "SELECT count(*) FROM events WHERE name LIKE '$%'")
    assert stored[0][0] > 10
    goals = {r["dimensions"][0] for r in stats(sent, metrics=["events"], dimensions=["event:goal"])}
    assert goals and not any(goal.startswith("$") for goal in goals)
    assert {"Signed Up", "Purchased", "Clicked Button", "play", "add-to-basket"} <= goals
    pages = {
        r["dimensions"][0]: r["metrics"][0]
        for r in stats(sent, metrics=["pageviews"], dimensions=["event:page"])
    }
    for page in ("/seg/pricing", "/mp/home", "/ph/home", "/ga/home", "/sp/post", "/sp/get"):
        assert pages.get(page) == 1, (page, pages)
    (total,) = stats(sent, metrics=["visitors", "visits", "events"])
    web = stored_rows(sent["data_dir"], "SELECT count(*) FROM events WHERE name NOT LIKE '$%'")
    assert total["metrics"][2] == web[0][0]
