"""The metrics registry: what SQL components each metric needs and how to finish it.

SQL returns only exact integers (and decimal sums); ratios and rounding happen here
in Python, so DuckDB and ClickHouse cannot disagree in the last digit. Components
belong to one of three row sources: single events, visits, or engagement pings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Source = Literal["event", "visit", "engagement"]

# component name -> the row source it is computed from
COMPONENTS: dict[str, Source] = {
    "visitors": "event",
    "pageviews": "event",
    "events": "event",
    "revenue_sum": "event",
    "revenue_n": "event",
    "revenue_currency": "event",
    "visits": "visit",
    "bounces": "visit",
    "duration_ms": "visit",
    "visit_pageviews": "visit",
    "scroll_sum": "engagement",
    "scroll_n": "engagement",
    "engaged_ms": "engagement",
    "engaged_n": "engagement",
}


def _num(value: Any) -> float:
    return float(value or 0)


def _div(a: Any, b: Any) -> float:
    return _num(a) / _num(b) if _num(b) else 0.0


def _revenue(value: float, currency: str) -> dict[str, Any] | None:
    if not currency and not value:
        return None
    short = f"{value / 1000:.1f}K" if abs(value) >= 1000 else f"{value:.2f}"
    return {
        "value": round(value, 2),
        "currency": currency,
        "short": f"{short} {currency}".strip(),
        "long": f"{value:,.2f} {currency}".strip(),
    }


Finish = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    components: tuple[str, ...]
    finish: Finish  # (components, context with totals) -> value
    ratio: tuple[str, str] | None = None  # order by components[0] / components[1]
    scale: float = 1.0
    needs_total: bool = False  # percentage / conversion_rate need a denominator
    change: Literal["relative", "absolute"] = "relative"
    doc: str = ""


def _plain(component: str) -> Finish:
    return lambda c, _ctx: int(c.get(component) or 0)


def _dec(value: Any) -> float:
    return float(value) if isinstance(value, Decimal) else _num(value)


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("visitors", ("visitors",), _plain("visitors"), doc="unique visitors"),
        Metric("visits", ("visits",), _plain("visits"), doc="visits (sessions)"),
        Metric("pageviews", ("pageviews",), _plain("pageviews"), doc="pageview events"),
        Metric("events", ("events",), _plain("events"), doc="pageviews and custom events"),
        Metric(
            "views_per_visit",
            ("visit_pageviews", "visits"),
            lambda c, _: round(_div(c.get("visit_pageviews"), c.get("visits")), 2),
            ratio=("visit_pageviews", "visits"),
            doc="pageviews / visits",
        ),
        Metric(
            "bounce_rate",
            ("bounces", "visits"),
            lambda c, _: round(100 * _div(c.get("bounces"), c.get("visits"))),
            ratio=("bounces", "visits"),
            change="absolute",
            doc="% of visits with one pageview and no interactive custom event",
        ),
        Metric(
            "visit_duration",
            ("duration_ms", "visits"),
            lambda c, _: round(_div(c.get("duration_ms"), c.get("visits")) / 1000),
            ratio=("duration_ms", "visits"),
            doc="mean seconds from a visit's first to last event (bounces count 0)",
        ),
        Metric(
            "percentage",
            ("visitors",),
            lambda c, ctx: round(100 * _div(c.get("visitors"), ctx.get("total_visitors")), 1),
            needs_total=True,
            change="absolute",
            doc="% of the period's visitors",
        ),
        Metric(
            "conversion_rate",
            ("visitors",),
            lambda c, ctx: round(100 * _div(c.get("visitors"), ctx.get("goal_base_visitors")), 2),
            needs_total=True,
            change="absolute",
            doc="% of visitors (without goal filters) who completed the goal",
        ),
        Metric(
            "total_revenue",
            ("revenue_sum", "revenue_currency"),
            lambda c, _: _revenue(_dec(c.get("revenue_sum")), c.get("revenue_currency") or ""),
            doc="sum of revenue amounts",
        ),
        Metric(
            "average_revenue",
            ("revenue_sum", "revenue_n", "revenue_currency"),
            lambda c, _: _revenue(
                _dec(c.get("revenue_sum")) / _num(c.get("revenue_n")) if c.get("revenue_n") else 0,
                c.get("revenue_currency") or "",
            ),
            ratio=("revenue_sum", "revenue_n"),
            doc="mean revenue per event with revenue",
        ),
        Metric(
            "scroll_depth",
            ("scroll_sum", "scroll_n"),
            lambda c, _: round(_div(c.get("scroll_sum"), c.get("scroll_n"))),
            ratio=("scroll_sum", "scroll_n"),
            doc="mean of each visitor's deepest scroll per page (engagement events)",
        ),
        Metric(
            "time_on_page",
            ("engaged_ms", "engaged_n"),
            lambda c, _: round(_div(c.get("engaged_ms"), c.get("engaged_n")) / 1000),
            ratio=("engaged_ms", "engaged_n"),
            doc="mean engaged seconds per visitor and page (engagement events)",
        ),
    )
}

ENGAGEMENT_METRICS = frozenset({"scroll_depth", "time_on_page"})
REVENUE_METRICS = frozenset({"total_revenue", "average_revenue"})


def sources(metric_names: tuple[str, ...]) -> set[Source]:
    return {COMPONENTS[c] for name in metric_names for c in METRICS[name].components}
