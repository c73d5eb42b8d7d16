"""The dashboard's shared state: the app context, accounts, query engines and templates.

Handlers receive one `Dashboard` and ask it who the user is and whether they may see a
site; every site-scoped handler goes through `site_for()`, so no request reaches a site
the user was not given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse

from footfall.catalog.accounts import Accounts, User
from footfall.catalog.sqlite import Site
from footfall.errors import InvalidQuery
from footfall.product.engine import ProductEngine
from footfall.query.engine import QueryEngine
from footfall.web.dashboard.assets import asset_url
from footfall.web.dashboard.csrf import SESSION_COOKIE, Csrf
from footfall.web.dashboard.format import human_duration, human_number
from footfall.web.dashboard.security import LoginRequired, Problem

_TEMPLATES = Path(__file__).parent / "templates"


class Dashboard:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.accounts = Accounts(ctx.catalog)
        self.engine = QueryEngine(ctx.store)
        self.product = ProductEngine(ctx.store, ctx.catalog)
        self.csrf = Csrf(self.accounts.secret("csrf"))
        self.env = Environment(
            loader=FileSystemLoader(_TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.env.globals.update(asset_url=asset_url)
        self.env.filters.update(human=human_number, duration=human_duration)

    # pages -------------------------------------------------------------------------

    def render(
        self, request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
    ) -> HTMLResponse:
        values = {
            "request": request,
            "user": self.optional_user(request),
            "csrf_token": self.csrf.token(request),
            **(context or {}),
        }
        return HTMLResponse(self.env.get_template(name).render(values), status)

    def site_page(self, site: Site, role: str, title: str) -> dict[str, Any]:
        """The context every logged-in page of one site needs (the tabs, the JSON base)."""
        return {
            "title": f"{site.domain} · {title}",
            "site": site,
            "role": role,
            "api": f"/sites/{site.domain}/api",
            "home": f"/sites/{site.domain}",
            "shared": False,
        }

    # who is asking -----------------------------------------------------------------

    def optional_user(self, request: Request) -> User | None:
        if "user" not in request.scope.setdefault("state", {}):
            token = request.cookies.get(SESSION_COOKIE)
            request.state.user = self.accounts.session_user(token) if token else None
        return request.state.user  # type: ignore[no-any-return]

    def user(self, request: Request) -> User:
        user = self.optional_user(request)
        if user is None:
            raise LoginRequired()
        return user

    def site_for(self, request: Request, domain: str, need: str = "viewer") -> tuple[Site, str]:
        """The site and the user's role on it; 404 when they may not see it at all."""
        user = self.user(request)
        role = self.accounts.role(user, domain)
        site = self.ctx.catalog.get_site(domain) if role else None
        if site is None or role is None:
            raise Problem(404, f"There is no site {domain!r} you can see.")
        if need == "owner" and role != "owner":
            raise Problem(403, "Only the site's owners can change its settings and saved reports.")
        return site, role

    # data --------------------------------------------------------------------------

    async def query(self, site: Site, body: Any) -> dict[str, Any]:
        """Run a v2 query for `site` only: whatever site_id the body names is replaced."""
        if not isinstance(body, dict):
            raise Problem(400, "the query must be a JSON object")
        try:
            return await run_in_threadpool(
                self.engine.query,
                {**body, "site_id": site.domain},
                now=self.ctx.clock(),
                timezone=site.timezone,
            )
        except InvalidQuery as exc:
            raise Problem(400, str(exc)) from exc
