"""Users: the list of people (with chosen traits) and one person's profile and timeline.

A profile's traits come from the same SQL fold as trait filters (persons.py): a first
query finds which trait keys the user's `$identify` records mention, then the fold runs
for exactly those keys. Anonymous people (a distinct id, `v:<visitor>`) have a profile
too, without traits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlglot import exp

from footfall.errors import InvalidQuery
from footfall.product.persons import EPOCH, PersonTree, events_scan
from footfall.product.spec import Common, check_keys, parse_common, require
from footfall.query.sqltree import and_, col, eq, lit

MAX_PAGE = 10_000
MAX_TRAITS = 20


@dataclass(frozen=True, slots=True)
class UsersQuery:
    common: Common
    traits: tuple[str, ...] = ()
    limit: int = 100
    offset: int = 0


def page(raw: dict[str, Any], default: int = 100) -> tuple[int, int]:
    """(limit, offset) from a `pagination`-like mapping; values may be strings (query args)."""
    require(isinstance(raw, Mapping), "pagination", 'expected {"limit": n, "offset": n}')
    try:
        limit = int(raw.get("limit", default))
        offset = int(raw.get("offset", 0))
    except (TypeError, ValueError):
        raise InvalidQuery("pagination", "limit and offset are integers") from None
    require(1 <= limit <= MAX_PAGE, "pagination.limit", f"expected 1 to {MAX_PAGE}")
    require(offset >= 0, "pagination.offset", "expected a non-negative integer")
    return limit, offset


def parse_users(body: Any) -> UsersQuery:
    common = parse_common(body, ("traits", "pagination"))
    traits = body.get("traits", [])
    require(
        isinstance(traits, list)
        and len(traits) <= MAX_TRAITS
        and all(isinstance(t, str) and t for t in traits),
        "traits",
        f"expected up to {MAX_TRAITS} trait names",
    )
    pagination = body.get("pagination", {})
    limit, offset = page(pagination)
    check_keys(pagination, ("limit", "offset"), "pagination")
    return UsersQuery(common, tuple(dict.fromkeys(traits)), limit, offset)


def users_tree(tree: PersonTree, q: UsersQuery) -> exp.Select:
    """People active in the range, most recently seen first, with the chosen traits."""
    for key in q.traits:
        if key not in tree.traits:
            tree.traits.append(key)
    pev = tree.events()
    select = (
        exp.select(
            col("person", "p"),
            exp.Min(this=col("timestamp", "p")).as_("first_seen"),
            exp.Max(this=col("timestamp", "p")).as_("last_seen"),
            exp.Count(this=exp.Star()).as_("events"),
            *(
                exp.Max(this=col(tree.trait_column(k), "p")).as_(f"trait_{i}")
                for i, k in enumerate(q.traits)
            ),
        )
        .from_(exp.to_table(pev).as_("p"))
        .where(tree.where(q.common.filters))
        .group_by(col("person", "p"))
        .order_by(exp.Ordered(this=col("last_seen"), desc=True), col("person", "p"))
        .limit(q.limit)
        .offset(q.offset)
    )
    return tree.finish(select)


def shape_users(q: UsersQuery, rows: list[tuple]) -> list[dict[str, Any]]:
    return [
        {
            "id": r[0],
            "first_seen": _iso(r[1]),
            "last_seen": _iso(r[2]),
            "events": int(r[3]),
            "traits": {k: v for k, v in zip(q.traits, r[4:], strict=True) if v != ""},
        }
        for r in rows
    ]


# one profile ---------------------------------------------------------------------------


def trait_keys_tree(site_id: str, user_id: str, end: datetime) -> tuple[PersonTree, exp.Select]:
    tree = PersonTree(site_id, EPOCH, end)
    select = (
        exp.select(col("props", "e"))
        .from_(events_scan())
        .where(
            and_(
                eq(col("name", "e"), tree.add("$identify")),
                eq(col("user_id", "e"), tree.add(user_id)),
            )
        )
    )
    return tree, tree.finish(select)


def keys_of(rows: list[tuple]) -> list[str]:
    keys: dict[str, None] = {}
    for (props,) in rows:
        for flat in as_dict(props):
            op, sep, trait = flat.partition(":")
            if sep and op in ("set", "set_once", "add", "unset") and trait:
                keys[trait] = None
    return sorted(keys)[:200]


def traits_tree(
    site_id: str, user_id: str, keys: list[str], end: datetime
) -> tuple[PersonTree, exp.Select]:
    tree = PersonTree(site_id, EPOCH, end, keys)
    traits = tree.traits_cte()
    select = exp.select(exp.Star()).from_(traits).where(eq(col("tu"), tree.add(user_id)))
    return tree, tree.finish(select)


def summary_tree(site_id: str, person: str, end: datetime) -> tuple[PersonTree, exp.Select]:
    tree = PersonTree(site_id, EPOCH, end)
    pev = tree.events()
    links = "ff_links"
    seen = (
        exp.select(
            exp.Min(this=col("timestamp")).as_("first_seen"),
            exp.Max(this=col("timestamp")).as_("last_seen"),
            exp.Count(this=exp.Star()).as_("events"),
        )
        .from_(pev)
        .where(eq(col("person"), tree.add(person)))
    )
    ids = exp.select(col("did")).from_(links).where(eq(col("uid"), tree.add(person)))
    tree.cte("ff_seen", seen)
    tree.cte("ff_ids", ids)
    select = exp.select(
        col("first_seen", "s"), col("last_seen", "s"), col("events", "s"), lit("").as_("did")
    ).from_(exp.to_table("ff_seen").as_("s"))
    union = exp.union(
        select,
        exp.select(exp.Null(), exp.Null(), lit(0), col("did")).from_("ff_ids"),
        distinct=False,
    )
    return tree, tree.finish(exp.select(exp.Star()).from_(union.subquery("u")))


def timeline_tree(
    site_id: str, person: str, end: datetime, limit: int, offset: int
) -> tuple[PersonTree, exp.Select]:
    tree = PersonTree(site_id, EPOCH, end)
    pev = tree.events()
    select = (
        exp.select(col("timestamp"), col("event_id"), col("name"), col("pathname"), col("props"))
        .from_(pev)
        .where(eq(col("person"), tree.add(person)))
        .order_by(
            exp.Ordered(this=col("timestamp"), desc=True),
            exp.Ordered(this=col("event_id"), desc=True),
        )
        .limit(limit)
        .offset(offset)
    )
    return tree, tree.finish(select)


def as_dict(value: Any) -> dict[str, str]:
    """A MAP value as the drivers return it (a dict, or key/value pairs)."""
    if isinstance(value, dict):
        if set(value) == {"key", "value"} and isinstance(value["key"], list):
            return dict(zip(value["key"], value["value"], strict=True))
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return {str(k): str(v) for k, v in value}
    return {}


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    return None if value is None else str(value)


def profile(
    person: str,
    traits: dict[str, str],
    summary: list[tuple],
    events: list[tuple],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    head = next((r for r in summary if r[3] == ""), (None, None, 0, ""))
    return {
        "id": person,
        "traits": traits,
        "identities": sorted(str(r[3]) for r in summary if r[3] != ""),
        "first_seen": _iso(head[0]),
        "last_seen": _iso(head[1]),
        "events": {
            "total": int(head[2] or 0),
            "limit": limit,
            "offset": offset,
            "results": [
                {
                    "timestamp": _iso(ts),
                    "event_id": event_id,
                    "name": name,
                    "pathname": pathname,
                    "props": as_dict(props),
                }
                for ts, event_id, name, pathname, props in events
            ],
        },
    }
