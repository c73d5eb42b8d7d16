"""An independent plain-Python computation of the metrics, straight from PRODUCT.md.

No SQL and no code shared with the engine: the numbers the engines return are
checked against these.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def _ts(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["timestamp"])


@dataclass
class Visit:
    visitor_id: int
    events: list[dict[str, Any]] = field(default_factory=list)

    def ordered(self) -> list[dict[str, Any]]:
        return sorted(self.events, key=lambda r: (_ts(r), r["event_id"]))

    @property
    def start(self) -> datetime:
        return _ts(self.ordered()[0])

    @property
    def duration_s(self) -> float:
        o = self.ordered()
        return (_ts(o[-1]) - _ts(o[0])).total_seconds()

    @property
    def pageviews(self) -> int:
        return sum(r["name"] == "pageview" for r in self.events)

    @property
    def bounced(self) -> bool:
        interactive = any(r["name"] != "pageview" and r["interactive"] for r in self.events)
        return self.pageviews == 1 and not interactive

    def first(self, column: str) -> str:
        return self.ordered()[0][column]

    def entry_page(self) -> str:
        pages = [r["pathname"] for r in self.ordered() if r["name"] == "pageview"]
        return pages[0] if pages else ""

    def exit_page(self) -> str:
        pages = [r["pathname"] for r in self.ordered() if r["name"] == "pageview"]
        return pages[-1] if pages else ""


class Reference:
    def __init__(
        self, rows: list[dict[str, Any]], site: str, start: datetime, end: datetime, tz: str = "UTC"
    ) -> None:
        self.tz = ZoneInfo(tz)
        self.events = [
            r
            for r in rows
            if r["site_id"] == site and start <= _ts(r) < end and r["name"] != "engagement"
        ]
        visits: dict[tuple[int, int], Visit] = {}
        for r in self.events:
            key = (r["visitor_id"], r["session_id"])
            visits.setdefault(key, Visit(r["visitor_id"])).events.append(r)
        self.visits = list(visits.values())

    def aggregate(
        self, visits: list[Visit] | None = None, events: list[dict[str, Any]] | None = None
    ) -> dict[str, Any]:
        visits = self.visits if visits is None else visits
        events = self.events if events is None else events
        n = len(visits)
        pageviews = sum(r["name"] == "pageview" for r in events)
        return {
            "visitors": len({r["visitor_id"] for r in events}),
            "visits": n,
            "pageviews": pageviews,
            "events": len(events),
            "bounce_rate": round(100 * sum(v.bounced for v in visits) / n) if n else 0,
            "visit_duration": round(sum(v.duration_s for v in visits) / n) if n else 0,
            "views_per_visit": round(sum(v.pageviews for v in visits) / n, 2) if n else 0,
        }

    def by_visit(self, label: Any) -> dict[str, dict[str, Any]]:
        """Breakdown by a visit attribute; `label(visit)` gives the value."""
        groups: dict[str, list[Visit]] = defaultdict(list)
        for v in self.visits:
            groups[label(v)].append(v)
        return {
            k: self.aggregate(vs, [r for v in vs for r in v.events]) for k, vs in groups.items()
        }

    def pages(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, Any]] = defaultdict(lambda: {"visitors": set(), "pageviews": 0})
        for r in self.events:
            out[r["pathname"]]["visitors"].add(r["visitor_id"])
            out[r["pathname"]]["pageviews"] += r["name"] == "pageview"
        return {
            k: {"visitors": len(v["visitors"]), "pageviews": v["pageviews"]} for k, v in out.items()
        }

    def days(self) -> dict[str, dict[str, int]]:
        visitors: dict[str, set[int]] = defaultdict(set)
        visits: dict[str, int] = defaultdict(int)
        for r in self.events:
            visitors[_ts(r).astimezone(self.tz).strftime("%Y-%m-%d")].add(r["visitor_id"])
        for v in self.visits:
            visits[v.start.astimezone(self.tz).strftime("%Y-%m-%d")] += 1
        return {d: {"visitors": len(visitors[d]), "visits": visits.get(d, 0)} for d in visitors}

    def goals(self) -> dict[str, dict[str, Any]]:
        total = len({r["visitor_id"] for r in self.events})
        who: dict[str, set[int]] = defaultdict(set)
        for r in self.events:
            if r["name"] != "pageview":
                who[r["name"]].add(r["visitor_id"])
        return {
            g: {"visitors": len(v), "conversion_rate": round(100 * len(v) / total, 2)}
            for g, v in who.items()
        }
