"""Page URL, referrer, UTM and click-id parameters, screen class: plain string functions.

None of these raise on garbage: a hit is validated elsewhere, and a strange URL still gives a
usable (if dull) row: hostname "(none)", pathname "/".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "CLICK_IDS",
    "NO_HOSTNAME",
    "PageURL",
    "clean_referrer",
    "click_id",
    "parse_page_url",
    "referrer_host",
    "screen_class",
    "utm_params",
]

NO_HOSTNAME = "(none)"
MAX_REFERRER_LENGTH = 2000
# Ad click-id parameters, in the order they are looked for. Their channels are in
# data/referrers.json ("click_ids").
CLICK_IDS = (
    "gclid", "gbraid", "wbraid", "dclid", "msclkid", "yclid", "fbclid", "ttclid",
    "li_fat_id", "twclid", "epik", "sccid", "ScCid", "rdt_cid", "irclickid",
)  # fmt: skip
_CLICK_ID_SET = frozenset(CLICK_IDS)
_UTM_SOURCE_KEYS = ("utm_source", "source", "ref")


@dataclass(frozen=True, slots=True)
class PageURL:
    url: str
    hostname: str
    pathname: str
    query: dict[str, str]


def _strip_www(host: str) -> str:
    while host.startswith("www."):
        host = host[4:]
    return host


def parse_page_url(url: str, hash_mode: bool = False) -> PageURL:
    """Split a page URL into hostname, pathname and query parameters.

    The hostname is lower-cased, without "www." ("(none)" when missing). The pathname is
    percent-decoded, keeps a trailing slash, and is "/" when empty or not absolute; with
    `hash_mode` the "#fragment" is appended (single-page apps routing on it). Of a repeated
    query key the first value wins; blank values are dropped.

    The part before "?" repeats across hits, so its parse is cached; only the query string
    is parsed each time.
    """
    head, _, fragment = url.strip().partition("#")
    base, _, query_string = head.partition("?")
    hostname, pathname = _host_and_path(base)
    if hash_mode and fragment:
        pathname += "#" + unquote(fragment)
    query: dict[str, str] = {}
    if query_string:
        for key, value in parse_qsl(query_string):
            query.setdefault(key, value)
    return PageURL(url, hostname, pathname, query)


@lru_cache(maxsize=16384)
def _host_and_path(base: str) -> tuple[str, str]:
    try:
        parts = urlsplit(base)
        # .hostname keeps the case of a "%zone" suffix: lower the whole of it.
        hostname = _strip_www((parts.hostname or "").lower().rstrip("."))
    except ValueError:
        return NO_HOSTNAME, "/"
    pathname = unquote(parts.path) if parts.path.startswith("/") else "/"
    return hostname or NO_HOSTNAME, pathname


@lru_cache(maxsize=16384)
def referrer_host(referrer: str) -> str:
    """The referrer's host, lower-cased, without "www." and port; "" when there is none.

    A bare host ("news.ycombinator.com/item") is accepted; `android-app://com.google.android.gm/`
    gives the app id.
    """
    referrer = referrer.strip()
    if not referrer:
        return ""
    if "://" not in referrer and not referrer.startswith("//"):
        referrer = "//" + referrer
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    host = _strip_www(host.lower().rstrip("."))
    if any(c.isspace() or c in "\"'<>\\{}|^`" for c in host):
        return ""
    return host


def clean_referrer(referrer: str) -> str:
    """The referrer without query string or fragment (they may hold personal data), capped at
    2,000 characters."""
    referrer = referrer.strip()
    cut = min((i for i in (referrer.find("?"), referrer.find("#")) if i >= 0), default=-1)
    if cut >= 0:
        referrer = referrer[:cut]
    return referrer[:MAX_REFERRER_LENGTH]


def utm_params(query: Mapping[str, str]) -> tuple[str, str, str, str, str]:
    """(source, medium, campaign, term, content), trimmed; the source falls back to `source`
    and then `ref` parameters, as Plausible does."""
    if not query:
        return ("", "", "", "", "")
    source = next((v for k in _UTM_SOURCE_KEYS if (v := query.get(k, "").strip())), "")
    return (
        source,
        query.get("utm_medium", "").strip(),
        query.get("utm_campaign", "").strip(),
        query.get("utm_term", "").strip(),
        query.get("utm_content", "").strip(),
    )


def click_id(query: Mapping[str, str]) -> str:
    """The name of the first known ad click-id parameter present (see `CLICK_IDS`), else ""."""
    if not query or query.keys().isdisjoint(_CLICK_ID_SET):
        return ""
    return next((name for name in CLICK_IDS if query.get(name)), "")


def screen_class(width: int | None) -> str:
    """Plausible's screen classes by viewport width: Mobile < 576 ≤ Tablet < 992 ≤ Laptop <
    1440 ≤ Desktop; "" when unknown."""
    if width is None:
        return ""
    if width < 576:
        return "Mobile"
    if width < 992:
        return "Tablet"
    if width < 1440:
        return "Laptop"
    return "Desktop"
