"""Product query parsing: every rejection names the JSON path of the offending part."""

from __future__ import annotations

import re

import pytest

from footfall.errors import InvalidQuery
from footfall.product.automations import parse_automation
from footfall.product.cohorts import parse_cohort
from footfall.product.funnel import page_regex, parse_funnel, parse_window
from footfall.product.paths import parse_paths
from footfall.product.retention import parse_retention
from footfall.product.segmentation import parse_segmentation
from footfall.product.users import parse_users

BASE = {"site_id": "a.example", "date_range": "30d"}
STEPS = [{"page": "/pricing"}, {"event": "Signup", "props": {"plan": "pro"}}]


def path_of(parse, body) -> str:
    with pytest.raises(InvalidQuery) as info:
        parse(body)
    return info.value.path


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"steps": STEPS[:1]}, "steps"),
        ({"steps": [{"page": "/"}, {"page": "/", "event": "x"}]}, "steps[1]"),
        ({"steps": [{"page": "/"}, {"event": "$identify"}]}, "steps[1].event"),
        ({"steps": [{"page": "/"}, {"event": "x", "props": {"a": 1}}]}, "steps[1].props.a"),
        ({"steps": [{"page": "/", "props": {}}, {"event": "x"}]}, "steps[0].props"),
        ({"steps": STEPS, "window": "100d"}, "window"),
        ({"steps": STEPS, "order": "random"}, "order"),
        ({"steps": STEPS, "breakdown": "visit:source"}, "breakdown"),
        ({"steps": STEPS, "filters": [["is", "visit:entry_page", ["/"]]]}, "filters[0][1]"),
        ({"steps": STEPS, "people": {"step": 1}}, "people.step"),
        ({"steps": STEPS, "people": {"step": 3}}, "people.step"),
        ({"steps": STEPS, "cohort": "x"}, "cohort"),
        ({"steps": STEPS, "cohort": {"conditions": []}}, "cohort.conditions"),
    ],
)
def test_funnel_errors(body, path):
    assert path_of(parse_funnel, {**BASE, **body}) == path


def test_funnel_defaults_and_filters_on_traits():
    q = parse_funnel({**BASE, "steps": STEPS, "filters": [["is", "user:plan", ["pro"]]]})
    assert (q.window_s, q.order, q.common.traits) == (86400, "loose", ["plan"])
    assert parse_window("30m") == 1800


def test_page_patterns_are_anchored():
    assert re.match(page_regex("/docs/*"), "/docs/a/b")
    assert not re.match(page_regex("/docs/*"), "/x/docs/a")
    assert re.match(page_regex("/a.b"), "/a.b") and not re.match(page_regex("/a.b"), "/axb")


@pytest.mark.parametrize(
    ("parse", "body", "path"),
    [
        (parse_retention, {"period": "year"}, "period"),
        (parse_retention, {"return_event": {"event": ""}}, "return_event.event"),
        (parse_segmentation, {"interval": "month"}, "interval"),
        (parse_segmentation, {"events": [1]}, "events"),
        (parse_segmentation, {"limit": 0}, "limit"),
        (parse_paths, {}, "start"),
        (parse_paths, {"start": {"page": "/"}, "depth": 9}, "depth"),
        (parse_paths, {"start": {"page": "/"}, "direction": "up"}, "direction"),
        (parse_users, {"traits": [""]}, "traits"),
        (parse_users, {"pagination": {"limit": 0}}, "pagination.limit"),
    ],
)
def test_other_errors(parse, body, path):
    assert path_of(parse, {**BASE, **body}) == path


@pytest.mark.parametrize(
    ("cohort", "path"),
    [
        ({"conditions": [{"filter": ["is", "event:page", ["/"]]}]}, "cohort.conditions[0].filter"),
        (
            {"conditions": [{"did": {"event": "x"}, "did_not": {"event": "y"}}]},
            "cohort.conditions[0]",
        ),
        (
            {"conditions": [{"did": {"event": "x"}, "at_least": -1}]},
            "cohort.conditions[0].at_least",
        ),
        ({"conditions": [{"did_not": {"event": "x"}, "at_least": 2}]}, "cohort.conditions[0]"),
        ({"match": "some", "conditions": [{"did": {"event": "x"}}]}, "cohort.match"),
    ],
)
def test_cohort_errors(cohort, path):
    assert path_of(parse_cohort, cohort) == path


def test_cohort_parses_traits_and_behaviour():
    c = parse_cohort(
        {
            "match": "any",
            "conditions": [
                {"filter": ["is", "user:plan", ["pro"]]},
                {"did": {"event": "Export"}, "at_least": 3, "within_days": 30},
                {"did_not": {"event": "Upgrade"}},
            ],
        }
    )
    assert c.match == "any" and c.traits == ["plan"]
    assert [(b.negate, b.at_least, b.days) for b in c.behaviours] == [
        (False, 3, 30),
        (True, 1, None),
    ]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"cohort": "1", "channel": "webhook"}, "automation.cohort"),
        ({"cohort": 1, "channel": "sms"}, "automation.channel"),
        ({"cohort": 1, "channel": "webhook", "url": "ftp://x", "secret": "k"}, "automation.url"),
        ({"cohort": 1, "channel": "webhook", "url": "https://x"}, "automation.secret"),
        ({"cohort": 1, "channel": "email", "to": ["nobody"]}, "automation.to"),
        ({"cohort": 1, "channel": "email", "to": ["a@b.c"]}, "automation.smtp"),
        (
            {"cohort": 1, "channel": "email", "to": ["a@b.c"], "smtp": {"host": "h", "port": 0}},
            "automation.smtp.port",
        ),
    ],
)
def test_automation_errors(body, path):
    assert path_of(parse_automation, body) == path
