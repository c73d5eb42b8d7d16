"""Engine numbers against the plain-Python reference, on DuckDB and chDB alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from corpus import BACKENDS, NOW
from reference import Reference

SITE = "a.example"
START = datetime(2024, 3, 5, tzinfo=UTC)
END = datetime(2024, 4, 1, tzinfo=UTC)
RANGE = ["2024-03-05", "2024-03-31"]
VISIT_METRICS = [
    "visitors",
    "visits",
    "pageviews",
    "events",
    "bounce_rate",
    "visit_duration",
    "views_per_visit",
]


@pytest.fixture(scope="module")
def ref(corpus_rows):
    return Reference(corpus_rows, SITE, START, END)


def _by_dims(result: dict, metrics: list[str]) -> dict:
    return {
        tuple(r["dimensions"]) if len(r["dimensions"]) != 1 else r["dimensions"][0]: dict(
            zip(metrics, r["metrics"], strict=True)
        )
        for r in result["results"]
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_aggregate_matches_reference(engines, ref, backend):
    result = engines[backend].query(
        {"site_id": SITE, "date_range": RANGE, "metrics": VISIT_METRICS}, now=NOW
    )
    assert dict(zip(VISIT_METRICS, result["results"][0]["metrics"], strict=True)) == ref.aggregate()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("dimension", "label"),
    [
        ("visit:source", lambda v: v.first("referrer_source") or "Direct / None"),
        ("visit:entry_page", lambda v: v.entry_page() or "(none)"),
        ("visit:exit_page", lambda v: v.exit_page() or "(none)"),
        ("visit:country", lambda v: v.first("country") or "(none)"),
        ("visit:device", lambda v: v.first("device") or "(none)"),
        ("visit:utm_campaign", lambda v: v.first("utm_campaign") or "(none)"),
    ],
)
def test_visit_breakdowns_match_reference(engines, ref, backend, dimension, label):
    result = engines[backend].query(
        {"site_id": SITE, "date_range": RANGE, "metrics": VISIT_METRICS, "dimensions": [dimension]},
        now=NOW,
    )
    assert _by_dims(result, VISIT_METRICS) == ref.by_visit(label)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_match_reference(engines, ref, backend):
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": ["visitors", "pageviews"],
            "dimensions": ["event:page"],
        },
        now=NOW,
    )
    assert _by_dims(result, ["visitors", "pageviews"]) == ref.pages()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_days_match_reference_in_site_timezone(engines, corpus_rows, backend, tz):
    from datetime import date

    from footfall.query.periods import from_dates

    period = from_dates(date(2024, 3, 5), date(2024, 3, 31), tz)
    reference = Reference(corpus_rows, SITE, period.start, period.end, tz)
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": ["visitors", "visits"],
            "dimensions": ["time:day"],
        },
        now=NOW,
        timezone=tz,
    )
    assert _by_dims(result, ["visitors", "visits"]) == reference.days()


@pytest.mark.parametrize("backend", BACKENDS)
def test_goals_and_conversion_rate_match_reference(engines, ref, backend):
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": ["visitors", "conversion_rate"],
            "dimensions": ["event:goal"],
        },
        now=NOW,
    )
    assert _by_dims(result, ["visitors", "conversion_rate"]) == ref.goals()


@pytest.mark.parametrize("backend", BACKENDS)
def test_visit_filter_matches_reference(engines, ref, backend):
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": VISIT_METRICS,
            "filters": [["is", "visit:source", ["Direct / None", "Google"]]],
        },
        now=NOW,
    )
    visits = [v for v in ref.visits if v.first("referrer_source") in ("", "Google")]
    expected = ref.aggregate(visits, [r for v in visits for r in v.events])
    assert dict(zip(VISIT_METRICS, result["results"][0]["metrics"], strict=True)) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_event_filter_keeps_visits_with_a_matching_event(engines, ref, backend):
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": ["visitors", "visits", "pageviews"],
            "filters": [["contains", "event:page", ["/BLOG/"], {"case_sensitive": False}]],
        },
        now=NOW,
    )
    events = [r for r in ref.events if "/blog/" in r["pathname"]]
    visits = [v for v in ref.visits if any("/blog/" in r["pathname"] for r in v.events)]
    assert result["results"][0]["metrics"] == [
        len({r["visitor_id"] for r in events}),
        len(visits),
        sum(r["name"] == "pageview" for r in events),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_percentage_and_total_rows(engines, ref, backend):
    result = engines[backend].query(
        {
            "site_id": SITE,
            "date_range": RANGE,
            "metrics": ["visitors", "percentage"],
            "dimensions": ["visit:country"],
            "include": {"total_rows": True},
            "pagination": {"limit": 2, "offset": 1},
        },
        now=NOW,
    )
    countries = ref.by_visit(lambda v: v.first("country") or "(none)")
    total = ref.aggregate()["visitors"]
    assert result["meta"]["total_rows"] == len(countries)
    assert len(result["results"]) == 2
    for row in result["results"]:
        visitors = countries[row["dimensions"][0]]["visitors"]
        assert row["metrics"] == [visitors, round(100 * visitors / total, 1)]
    ordered = sorted(countries.items(), key=lambda kv: (-kv[1]["visitors"], kv[0]))
    assert [r["dimensions"][0] for r in result["results"]] == [k for k, _ in ordered[1:3]]
