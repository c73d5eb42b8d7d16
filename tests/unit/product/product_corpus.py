"""Event histories with identities for product tests: a fixed corpus and a generator.

People browse anonymously on one or two devices (a `distinct_id` each), some identify
(`$identify` with trait operations), some alias an old id, and some events come from
cookieless visitors only (no ids at all). Timestamps are whole seconds.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from footfall.store.schema import EVENT_COLUMNS

START = datetime(2024, 3, 4, tzinfo=UTC)  # a Monday
NOW = datetime(2024, 4, 1, tzinfo=UTC)
PAGES = ["/", "/pricing", "/docs", "/docs/api", "/blog/a"]
NAMES = ["Signup Start", "Signup", "Purchase", "Export"]
TRAITS = ["plan", "seats", "company"]


def row(
    site: str, n: int, t: datetime, name: str, *, page: str = "/", **fields: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {c.name: "" for c in EVENT_COLUMNS if c.duckdb == "VARCHAR"}
    out.update(
        event_id=f"pe{n:08d}",
        site_id=site,
        timestamp=t.strftime("%Y-%m-%d %H:%M:%S+00:00"),
        name=name,
        hostname=site,
        pathname=page,
        url=f"https://{site}{page}",
        visitor_id=fields.pop("visitor_id", 1),
        session_id=fields.pop("session_id", 1),
        props=fields.pop("props", {}),
        interactive=True,
        country=fields.pop("country", "US"),
        device=fields.pop("device", "Desktop"),
        protocol="test",
    )
    out.update(fields)
    return out


def _trait_ops(rnd: random.Random) -> dict[str, str]:
    ops: dict[str, str] = {}
    for trait in rnd.sample(TRAITS, rnd.randrange(1, 3)):
        op = rnd.choice(["set", "set", "set_once", "add", "unset"])
        if op == "add" or trait == "seats":
            ops[f"{rnd.choice(['add', 'set'])}:{trait}"] = str(rnd.choice([1, 2, 5, -1]))
        elif op == "unset":
            ops[f"unset:{trait}"] = ""
        else:
            ops[f"{op}:{trait}"] = rnd.choice(["free", "pro", "team", "Acme"])
    return ops


def generate(site: str = "p.example", people: int = 120, seed: int = 3) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for p in range(people):
        user = f"u{p}"
        devices = [f"anon-{p}-{d}" for d in range(rnd.choice([1, 1, 2]))]
        cookieless = rnd.random() < 0.15
        identified = rnd.random() < 0.6
        t = START + timedelta(days=rnd.randrange(26), seconds=rnd.randrange(86400))
        for _visit in range(rnd.choice([1, 2, 3, 4])):
            device = rnd.choice(devices)
            visitor = rnd.getrandbits(40) + 1
            for _k in range(rnd.choice([1, 2, 4, 6])):
                t += timedelta(seconds=rnd.randrange(1, 900))
                name = "pageview" if rnd.random() < 0.55 else rnd.choice(NAMES)
                ids: dict[str, Any] = {"visitor_id": visitor, "session_id": visitor}
                if not cookieless:
                    ids["distinct_id"] = device
                    if identified and rnd.random() < 0.3:
                        ids["user_id"] = user
                props = {"plan": rnd.choice(["free", "pro"])} if name != "pageview" else {}
                rows.append(
                    row(site, len(rows), t, name, page=rnd.choice(PAGES), props=props, **ids)
                )
                if identified and not cookieless and rnd.random() < 0.2:
                    rows.append(
                        row(
                            site,
                            len(rows),
                            t,
                            "$identify",
                            user_id=user,
                            distinct_id=device,
                            props=_trait_ops(rnd),
                            visitor_id=visitor,
                        )
                    )
            t += timedelta(days=rnd.choice([0, 1, 3, 8]), hours=rnd.randrange(12))
        if identified and len(devices) > 1 and rnd.random() < 0.5:
            rows.append(row(site, len(rows), t, "$alias", user_id=user, distinct_id=devices[1]))
    return rows


# hypothesis: small histories where collisions (same second, shared ids) are likely ----------

_event = st.tuples(
    st.integers(0, 3),  # person slot
    st.integers(0, 1),  # device slot
    st.integers(0, 4000),  # minutes after START
    st.sampled_from(
        [
            "pageview:/pricing",
            "pageview:/",
            "Signup Start",
            "Signup",
            "Purchase",
            "$identify",
            "$alias",
            "engagement",
        ]
    ),
    st.booleans(),  # carries user_id
    st.dictionaries(
        st.sampled_from(
            [f"{op}:{t}" for op in ("set", "set_once", "add", "unset") for t in ("plan", "seats")]
        ),
        st.sampled_from(["1", "2", "-3", "pro", "free", "2.5"]),
        max_size=3,
    ),
)
histories = st.lists(_event, min_size=1, max_size=25)


def from_history(site: str, history: list[tuple]) -> list[dict[str, Any]]:
    rows = []
    for n, (person, device, minutes, kind, with_user, ops) in enumerate(history):
        t = START + timedelta(minutes=minutes)
        name, _, page = kind.partition(":")
        fields: dict[str, Any] = {"visitor_id": person * 10 + device + 1}
        if person < 3:  # person 3 is a cookieless visitor
            fields["distinct_id"] = f"d{person}-{device}"
        if with_user or name in ("$identify", "$alias"):
            fields["user_id"] = f"user{person % 2}" if name == "$alias" else f"user{person}"
        if name == "$identify":
            fields["props"] = ops
        rows.append(row(site, n, t, name, page=page or "/", **fields))
    return rows
