"""Parse and validate a Stats API v2 query into frozen dataclasses.

Every rejection is an `InvalidQuery(path, message)` whose path is the JSON path of
the offending part (`filters[1][2][0]`) and whose message says what is allowed there.
Nothing past this module sees unchecked input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from footfall.errors import InvalidQuery
from footfall.query.dimensions import Dimension, allowed_names, lookup
from footfall.query.metrics import ENGAGEMENT_METRICS, METRICS
from footfall.query.periods import RANGE_NAMES, parse_date

FILTER_OPS = ("is", "is_not", "contains", "contains_not", "matches", "matches_not")
LOGIC_OPS = ("and", "or", "not")
COMPARISON_MODES = ("previous_period", "year_over_year", "custom")
MAX_LIMIT = 10_000
MAX_CLAUSES = 1_000
MAX_VALUE = 2_000


@dataclass(frozen=True, slots=True)
class Condition:
    op: str
    dimension: Dimension
    clauses: tuple[str, ...]
    case_sensitive: bool = True

    @property
    def kind(self) -> str:
        return self.dimension.kind


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # and | or | not
    children: tuple[Filter, ...]

    @property
    def kind(self) -> str:
        return self.children[0].kind


Filter = Condition | Logic


@dataclass(frozen=True, slots=True)
class Comparison:
    mode: str
    date_range: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Include:
    total_rows: bool = False
    time_labels: bool = False
    comparisons: Comparison | None = None


@dataclass(frozen=True, slots=True)
class Query:
    site_id: str
    date_range: str | tuple[str, str]
    metrics: tuple[str, ...]
    dimensions: tuple[Dimension, ...] = ()
    filters: tuple[Filter, ...] = ()
    order_by: tuple[tuple[str, str], ...] = ()
    include: Include = field(default_factory=Include)
    limit: int = MAX_LIMIT
    offset: int = 0
    relative_date: date | None = None

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)


def _require(cond: bool, path: str, message: str) -> None:
    if not cond:
        raise InvalidQuery(path, message)


def _string(value: Any, path: str, what: str) -> str:
    _require(isinstance(value, str) and value != "", path, f"expected {what} (a string)")
    return value


def _list(value: Any, path: str, what: str) -> list[Any]:
    _require(isinstance(value, list), path, f"expected a list of {what}")
    return value


def parse_date_range(value: Any, path: str = "date_range") -> str | tuple[str, str]:
    if isinstance(value, str):
        _require(
            value.replace(" ", "_") in RANGE_NAMES,
            path,
            f"unknown range {value!r}; use one of {', '.join(RANGE_NAMES)} or [start, end]",
        )
        return value
    _require(
        isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value),
        path,
        "expected a range name or [start, end] as ISO dates or datetimes",
    )
    return (value[0], value[1])


def _clause(value: Any, path: str, op: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidQuery(path, "expected a string (or number) to compare with")
    text = str(value)
    _require(len(text) <= MAX_VALUE, path, f"values are at most {MAX_VALUE} characters")
    if op.startswith("matches"):
        _check_regex(text, path)
    return text


_RE2_UNSUPPORTED = re.compile(r"\(\?[=!<]|\\[1-9]")


def _check_regex(pattern: str, path: str) -> None:
    """Reject what neither engine's RE2 accepts: Python syntax errors, look-arounds, backrefs."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InvalidQuery(path, f"invalid regular expression: {exc}") from None
    _require(
        not _RE2_UNSUPPORTED.search(pattern),
        path,
        "look-around and back-references are not supported (RE2 syntax)",
    )


def parse_filter(value: Any, path: str, find: Callable[[str], Dimension | None] = lookup) -> Filter:
    """One filter tree; `find` resolves dimension names (product analytics adds `user:`)."""
    _require(
        isinstance(value, list) and len(value) >= 2 and isinstance(value[0], str),
        path,
        "expected a filter: [operator, dimension, [values]] or [and|or, [filters]] "
        "or [not, filter]",
    )
    op = value[0]
    if op in ("and", "or"):
        _require(len(value) == 2, path, f"expected [{op!r}, [filters]]")
        items = _list(value[1], f"{path}[1]", "filters")
        _require(len(items) > 0, f"{path}[1]", "expected at least one filter")
        children = tuple(parse_filter(v, f"{path}[1][{i}]", find) for i, v in enumerate(items))
        return _logic(op, children, path)
    if op == "not":
        _require(len(value) == 2, path, "expected ['not', filter]")
        return _logic(op, (parse_filter(value[1], f"{path}[1]", find),), path)
    _require(
        op in FILTER_OPS,
        f"{path}[0]",
        f"unknown operator {op!r}; use one of {', '.join(FILTER_OPS + LOGIC_OPS)}",
    )
    _require(len(value) in (3, 4), path, f"expected [{op!r}, dimension, [values], options?]")
    name = _string(value[1], f"{path}[1]", "a dimension")
    dimension = find(name)
    _require(
        dimension is not None and dimension.kind != "time",
        f"{path}[1]",
        f"cannot filter by {name!r}; use one of {allowed_names().replace('time, ', '')}"
        if dimension is None
        else f"cannot filter by {name!r}; the date_range limits time",
    )
    assert dimension is not None
    clauses = _list(value[2], f"{path}[2]", "values")
    _require(0 < len(clauses) <= MAX_CLAUSES, f"{path}[2]", "expected 1 to 1000 values")
    texts = tuple(_clause(c, f"{path}[2][{i}]", op) for i, c in enumerate(clauses))
    case_sensitive = True
    if len(value) == 4:
        options = value[3]
        _require(
            isinstance(options, dict) and set(options) <= {"case_sensitive"},
            f"{path}[3]",
            'expected options {"case_sensitive": true|false}',
        )
        if "case_sensitive" in options:
            _require(
                isinstance(options["case_sensitive"], bool),
                f"{path}[3].case_sensitive",
                "expected true or false",
            )
            case_sensitive = options["case_sensitive"]
    return Condition(op, dimension, texts, case_sensitive)


def _logic(op: str, children: tuple[Filter, ...], path: str) -> Logic:
    kinds = {c.kind for c in children}
    _require(
        len(kinds) == 1,
        path,
        "cannot mix event: and visit: dimensions inside one and/or/not; "
        "put them in separate top-level filters",
    )
    return Logic(op, children)


def _order_by(value: Any, metrics: tuple[str, ...], dims: tuple[str, ...]) -> tuple:
    items = _list(value, "order_by", "[name, 'asc'|'desc'] pairs")
    out = []
    for i, item in enumerate(items):
        path = f"order_by[{i}]"
        _require(isinstance(item, list) and len(item) == 2, path, "expected [name, 'asc'|'desc']")
        _require(
            item[0] in metrics or item[0] in dims,
            f"{path}[0]",
            f"can only order by a queried metric or dimension: {', '.join(metrics + dims)}",
        )
        _require(item[1] in ("asc", "desc"), f"{path}[1]", "expected 'asc' or 'desc'")
        out.append((item[0], item[1]))
    return tuple(out)


def _include(value: Any, has_time: bool) -> Include:
    _require(isinstance(value, dict), "include", "expected an object")
    allowed = {"total_rows", "time_labels", "comparisons", "imports"}
    for key in value:
        _require(key in allowed, f"include.{key!r}", f"unknown option; use {', '.join(allowed)}")
    for key in ("total_rows", "time_labels", "imports"):
        if key in value:
            _require(isinstance(value[key], bool), f"include.{key}", "expected true or false")
    time_labels = bool(value.get("time_labels"))
    _require(not time_labels or has_time, "include.time_labels", "needs a time dimension")
    comparison = None
    raw = value.get("comparisons")
    if raw is not None:
        path = "include.comparisons"
        _require(isinstance(raw, dict), path, 'expected {"mode": ...}')
        mode = raw.get("mode")
        _require(mode in COMPARISON_MODES, f"{path}.mode", f"use {', '.join(COMPARISON_MODES)}")
        date_range = None
        if mode == "custom":
            parsed = parse_date_range(raw.get("date_range"), f"{path}.date_range")
            _require(isinstance(parsed, tuple), f"{path}.date_range", "expected [start, end]")
            date_range = parsed if isinstance(parsed, tuple) else None
        comparison = Comparison(mode, date_range)
    return Include(bool(value.get("total_rows")), time_labels, comparison)


def _pagination(value: Any) -> tuple[int, int]:
    _require(isinstance(value, dict), "pagination", 'expected {"limit": n, "offset": n}')
    limit, offset = value.get("limit", MAX_LIMIT), value.get("offset", 0)
    for key in value:
        _require(key in ("limit", "offset"), f"pagination.{key!r}", "use limit and offset")
    _require(
        isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= MAX_LIMIT,
        "pagination.limit",
        f"expected an integer from 1 to {MAX_LIMIT}",
    )
    _require(
        isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0,
        "pagination.offset",
        "expected a non-negative integer",
    )
    return limit, offset


TOP_KEYS = (
    "site_id",
    "date_range",
    "metrics",
    "dimensions",
    "filters",
    "order_by",
    "include",
    "pagination",
    "date",
)


def parse_query(body: Any) -> Query:
    """Validate a v2 query body; the only way a `Query` is made from user input."""
    _require(isinstance(body, dict), "query", "expected a JSON object")
    for key in body:
        _require(key in TOP_KEYS, repr(key), f"unknown field; allowed: {', '.join(TOP_KEYS)}")
    site_id = _string(body.get("site_id"), "site_id", "the site's domain")
    _require("date_range" in body, "date_range", "required")
    date_range = parse_date_range(body["date_range"])
    relative = parse_date(body["date"], "date") if body.get("date") is not None else None

    raw_metrics = _list(body.get("metrics"), "metrics", "metric names")
    _require(len(raw_metrics) > 0, "metrics", "expected at least one metric")
    for i, m in enumerate(raw_metrics):
        _require(
            isinstance(m, str) and m in METRICS,
            f"metrics[{i}]",
            f"unknown metric {m!r}; use one of {', '.join(METRICS)}",
        )
        _require(m not in raw_metrics[:i], f"metrics[{i}]", f"{m!r} is listed twice")
    metrics = tuple(raw_metrics)

    dims: list[Dimension] = []
    for i, name in enumerate(_list(body.get("dimensions", []), "dimensions", "dimensions")):
        path = f"dimensions[{i}]"
        found = lookup(name) if isinstance(name, str) else None
        _require(found is not None, path, f"unknown dimension {name!r}; use {allowed_names()}")
        assert found is not None
        _require(found not in dims, path, f"{name!r} is listed twice")
        _require(
            found.kind != "time" or all(d.kind != "time" for d in dims),
            path,
            "only one time dimension per query",
        )
        dims.append(found)
    dim_names = tuple(d.name for d in dims)

    filters = tuple(
        parse_filter(f, f"filters[{i}]")
        for i, f in enumerate(_list(body.get("filters", []), "filters", "filters"))
    )
    order_by = _order_by(body.get("order_by", []), metrics, dim_names)
    include = _include(body.get("include", {}), any(d.kind == "time" for d in dims))
    limit, offset = _pagination(body.get("pagination", {}))
    query = Query(
        site_id,
        date_range,
        metrics,
        tuple(dims),
        filters,
        order_by,
        include,
        limit,
        offset,
        relative,
    )
    _check_combinations(query)
    return query


def goal_filtered(filters: tuple[Filter, ...]) -> bool:
    return any(_mentions(f, ("event:goal",)) for f in filters)


def _mentions(f: Filter, names: tuple[str, ...]) -> bool:
    if isinstance(f, Condition):
        return f.dimension.name in names
    return any(_mentions(c, names) for c in f.children)


def _check_combinations(query: Query) -> None:
    if "conversion_rate" in query.metrics:
        i = query.metrics.index("conversion_rate")
        _require(
            "event:goal" in query.dimension_names or goal_filtered(query.filters),
            f"metrics[{i}]",
            "conversion_rate needs an event:goal dimension or an event:goal filter",
        )
    engagement = [m for m in query.metrics if m in ENGAGEMENT_METRICS]
    if engagement:
        i = query.metrics.index(engagement[0])
        names = ("event:goal", "event:name")
        _require(
            not any(n in query.dimension_names for n in names)
            and not any(_mentions(f, names) for f in query.filters),
            f"metrics[{i}]",
            f"{engagement[0]} comes from engagement events; it cannot be combined with "
            "event:goal or event:name",
        )
