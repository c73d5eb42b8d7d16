"""WSGI (a real wsgiref server) and ASGI (a plain callable driven directly) middleware."""

from __future__ import annotations

import asyncio
import http.client
import re
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from footfall_client import Provider
from footfall_client.integrations import (
    FootfallASGIMiddleware,
    FootfallWSGIMiddleware,
    client_ip,
    is_bot,
    is_static,
)

CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def hello_app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/missing":
        start_response("404 Not Found", [("Content-Type", "text/html")])
        return [b"no"]
    kind = "application/json" if path.startswith("/api") else "text/html; charset=utf-8"
    start_response("200 OK", [("Content-Type", kind)])
    return [b"<h1>hello</h1>"]


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def wsgi_server(make_provider) -> Iterator[tuple[str, Provider, list]]:
    provider = make_provider("memory", "test")
    app = FootfallWSGIMiddleware(hello_app, provider, exclude=["/admin/*", re.compile(r"^/health")])
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", provider, provider.destination.messages
    server.shutdown()
    server.server_close()
    thread.join()


def _get(host: str, path: str, method: str = "GET", **headers: str) -> int:
    connection = http.client.HTTPConnection(host, timeout=5)
    try:
        connection.request(
            method, path, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_wsgi_records_a_pageview_after_the_response(wsgi_server):
    host, _, messages = wsgi_server
    status = _get(
        host,
        "/pricing?utm_source=hn&email=a@b.c",
        User_Agent=CHROME,
        Referer="https://news.ycombinator.com/",
        X_Forwarded_For="203.0.113.77, 10.0.0.1",
    )
    assert status == 200
    [message] = messages
    assert message["type"] == "page"
    assert message["properties"]["url"] == f"http://{host}/pricing?utm_source=hn"  # no email
    assert message["properties"]["path"] == "/pricing"
    assert message["properties"]["referrer"] == "https://news.ycombinator.com/"
    assert message["context"]["ip"] == "203.0.0.0"  # anonymized by default
    assert message["context"]["userAgent"] == CHROME


def test_wsgi_skips_what_is_not_a_pageview(wsgi_server):
    host, _, messages = wsgi_server
    assert _get(host, "/static/app.css", User_Agent=CHROME) == 200
    assert _get(host, "/", User_Agent="Googlebot/2.1 (+http://www.google.com/bot.html)") == 200
    assert _get(host, "/", User_Agent="curl/8.4.0") == 200
    assert _get(host, "/admin/users", User_Agent=CHROME) == 200
    assert _get(host, "/healthz", User_Agent=CHROME) == 200
    assert _get(host, "/", "POST", User_Agent=CHROME) == 200
    assert _get(host, "/missing", User_Agent=CHROME) == 404
    assert _get(host, "/api/items", User_Agent=CHROME) == 200  # JSON, html_only by default
    assert messages == []
    assert _get(host, "/ok", User_Agent=CHROME) == 200
    assert [m["properties"]["path"] for m in messages] == ["/ok"]


def _environ(path: str = "/", **extra: str) -> dict:
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path, "HTTP_USER_AGENT": CHROME, "REMOTE_ADDR": "198.51.100.7"}
    environ.update(extra)
    setup_testing_defaults(environ)
    return environ


def test_wsgi_records_only_after_close_and_never_breaks_the_response(make_provider):
    provider = make_provider("memory", "test")
    app = FootfallWSGIMiddleware(hello_app, provider, include=["/docs/*"], html_only=False)
    body = app(_environ("/docs/intro"), lambda status, headers, *exc: None)
    assert b"".join(body) == b"<h1>hello</h1>"
    assert provider.destination.messages == []  # not before the response is finished
    body.close()
    [message] = provider.destination.messages
    assert message["context"]["ip"] == "198.51.0.0"
    body = app(_environ("/blog"), lambda status, headers, *exc: None)  # not included
    assert body == [b"<h1>hello</h1>"]  # passed through unwrapped
    assert len(provider.destination.messages) == 1

    def broken(params):
        raise RuntimeError("tracking bug")

    provider.pageview = broken  # type: ignore[method-assign]
    body = app(_environ("/docs/x"), lambda status, headers, *exc: None)
    assert b"".join(body) == b"<h1>hello</h1>"
    body.close()  # the error is logged, not raised


def test_wsgi_app_errors_propagate_untouched(make_provider):
    def failing(environ, start_response):
        raise ValueError("app bug")

    app = FootfallWSGIMiddleware(failing, make_provider("memory", "t"))
    with pytest.raises(ValueError, match="app bug"):
        app(_environ("/"), lambda *a: None)


def _scope(path: str = "/", method: str = "GET", ua: str = CHROME, **headers: str) -> dict:
    raw = [(b"user-agent", ua.encode()), (b"host", b"example.com")]
    raw += [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"utm_campaign=launch&token=abc",
        "headers": raw,
        "client": ("2001:db8:85a3:8d3:1319:8a2e:370:7348", 50000),
        "server": ("example.com", 443),
    }


async def asgi_app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        return
    await receive()
    status = 404 if scope["path"] == "/missing" else 200
    headers = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"<p>hi</p>", "more_body": False})


def _drive(app, scope) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_asgi_records_a_pageview_after_the_response(make_provider):
    provider = make_provider("memory", "test")
    messages = provider.destination.messages
    seen_when_body_sent = []

    async def app_watching(scope, receive, send):
        async def watch(message):
            if message["type"] == "http.response.body":
                seen_when_body_sent.append(len(messages))
            await send(message)

        await asgi_app(scope, receive, watch)

    app = FootfallASGIMiddleware(app_watching, provider=provider)
    sent = _drive(app, _scope("/launch", Referer="https://t.co/x"))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert seen_when_body_sent == [0]
    [message] = messages
    assert message["properties"]["url"] == "https://example.com/launch?utm_campaign=launch"
    assert message["properties"]["referrer"] == "https://t.co/x"
    assert message["context"]["ip"] == "2001:db8:85a3::"


def test_asgi_skips_bots_static_errors_and_other_scopes(make_provider):
    provider = make_provider("memory", "test")
    app = FootfallASGIMiddleware(asgi_app, provider=provider, exclude=["/private*"])
    _drive(app, _scope("/", ua="Mozilla/5.0 (compatible; bingbot/2.0)"))
    _drive(app, _scope("/logo.svg"))
    _drive(app, _scope("/missing"))
    _drive(app, _scope("/private/area"))
    _drive(app, _scope("/", method="HEAD"))
    sent = _drive(app, {"type": "lifespan", "asgi": {"version": "3.0"}})
    assert sent == [{"type": "lifespan.startup.complete"}]
    assert provider.destination.messages == []
    _drive(app, _scope("/", X_Forwarded_For="192.0.2.44"))
    assert provider.destination.messages[0]["context"]["ip"] == "192.0.0.0"


def test_rule_helpers():
    assert is_bot(None) and is_bot("") and is_bot("python-requests/2.31")
    assert not is_bot(CHROME)
    assert (
        is_static("/a/b/site.WEBMANIFEST") and not is_static("/blog/v1.2/") and not is_static("/")
    )
    assert client_ip("garbage, 203.0.113.5", "10.0.0.1", True) == "203.0.113.5"
    assert client_ip("203.0.113.5", "10.0.0.1", False) == "10.0.0.1"
