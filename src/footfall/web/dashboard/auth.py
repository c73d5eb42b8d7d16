"""Log in, log out, and the first-run setup page (guarded by the token printed at start)."""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from footfall.catalog.accounts import User
from footfall.errors import CatalogError
from footfall.web.dashboard.csrf import ANON_COOKIE, SESSION_COOKIE, secure
from footfall.web.dashboard.security import Problem, form_data
from footfall.web.dashboard.state import Dashboard
from footfall.web.ratelimit import TokenBuckets


def _safe_next(value: str) -> str:
    """Only same-site paths: `//evil.example` and absolute URLs become `/sites`."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/sites"


def _logged_in(request: Request, dash: Dashboard, user: User, target: str) -> Response:
    response = RedirectResponse(target, 303)
    token = dash.accounts.start_session(user)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=30 * 86400,
        httponly=True,
        samesite="lax",
        secure=secure(request),
    )
    response.delete_cookie(ANON_COOKIE)
    return response


def auth_handlers(dash: Dashboard) -> dict[str, object]:
    # Failed logins per e-mail: 10 in a row, then one every 6 minutes (argon2 is slow on
    # purpose, but guessing should be slower still).
    failures = TokenBuckets(per_hour=10, burst=10)
    blocked: dict[str, float] = {}

    async def home(request: Request) -> Response:
        if not dash.accounts.has_users():
            return dash.render(request, "setup_needed.html", {"title": "Welcome"})
        if dash.optional_user(request) is None:
            return RedirectResponse("/login", 303)
        return RedirectResponse("/sites", 303)

    async def login(request: Request) -> Response:
        target = _safe_next(request.query_params.get("next", "/sites"))
        error = ""
        email = ""
        if request.method == "POST":
            form = await form_data(request)
            email = str(form.get("email", ""))
            key, now = email.strip().lower(), time.monotonic()
            if blocked.get(key, 0.0) > now:
                raise Problem(429, "Too many failed logins for this account; try again later.")
            user = await run_in_threadpool(
                dash.accounts.authenticate, email, str(form.get("password", ""))
            )
            if user is not None:
                return _logged_in(request, dash, user, target)
            wait = failures.take(key, now)
            if wait:
                blocked[key] = now + wait
            error = "That e-mail and password do not match an account."
        elif dash.optional_user(request) is not None:
            return RedirectResponse(target, 303)
        status = 401 if error else 200
        context = {"title": "Log in", "error": error, "email": email, "next": target}
        return dash.render(request, "login.html", context, status)

    async def logout(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            dash.accounts.end_session(token)
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    async def setup(request: Request) -> Response:
        token = request.query_params.get("token", "")
        if not dash.accounts.check_setup_token(token):
            raise Problem(
                404,
                "This setup link is not valid: it was used already or the server restarted. "
                "Use the link printed by the latest `footfall serve`, or create a user with "
                "`footfall users create --admin`.",
            )
        error = ""
        if request.method == "POST":
            form = await form_data(request)
            email, password = str(form.get("email", "")), str(form.get("password", ""))
            if password != form.get("password2"):
                error = "The two passwords differ."
            else:
                try:
                    user = await run_in_threadpool(
                        dash.accounts.create_first_admin, token, email, password
                    )
                except CatalogError as exc:
                    error = str(exc)
                else:
                    return _logged_in(request, dash, user, "/sites/new")
        context = {"title": "Set up Footfall", "error": error, "token": token}
        return dash.render(request, "setup.html", context, 400 if error else 200)

    return {"home": home, "login": login, "logout": logout, "setup": setup}
