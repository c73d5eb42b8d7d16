"""footfall.connect (in-process and over HTTP) and `footfall stats`."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import generate

import footfall
from footfall.catalog import Catalog
from footfall.store.arrow import events_table
from footfall.store.base import SpoolPosition
from footfall.store.duckdb import DuckDBStore


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data")
    store = DuckDBStore(path / "footfall.duckdb")
    store.migrate()
    store.insert(events_table(generate(seed=3, visitors=80, days=20)), SpoolPosition())
    store.close()
    Catalog(path / "catalog.sqlite3").add_site("a.example", "Europe/Berlin")
    return path


RANGE = ["2024-03-01", "2024-03-31"]


def test_connect_returns_dataframes(data_dir):
    with footfall.connect(data_dir) as stats:
        agg = stats.aggregate("a.example", RANGE, compare=True)
        assert list(agg.columns[:5]) == [
            "visitors",
            "visits",
            "pageviews",
            "bounce_rate",
            "visit_duration",
        ]
        assert agg.loc[0, "visitors"] == 80 and "visitors_change" in agg.columns
        series = stats.timeseries("a.example", RANGE, ["visitors", "pageviews"])
        assert len(series) == 31 and series.index.name == "date"
        assert series["visitors"].sum() >= 80
        top = stats.breakdown(
            "a.example", "visit:source", RANGE, filters="visit:country!=US", limit=3
        )
        assert list(top.columns) == ["visit:source", "visitors"] and len(top) == 3
        assert (
            stats.query(
                {"site_id": "a.example", "date_range": RANGE, "metrics": ["total_revenue"]}
            ).loc[0, "total_revenue"]
            > 0
        )


def test_connect_over_http_matches_in_process(data_dir, tmp_path):
    import socket
    from datetime import UTC, datetime
    from types import SimpleNamespace

    import uvicorn
    from starlette.applications import Starlette

    copy = tmp_path / "srv"
    shutil.copytree(data_dir, copy)
    catalog = Catalog(copy / "catalog.sqlite3")
    key = catalog.create_api_key("a.example")
    store = DuckDBStore(copy / "footfall.duckdb")
    from footfall.web.stats_api import stats_routes

    ctx = SimpleNamespace(store=store, catalog=catalog, clock=lambda: datetime.now(UTC))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=stats_routes(ctx)), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        with (
            footfall.connect(f"http://127.0.0.1:{port}", api_key=key) as remote,
            footfall.connect(data_dir) as local,
        ):
            spec = {
                "site_id": "a.example",
                "date_range": RANGE,
                "metrics": ["visitors", "bounce_rate"],
                "dimensions": ["visit:country"],
            }
            assert remote.query(spec).equals(local.query(spec))
            with pytest.raises(footfall.errors.InvalidQuery) as info:
                remote.query(dict(spec, metrics=["nope"]))
            assert info.value.path == "metrics[0]"
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


def test_stats_command_table_csv_json_and_plot(data_dir, tmp_path):
    from footfall.query.cli import stats

    runner = CliRunner()
    base = ["--data-dir", str(data_dir), "--site", "a.example", "--period", "2024-03-01,2024-03-31"]
    table = runner.invoke(stats, base)
    assert table.exit_code == 0, table.output
    assert "visitors" in table.output
    csv = runner.invoke(
        stats,
        [
            *base,
            "--by",
            "visit:source",
            "--format",
            "csv",
            "--limit",
            "3",
            "--filter",
            "visit:device==Desktop|Mobile",
        ],
    )
    assert csv.exit_code == 0 and csv.output.splitlines()[0].startswith("visit:source,visitors")
    assert len(csv.output.splitlines()) == 4
    out = tmp_path / "chart.png"
    js = runner.invoke(
        stats,
        [
            *base,
            "--by",
            "event:page",
            "--format",
            "json",
            "--metrics",
            "visitors,pageviews",
            "--plot",
            str(out),
        ],
    )
    assert js.exit_code == 0, js.output
    assert json.loads(js.output)[0].keys() == {"event:page", "visitors", "pageviews"}
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(stats, [*base, "--by", "visit:nope"])
    assert bad.exit_code != 0 and "dimensions[0]" in bad.output
