"""What every dashboard response shares: security headers, CSRF on POST, friendly errors.

Each dashboard endpoint is wrapped by `endpoint()`, so a handler only raises `Problem`
(or `LoginRequired`) and never forgets a header or a CSRF check (every method that
changes something: POST from forms, POST and DELETE from the product pages' JS).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

if TYPE_CHECKING:
    from footfall.web.dashboard.state import Dashboard

Handler = Callable[[Request], Awaitable[Response]]

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 429: "Slow down"}


class Problem(Exception):
    """An error to show the user: status code and a sentence saying what happened."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


MAX_FORM_BYTES = 64 * 1024


async def form_data(request: Request) -> dict[str, str]:
    """The POSTed url-encoded form (the only kind the dashboard's forms send), read once.

    Parsed here with the standard library, so form handling needs no multipart package.
    """
    cached = request.scope.setdefault("state", {}).get("form")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise Problem(413, "That form is too large.")
    form: dict[str, str] = {}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    request.state.form = form
    return form


class LoginRequired(Problem):
    def __init__(self) -> None:
        super().__init__(401, "Log in to see this page.")


def endpoint(dash: Dashboard, handler: Handler, *, json: bool = False) -> Handler:
    """Wrap a handler: CSRF check on POST and DELETE, errors as pages (or JSON), headers."""

    async def wrapped(request: Request) -> Response:
        try:
            if request.method not in SAFE_METHODS:
                await dash.csrf.check(request)
            response = await handler(request)
        except LoginRequired:
            if json:
                response = JSONResponse({"error": "log in first"}, 401)
            else:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
        except Problem as problem:
            if json:
                response = JSONResponse({"error": problem.message}, problem.status)
            else:
                response = dash.render(
                    request,
                    "error.html",
                    {"title": _TITLES.get(problem.status, "Error"), "message": problem.message},
                    status=problem.status,
                )
        if json:
            response.headers["cache-control"] = "no-store"
        response.headers.update(SECURITY_HEADERS)
        dash.csrf.attach_cookie(request, response)
        return response

    return wrapped
