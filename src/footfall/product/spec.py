"""What every product query shares: site, date range, filters, breakdown, user traits.

Product queries read single events attributed to a person (see persons.py), so their
dimensions are event columns, event properties, the visit attributes that cannot change
within a visit (country, device, browser…: read from the event itself) and user traits
(`user:<trait>`). Visit attributes taken from a visit's first event (source, UTM, entry
and exit page) are not offered: a person's events span many visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from footfall.errors import InvalidQuery
from footfall.query.dimensions import DIMENSIONS, Dimension, lookup
from footfall.query.spec import Condition, Filter, parse_date_range, parse_filter

USER_PREFIX = "user:"
MAX_TRAIT_KEY = 200
VISIT_CONSTANT = (
    "visit:country",
    "visit:region",
    "visit:city",
    "visit:browser",
    "visit:browser_version",
    "visit:os",
    "visit:os_version",
    "visit:device",
    "visit:screen",
)


def product_dimension(name: str) -> Dimension | None:
    """A dimension usable in product queries, or None."""
    if name.startswith(USER_PREFIX):
        key = name[len(USER_PREFIX) :]
        if 0 < len(key) <= MAX_TRAIT_KEY:
            return Dimension(name, "event", "", short=key)
        return None
    if name in VISIT_CONSTANT:
        d = DIMENSIONS[name]
        # Read from the event itself: constant within a visit.
        return Dimension(name, "event", d.column, short=d.short)
    found = lookup(name)
    if found is None or found.kind != "event" or found.name == "event:goal":
        return None
    return found


def trait_key(d: Dimension) -> str | None:
    return d.short if d.name.startswith(USER_PREFIX) else None


ALLOWED = "event:page, event:hostname, event:name, event:props:<key>, user:<trait>, " + ", ".join(
    VISIT_CONSTANT
)


def require(cond: bool, path: str, message: str) -> None:
    if not cond:
        raise InvalidQuery(path, message)


def check_keys(body: dict[str, Any], allowed: tuple[str, ...], where: str = "") -> None:
    for key in body:
        require(
            key in allowed,
            f"{where}{key!r}" if not where else f"{where}.{key}",
            f"unknown field; allowed: {', '.join(allowed)}",
        )


def parse_dimension(value: Any, path: str) -> Dimension:
    found = product_dimension(value) if isinstance(value, str) else None
    require(found is not None, path, f"unknown dimension {value!r}; use {ALLOWED}")
    assert found is not None
    return found


def parse_filters(value: Any, path: str = "filters") -> tuple[Filter, ...]:
    require(isinstance(value, list), path, "expected a list of filters")
    out = []
    for i, item in enumerate(value):
        simple = isinstance(item, list) and len(item) >= 2 and isinstance(item[1], str)
        if simple and item[0] not in ("and", "or", "not"):
            parse_dimension(item[1], f"{path}[{i}][1]")
        out.append(parse_filter(item, f"{path}[{i}]", product_dimension))
    return tuple(out)


def filter_traits(filters: tuple[Filter, ...]) -> list[str]:
    """Trait keys the filters mention (the person rows must carry them)."""
    keys: list[str] = []

    def walk(f: Filter) -> None:
        if isinstance(f, Condition):
            key = trait_key(f.dimension)
            if key is not None and key not in keys:
                keys.append(key)
        else:
            for child in f.children:
                walk(child)

    for f in filters:
        walk(f)
    return keys


@dataclass(frozen=True, slots=True)
class Common:
    site_id: str
    date_range: str | tuple[str, str]
    filters: tuple[Filter, ...] = ()
    breakdown: Dimension | None = None
    cohort: Any = None  # a saved cohort's id, or an inline cohorts.Cohort

    @property
    def traits(self) -> list[str]:
        keys = filter_traits(self.filters)
        key = trait_key(self.breakdown) if self.breakdown else None
        if key is not None and key not in keys:
            keys.append(key)
        return keys


COMMON_KEYS = ("site_id", "date_range", "filters", "breakdown", "cohort")


def parse_common(body: Any, allowed: tuple[str, ...], default_range: str = "30d") -> Common:
    require(isinstance(body, dict), "query", "expected a JSON object")
    check_keys(body, COMMON_KEYS + allowed)
    site = body.get("site_id")
    require(isinstance(site, str) and site != "", "site_id", "expected the site's domain")
    date_range = parse_date_range(body.get("date_range", default_range))
    filters = parse_filters(body.get("filters", []))
    breakdown = None
    if body.get("breakdown") is not None:
        breakdown = parse_dimension(body["breakdown"], "breakdown")
    cohort: Any = None
    if body.get("cohort") is not None:
        from footfall.product.cohorts import cohort_ref  # cohorts.py builds on this module

        cohort = cohort_ref(body["cohort"])
    return Common(site, date_range, filters, breakdown, cohort)


def positive_int(body: dict[str, Any], key: str, default: int, high: int, where: str = "") -> int:
    value = body.get(key, default)
    require(
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= high,
        f"{where}.{key}" if where else key,
        f"expected an integer from 1 to {high}",
    )
    return int(value)


def choice(body: dict[str, Any], key: str, options: tuple[str, ...], default: str) -> str:
    value = body.get(key, default)
    require(value in options, key, f"expected one of {', '.join(options)}")
    return str(value)
