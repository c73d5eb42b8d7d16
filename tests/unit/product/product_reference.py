"""Plain-Python reference implementations of the product definitions, for tests.

Written from the definitions (docs/product-analytics.md), not from the SQL: identity
resolution, the sequential trait fold, funnels by exhaustive search, retention by sets.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any


def _ts(row: dict[str, Any]) -> datetime:
    value = row["timestamp"]
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value)


def _key(row: dict[str, Any]) -> tuple[datetime, str]:
    return (_ts(row), row["event_id"])


def links(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """distinct_id → the user id of its latest linking event."""
    best: dict[str, tuple[tuple[datetime, str], str]] = {}
    for row in rows:
        if row.get("user_id") and row.get("distinct_id"):
            k = _key(row)
            if row["distinct_id"] not in best or best[row["distinct_id"]][0] < k:
                best[row["distinct_id"]] = (k, row["user_id"])
    return {d: u for d, (_k, u) in best.items()}


def person_of(row: dict[str, Any], linked: dict[str, str]) -> str:
    if row.get("user_id"):
        return row["user_id"]
    if row.get("distinct_id") and row["distinct_id"] in linked:
        return linked[row["distinct_id"]]
    if row.get("distinct_id"):
        return row["distinct_id"]
    return f"v:{row['visitor_id']}"


def _number(text: Any) -> float:
    if isinstance(text, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        return float(text)
    return 0.0


def _text(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


def traits(
    rows: Iterable[dict[str, Any]], end: datetime | None = None
) -> dict[str, dict[str, str]]:
    """The sequential fold of every user's `$identify` operations (before `end`)."""
    ops = sorted(
        (
            r
            for r in rows
            if r["name"] == "$identify" and r.get("user_id") and (end is None or _ts(r) < end)
        ),
        key=_key,
    )
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in ops:
        state = out[row["user_id"]]
        # Within one event, operations apply in a fixed order: set, set_once, add, unset.
        items = sorted(row.get("props", {}).items(), key=lambda kv: _ORDER[kv[0].split(":")[0]])
        for flat, value in items:
            op, _, trait = flat.partition(":")
            if op == "set":
                state[trait] = value
            elif op == "set_once":
                state.setdefault(trait, value)
            elif op == "add":
                state[trait] = _text(_number(state.get(trait)) + _number(value))
            elif op == "unset":
                state.pop(trait, None)
    return {u: dict(t) for u, t in out.items()}


_ORDER = {"set": 0, "set_once": 1, "add": 2, "unset": 3}


def product_events(
    rows: Iterable[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Per person, their product events in [start, end) in (timestamp, event_id) order."""
    rows = list(rows)
    linked = links(r for r in rows if _ts(r) < end)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(rows, key=_key):
        if row["name"].startswith("$") or row["name"] == "engagement":
            continue
        if start <= _ts(row) < end:
            out[person_of(row, linked)].append(row)
    return out


def step_matches(step: dict[str, Any], row: dict[str, Any]) -> bool:
    if "page" in step:
        if row["name"] != "pageview":
            return False
        pattern = "^" + ".*".join(re.escape(p) for p in step["page"].split("*")) + "$"
        return re.match(pattern, row["pathname"]) is not None
    if row["name"] != step["event"]:
        return False
    return all(row.get("props", {}).get(k) == v for k, v in step.get("props", {}).items())


def _reaches(events: list, steps: list, window: timedelta, strict: bool) -> int:
    """The deepest step reached by any in-order sequence within the window (exhaustive)."""
    best = 0

    def search(i: int, depth: int, t0: datetime) -> None:
        nonlocal best
        best = max(best, depth)
        if depth == len(steps):
            return
        candidates = [i + 1] if strict else range(i + 1, len(events))
        for j in candidates:
            if (
                j < len(events)
                and step_matches(steps[depth], events[j])
                and _ts(events[j]) - t0 <= window
            ):
                search(j, depth + 1, t0)

    for i, row in enumerate(events):
        if step_matches(steps[0], row):
            search(i, 1, _ts(row))
    return best


def _greedy(events: list, start: int, steps: list, window: timedelta, strict: bool) -> list:
    """Times of the steps one attempt reaches, taking the first match each time."""
    times, i, t0 = [_ts(events[start])], start, _ts(events[start])
    for step in steps[1:]:
        candidates = [i + 1] if strict else range(i + 1, len(events))
        nxt = next(
            (
                j
                for j in candidates
                if j < len(events)
                and step_matches(step, events[j])
                and _ts(events[j]) - t0 <= window
            ),
            None,
        )
        if nxt is None:
            break
        times.append(_ts(events[nxt]))
        i = nxt
    return times


def funnel(
    rows: Iterable[dict[str, Any]],
    steps: list[dict[str, Any]],
    start: datetime,
    end: datetime,
    window: timedelta = timedelta(hours=24),
    strict: bool = False,
) -> list[tuple[int, int | None]]:
    """Per step: (users, lower-median ms from the previous step)."""
    per_person = product_events(rows, start, end)
    users = [0] * len(steps)
    durations: list[list[int]] = [[] for _ in steps]
    for events in per_person.values():
        if not strict:
            events = [e for e in events if any(step_matches(s, e) for s in steps)]
        depth = _reaches(events, steps, window, strict)
        for k in range(depth):
            users[k] += 1
        attempts = [
            _greedy(events, i, steps, window, strict)
            for i, e in enumerate(events)
            if step_matches(steps[0], e)
        ]
        for k in range(1, depth):
            times = next(t for t in attempts if len(t) > k)
            durations[k].append(int((times[k] - times[k - 1]).total_seconds() * 1000))
    out: list[tuple[int, int | None]] = []
    for k in range(len(steps)):
        values = sorted(durations[k])
        out.append((users[k], values[(len(values) - 1) // 2] if k and values else None))
    return out


def retention(
    rows: Iterable[dict[str, Any]], unit: str, start: datetime, end: datetime
) -> dict[str, tuple[int, dict[int, int]]]:
    """UTC cohorts: label → (size, {offset: active people}) for first activity in range."""
    rows = list(rows)
    everything = product_events(rows, datetime(1970, 1, 1, tzinfo=UTC), end)
    labels = _labels(start, end, unit)
    index = {label: i for i, label in enumerate(labels)}
    out: dict[str, tuple[int, dict[int, int]]] = {}
    for events in everything.values():
        first = _ts(events[0])
        if first < start:
            continue
        cohort = _label(first, unit)
        active = {index[_label(_ts(e), unit)] for e in events}
        size, counts = out.get(cohort, (0, {}))
        for offset in {a - index[cohort] for a in active if a >= index[cohort]}:
            counts[offset] = counts.get(offset, 0) + 1
        out[cohort] = (size + 1, counts)
    return out


def _label(t: datetime, unit: str) -> str:
    day = t.astimezone(UTC).date()
    if unit == "week":
        day -= timedelta(days=day.weekday())
    elif unit == "month":
        day = day.replace(day=1)
    return day.isoformat()


def _labels(start: datetime, end: datetime, unit: str) -> list[str]:
    out: list[str] = []
    t = start
    while t < end:
        label = _label(t, unit)
        if label not in out:
            out.append(label)
        t += timedelta(days=1)
    return out


def paths(
    rows: Iterable[dict[str, Any]],
    anchor: dict[str, Any],
    start: datetime,
    end: datetime,
    depth: int,
    before: bool = False,
) -> dict[tuple[str, ...], int]:
    """(label at offset 1..depth, '' past the end) → people, from each first anchor."""
    out: dict[tuple[str, ...], int] = defaultdict(int)
    for events in product_events(rows, start, end).values():
        hits = [i for i, e in enumerate(events) if step_matches(anchor, e)]
        if not hits:
            continue
        i = hits[0]
        labels = []
        for k in range(1, depth + 1):
            j = i - k if before else i + k
            inside = 0 <= j < len(events)
            e = events[j] if inside else None
            labels.append(
                "" if e is None else e["pathname"] if e["name"] == "pageview" else e["name"]
            )
        out[tuple(labels)] += 1
    return dict(out)


def cohort(
    rows: Iterable[dict[str, Any]],
    at: datetime,
    traits_is: dict[str, list[str]],
    did: list[tuple[dict[str, Any], int, int | None, bool]],
    match: str = "all",
) -> set[str]:
    """Members as of `at`: trait `is` tests and (step, at_least, within_days, negate) tests."""
    rows = list(rows)
    folded = traits(rows, at)
    out = set()
    for person, events in product_events(rows, datetime(1970, 1, 1, tzinfo=UTC), at).items():
        tests = [
            (folded.get(person, {}).get(key) or "(none)") in values
            for key, values in traits_is.items()
        ]
        for step, at_least, days, negate in did:
            since = at - timedelta(days=days) if days else datetime(1970, 1, 1, tzinfo=UTC)
            n = sum(step_matches(step, e) and _ts(e) >= since for e in events)
            tests.append(n == 0 if negate else n >= at_least)
        if (all(tests) if match == "all" else any(tests)) and tests:
            out.add(person)
    return out
