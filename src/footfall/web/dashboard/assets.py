"""The dashboard's CSS and JS, served under content-hash URLs cached for a year.

The JS is a few ES modules. An `import … from './ui.js'` in one of them is rewritten, when
the file is loaded, to the imported module's own content-hash URL, so every module is
cached as immutable and a change to ui.js changes the URL (and hash) of its importers too.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response

JS = "application/javascript"
ASSETS = {
    "app.js": JS,
    "ui.js": JS,
    "insight.js": JS,
    "people.js": JS,
    "reports.js": JS,
    "funnels.js": JS,
    "cohorts.js": JS,
    "app.css": "text/css",
    "favicon.svg": "image/svg+xml",
}
_IMPORT = re.compile(rb"""(\bfrom\s*)(['"])\./([\w-]+\.js)\2""")
_LOADING: list[str] = []


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


def _linked(name: str, body: bytes) -> bytes:
    """`from './x.js'` → `from '/static/x.<hash>.js'` (x must be an asset; no cycles)."""

    def swap(found: re.Match[bytes]) -> bytes:
        target = found.group(3).decode()
        if target not in ASSETS or target in _LOADING:
            raise RuntimeError(f"{name} imports {target}: not a dashboard asset, or a cycle")
        quote = found.group(2)
        return found.group(1) + quote + asset(target).url.encode() + quote

    _LOADING.append(name)
    try:
        return _IMPORT.sub(swap, body)
    finally:
        _LOADING.pop()


@cache
def asset(name: str) -> Asset:
    body = (resources.files("footfall.web.dashboard") / "static" / name).read_bytes()
    if name.endswith(".js"):
        body = _linked(name, body)
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
