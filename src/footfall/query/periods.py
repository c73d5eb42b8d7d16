"""Date ranges in a site's timezone, comparison periods and time buckets.

Pure: `now` (and the site's first day, for "all") are passed in, so the same spec
always resolves to the same UTC window and tests need no clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from footfall.errors import InvalidQuery

TIME_UNITS = ("minute", "hour", "day", "week", "month")


@dataclass(frozen=True, slots=True)
class Period:
    """A resolved range: local dates (inclusive) and the UTC window [start, end)."""

    first: date
    last: date
    start: datetime  # aware UTC
    end: datetime  # aware UTC, exclusive
    timezone: str
    exact: bool = False  # True when given as datetimes (24h, custom datetimes)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def from_dates(first: date, last: date, timezone: str) -> Period:
    tz = ZoneInfo(timezone)
    return Period(
        first,
        last,
        _local_midnight_utc(first, tz),
        _local_midnight_utc(last + timedelta(days=1), tz),
        timezone,
    )


def from_datetimes(start: datetime, end: datetime, timezone: str, *, inclusive: bool) -> Period:
    tz = ZoneInfo(timezone)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    if inclusive:
        end_utc += timedelta(microseconds=1)
    return Period(
        start_utc.astimezone(tz).date(),
        (end_utc - timedelta(microseconds=1)).astimezone(tz).date(),
        start_utc,
        end_utc,
        timezone,
        exact=True,
    )


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _last_days(n: int) -> Callable[[date], tuple[date, date]]:
    # Complete days ending yesterday, as Plausible's v2 API does.
    return lambda today: (today - timedelta(days=n), today - timedelta(days=1))


def _months(n: int) -> Callable[[date], tuple[date, date]]:
    return lambda today: (_add_months(today.replace(day=1), -(n - 1)), _month_end(today))


def _previous_month(today: date) -> tuple[date, date]:
    first = _add_months(today.replace(day=1), -1)
    return first, _month_end(first)


NAMED_RANGES: dict[str, Callable[[date], tuple[date, date]]] = {
    "day": lambda today: (today, today),
    "today": lambda today: (today, today),
    "yesterday": lambda today: (today - timedelta(days=1), today - timedelta(days=1)),
    "7d": _last_days(7),
    "28d": _last_days(28),
    "30d": _last_days(30),
    "91d": _last_days(91),
    "month": lambda today: (today.replace(day=1), _month_end(today)),
    "previous_month": _previous_month,
    "6mo": _months(6),
    "12mo": _months(12),
    "year": lambda today: (today.replace(month=1, day=1), today.replace(month=12, day=31)),
}
RANGE_NAMES: tuple[str, ...] = (*NAMED_RANGES, "24h", "all")


def parse_date(value: object, path: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidQuery(path, f"expected an ISO date (YYYY-MM-DD), got {value!r}")


def _parse_bound(value: object, path: str) -> date | datetime:
    if isinstance(value, str):
        if len(value) == 10:
            return parse_date(value, path)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise InvalidQuery(path, f"expected an ISO date or an ISO datetime with offset, got {value!r}")


def resolve(
    date_range: str | tuple[str, str],
    timezone: str,
    now: datetime,
    *,
    relative_date: date | None = None,
    earliest: date | None = None,
) -> Period:
    """Turn a spec's date_range into a Period; raise InvalidQuery naming `date_range`."""
    today = relative_date or now.astimezone(ZoneInfo(timezone)).date()
    if isinstance(date_range, str):
        name = date_range.replace(" ", "_")
        if name in NAMED_RANGES:
            return from_dates(*NAMED_RANGES[name](today), timezone)
        if name == "24h":
            return from_datetimes(now - timedelta(hours=24), now, timezone, inclusive=False)
        if name == "all":
            return from_dates(min(earliest or today, today), today, timezone)
        raise InvalidQuery(
            "date_range",
            f"unknown range {date_range!r}; use one of "
            + ", ".join(RANGE_NAMES)
            + " or [start, end]",
        )
    first = _parse_bound(date_range[0], "date_range[0]")
    last = _parse_bound(date_range[1], "date_range[1]")
    if type(first) is not type(last):
        raise InvalidQuery("date_range", "give two dates or two datetimes, not one of each")
    if isinstance(first, datetime) and isinstance(last, datetime):
        if last < first:
            raise InvalidQuery("date_range[1]", "the end is before the start")
        return from_datetimes(first, last, timezone, inclusive=True)
    assert isinstance(first, date) and isinstance(last, date)
    if last < first:
        raise InvalidQuery("date_range[1]", "the end is before the start")
    return from_dates(first, last, timezone)


def previous_period(period: Period) -> Period:
    """The same length immediately before."""
    if period.exact:
        length = period.end - period.start
        return replace(
            from_datetimes(period.start - length, period.start, period.timezone, inclusive=False)
        )
    days = timedelta(days=period.days)
    return from_dates(period.first - days, period.last - days, period.timezone)


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def year_over_year(period: Period) -> Period:
    if period.exact:
        tz = ZoneInfo(period.timezone)
        start = period.start.astimezone(tz)
        end = period.end.astimezone(tz)
        return from_datetimes(
            start.replace(
                year=start.year - 1, day=min(start.day, 28) if start.month == 2 else start.day
            ),
            end.replace(year=end.year - 1, day=min(end.day, 28) if end.month == 2 else end.day),
            period.timezone,
            inclusive=False,
        )
    return from_dates(_year_back(period.first), _year_back(period.last), period.timezone)


def default_unit(period: Period) -> str:
    """The bucket `time` means for this range (Plausible picks by length)."""
    if (period.exact and period.end - period.start <= timedelta(hours=48)) or period.days == 1:
        return "hour"
    if period.days <= 62:
        return "day"
    return "month"


LABEL_FORMATS = {
    "minute": "%Y-%m-%d %H:%M:00",
    "hour": "%Y-%m-%d %H:00:00",
    "day": "%Y-%m-%d",
    "week": "%Y-%m-%d",
    "month": "%Y-%m-01",
}


def time_labels(period: Period, unit: str) -> list[str]:
    """Every bucket label of the period, in order (local wall-clock time)."""
    fmt = LABEL_FORMATS[unit]
    if unit in ("minute", "hour"):
        tz = ZoneInfo(period.timezone)
        step = timedelta(minutes=1) if unit == "minute" else timedelta(hours=1)
        cursor = period.start
        labels: dict[str, None] = {}
        while cursor < period.end:
            labels[cursor.astimezone(tz).strftime(fmt)] = None
            cursor += step
        labels[(period.end - timedelta(microseconds=1)).astimezone(tz).strftime(fmt)] = None
        return list(labels)
    day = period.first
    if unit == "week":
        day -= timedelta(days=day.weekday())
    elif unit == "month":
        day = day.replace(day=1)
    out: list[str] = []
    while day <= period.last:
        out.append(day.strftime(fmt))
        if unit == "day":
            day += timedelta(days=1)
        elif unit == "week":
            day += timedelta(days=7)
        else:
            day = _add_months(day, 1)
    return out
