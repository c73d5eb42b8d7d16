"""Which requests count as pageviews, and what a pageview records.

Shared by the WSGI and ASGI middleware. A request is a pageview when it is a ``GET``, its path is
included (every path by default) and not excluded, it is not for a static file (by extension)
and not from a bot (a small marker list; no user agent counts as a bot), and its response is a
2xx (HTML only, unless ``html_only=False``). Patterns are shell-style (``"/admin/*"``, matched
with :func:`fnmatch.fnmatchcase`) or compiled regular expressions (searched).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..anonymize import anonymize_ip_address, anonymize_user_agent
from ..markers import has_any, load_markers

Pattern = str | re.Pattern[str]
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "ref")


def _matches(path: str, patterns: tuple[Pattern, ...]) -> bool:
    for pattern in patterns:
        if isinstance(pattern, re.Pattern):
            if pattern.search(path):
                return True
        elif fnmatchcase(path, pattern):
            return True
    return False


def is_bot(user_agent: str | None) -> bool:
    return not user_agent or has_any(user_agent, load_markers().bots)


def is_static(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[-1].lower() in load_markers().static_extensions


def client_ip(forwarded_for: str | None, remote_addr: str | None, trust_forwarded: bool) -> str:
    """The first valid address of ``X-Forwarded-For`` (when trusted), else the peer address."""
    if trust_forwarded and forwarded_for:
        for candidate in forwarded_for.split(","):
            candidate = candidate.strip()
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                continue
    return remote_addr or ""


@dataclass(frozen=True, slots=True)
class PageviewRules:
    include: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()
    skip_bots: bool = True
    skip_static: bool = True
    html_only: bool = True
    anonymize_ip: bool = True
    anonymize_user_agent: bool = False
    keep_query: bool | tuple[str, ...] = UTM_KEYS
    trust_forwarded: bool = True

    @classmethod
    def build(
        cls,
        include: Iterable[Pattern] = (),
        exclude: Iterable[Pattern] = (),
        **options: Any,
    ) -> PageviewRules:
        return cls(include=tuple(include), exclude=tuple(exclude), **options)

    def wants_request(self, method: str, path: str, user_agent: str | None) -> bool:
        if method != "GET":
            return False
        if self.include and not _matches(path, self.include):
            return False
        if _matches(path, self.exclude):
            return False
        if self.skip_static and is_static(path):
            return False
        return not (self.skip_bots and is_bot(user_agent))

    def wants_response(self, status: int, content_type: str | None) -> bool:
        if not 200 <= status < 300:
            return False
        return not self.html_only or (content_type or "").lower().startswith("text/html")

    def pageview(
        self,
        *,
        scheme: str,
        host: str,
        path: str,
        query: str,
        referrer: str | None,
        user_agent: str | None,
        ip: str,
    ) -> dict[str, Any]:
        """The ``Provider.pageview`` params for one request."""
        url = f"{scheme}://{host}{path}"
        if query and self.keep_query:
            pairs = parse_qsl(query, keep_blank_values=False)
            if isinstance(self.keep_query, tuple):
                pairs = [(k, v) for k, v in pairs if k in self.keep_query]
            if pairs:
                url += "?" + urlencode(pairs)
        params: dict[str, Any] = {"url": url, "path": path}
        if referrer:
            params["referrer"] = referrer
        if user_agent:
            agent = anonymize_user_agent(user_agent) if self.anonymize_user_agent else user_agent
            params["user_agent"] = agent
        if ip:
            params["ip"] = (anonymize_ip_address(ip) or "") if self.anonymize_ip else ip
        return {k: v for k, v in params.items() if v != ""}
