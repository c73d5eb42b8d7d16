"""Server-rendered pages: the site list, adding a site, site settings, and the page shells
(dashboard, details, live) that app.js fills from the JSON endpoints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.catalog.sqlite import Site
from footfall.collector.snippets import snippets
from footfall.errors import CatalogError, InvalidQuery
from footfall.web.dashboard.security import Problem, form_data
from footfall.web.dashboard.state import Dashboard

SPARK_DAYS = 14
SPARK_W, SPARK_H = 120, 28

PYTHON_EXAMPLE = """from footfall_client import Provider

p = Provider("footfall", "{key}", host="{url}")
p.track("Signup", {{"plan": "pro"}}, user_id="42")"""


def sparkline(values: list[int]) -> str:
    """SVG polyline points for an inline sparkline (drawn server-side, no JS needed)."""
    if not values:
        return ""
    top = max(values) or 1
    step = SPARK_W / max(len(values) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_H - 2 - (v / top) * (SPARK_H - 4):.1f}"
        for i, v in enumerate(values)
    )


def _site_summary(dash: Dashboard, site: Site) -> dict[str, Any]:
    now = dash.ctx.clock()
    today = now.astimezone(ZoneInfo(site.timezone)).date()
    first = today - timedelta(days=SPARK_DAYS - 1)
    try:
        series = dash.engine.query(
            {
                "site_id": site.domain,
                "date_range": [first.isoformat(), today.isoformat()],
                "metrics": ["visitors"],
                "dimensions": ["time:day"],
                "include": {"time_labels": True},
            },
            now=now,
            timezone=site.timezone,
        )
        today_rows = dash.engine.query(
            {"site_id": site.domain, "date_range": "day", "metrics": ["visitors"]},
            now=now,
            timezone=site.timezone,
        )["results"]
    except InvalidQuery:
        return {"site": site, "today": 0, "points": "", "total": 0}
    by_day = {r["dimensions"][0]: r["metrics"][0] for r in series["results"]}
    values = [int(by_day.get(label, 0)) for label in series["meta"]["time_labels"]]
    return {
        "site": site,
        "today": today_rows[0]["metrics"][0] if today_rows else 0,
        "points": sparkline(values),
        "total": sum(values),
    }


def page_handlers(dash: Dashboard) -> dict[str, Any]:
    async def sites(request: Request) -> Response:
        user = dash.user(request)
        visible = dash.accounts.visible_sites(user)
        summaries = [
            {
                **await run_in_threadpool(_site_summary, dash, s),
                "owner": dash.accounts.role(user, s.domain) == "owner",
            }
            for s in visible
        ]
        return dash.render(request, "sites.html", {"title": "Sites", "summaries": summaries})

    async def new_site(request: Request) -> Response:
        user = dash.user(request)
        error, domain, timezone = "", "", "UTC"
        if request.method == "POST":
            form = await form_data(request)
            domain, timezone = str(form.get("domain", "")), str(form.get("timezone", "UTC"))
            try:
                site = dash.ctx.catalog.add_site(domain, timezone)
                if not user.is_admin:
                    dash.accounts.grant(user.email, site.domain, "owner")
            except CatalogError as exc:
                error = str(exc)
            else:
                dash.ctx.sites.invalidate()
                return RedirectResponse(f"/sites/{site.domain}/settings", 303)
        context = {
            "title": "Add a site",
            "error": error,
            "domain": domain,
            "timezone": timezone,
            "timezones": sorted(available_timezones()),
        }
        return dash.render(request, "site_new.html", context, 400 if error else 200)

    async def settings(request: Request) -> Response:
        site, _role = dash.site_for(request, request.path_params["domain"], "owner")
        notice, new_key, error = "", "", ""
        if request.method == "POST":
            form = await form_data(request)
            try:
                notice, new_key = _apply(dash, site, {k: str(v) for k, v in form.items()})
            except CatalogError as exc:
                error = str(exc)
            site = dash.ctx.catalog.get_site(site.domain) or site
            dash.ctx.sites.invalidate()
        base = str(request.base_url).rstrip("/")
        context = {
            "title": f"{site.domain} settings",
            "site": site,
            "keys": dash.ctx.catalog.api_keys(site.domain),
            "shares": dash.accounts.shares(site.domain),
            "members": dash.accounts.members(site.domain),
            "snippet": snippets(site.domain, base),
            "python": PYTHON_EXAMPLE.format(key=new_key or "WRITE_KEY", url=base),
            "base": base,
            "notice": notice,
            "new_key": new_key,
            "error": error,
            "timezones": sorted(available_timezones()),
        }
        return dash.render(request, "settings.html", context, 400 if error else 200)

    def shell(template: str, title: str) -> Any:
        async def handler(request: Request) -> Response:
            site, role = dash.site_for(request, request.path_params["domain"])
            return dash.render(request, template, dash.site_page(site, role, title))

        return handler

    return {
        "sites": sites,
        "new_site": new_site,
        "settings": settings,
        "dashboard": shell("dashboard.html", "dashboard"),
        "details": shell("details.html", "details"),
        "live": shell("live.html", "live"),
    }


def _apply(dash: Dashboard, site: Site, form: dict[str, str]) -> tuple[str, str]:
    """Carry out one settings form; return a notice and a new key to show once."""
    action = form.get("action", "")
    catalog = dash.ctx.catalog
    if action == "settings":
        hosts = tuple(
            h.strip().lower() for h in form.get("allowed_hostnames", "").split(",") if h.strip()
        )
        catalog.update_site(
            site.domain,
            timezone=form.get("timezone") or site.timezone,
            honor_dnt=form.get("honor_dnt") == "on",
            allowed_hostnames=hosts,
        )
        return "Settings saved.", ""
    if action == "create_key":
        kind = form.get("kind", "stats")
        return f"New {kind} key created.", catalog.create_api_key(
            site.domain, kind, form.get("name", "")
        )
    if action == "revoke_key":
        prefix = form.get("prefix", "")
        if not any(k.prefix == prefix for k in catalog.api_keys(site.domain)):
            raise CatalogError("no such key for this site")
        catalog.revoke_api_key(prefix)
        return "Key revoked.", ""
    if action == "create_share":
        dash.accounts.create_share(site.domain, form.get("name", ""), form.get("password", ""))
        return "Shared link created.", ""
    if action == "revoke_share":
        if not dash.accounts.revoke_share(site.domain, form.get("token", "")):
            raise CatalogError("no such shared link for this site")
        return "Shared link revoked.", ""
    if action == "grant":
        dash.accounts.grant(form.get("email", ""), site.domain, form.get("role", "viewer"))
        return "Access granted.", ""
    raise Problem(400, f"unknown action {action!r}")
