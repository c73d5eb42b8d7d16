"""The reference implementations themselves, on hand-worked histories."""

from __future__ import annotations

from datetime import timedelta

import product_reference as ref
from product_corpus import START, row


def at(minutes: int):
    return START + timedelta(minutes=minutes)


def test_trait_fold_order_and_operations():
    ops = [
        {"set:plan": "free", "set_once:first": "a", "add:n": "2"},
        {"set_once:first": "b", "add:n": "3", "set:plan": "pro"},
        {"unset:plan": "", "add:n": "0.5"},
        {"set:seats": "2", "add:seats": "3", "unset:gone": ""},
    ]
    rows = [row("s", i, at(i), "$identify", user_id="u", props=p) for i, p in enumerate(ops)]
    assert ref.traits(rows) == {"u": {"first": "a", "n": "5.5", "seats": "5"}}


def test_identity_links_attribute_anonymous_events():
    rows = [
        row("s", 1, at(0), "pageview", distinct_id="anon"),
        row("s", 2, at(1), "$identify", distinct_id="anon", user_id="u1"),
        row("s", 3, at(2), "pageview", visitor_id=7),
        row("s", 4, at(3), "$alias", distinct_id="anon", user_id="u2"),
    ]
    people = ref.product_events(rows, START, at(60))
    assert set(people) == {"u2", "v:7"}


def test_funnel_window_and_strict_order():
    steps = [{"page": "/a"}, {"event": "X"}]
    rows = [
        row("s", 1, at(0), "pageview", page="/a", distinct_id="p"),
        row("s", 2, at(5), "pageview", page="/other", distinct_id="p"),
        row("s", 3, at(10), "X", distinct_id="p"),
        row("s", 4, at(0), "pageview", page="/a", distinct_id="q"),
        row("s", 5, at(120), "X", distinct_id="q"),
    ]
    loose = ref.funnel(rows, steps, START, at(600), timedelta(hours=1))
    strict = ref.funnel(rows, steps, START, at(600), timedelta(hours=1), strict=True)
    assert loose == [(2, None), (1, 600_000)]
    assert strict == [(2, None), (0, None)]
