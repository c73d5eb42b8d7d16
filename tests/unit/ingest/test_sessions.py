"""Visits are 30-minute-gap sessions, identical whatever order events arrive in."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from footfall.ingest.sessions import GAP_US, Sessionizer, split_sessions

MIN = 60 * 1_000_000


def test_gap_of_exactly_30_minutes_stays_in_the_visit():
    ids = split_sessions(7, [0, GAP_US, 2 * GAP_US + 1])
    assert ids[0] == ids[1] != ids[2]


def test_in_order_assignment_matches_the_definition():
    stamps = [0, 5 * MIN, 40 * MIN, 41 * MIN, 200 * MIN]
    ids, late = Sessionizer().assign(["a.com"] * len(stamps), [1] * len(stamps), stamps)
    assert not late
    assert ids == split_sessions(1, stamps)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=6 * 3600 * 1_000_000), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=5),
    st.randoms(use_true_random=False),
)
def test_any_arrival_order_in_any_batches_gives_the_reference_sessions(stamps, batches, rnd):
    """Feed events in random order and batch sizes, reconciling as the writer does."""
    order = list(range(len(stamps)))
    rnd.shuffle(order)
    sessionizer = Sessionizer()
    stored: dict[str, tuple[int, int]] = {}  # event_id -> (ts, session_id)
    cut = sorted(set(rnd.sample(range(1, len(order) + 1), min(batches, len(order)))) | {len(order)})
    start = 0
    for end in cut:
        batch = sorted(order[start:end], key=lambda i: stamps[i])
        start = end
        ids, late = sessionizer.assign(
            ["s"] * len(batch), [9] * len(batch), [stamps[i] for i in batch]
        )
        for sid, i in zip(ids, batch, strict=True):
            stored[str(i)] = (stamps[i], sid)
        if late:
            rows = [(eid, "s", 9, ts, sid) for eid, (ts, sid) in stored.items()]
            for eid, sid in sessionizer.reconcile(rows):
                stored[eid] = (stored[eid][0], sid)
    expected_by_ts = sorted((stamps[i], str(i)) for i in range(len(stamps)))
    expected = split_sessions(9, [ts for ts, _ in expected_by_ts])
    got = [stored[eid][1] for _, eid in expected_by_ts]
    assert got == expected


def test_visitors_are_independent():
    ids, _ = Sessionizer().assign(["a"] * 3, [1, 2, 1], [0, 1, 2])
    assert ids[0] == ids[2] != ids[1]


def test_forget_before_drops_stale_states():
    sessionizer = Sessionizer()
    sessionizer.assign(["a"], [1], [0])
    sessionizer.assign(["a"], [2], [10 * GAP_US])
    sessionizer.forget_before(GAP_US)
    assert set(sessionizer.states) == {("a", 2)}


def test_shuffled_reference_is_stable():
    stamps = [random.Random(3).randrange(10**10) for _ in range(50)]
    assert split_sessions(1, sorted(stamps)) == split_sessions(1, sorted(reversed(stamps)))
