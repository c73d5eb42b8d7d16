"""CSRF tokens: an HMAC of the visitor's session (or of an anonymous cookie) under a server key.

A logged-in user's token is bound to their session; before login (login, setup and
shared-link password forms) it is bound to a random `ff_anon` cookie. Every POST must
carry it, in the `csrf_token` form field or the `X-CSRF-Token` header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from footfall.web.dashboard.security import Problem, form_data

SESSION_COOKIE = "ff_session"
ANON_COOKIE = "ff_anon"


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


class Csrf:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _binding(self, request: Request) -> str:
        session = request.cookies.get(SESSION_COOKIE)
        if session:
            return "s:" + session
        anon = request.cookies.get(ANON_COOKIE) or getattr(request.state, "new_anon", None)
        if not anon:
            anon = secrets.token_urlsafe(24)
            request.state.new_anon = anon
        return "a:" + anon

    def token(self, request: Request) -> str:
        return hmac.new(self._key, self._binding(request).encode(), hashlib.sha256).hexdigest()

    async def check(self, request: Request) -> None:
        sent = request.headers.get("x-csrf-token", "")
        if not sent:
            sent = (await form_data(request)).get("csrf_token", "")
        has_cookie = request.cookies.get(SESSION_COOKIE) or request.cookies.get(ANON_COOKIE)
        if not (has_cookie and sent and hmac.compare_digest(sent, self.token(request))):
            raise Problem(403, "This form expired or did not come from Footfall. Reload the page.")

    def attach_cookie(self, request: Request, response: Response) -> None:
        """Set the anonymous cookie a token was just bound to (first form before login)."""
        anon = getattr(request.state, "new_anon", None)
        if anon and not request.cookies.get(SESSION_COOKIE):
            response.set_cookie(
                ANON_COOKIE, anon, httponly=True, samesite="lax", secure=secure(request)
            )
