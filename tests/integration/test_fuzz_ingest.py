"""Hostile bodies always get a 4xx, never a 5xx, and good events sent alongside still land."""

from __future__ import annotations

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server import CHROME_UA, ServerProcess, stored_rows

GOOD = {"n": "pageview", "u": "https://example.com/good", "d": "example.com"}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=20), c, max_size=3),
    max_leaves=10,
)
bodies = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(str.encode),
    st.dictionaries(
        st.sampled_from(["n", "u", "d", "r", "p", "m", "$", "i", "h", "w", "e", "sd"]), json_values
    ).map(orjson.dumps),
    st.fixed_dictionaries(
        {
            "n": st.text(max_size=130),
            "u": st.text(max_size=80),
            "d": st.just("example.com"),
            "p": json_values,
        }
    ).map(orjson.dumps),
)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    server = ServerProcess(tmp_path_factory.mktemp("fuzz"))
    server.cli("sites", "add", "example.com")
    server.start()
    yield server
    if server.process is not None:
        server.stop()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, content_type=st.sampled_from(["text/plain", "application/json", "", "x/y"]))
def test_hostile_bodies_never_cause_5xx(fuzz_server, body, content_type):
    with httpx.Client(base_url=fuzz_server.url, timeout=10) as client:
        response = client.post(
            "/api/event",
            content=body,
            headers={"User-Agent": CHROME_UA, "Content-Type": content_type},
        )
        assert response.status_code in (202, 400, 413), response.text
        good = client.post("/api/event", json=GOOD, headers={"User-Agent": CHROME_UA})
        assert good.status_code == 202


def test_good_events_all_landed(fuzz_server):
    metrics = httpx.get(f"{fuzz_server.url}/metrics").text
    accepted = int(
        next(
            line.split()[-1]
            for line in metrics.splitlines()
            if line.startswith("footfall_events_accepted_total")
        )
    )
    fuzz_server.stop()
    rows = stored_rows(
        fuzz_server.data_dir,
        "SELECT count(*) FILTER (WHERE pathname = '/good'), count(*) FROM events",
    )
    assert rows[0][1] == accepted
    assert rows[0][0] >= 300
