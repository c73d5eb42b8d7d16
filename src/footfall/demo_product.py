"""The product side of `footfall demo`: people who sign up come back and use the app.

Whoever reaches "Signup" in the web funnel gets a client-library anonymous id on that
visit and an `$identify` record at signup (user id and traits: plan, role, company size,
signup date), so their earlier anonymous events join their profile. Afterwards they return
on later days, with the decaying habit of real products, as a new cookieless visitor each
day but under their user id: app pageviews and feature events (Create Project, Export,
Invite Teammate), and now and then a free user upgrades (an `Upgrade` event with revenue,
then an `$identify` with the new plan). Retention, funnels, cohorts and profiles of the
demo site have real work to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from footfall.demo_data import PAGES, PLANS

US = 1_000_000
DAY = 86400 * US
ROLES = ["founder", "engineer", "marketer", "product manager", "analyst"]
COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
# (feature event, its app page, weight)
FEATURES = [
    ("Create Project", "/app/projects/new", 3.0),
    ("Export", "/app/exports", 4.0),
    ("Invite Teammate", "/app/team", 1.5),
]
APP_HOME = "/app"


@dataclass
class Signups:
    """The sessions that reached Signup, when, and on which plan (index into PLANS)."""

    session: np.ndarray
    at: np.ndarray
    plan: np.ndarray


@dataclass
class People:
    """Ids (index 0 is none) and each session's anonymous id as an index into them."""

    ids: list[str]
    distinct_of_session: np.ndarray


def page_index(path: str) -> int:
    return next(i for i, p in enumerate(PAGES) if p[0] == path)


def add_product_usage(
    rng: np.random.Generator,
    sessions: dict[str, np.ndarray],
    cols: object,
    signups: Signups,
    event_names: list[str],
    end_us: int,
) -> People:
    """Append identify records and later app sessions to `cols`, extending `sessions`."""
    count = len(sessions["start"])
    n = len(signups.session)
    ids = ["", *(f"anon-{i + 1:06x}" for i in range(n)), *(f"user-{i + 1:05d}" for i in range(n))]
    distinct_of_session = np.zeros(count, dtype=np.int64)
    distinct_of_session[signups.session] = np.arange(1, n + 1)
    user_ix = np.arange(n + 1, 2 * n + 1)

    def add(ts, session, event, page, users, props=None, revenue=None) -> None:  # type: ignore[no-untyped-def]
        cols.add(ts, session, event_names.index(event), page, props, revenue, user=users)  # type: ignore[attr-defined]

    # Identify at signup, on the signup visit (the anonymous id links to the user id).
    signup_day = (signups.at // DAY) * DAY
    traits = [
        {
            "set:plan": PLANS[int(plan)][0],
            "set:role": ROLES[int(rng.integers(len(ROLES)))],
            "set:company_size": COMPANY_SIZES[int(min(rng.geometric(0.45), 5)) - 1],
            "set:email": f"user-{i + 1:05d}@example.com",
            "set_once:signup_date": str(np.datetime64(int(day), "us").astype("datetime64[D]")),
        }
        for i, (plan, day) in enumerate(zip(signups.plan, signup_day, strict=True))
    ]
    signup_page = np.full(n, page_index("/signup"))
    add(signups.at + US, signups.session, "$identify", signup_page, user_ix, traits)

    # Later visits: each person's habit decays; each active day is one app session.
    habit = np.clip(rng.lognormal(-1.6, 0.8, n), 0.02, 0.9)
    days_left = np.maximum((end_us - signups.at) // DAY, 0)
    person, day = _active_days(rng, habit, days_left)
    hours = rng.integers(7 * 3600, 22 * 3600, len(person)) * US
    start = (signup_day[person] + (day + 1) * DAY + hours).astype(np.int64)
    keep = start < end_us - 60 * 60 * US
    person, start = person[keep], start[keep]
    k = len(person)
    _extend(sessions, rng, signups.session[person], start)
    session = np.arange(count, count + k)
    add(start, session, "pageview", np.full(k, page_index(APP_HOME)), user_ix[person])
    # One to four feature uses per session, each on its page.
    uses = np.minimum(rng.geometric(0.55, k), 4)
    use_session = np.repeat(np.arange(k), uses)
    use_at = start[use_session] + rng.integers(20, 900, len(use_session)) * US
    weights = np.array([f[2] for f in FEATURES])
    feature = rng.choice(len(FEATURES), len(use_session), p=weights / weights.sum())
    for f, (event, path, _w) in enumerate(FEATURES):
        chosen = feature == f
        at, sess = use_at[chosen], use_session[chosen]
        pages = np.full(len(at), page_index(path))
        add(at - 5 * US, session[sess], "pageview", pages, user_ix[person[sess]])
        add(at, session[sess], event, pages, user_ix[person[sess]])
    _upgrades(rng, add, signups, person, session, start, user_ix)
    return People(ids, np.concatenate([distinct_of_session, np.zeros(k, np.int64)]))


def _active_days(
    rng: np.random.Generator, habit: np.ndarray, days_left: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(person, days after signup) for each active day: chance habit * 0.93^(day/3)."""
    horizon = int(days_left.max(initial=0))
    if horizon == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    offsets = np.arange(horizon)
    chance = habit[:, None] * (0.93 ** (offsets[None, :] / 3)) + 0.01
    active = (rng.random(chance.shape) < chance) & (offsets[None, :] < days_left[:, None])
    person, day = np.nonzero(active)
    return person.astype(np.int64), day.astype(np.int64)


def _extend(
    sessions: dict[str, np.ndarray], rng: np.random.Generator, origin: np.ndarray, start: np.ndarray
) -> None:
    """New sessions: a new cookieless visitor each day, with the person's country and
    browser, arriving direct (SOURCES[0])."""
    k = len(start)
    new = {
        "start": start,
        "visitor": rng.integers(1, 2**63, k, dtype=np.int64).astype(np.uint64),
        "country": sessions["country"][origin],
        "ua": sessions["ua"][origin],
        "source": np.zeros(k, dtype=sessions["source"].dtype),
        "pageviews": np.ones(k, dtype=np.int64),
    }
    for key, values in new.items():
        sessions[key] = np.concatenate([sessions[key], values])


def _upgrades(rng, add, signups, person, session, start, user_ix) -> None:  # type: ignore[no-untyped-def]
    """Some free users upgrade to pro at one of their app sessions (first come, once)."""
    free = np.array([PLANS[int(p)][0] == "free" for p in signups.plan])
    candidates = np.flatnonzero(free[person] & (rng.random(len(person)) < 0.08))
    _, first = np.unique(person[candidates], return_index=True)
    chosen = candidates[first]
    if not len(chosen):
        return
    at = start[chosen] + 1200 * US
    pro = next(i for i, p in enumerate(PLANS) if p[0] == "pro")
    m = len(chosen)
    pages = np.full(m, page_index("/pricing"))
    users = user_ix[person[chosen]]
    revenue = np.full(m, PLANS[pro][1])
    add(at, session[chosen], "Upgrade", pages, users, [{"plan": "pro"}] * m, revenue)
    add(at + US, session[chosen], "$identify", pages, users, [{"set:plan": "pro"}] * m)
