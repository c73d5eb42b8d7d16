"""Date ranges resolve in the site's timezone from a given `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from footfall.errors import InvalidQuery
from footfall.query import periods

NOW = datetime(2024, 3, 15, 23, 30, tzinfo=UTC)  # already the 16th in Berlin


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("day", date(2024, 3, 15), date(2024, 3, 15)),
        ("yesterday", date(2024, 3, 14), date(2024, 3, 14)),
        ("7d", date(2024, 3, 8), date(2024, 3, 14)),
        ("28d", date(2024, 2, 16), date(2024, 3, 14)),
        ("30d", date(2024, 2, 14), date(2024, 3, 14)),
        ("91d", date(2023, 12, 15), date(2024, 3, 14)),
        ("month", date(2024, 3, 1), date(2024, 3, 31)),
        ("previous month", date(2024, 2, 1), date(2024, 2, 29)),
        ("6mo", date(2023, 10, 1), date(2024, 3, 31)),
        ("12mo", date(2023, 4, 1), date(2024, 3, 31)),
        ("year", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_named_ranges(name, first, last):
    p = periods.resolve(name, "UTC", NOW)
    assert (p.first, p.last) == (first, last)


def test_ranges_follow_the_site_timezone():
    p = periods.resolve("day", "Europe/Berlin", NOW)
    assert p.first == date(2024, 3, 16)
    assert p.start == datetime(2024, 3, 15, 23, 0, tzinfo=UTC)
    assert p.end == datetime(2024, 3, 16, 23, 0, tzinfo=UTC)


def test_all_starts_at_the_first_event_and_24h_is_exact():
    assert periods.resolve("all", "UTC", NOW, earliest=date(2023, 5, 1)).first == date(2023, 5, 1)
    p = periods.resolve("24h", "UTC", NOW)
    assert p.exact and p.end == NOW and p.end - p.start == NOW - NOW.replace(day=14)


def test_custom_ranges_and_errors():
    p = periods.resolve(["2024-03-01T10:00:00+02:00", "2024-03-01T12:00:00+02:00"], "UTC", NOW)
    assert p.start == datetime(2024, 3, 1, 8, tzinfo=UTC)
    with pytest.raises(InvalidQuery) as info:
        periods.resolve(["2024-03-05", "2024-03-01"], "UTC", NOW)
    assert info.value.path == "date_range[1]"
    with pytest.raises(InvalidQuery):
        periods.resolve(["2024-03-01T10:00:00", "2024-03-02T10:00:00"], "UTC", NOW)


def test_comparisons():
    p = periods.resolve(["2024-03-01", "2024-03-10"], "UTC", NOW)
    prev = periods.previous_period(p)
    assert (prev.first, prev.last) == (date(2024, 2, 20), date(2024, 2, 29))
    yoy = periods.year_over_year(periods.resolve(["2024-02-29", "2024-02-29"], "UTC", NOW))
    assert yoy.first == date(2023, 2, 28)


def test_time_labels():
    p = periods.resolve(["2024-03-30", "2024-04-02"], "UTC", NOW)
    assert periods.time_labels(p, "day") == ["2024-03-30", "2024-03-31", "2024-04-01", "2024-04-02"]
    assert periods.time_labels(p, "month") == ["2024-03-01", "2024-04-01"]
    assert periods.time_labels(p, "week") == ["2024-03-25", "2024-04-01"]
    day = periods.resolve("day", "Asia/Kolkata", NOW)
    labels = periods.time_labels(day, "hour")
    assert len(labels) == 24 and labels[0] == "2024-03-16 00:00:00"
    dst = periods.resolve(["2024-03-31", "2024-03-31"], "Europe/Berlin", NOW)
    assert len(periods.time_labels(dst, "hour")) == 23
    assert periods.default_unit(p) == "day" and periods.default_unit(day) == "hour"
