"""Run product queries: parse → resolve the range (`now` passed in) → compile → fetch → shape.

Every query is one guarded SQL tree (persons.PersonTree.finish) printed for the store's
dialect, so DuckDB and ClickHouse compute the same answer from the same tree.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlglot import exp

from footfall.errors import InvalidQuery
from footfall.product import cohorts, users
from footfall.product import funnel as funnels
from footfall.product import paths as path_trees
from footfall.product import retention as retentions
from footfall.product import segmentation as segments
from footfall.product.persons import PersonTree
from footfall.product.spec import Common
from footfall.query import periods
from footfall.query.engine import QueryEngine
from footfall.query.periods import Period
from footfall.query.printer import bind_values, render
from footfall.store.base import Store

MAX_BREAKDOWN_VALUES = 25


class ProductEngine:
    """Answers funnel, retention, segmentation, path and user queries against one store."""

    def __init__(self, store: Store, catalog: Any = None) -> None:
        self.store = store
        self.catalog = catalog  # resolves saved cohorts by id
        self._stats = QueryEngine(store)

    def fetch(self, tree: PersonTree, select: exp.Expression) -> list[tuple]:
        sql = render(select, self.store.dialect)
        _names, rows = self.store.fetch(sql, bind_values(tree.params.values))
        return rows

    def period(self, common: Common, now: datetime, timezone: str) -> Period:
        earliest: date | None = None
        if common.date_range == "all":
            first = self._stats.earliest(common.site_id)
            if first is not None:
                earliest = periods.from_datetimes(
                    datetime.combine(first, datetime.min.time(), tzinfo=UTC),
                    now,
                    timezone,
                    inclusive=False,
                ).first
        return periods.resolve(common.date_range, timezone, now, earliest=earliest)

    def tree(self, common: Common, period: Period, now: datetime) -> PersonTree:
        tree = PersonTree(common.site_id, period.start, period.end, common.traits)
        if common.cohort is not None:
            cohorts.attach(tree, self.cohort_of(common.site_id, common.cohort), now)
        return tree

    def cohort_of(self, site_id: str, ref: Any, path: str = "cohort") -> cohorts.Cohort:
        """A cohort from a parsed or raw definition, or a saved one's id (via the catalog)."""
        if not isinstance(ref, cohorts.Cohort):
            ref = cohorts.cohort_ref(ref, path)
        if isinstance(ref, cohorts.Cohort):
            return ref
        found = None
        if self.catalog is not None:
            found = next(
                (b for i, _n, b, _c in self.catalog.saved_queries(site_id, "cohort") if i == ref),
                None,
            )
        if found is None:
            raise InvalidQuery(path, f"no saved cohort {ref} for this site")
        return cohorts.parse_cohort(json.loads(found), path)

    # funnels ---------------------------------------------------------------------------

    def funnel(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict[str, Any]:
        return self.run_funnel(funnels.parse_funnel(body), now=now, timezone=timezone)

    def run_funnel(
        self, q: funnels.FunnelQuery, *, now: datetime, timezone: str = "UTC"
    ) -> dict[str, Any]:
        period = self.period(q.common, now, timezone)
        meta = {"date_range": _iso(period), "window_seconds": q.window_s, "order": q.order}
        if q.people is not None:
            tree = self.tree(q.common, period, now)
            rows = self.fetch(tree, funnels.compile_people(tree, q))
            people = {"step": q.people.step, "status": q.people.status}
            return {"people": [r[0] for r in rows], "meta": {**meta, **people}}
        tree = self.tree(q.common, period, now)
        overall = funnels.shape(q, self.fetch(tree, funnels.compile_funnel(tree, q, False)))
        result: dict[str, Any] = {
            "steps": overall.get("", funnels.steps_report(q, {})),
            "meta": meta,
        }
        if q.common.breakdown is not None:
            tree = self.tree(q.common, period, now)
            groups = funnels.shape(q, self.fetch(tree, funnels.compile_funnel(tree, q, True)))
            ranked = sorted(groups.items(), key=lambda kv: (-kv[1][0]["users"], kv[0]))
            result["breakdown"] = [
                {"value": value, "steps": steps} for value, steps in ranked[:MAX_BREAKDOWN_VALUES]
            ]
            result["meta"]["breakdown"] = q.common.breakdown.name
        return result

    # retention -------------------------------------------------------------------------

    def retention(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict[str, Any]:
        q = retentions.parse_retention(body)
        period = self.period(q.common, now, timezone)
        tree = self.tree(q.common, period, now)
        rows = self.fetch(tree, retentions.compile_retention(tree, q, period))
        return retentions.shape(q, period, rows)

    # segmentation ----------------------------------------------------------------------

    def segmentation(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict[str, Any]:
        q = segments.parse_segmentation(body)
        period = self.period(q.common, now, timezone)
        tree = self.tree(q.common, period, now)
        rows = self.fetch(tree, segments.compile_segmentation(tree, q, period))
        return segments.shape(q, period, rows)

    # paths -------------------------------------------------------------------------------

    def paths(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict[str, Any]:
        q = path_trees.parse_paths(body)
        period = self.period(q.common, now, timezone)
        tree = self.tree(q.common, period, now)
        rows = self.fetch(tree, path_trees.compile_paths(tree, q))
        return {"tree": path_trees.build_tree(q, rows), "meta": {"date_range": _iso(period)}}

    # cohorts -----------------------------------------------------------------------------

    def cohort_members(
        self, site_id: str, ref: Any, *, now: datetime, limit: int = 100, offset: int = 0
    ) -> dict[str, Any]:
        cohort = self.cohort_of(site_id, ref)
        tree = PersonTree(site_id, now, now)
        rows = self.fetch(tree, cohorts.members_select(tree, cohort, now, limit, offset))
        total = int(rows[0][1]) if rows else self.cohort_size(site_id, cohort, at=now)
        return {"people": [r[0] for r in rows], "total": total, "limit": limit, "offset": offset}

    def cohort_size(self, site_id: str, ref: Any, *, at: datetime) -> int:
        cohort = self.cohort_of(site_id, ref)
        tree = PersonTree(site_id, at, at)
        rows = self.fetch(tree, cohorts.size_select(tree, cohort, at))
        return int(rows[0][0]) if rows else 0

    def cohort_sizes(
        self, site_id: str, ref: Any, *, now: datetime, interval: str = "week", points: int = 8
    ) -> list[dict[str, Any]]:
        """The cohort's size at the end of each of the last `points` days or weeks."""
        step = timedelta(days=7 if interval == "week" else 1)
        day_end = datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
        ends = [min(now, day_end - step * i) for i in reversed(range(points))]
        return [
            {"at": at.isoformat(), "size": self.cohort_size(site_id, ref, at=at)} for at in ends
        ]

    # users -------------------------------------------------------------------------------

    def users(self, body: Any, *, now: datetime, timezone: str = "UTC") -> dict[str, Any]:
        q = users.parse_users(body)
        period = self.period(q.common, now, timezone)
        tree = self.tree(q.common, period, now)
        rows = self.fetch(tree, users.users_tree(tree, q))
        return {
            "results": users.shape_users(q, rows),
            "meta": {"date_range": _iso(period), "limit": q.limit, "offset": q.offset},
        }

    def user(
        self, site_id: str, person: str, *, now: datetime, limit: int = 50, offset: int = 0
    ) -> dict[str, Any]:
        """One person's profile: traits, identities, first/last seen, a page of events."""
        traits: dict[str, str] = {}
        keys = users.keys_of(self.fetch(*users.trait_keys_tree(site_id, person, now)))
        if keys:
            found = self.fetch(*users.traits_tree(site_id, person, keys, now))
            if found:
                traits = {k: v for k, v in zip(keys, found[0][1:], strict=True) if v != ""}
        summary = self.fetch(*users.summary_tree(site_id, person, now))
        events = self.fetch(*users.timeline_tree(site_id, person, now, limit, offset))
        return users.profile(person, traits, summary, events, limit, offset)


def _iso(period: Period) -> list[str]:
    return [period.start.isoformat(), period.end.isoformat()]
