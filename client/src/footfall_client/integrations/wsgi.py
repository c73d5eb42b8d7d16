"""WSGI middleware recording a server-side pageview once the response has been sent.

Django (``wsgi.py``)::

    application = FootfallWSGIMiddleware(get_wsgi_application(), analytics)

Flask::

    app.wsgi_app = FootfallWSGIMiddleware(app.wsgi_app, analytics)

The pageview is queued when the server closes the response iterable, i.e. after the body went
out; queueing never blocks and any error in it is logged and swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..client import Provider
from .rules import PageviewRules, client_ip

log = logging.getLogger("footfall_client")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FootfallWSGIMiddleware:
    def __init__(self, app: WSGIApp, provider: Provider, **rules: Any) -> None:
        self.app = app
        self.provider = provider
        self.rules = PageviewRules.build(**rules)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            wanted = self.rules.wants_request(
                environ.get("REQUEST_METHOD", ""),
                environ.get("PATH_INFO", "") or "/",
                environ.get("HTTP_USER_AGENT"),
            )
        except Exception:
            log.exception("footfall-client: pageview rules failed")
            wanted = False
        if not wanted:
            return self.app(environ, start_response)
        seen: dict[str, Any] = {}

        def observe(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *exc_info)

        return _OnClose(self.app(environ, observe), lambda: self._record(environ, seen))

    def _record(self, environ: dict[str, Any], seen: dict[str, Any]) -> None:
        try:
            status = int(str(seen.get("status", "0")).split(" ", 1)[0])
            content_type = next(
                (v for k, v in seen.get("headers", ()) if k.lower() == "content-type"), None
            )
            if not self.rules.wants_response(status, content_type):
                return
            host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
            params = self.rules.pageview(
                scheme=environ.get("wsgi.url_scheme", "http"),
                host=host,
                path=environ.get("SCRIPT_NAME", "") + (environ.get("PATH_INFO", "") or "/"),
                query=environ.get("QUERY_STRING", ""),
                referrer=environ.get("HTTP_REFERER"),
                user_agent=environ.get("HTTP_USER_AGENT"),
                ip=client_ip(
                    environ.get("HTTP_X_FORWARDED_FOR"),
                    environ.get("REMOTE_ADDR"),
                    self.rules.trust_forwarded,
                ),
            )
            self.provider.pageview(params)
        except Exception:
            log.exception("footfall-client: could not record a pageview")


class _OnClose:
    """Wraps a WSGI response iterable and runs ``callback`` after the server closes it."""

    def __init__(self, iterable: Iterable[bytes], callback: Callable[[], None]) -> None:
        self._iterable = iterable
        self._callback = callback

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._iterable)

    def close(self) -> None:
        try:
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()
        finally:
            self._callback()
