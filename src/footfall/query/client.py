"""`footfall.connect(...)`: stats as pandas DataFrames, in-process or over HTTP.

Given a data directory it opens the store and catalog and runs the engine in this
process; given an http(s) URL it sends v2 queries with an API key. Both paths answer
the same `query(spec)`, so notebooks work the same against a laptop or a server.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from footfall.errors import FootfallError, InvalidQuery
from footfall.product import frames
from footfall.query.v1 import parse_filters

DEFAULT_METRICS = ("visitors", "visits", "pageviews", "bounce_rate", "visit_duration")


class _Backend(Protocol):
    def run(self, spec: dict[str, Any]) -> dict[str, Any]: ...
    def product(self, kind: str, spec: dict[str, Any]) -> dict[str, Any]: ...
    def user(self, site: str, person: str, limit: int, offset: int) -> dict[str, Any]: ...
    def close(self) -> None: ...


class _LocalBackend:
    def __init__(self, data_dir: Path) -> None:
        from footfall.catalog import Catalog
        from footfall.query.engine import QueryEngine
        from footfall.store.base import open_store

        url = os.environ.get("FOOTFALL_STORE", "duckdb")
        duck_file = data_dir / "footfall.duckdb"
        if url in ("", "duckdb") and duck_file.exists():
            from footfall.store.duckdb import DuckDBStore

            self.store: Any = DuckDBStore(duck_file, read_only=True)
        else:
            self.store = open_store(url, data_dir)
            self.store.migrate()
        self.catalog = Catalog(data_dir / "catalog.sqlite3")
        self.engine = QueryEngine(self.store)
        from footfall.product.engine import ProductEngine

        self.product_engine = ProductEngine(self.store, self.catalog)

    def _tz(self, spec: dict[str, Any]) -> str:
        site = self.catalog.get_site(str(spec.get("site_id", "")))
        return site.timezone if site else "UTC"

    def run(self, spec: dict[str, Any]) -> dict[str, Any]:
        return self.engine.query(spec, now=datetime.now(UTC), timezone=self._tz(spec))

    def product(self, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC)
        if kind == "cohort":
            limit = int(spec.get("pagination", {}).get("limit", 10_000))
            site = str(spec["site_id"])
            return self.product_engine.cohort_members(site, spec["cohort"], now=now, limit=limit)
        run = getattr(self.product_engine, kind)
        return run(spec, now=now, timezone=self._tz(spec))  # type: ignore[no-any-return]

    def user(self, site: str, person: str, limit: int, offset: int) -> dict[str, Any]:
        return self.product_engine.user(
            site, person, now=datetime.now(UTC), limit=limit, offset=offset
        )

    def close(self) -> None:
        self.store.close()


class _HTTPBackend:
    def __init__(self, url: str, api_key: str | None) -> None:
        import httpx

        key = api_key or os.environ.get("FOOTFALL_API_KEY")
        if not key:
            raise FootfallError("an API key is needed to query a server (api_key=...)")
        self._http = httpx.Client(
            base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {key}"}, timeout=60
        )

    def run(self, spec: dict[str, Any]) -> dict[str, Any]:
        return self._answer(self._http.post("/api/v2/query", json=spec))

    def product(self, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
        return self._answer(self._http.post(f"/api/v2/{kind}", json=spec))

    def user(self, site: str, person: str, limit: int, offset: int) -> dict[str, Any]:
        from urllib.parse import quote

        params = {"site_id": site, "limit": limit, "offset": offset}
        return self._answer(
            self._http.get(f"/api/v2/users/{quote(person, safe='')}", params=params)
        )

    def _answer(self, response: Any) -> dict[str, Any]:
        if response.status_code == 400:
            path, _, message = response.json().get("error", "").partition(": ")
            raise InvalidQuery(path, message)
        if response.status_code != 200:
            raise FootfallError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.json()

    def close(self) -> None:
        self._http.close()


def _value(metric: Any) -> Any:
    return metric["value"] if isinstance(metric, dict) else metric


def to_frame(result: dict[str, Any]) -> pd.DataFrame:
    """One row per result: dimension columns, then metric columns (and `<metric>_change`)."""
    query = result["query"]
    dims, metrics = list(query["dimensions"]), list(query["metrics"])
    records = []
    for row in result["results"]:
        record = dict(zip(dims, row["dimensions"], strict=True))
        record.update(zip(metrics, (_value(m) for m in row["metrics"]), strict=True))
        if "comparison" in row:
            record.update(
                {
                    f"{m}_change": c
                    for m, c in zip(metrics, row["comparison"]["change"], strict=True)
                }
            )
        records.append(record)
    return pd.DataFrame.from_records(records, columns=None if records else dims + metrics)


def _filters(filters: str | list[Any] | None) -> list[Any]:
    if filters is None:
        return []
    return parse_filters(filters) if isinstance(filters, str) else list(filters)


class Stats:
    """What `connect` returns; every method answers with a DataFrame."""

    def __init__(self, backend: _Backend) -> None:
        self._backend = backend

    def raw(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The v2 JSON answer, unshaped."""
        return self._backend.run(spec)

    def query(self, spec: dict[str, Any]) -> pd.DataFrame:
        return to_frame(self.raw(spec))

    def aggregate(
        self,
        site: str,
        period: Any = "30d",
        metrics: Any = DEFAULT_METRICS,
        filters: Any = None,
        compare: bool = False,
    ) -> pd.DataFrame:
        spec: dict[str, Any] = {
            "site_id": site,
            "date_range": period,
            "metrics": list(metrics),
            "filters": _filters(filters),
        }
        if compare:
            spec["include"] = {"comparisons": {"mode": "previous_period"}}
        return self.query(spec)

    def timeseries(
        self,
        site: str,
        period: Any = "30d",
        metrics: Any = ("visitors",),
        interval: str | None = None,
        filters: Any = None,
    ) -> pd.DataFrame:
        """Every bucket of the period (zeros where nothing happened), indexed by `date`."""
        dim = f"time:{interval}" if interval else "time"
        result = self.raw(
            {
                "site_id": site,
                "date_range": period,
                "metrics": list(metrics),
                "dimensions": [dim],
                "filters": _filters(filters),
                "include": {"time_labels": True},
            }
        )
        frame = (
            to_frame(result).set_index(dim)
            if result["results"]
            else pd.DataFrame(columns=list(metrics))
        )
        frame = frame.reindex(result["meta"]["time_labels"], fill_value=0)
        frame.index.name = "date"
        return frame

    def breakdown(
        self,
        site: str,
        by: str,
        period: Any = "30d",
        metrics: Any = ("visitors",),
        filters: Any = None,
        limit: int = 100,
    ) -> pd.DataFrame:
        return self.query(
            {
                "site_id": site,
                "date_range": period,
                "metrics": list(metrics),
                "dimensions": [by],
                "filters": _filters(filters),
                "pagination": {"limit": limit},
            }
        )

    # product analytics (docs/product-analytics.md) -----------------------------------

    def funnel(
        self,
        site: str,
        steps: list[dict[str, Any]],
        period: Any = "30d",
        window: str = "24h",
        order: str = "loose",
        breakdown: str | None = None,
        filters: Any = None,
    ) -> pd.DataFrame:
        """Per step: users, conversions, drop-off and median seconds from the previous step."""
        spec: dict[str, Any] = {
            "site_id": site,
            "date_range": period,
            "steps": steps,
            "window": window,
            "order": order,
            "filters": _filters(filters),
        }
        if breakdown:
            spec["breakdown"] = breakdown
        return frames.funnel_frame(self._backend.product("funnel", spec))

    def retention(
        self,
        site: str,
        period: Any = "91d",
        interval: str = "week",
        first_event: dict[str, Any] | None = None,
        return_event: dict[str, Any] | None = None,
        filters: Any = None,
    ) -> pd.DataFrame:
        """Cohort table: size and the share active in each later period (columns 0, 1, 2…)."""
        spec: dict[str, Any] = {
            "site_id": site,
            "date_range": period,
            "period": interval,
            "filters": _filters(filters),
        }
        if first_event:
            spec["first_event"] = first_event
        if return_event:
            spec["return_event"] = return_event
        return frames.retention_frame(self._backend.product("retention", spec))

    def segmentation(
        self,
        site: str,
        period: Any = "30d",
        interval: str = "day",
        events: list[str] | None = None,
        breakdown: str | None = None,
        filters: Any = None,
        limit: int = 12,
    ) -> pd.DataFrame:
        """Events per bucket (long form: event, breakdown, date, total, users)."""
        spec: dict[str, Any] = {
            "site_id": site,
            "date_range": period,
            "interval": interval,
            "events": list(events or []),
            "limit": limit,
            "filters": _filters(filters),
        }
        if breakdown:
            spec["breakdown"] = breakdown
        return frames.segmentation_frame(self._backend.product("segmentation", spec))

    def paths(
        self,
        site: str,
        start: dict[str, Any],
        period: Any = "30d",
        direction: str = "after",
        depth: int = 3,
        width: int = 5,
        filters: Any = None,
    ) -> pd.DataFrame:
        """The paths tree flattened: depth, path ("/pricing → /signup → …"), people."""
        spec = {
            "site_id": site,
            "date_range": period,
            "start": start,
            "direction": direction,
            "depth": depth,
            "width": width,
            "filters": _filters(filters),
        }
        return frames.paths_frame(self._backend.product("paths", spec))

    def users(
        self,
        site: str,
        period: Any = "30d",
        traits: Any = (),
        filters: Any = None,
        limit: int = 100,
    ) -> pd.DataFrame:
        spec = {
            "site_id": site,
            "date_range": period,
            "traits": list(traits),
            "filters": _filters(filters),
            "pagination": {"limit": limit},
        }
        return frames.users_frame(self._backend.product("users", spec))

    def cohort(self, site: str, cohort: int | dict[str, Any], limit: int = 10_000) -> pd.DataFrame:
        """Members of a saved cohort (by id) or of a definition, as of now."""
        spec = {"site_id": site, "cohort": cohort, "pagination": {"limit": limit}}
        result = self._backend.product("cohort", spec)
        frame = pd.DataFrame({"person": result["people"]})
        frame.attrs["total"] = result["total"]
        return frame

    def user(self, site: str, person: str, limit: int = 50, offset: int = 0) -> pd.DataFrame:
        """A person's events, newest first; `.attrs["profile"]` holds traits and identities."""
        return frames.user_frame(self._backend.user(site, person, limit, offset))

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Stats:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connect(data_dir_or_url: str | Path, api_key: str | None = None) -> Stats:
    """Stats over a data directory (in-process) or a Footfall server URL (with a key)."""
    target = str(data_dir_or_url)
    if target.startswith(("http://", "https://")):
        return Stats(_HTTPBackend(target, api_key))
    return Stats(_LocalBackend(Path(target)))
