"""Serve the tracking scripts: a stable URL cached briefly, a versioned one cached for a year."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_STATIC = "footfall.collector"
_SCRIPTS = ("script.js", "script.ext.js")


@cache
def _script(name: str) -> tuple[bytes, bytes, str] | None:
    path = resources.files(_STATIC) / "static" / name
    if not path.is_file():
        return None
    body = path.read_bytes()
    return body, gzip.compress(body, 9, mtime=0), hashlib.sha256(body).hexdigest()[:10]


def script_version(name: str = "script.js") -> str:
    found = _script(name)
    return found[2] if found else ""


def script_url(base: str, name: str = "script.js") -> str:
    """The versioned URL to put in snippets (changes whenever the script does)."""
    stem = name.removesuffix(".js")
    return f"{base.rstrip('/')}/js/{stem}.{script_version(name)}.js"


def _resolve(requested: str) -> tuple[tuple[bytes, bytes, str], bool] | None:
    """The script a URL names, and whether the URL carries its version."""
    for name in _SCRIPTS:
        found = _script(name)
        if found is None:
            continue
        if requested == name:
            return found, False
        if requested == f"{name[:-3]}.{found[2]}.js":
            return found, True
    return None


async def serve_script(request: Request) -> Response:
    resolved = _resolve(request.path_params["name"])
    if resolved is None:
        return Response("not found", status_code=404, media_type="text/plain")
    (body, gzipped, digest), versioned = resolved
    cache = "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"
    headers = {
        "cache-control": cache,
        "etag": f'"{digest}"',
        "access-control-allow-origin": "*",
        "vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == f'"{digest}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["content-encoding"] = "gzip"
        body = gzipped
    return Response(body, media_type="application/javascript", headers=headers)


def script_routes() -> list[Route]:
    return [Route("/js/{name:str}", serve_script)]
