"""Shared links: a read-only dashboard behind an unguessable URL, optionally with a password.

A revoked or unknown token is a plain 404. A password, once entered, is remembered by a
cookie holding an HMAC of the token (scoped to the link's path), so revoking the link
also ends every unlocked browser's access.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.catalog.accounts import password_matches
from footfall.catalog.sqlite import Site
from footfall.web.dashboard.api import api_handlers
from footfall.web.dashboard.csrf import secure
from footfall.web.dashboard.security import Problem, form_data
from footfall.web.dashboard.state import Dashboard

UNLOCK_COOKIE = "ff_share"


def share_handlers(dash: Dashboard) -> dict[str, object]:
    key = dash.accounts.secret("share")

    def unlock_value(token: str) -> str:
        return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

    def lookup(request: Request) -> tuple[Site, bool]:
        """The shared site and whether the visitor may read it now."""
        token = request.path_params["token"]
        found = dash.accounts.share(token)
        site = dash.ctx.catalog.get_site(found[0].site_id) if found else None
        if found is None or site is None:
            raise Problem(404, "This shared link does not exist or was revoked.")
        _link, password_hash = found
        unlocked = not password_hash or hmac.compare_digest(
            request.cookies.get(UNLOCK_COOKIE, ""), unlock_value(token)
        )
        return site, unlocked

    def resolve(request: Request) -> Site:
        site, unlocked = lookup(request)
        if not unlocked:
            raise Problem(403, "This shared link needs its password.")
        return site

    def shell(template: str, title: str) -> Any:
        async def handler(request: Request) -> Response:
            token = request.path_params["token"]
            site, unlocked = lookup(request)
            if not unlocked:
                context = {"title": "Password", "error": "", "token": token}
                return dash.render(request, "share_password.html", context)
            context = {
                "title": f"{site.domain} · {title}",
                "site": site,
                "role": "viewer",
                "api": f"/share/{token}/api",
                "home": f"/share/{token}",
                "shared": True,
            }
            return dash.render(request, template, context)

        return handler

    async def unlock(request: Request) -> Response:
        token = request.path_params["token"]
        found = dash.accounts.share(token)
        if found is None:
            raise Problem(404, "This shared link does not exist or was revoked.")
        form = await form_data(request)
        password = str(form.get("password", ""))
        if found[1] and await run_in_threadpool(password_matches, found[1], password):
            response = RedirectResponse(f"/share/{token}", 303)
            response.set_cookie(
                UNLOCK_COOKIE,
                unlock_value(token),
                path=f"/share/{token}",
                httponly=True,
                samesite="lax",
                secure=secure(request),
            )
            return response
        context = {"title": "Password", "error": "That password is not right.", "token": token}
        return dash.render(request, "share_password.html", context, 401)

    api = api_handlers(dash, resolve)
    return {
        "dashboard": shell("dashboard.html", "shared dashboard"),
        "details": shell("details.html", "details"),
        "live": shell("live.html", "live"),
        "unlock": unlock,
        **{f"api_{k}": v for k, v in api.items()},
    }
