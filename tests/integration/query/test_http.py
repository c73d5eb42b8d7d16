"""The Stats API over HTTP on both backends: keys, isolation, rate limits, v1, OpenAPI."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest
from corpus import BACKENDS, NOW
from schema_check import errors, response_errors
from starlette.applications import Starlette

from footfall.catalog import Catalog
from footfall.web.stats_api import openapi_document, stats_routes

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client; httpx is what we have and works.
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

DOC = openapi_document()


class FakeClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    catalog = Catalog(tmp_path_factory.mktemp("catalog") / "catalog.sqlite3")
    catalog.add_site("a.example", "Europe/Berlin")
    catalog.add_site("b.example")
    return catalog


@pytest.fixture(scope="module")
def keys(catalog):
    return {"a": catalog.create_api_key("a.example"), "b": catalog.create_api_key("b.example")}


def make_client(store, catalog, rate: int = 10_000) -> TestClient:
    ctx = SimpleNamespace(store=store, catalog=catalog, clock=FakeClock(), stats_rate_limit=rate)
    app = Starlette(routes=stats_routes(ctx))
    client = TestClient(app)
    client.ctx = ctx  # type: ignore[attr-defined]
    return client


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, stores, catalog):
    return make_client(stores[request.param], catalog)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


QUERY = {
    "site_id": "a.example",
    "date_range": "all",
    "metrics": ["visitors", "visits", "bounce_rate", "percentage"],
    "dimensions": ["visit:source"],
    "include": {"total_rows": True},
}


def check(response, path: str, method: str = "get") -> object:
    body = response.json()
    assert response_errors(DOC, path, method, response.status_code, body) == []
    return body


def test_v2_query_matches_engine_and_schema(client, keys, engines):
    response = client.post("/api/v2/query", json=QUERY, headers=auth(keys["a"]))
    assert response.status_code == 200
    body = check(response, "/api/v2/query", "post")
    direct = engines["duckdb"].query(QUERY, now=NOW, timezone="Europe/Berlin")
    assert body == direct
    assert errors(QUERY, DOC["components"]["schemas"]["QueryRequest"], DOC) == []


def test_comparisons_and_time_labels_validate(client, keys):
    query = {
        "site_id": "a.example",
        "date_range": ["2024-03-10", "2024-03-20"],
        "metrics": ["visitors", "bounce_rate", "total_revenue"],
        "dimensions": ["time"],
        "include": {"time_labels": True, "comparisons": {"mode": "previous_period"}},
    }
    response = client.post("/api/v2/query", json=query, headers=auth(keys["a"]))
    body = check(response, "/api/v2/query", "post")
    assert len(body["meta"]["time_labels"]) == 11
    assert all("comparison" in r for r in body["results"])


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nope"}, 401), ({"Authorization": "Basic x"}, 401)],
)
def test_missing_or_invalid_key_is_401(client, headers, status):
    response = client.post("/api/v2/query", json=QUERY, headers=headers)
    assert response.status_code == status
    check(response, "/api/v2/query", "post")


def test_key_of_another_site_is_403_everywhere(client, keys):
    response = client.post("/api/v2/query", json=QUERY, headers=auth(keys["b"]))
    assert response.status_code == 403
    check(response, "/api/v2/query", "post")
    for path in ("aggregate", "timeseries", "breakdown", "realtime/visitors"):
        r = client.get(
            f"/api/v1/stats/{path}",
            params={"site_id": "a.example", "property": "event:page"},
            headers=auth(keys["b"]),
        )
        assert r.status_code == 403


def test_revoked_key_is_401(stores, catalog):
    key = catalog.create_api_key("a.example")
    client = make_client(stores["duckdb"], catalog)
    assert client.post("/api/v2/query", json=QUERY, headers=auth(key)).status_code == 200
    catalog.revoke_api_key(key)
    assert client.post("/api/v2/query", json=QUERY, headers=auth(key)).status_code == 401


def test_invalid_query_is_400_with_path(client, keys):
    bad = dict(QUERY, filters=[["is", "visit:source", ["x"]], ["is", "visit:nope", ["x"]]])
    response = client.post("/api/v2/query", json=bad, headers=auth(keys["a"]))
    assert response.status_code == 400
    assert response.json()["error"].startswith("filters[1][1]: ")
    check(response, "/api/v2/query", "post")
    garbage = client.post("/api/v2/query", content=b"{not json", headers=auth(keys["a"]))
    assert garbage.status_code == 400


def test_rate_limit_is_429_with_retry_after(stores, catalog, keys):
    client = make_client(stores["duckdb"], catalog, rate=3)
    codes = [
        client.post("/api/v2/query", json=QUERY, headers=auth(keys["a"])).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    limited = client.post("/api/v2/query", json=QUERY, headers=auth(keys["a"]))
    assert int(limited.headers["Retry-After"]) >= 1
    check(limited, "/api/v2/query", "post")
    client.ctx.clock.now = NOW.replace(hour=13)  # an hour later the bucket is full again
    assert client.post("/api/v2/query", json=QUERY, headers=auth(keys["a"])).status_code == 200
    other = client.post(
        "/api/v2/query", json=dict(QUERY, site_id="b.example"), headers=auth(keys["b"])
    )
    assert other.status_code == 200  # buckets are per key


def test_v1_endpoints(client, keys, engines):
    base = {"site_id": "a.example", "period": "custom", "date": "2024-03-01,2024-03-31"}
    agg = client.get(
        "/api/v1/stats/aggregate",
        params={**base, "metrics": "visitors,pageviews,bounce_rate", "compare": "previous_period"},
        headers=auth(keys["a"]),
    )
    body = check(agg, "/api/v1/stats/aggregate")
    assert set(body["results"]) == {"visitors", "pageviews", "bounce_rate"}
    assert "change" in body["results"]["visitors"]

    ts = client.get("/api/v1/stats/timeseries", params=base, headers=auth(keys["a"]))
    series = check(ts, "/api/v1/stats/timeseries")["results"]
    assert len(series) == 31 and series[0]["date"] == "2024-03-01"
    assert sum(r["visitors"] for r in series) >= body["results"]["visitors"]["value"]

    bd = client.get(
        "/api/v1/stats/breakdown",
        params={
            **base,
            "property": "event:page",
            "metrics": "visitors,pageviews",
            "limit": "3",
            "page": "2",
            "filters": "visit:country==US|DE;event:page!=/about",
        },
        headers=auth(keys["a"]),
    )
    rows = check(bd, "/api/v1/stats/breakdown")["results"]
    assert len(rows) == 3 and all("page" in r and r["page"] != "/about" for r in rows)

    wild = client.get(
        "/api/v1/stats/breakdown",
        params={**base, "property": "event:page", "filters": "event:page==/blog/*"},
        headers=auth(keys["a"]),
    )
    pages = {r["page"] for r in check(wild, "/api/v1/stats/breakdown")["results"]}
    assert pages == {"/blog/post-1", "/blog/post-2"}


def test_realtime_counts_last_five_minutes(client, keys, corpus_rows):
    from datetime import datetime, timedelta

    last = max(
        datetime.fromisoformat(r["timestamp"]) for r in corpus_rows if r["site_id"] == "a.example"
    )
    client.ctx.clock.now = last + timedelta(minutes=2)
    try:
        response = client.get(
            "/api/v1/stats/realtime/visitors",
            params={"site_id": "a.example"},
            headers=auth(keys["a"]),
        )
        assert check(response, "/api/v1/stats/realtime/visitors") >= 1
    finally:
        client.ctx.clock.now = NOW
    response = client.get(
        "/api/v1/stats/realtime/visitors", params={"site_id": "a.example"}, headers=auth(keys["a"])
    )
    assert response.json() == 0


def test_openapi_is_served_and_lists_every_route(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    routes = {r.path for r in client.app.routes}
    assert routes <= set(doc["paths"])
    for path in ("/api/event", "/p.gif", "/api/health", "/api/batch"):
        assert path in doc["paths"]
