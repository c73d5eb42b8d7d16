"""Plausible's Stats API v1 (aggregate, timeseries, breakdown) as v2 queries.

Pure translation both ways, so existing scripts keep working and every number still
comes from the one engine. v1 filters look like `event:page==/blog/**;visit:country==US|DE`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from footfall.errors import InvalidQuery
from footfall.query.dimensions import lookup

PERIODS = ("12mo", "6mo", "month", "30d", "7d", "day", "custom")
_SPLIT_PIPE = re.compile(r"(?<!\\)\|")


def _period_range(params: Mapping[str, str], now: datetime, tz: str) -> str | list[str]:
    period = params.get("period", "30d")
    if period not in PERIODS:
        raise InvalidQuery("period", f"unknown period {period!r}; use {', '.join(PERIODS)}")
    raw_date = params.get("date")
    if period == "custom":
        parts = (raw_date or "").split(",")
        if len(parts) != 2:
            raise InvalidQuery("date", "custom period needs date=YYYY-MM-DD,YYYY-MM-DD")
        return [p.strip() for p in parts]
    try:
        today = date.fromisoformat(raw_date) if raw_date else now.astimezone(ZoneInfo(tz)).date()
    except ValueError:
        raise InvalidQuery("date", f"expected YYYY-MM-DD, got {raw_date!r}") from None
    if period in ("7d", "30d"):  # v1 counts back from `date`, today included
        days = int(period[:-1])
        return [(today - timedelta(days=days - 1)).isoformat(), today.isoformat()]
    return period


def _glob(value: str) -> str:
    parts = re.split(r"(\*\*|\*)", value)
    body = "".join(".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    return f"^{body}$"


def parse_filters(text: str) -> list[list[Any]]:
    """`dim==a|b;dim!=c*` → v2 filters; `*` is a wildcard, `\\|` a literal pipe."""
    out: list[list[Any]] = []
    for i, part in enumerate(p for p in text.split(";") if p.strip()):
        match = re.match(r"\s*([\w:.\-]+)\s*(==|!=|~)\s*(.*)$", part, re.S)
        if not match:
            raise InvalidQuery(f"filters[{i}]", "expected dimension==value or dimension!=value")
        name, op, raw = match.groups()
        if lookup(name) is None:
            raise InvalidQuery(f"filters[{i}]", f"unknown dimension {name!r}")
        values = [v.replace("\\|", "|") for v in _SPLIT_PIPE.split(raw)]
        negate = op == "!="
        if op == "~":
            out.append(["contains", name, values])
        elif any("*" in v for v in values):
            out.append(["matches_not" if negate else "matches", name, [_glob(v) for v in values]])
        else:
            out.append(["is_not" if negate else "is", name, values])
    return out


def _base(params: Mapping[str, str], now: datetime, tz: str) -> dict[str, Any]:
    site = params.get("site_id")
    if not site:
        raise InvalidQuery("site_id", "required")
    metrics = [m.strip() for m in params.get("metrics", "visitors").split(",") if m.strip()]
    body: dict[str, Any] = {
        "site_id": site,
        "date_range": _period_range(params, now, tz),
        "metrics": metrics,
        "filters": parse_filters(params.get("filters", "")),
    }
    if params.get("period") not in (None, "custom") and params.get("date"):
        body["date"] = params["date"]
    return body


def aggregate_query(params: Mapping[str, str], now: datetime, tz: str) -> dict[str, Any]:
    body = _base(params, now, tz)
    if params.get("compare") == "previous_period":
        body["include"] = {"comparisons": {"mode": "previous_period"}}
    return body


def aggregate_result(body: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    row = result["results"][0]
    out: dict[str, Any] = {}
    for i, metric in enumerate(body["metrics"]):
        entry: dict[str, Any] = {"value": row["metrics"][i]}
        if "comparison" in row:
            entry["change"] = row["comparison"]["change"][i]
        out[metric] = entry
    return {"results": out}


def timeseries_query(params: Mapping[str, str], now: datetime, tz: str) -> dict[str, Any]:
    body = _base(params, now, tz)
    interval = params.get("interval") or (
        "month"
        if params.get("period") in ("6mo", "12mo")
        else "hour"
        if params.get("period") == "day"
        else "day"
    )
    if interval not in ("hour", "day", "week", "month", "minute"):
        raise InvalidQuery("interval", "use hour, day, week or month")
    body["dimensions"] = [f"time:{interval}"]
    body["include"] = {"time_labels": True}
    return body


def timeseries_result(body: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    found = {r["dimensions"][0]: r["metrics"] for r in result["results"]}
    zero = [0] * len(body["metrics"])
    return {
        "results": [
            {"date": label, **dict(zip(body["metrics"], found.get(label, zero), strict=True))}
            for label in result["meta"]["time_labels"]
        ]
    }


def breakdown_query(params: Mapping[str, str], now: datetime, tz: str) -> dict[str, Any]:
    body = _base(params, now, tz)
    prop = params.get("property")
    if not prop or lookup(prop) is None:
        raise InvalidQuery("property", "required: a dimension such as event:page or visit:source")
    try:
        limit = int(params.get("limit", "100"))
        page = int(params.get("page", "1"))
    except ValueError:
        raise InvalidQuery("limit", "limit and page are integers") from None
    if not 1 <= limit <= 1000 or page < 1:
        raise InvalidQuery("limit", "limit is 1 to 1000 and page starts at 1")
    body["dimensions"] = [prop]
    body["pagination"] = {"limit": limit, "offset": (page - 1) * limit}
    return body


def breakdown_result(body: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    dimension = lookup(body["dimensions"][0])
    assert dimension is not None
    key = dimension.short
    return {
        "results": [
            {key: r["dimensions"][0], **dict(zip(body["metrics"], r["metrics"], strict=True))}
            for r in result["results"]
        ]
    }
