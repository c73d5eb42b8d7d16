"""Saved funnels, cohorts and automations: validated before they are stored, secrets never shown.

Both the bearer-key product API (product_api.py) and the dashboard save through here, so
a body one accepts the other accepts too, an automation can only point at a cohort of its
own site, and no listing ever carries a webhook secret or an SMTP password.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from footfall.errors import InvalidQuery
from footfall.product.automations import parse_automation
from footfall.product.cohorts import parse_cohort
from footfall.product.funnel import parse_funnel

KINDS = ("funnel", "cohort", "automation")
MAX_NAME = 200
SECRET_KEYS = ("secret", "password")


def redacted(value: Any) -> Any:
    """A saved body without its secrets (webhook secret, SMTP password) at any depth."""
    if isinstance(value, dict):
        return {k: "***" if k in SECRET_KEYS and v else redacted(v) for k, v in value.items()}
    return value


def _check_funnel(catalog: Any, site: str, value: dict[str, Any]) -> None:
    parse_funnel({**value, "site_id": site})


def _check_cohort(catalog: Any, site: str, value: dict[str, Any]) -> None:
    parse_cohort(value, "cohort")


def _check_automation(catalog: Any, site: str, value: dict[str, Any]) -> None:
    automation = parse_automation(value)
    if automation.cohort not in saved_ids(catalog, site, "cohort"):
        message = f"no saved cohort {automation.cohort} for this site"
        raise InvalidQuery("automation.cohort", message)


_CHECKS: dict[str, Callable[[Any, str, dict[str, Any]], None]] = {
    "funnel": _check_funnel,
    "cohort": _check_cohort,
    "automation": _check_automation,
}


def saved_ids(catalog: Any, site: str, kind: str) -> set[int]:
    return {row[0] for row in catalog.saved_queries(site, kind)}


def listing(catalog: Any, site: str, kind: str) -> dict[str, Any]:
    """`{"results": [{"id", "name", <kind>, "created_at"}]}`; automations redacted."""
    results = []
    for saved_id, name, body, created in catalog.saved_queries(site, kind):
        value = json.loads(body)
        results.append(
            {
                "id": saved_id,
                "name": name,
                kind: redacted(value) if kind == "automation" else value,
                "created_at": created,
            }
        )
    return {"results": results}


def save(catalog: Any, site: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Validate `{"name", <kind>: {...}}` and store it; InvalidQuery names the bad part."""
    name, value = body.get("name"), body.get(kind)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise InvalidQuery("name", f"expected a name (1 to {MAX_NAME} characters)")
    if not isinstance(value, dict):
        raise InvalidQuery(kind, f"expected the {kind} object")
    try:
        _CHECKS[kind](catalog, site, value)
    except InvalidQuery as exc:
        if exc.path.startswith(kind):
            raise
        raise InvalidQuery(f"{kind}.{exc.path}", exc.message) from None
    saved_id = catalog.save_query(site, kind, name.strip(), json.dumps(value))
    shown = redacted(value) if kind == "automation" else value
    return {"id": saved_id, "name": name.strip(), kind: shown}


def saved_id_of(raw: str) -> int | None:
    """A saved query's id from a URL segment; None when it cannot be one."""
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def delete(catalog: Any, site: str, kind: str, raw_id: str) -> bool:
    saved_id = saved_id_of(raw_id)
    return saved_id is not None and bool(catalog.delete_saved_query(site, kind, saved_id))


def sizes_params(args: Mapping[str, str]) -> tuple[str, int]:
    """(interval, points) of a cohort-sizes request: day or week, 1 to 60 points (8)."""
    interval = args.get("interval", "week")
    if interval not in ("day", "week"):
        raise InvalidQuery("interval", "expected day or week")
    raw = args.get("points", "8")
    points = int(raw) if raw.isdigit() and len(raw) < 4 else 0
    if not 1 <= points <= 60:
        raise InvalidQuery("points", "expected 1 to 60")
    return interval, points


def members_csv(people: list[str]) -> str:
    """A cohort's members as CSV with one `person` column."""
    return "person\n" + "".join(csv_cell(p) + "\n" for p in people)


def csv_cell(value: str) -> str:
    """One CSV cell; a leading =, +, - or @ is quoted so spreadsheets do not run it."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    if any(c in value for c in ',"\n\r'):
        value = '"' + value.replace('"', '""') + '"'
    return value
