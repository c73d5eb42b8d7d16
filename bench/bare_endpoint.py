"""The baseline: a bare ASGI endpoint that only parses the JSON body and answers 202."""

from __future__ import annotations

import orjson


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    try:
        orjson.loads(body)
        status = 202
    except orjson.JSONDecodeError:
        status = 400  # the start-up probe's empty GET
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})
