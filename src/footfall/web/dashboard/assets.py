"""The dashboard's CSS and JS, served under content-hash URLs cached for a year."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

ASSETS = {"app.js": "application/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    gzipped: bytes
    digest: str
    media_type: str

    @property
    def url(self) -> str:
        stem, _, ext = self.name.rpartition(".")
        return f"/static/{stem}.{self.digest}.{ext}"


@cache
def asset(name: str) -> Asset:
    body = (resources.files("footfall.web.dashboard") / "static" / name).read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:12]
    return Asset(name, body, gzip.compress(body, 9, mtime=0), digest, ASSETS[name])


def asset_url(name: str) -> str:
    return asset(name).url


async def serve_asset(request: Request) -> Response:
    requested = request.path_params["name"]
    for name in ASSETS:
        found = asset(name)
        if requested in (found.url.rsplit("/", 1)[1], name):
            break
    else:
        return Response("not found", 404, media_type="text/plain")
    versioned = requested != name
    headers = {
        "cache-control": "public, max-age=31536000, immutable" if versioned else "no-cache",
        "etag": f'"{found.digest}"',
        "vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == f'"{found.digest}"':
        return Response(status_code=304, headers=headers)
    body = found.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["content-encoding"] = "gzip"
        body = found.gzipped
    return Response(body, media_type=found.media_type, headers=headers)
