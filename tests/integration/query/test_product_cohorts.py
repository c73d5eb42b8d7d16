# ruff: noqa: F811  (pytest fixtures imported from product_fixtures)
"""Cohorts on both engines: members equal the reference, and a cohort filters queries."""

from __future__ import annotations

import pytest
from product_fixtures import NOW, SITE, product, product_rows, ref  # noqa: F401

RANGE = ["2024-03-01", "2024-03-31"]
CASES = [
    (
        {"conditions": [{"filter": ["is", "user:plan", ["pro"]]}]},
        {"plan": ["pro"]},
        [],
        "all",
    ),
    (
        {"conditions": [{"did": {"event": "Export"}, "at_least": 2, "within_days": 30}]},
        {},
        [({"event": "Export"}, 2, 30, False)],
        "all",
    ),
    (
        {
            "conditions": [
                {"did": {"page": "/pricing"}},
                {"did_not": {"event": "Purchase"}, "within_days": 14},
            ]
        },
        {},
        [({"page": "/pricing"}, 1, None, False), ({"event": "Purchase"}, 1, 14, True)],
        "all",
    ),
    (
        {
            "match": "any",
            "conditions": [
                {"filter": ["is", "user:plan", ["team"]]},
                {"did": {"event": "Signup"}, "at_least": 3},
            ],
        },
        {"plan": ["team"]},
        [({"event": "Signup"}, 3, None, False)],
        "any",
    ),
]


def _both(product, method, *args, **kw):
    answers = [getattr(engine, method)(*args, **kw) for engine in product.values()]
    assert answers[0] == answers[1], method
    return answers[0]


@pytest.mark.parametrize(("definition", "traits", "did", "match"), CASES)
def test_members_match_reference(product, product_rows, definition, traits, did, match):
    from footfall.product.cohorts import parse_cohort

    cohort = parse_cohort(definition)
    result = _both(product, "cohort_members", SITE, cohort, now=NOW, limit=10_000)
    expected = ref.cohort(product_rows, NOW, traits, did, match)
    assert set(result["people"]) == expected
    assert result["total"] == len(expected)
    assert _both(product, "cohort_size", SITE, cohort, at=NOW) == len(expected)


def test_cohort_filters_a_funnel(product, product_rows):
    definition = {"conditions": [{"did": {"event": "Export"}, "at_least": 1}]}
    steps = [{"page": "/pricing"}, {"event": "Signup Start"}]
    body = {"site_id": SITE, "date_range": RANGE, "steps": steps, "window": "7d"}
    whole = _both(product, "funnel", body, now=NOW)
    within = _both(product, "funnel", {**body, "cohort": definition}, now=NOW)
    assert 0 < within["steps"][0]["users"] < whole["steps"][0]["users"]
    people = _both(
        product,
        "funnel",
        {**body, "cohort": definition, "people": {"step": 1, "status": "converted"}},
        now=NOW,
    )["people"]
    members = ref.cohort(product_rows, NOW, {}, [({"event": "Export"}, 1, None, False)])
    assert set(people) <= members
    for method, extra in (
        ("retention", {"period": "week"}),
        ("segmentation", {"interval": "week"}),
        ("paths", {"start": {"page": "/pricing"}}),
        ("users", {}),
    ):
        _both(
            product,
            method,
            {"site_id": SITE, "date_range": RANGE, "cohort": definition, **extra},
            now=NOW,
        )


def test_sizes_over_time_grow_for_all_time_behaviour(product):
    definition = {"conditions": [{"did": {"page": "/pricing"}}]}
    from footfall.product.cohorts import parse_cohort

    sizes = _both(product, "cohort_sizes", SITE, parse_cohort(definition), now=NOW, points=4)
    values = [s["size"] for s in sizes]
    assert values == sorted(values) and values[-1] > 0
