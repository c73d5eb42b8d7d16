# ruff: noqa: F811  (pytest fixtures imported from product_fixtures)
"""The product API over HTTP on both backends, and the Python client's product methods."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest
from corpus import BACKENDS
from product_fixtures import SITE, product, product_rows  # noqa: F401
from starlette.applications import Starlette

from footfall.catalog import Catalog
from footfall.query.client import Stats, _HTTPBackend
from footfall.web.product_api import product_routes

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

from product_corpus import NOW

STEPS = [{"page": "/pricing"}, {"event": "Signup Start"}, {"event": "Signup"}]
RANGE = ["2024-03-01", "2024-03-31"]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    catalog = Catalog(tmp_path_factory.mktemp("pcatalog") / "catalog.sqlite3")
    catalog.add_site(SITE)
    catalog.add_site("other.example")
    return catalog


@pytest.fixture(scope="module")
def keys(catalog):
    return {"p": catalog.create_api_key(SITE), "o": catalog.create_api_key("other.example")}


def make_client(store, catalog, rate: int = 10_000) -> TestClient:
    ctx = SimpleNamespace(store=store, catalog=catalog, clock=lambda: NOW, stats_rate_limit=rate)
    return TestClient(Starlette(routes=product_routes(ctx)))


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, stores, product, catalog):
    return make_client(stores[request.param], catalog)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_funnel_over_http_equals_the_engine(client, product, keys):
    body = {"site_id": SITE, "date_range": RANGE, "steps": STEPS, "window": "7d"}
    response = client.post("/api/v2/funnel", json=body, headers=auth(keys["p"]))
    assert response.status_code == 200
    assert response.json() == product["duckdb"].funnel(body, now=NOW)


@pytest.mark.parametrize("path", ["/api/v2/retention", "/api/v2/segmentation", "/api/v2/users"])
def test_other_queries_answer(client, keys, path):
    response = client.post(
        path, json={"site_id": SITE, "date_range": RANGE}, headers=auth(keys["p"])
    )
    assert response.status_code == 200, response.text


def test_paths_over_http(client, keys):
    body = {"site_id": SITE, "date_range": RANGE, "start": {"event": "Signup"}, "depth": 2}
    response = client.post("/api/v2/paths", json=body, headers=auth(keys["p"]))
    assert response.status_code == 200
    assert response.json()["tree"]["label"] == "Signup"


def test_auth_and_site_isolation(client, keys):
    body = {"site_id": SITE, "date_range": RANGE, "steps": STEPS}
    assert client.post("/api/v2/funnel", json=body).status_code == 401
    assert client.post("/api/v2/funnel", json=body, headers=auth("nope")).status_code == 401
    assert client.post("/api/v2/funnel", json=body, headers=auth(keys["o"])).status_code == 403
    other = client.get(f"/api/v2/users/u1?site_id={SITE}", headers=auth(keys["o"]))
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"steps": [{"page": "/"}]}, "steps"),
        ({"steps": [{"page": "/"}, {"event": 3}]}, "steps[1].event"),
        ({"steps": STEPS, "window": "2 days"}, "window"),
        ({"steps": STEPS, "order": "any"}, "order"),
        ({"steps": STEPS, "breakdown": "visit:source"}, "breakdown"),
        ({"steps": STEPS, "filters": [["is", "user:", ["x"]]]}, "filters[0][1]"),
        ({"steps": STEPS, "people": {"step": 1}}, "people.step"),
        ({"steps": STEPS, "bogus": 1}, "'bogus'"),
    ],
)
def test_bad_funnels_name_the_json_path(client, keys, body, path):
    response = client.post(
        "/api/v2/funnel",
        json={"site_id": SITE, "date_range": RANGE, **body},
        headers=auth(keys["p"]),
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith(path + ":")


def test_rate_limit(stores, catalog, keys):
    limited = make_client(stores["duckdb"], catalog, rate=1)
    body = {"site_id": SITE, "date_range": RANGE, "steps": STEPS}
    assert limited.post("/api/v2/funnel", json=body, headers=auth(keys["p"])).status_code == 200
    second = limited.post("/api/v2/funnel", json=body, headers=auth(keys["p"]))
    assert second.status_code == 429 and int(second.headers["Retry-After"]) >= 1


def test_user_profile_and_pagination(client, keys):
    response = client.get(f"/api/v2/users/u1?site_id={SITE}&limit=2", headers=auth(keys["p"]))
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == "u1" and len(profile["events"]["results"]) <= 2
    assert profile["events"]["total"] >= len(profile["events"]["results"])
    bad = client.get(f"/api/v2/users/u1?site_id={SITE}&limit=x", headers=auth(keys["p"]))
    assert bad.status_code == 400


def test_saved_funnels(client, keys):
    h = auth(keys["p"])
    funnel = {"date_range": "30d", "steps": STEPS}
    bad = client.post(
        "/api/v2/funnels", json={"site_id": SITE, "name": "x", "funnel": {}}, headers=h
    )
    assert bad.status_code == 400 and bad.json()["error"].startswith("funnel.steps")
    created = client.post(
        "/api/v2/funnels", json={"site_id": SITE, "name": "Signup", "funnel": funnel}, headers=h
    )
    assert created.status_code == 201
    saved = client.get(f"/api/v2/funnels?site_id={SITE}", headers=h).json()["results"]
    assert [s["name"] for s in saved if s["id"] == created.json()["id"]] == ["Signup"]
    path = f"/api/v2/funnels/{created.json()['id']}?site_id={SITE}"
    assert client.delete(path, headers=h).status_code == 204
    assert client.delete(path, headers=h).status_code == 404


def test_cohorts_crud_members_csv_and_sizes(client, keys):
    h = auth(keys["p"])
    definition = {"conditions": [{"did": {"event": "Export"}, "at_least": 2}]}
    bad = client.post(
        "/api/v2/cohorts",
        json={"site_id": SITE, "name": "x", "cohort": {"conditions": [{"did": {}}]}},
        headers=h,
    )
    assert bad.status_code == 400 and bad.json()["error"].startswith("cohort.conditions[0].did")
    created = client.post(
        "/api/v2/cohorts",
        json={"site_id": SITE, "name": "Exporters", "cohort": definition},
        headers=h,
    )
    assert created.status_code == 201
    cohort_id = created.json()["id"]
    listed = client.get(f"/api/v2/cohorts?site_id={SITE}", headers=h).json()["results"]
    assert any(c["id"] == cohort_id and c["cohort"] == definition for c in listed)
    inline = client.post(
        "/api/v2/cohort", json={"site_id": SITE, "cohort": definition}, headers=h
    ).json()
    by_id = client.post("/api/v2/cohort", json={"site_id": SITE, "cohort": cohort_id}, headers=h)
    assert by_id.json() == inline and inline["total"] == len(inline["people"]) > 0
    csv = client.get(f"/api/v2/cohorts/{cohort_id}/members.csv?site_id={SITE}", headers=h)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == ["person", *inline["people"]]
    sizes = client.get(f"/api/v2/cohorts/{cohort_id}/sizes?site_id={SITE}&points=3", headers=h)
    assert len(sizes.json()["results"]) == 3
    funnel = {"site_id": SITE, "date_range": RANGE, "steps": STEPS, "cohort": cohort_id}
    assert client.post("/api/v2/funnel", json=funnel, headers=h).status_code == 200
    missing = client.post("/api/v2/funnel", json={**funnel, "cohort": 10**6}, headers=h)
    assert missing.status_code == 400 and missing.json()["error"].startswith("cohort:")
    for body, where in (
        ({"cohort": "Exporters"}, "cohort:"),
        ({"cohort": True}, "cohort:"),
        ({"cohort": cohort_id, "pagination": [1]}, "pagination:"),
    ):
        wrong = client.post("/api/v2/cohort", json={"site_id": SITE, **body}, headers=h)
        assert wrong.status_code == 400 and wrong.json()["error"].startswith(where), wrong.text
    path = f"/api/v2/cohorts/{cohort_id}?site_id={SITE}"
    assert client.delete(path, headers=h).status_code == 204
    other = client.get(f"/api/v2/cohorts?site_id={SITE}", headers=auth(keys["o"]))
    assert other.status_code == 403


def test_client_methods_return_frames(stores, product, catalog, keys):
    stats = Stats(_HTTPBackend("http://testserver", keys["p"]))
    stats._backend._http = make_client(stores["duckdb"], catalog)  # type: ignore[attr-defined]
    stats._backend._http.headers["Authorization"] = f"Bearer {keys['p']}"  # type: ignore[attr-defined]
    funnel = stats.funnel(SITE, STEPS, period=RANGE, window="7d")
    assert list(funnel["users"]) == [
        s["users"]
        for s in product["duckdb"].funnel(
            {"site_id": SITE, "date_range": RANGE, "steps": STEPS, "window": "7d"}, now=NOW
        )["steps"]
    ]
    by_plan = stats.funnel(SITE, STEPS, period=RANGE, breakdown="user:plan")
    assert "breakdown" in by_plan.columns
    retention = stats.retention(SITE, period=RANGE, interval="week")
    assert (retention[0] == 1.0).all()
    segments = stats.segmentation(SITE, period=RANGE, interval="week", events=["Signup"])
    assert set(segments["event"]) == {"Signup"}
    users = stats.users(SITE, period=RANGE, traits=["plan"], limit=5)
    assert len(users) == 5
    paths = stats.paths(SITE, {"page": "/pricing"}, period=RANGE, depth=2)
    assert paths["depth"].max() == 2 and paths["path"].iloc[0].startswith("/pricing → ")
    members = stats.cohort(SITE, {"conditions": [{"did": {"event": "Export"}}]})
    assert members.attrs["total"] == len(members) > 0
    timeline = stats.user(SITE, "u1", limit=3)
    assert len(timeline) <= 3 and timeline.attrs["profile"]["id"] == "u1"
