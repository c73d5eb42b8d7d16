"""The dashboard's JSON endpoints; the page's JS reads everything through them.

They are the same for a logged-in user (`/sites/<domain>/api/…`) and a shared link
(`/share/<token>/api/…`); only `resolve` differs, and it is what decides which one
site a request may read. Queries are Stats API v2 bodies run by the query engine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from footfall.catalog.sqlite import Site
from footfall.web.dashboard.live import latest_events, property_keys
from footfall.web.dashboard.security import Problem
from footfall.web.dashboard.state import Dashboard

Resolve = Callable[[Request], Site]
LIVE_WINDOW = timedelta(minutes=30)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _body(request: Request) -> Any:
    try:
        return json.loads(request.query_params.get("q", ""))
    except ValueError:
        raise Problem(400, "q: expected a Stats API v2 query as JSON") from None


def _cell(value: Any) -> str:
    """CSV cells that a spreadsheet would run as a formula get a leading quote."""
    if isinstance(value, dict):  # revenue
        value = value.get("value", "")
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def api_handlers(dash: Dashboard, resolve: Resolve) -> dict[str, Callable[..., Any]]:
    async def query(request: Request) -> Response:
        return JSONResponse(await dash.query(resolve(request), _body(request)))

    async def export_csv(request: Request) -> Response:
        site = resolve(request)
        body = _body(request)
        result = await dash.query(site, body)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*result["query"]["dimensions"], *result["query"]["metrics"]])
        for row in result["results"]:
            writer.writerow([_cell(v) for v in [*row["dimensions"], *row["metrics"]]])
        name = "-".join(d.split(":")[-1] for d in result["query"]["dimensions"]) or "totals"
        disposition = f'attachment; filename="{site.domain}-{name}.csv"'
        return Response(
            out.getvalue(), media_type="text/csv", headers={"content-disposition": disposition}
        )

    async def live(request: Request) -> Response:
        site = resolve(request)
        now = dash.ctx.clock()
        try:
            since = datetime.fromisoformat(request.query_params.get("since", ""))
        except ValueError:
            since = now - timedelta(days=1)
        if since.tzinfo is None:
            raise Problem(400, "since: expected an ISO datetime with offset")
        events = await run_in_threadpool(latest_events, dash.ctx.store, site.domain, since)
        current = await run_in_threadpool(dash.engine.current_visitors, site.domain, now)
        tz = ZoneInfo(site.timezone)
        window = [
            (now - LIVE_WINDOW).astimezone(tz).isoformat(timespec="seconds"),
            now.astimezone(tz).isoformat(timespec="seconds"),
        ]
        minutes = await dash.query(
            site,
            {
                "date_range": window,
                "metrics": ["pageviews"],
                "dimensions": ["time:minute"],
                "include": {"time_labels": True},
            },
        )
        return JSONResponse(
            {
                "now": now.isoformat(timespec="milliseconds"),
                "current_visitors": current,
                "events": events,
                "minutes": {
                    "labels": minutes["meta"].get("time_labels", []),
                    "values": {r["dimensions"][0]: r["metrics"][0] for r in minutes["results"]},
                },
            }
        )

    async def realtime(request: Request) -> Response:
        site = resolve(request)
        count = await run_in_threadpool(dash.engine.current_visitors, site.domain, dash.ctx.clock())
        return JSONResponse({"current_visitors": count})

    async def props(request: Request) -> Response:
        site = resolve(request)
        since = dash.ctx.clock() - timedelta(days=400)
        keys = await run_in_threadpool(property_keys, dash.ctx.store, site.domain, since)
        return JSONResponse({"keys": keys})

    return {
        "query": query,
        "csv": export_csv,
        "live": live,
        "realtime": realtime,
        "props": props,
    }
