"""Referrer source ("Google", "Hacker News"…) and acquisition channel of a visit.

Sources come from `data/referrers.json`: a readable name, a category and the hosts that mean
that source. A host matches itself and its subdomains (`m.facebook.com` → `facebook.com`);
`google.*` matches google followed by any TLD or country second-level domain (`google.de`,
`google.co.uk`); the most specific match wins (`mail.google.com` is Gmail, not Google).

Channels follow Plausible's and GA4's default channel grouping, in this order (first wins):

1. "Cross-network": utm_campaign contains "cross-network" (or utm_medium is that).
2. Paid (utm_medium is cpc, ppc, cpm, cpv…, "paid…", "retargeting", "ad(s)", or an ad click-id
   that `data/referrers.json` marks paid; fbclid is not: Facebook adds it to organic links
   too): "Paid Shopping", "Paid Search", "Paid Social", "Paid Video" by the source's category
   (or the campaign, for shopping); else the click-id's channel; else by the medium's words
   ("…social…" → Paid Social, "…search…" → Paid Search, "…video…" → Paid Video); else
   "Display" (an ad on an unknown network; GA4 would say "Paid Other").
3. "Display": utm_medium display, banner, expandable, interstitial, cpm.
4. "Organic Shopping": a shopping source, or a campaign about shopping.
5. "Organic Social": a social source, or utm_medium social / social-network / sm / ….
6. "Organic Video": a video source, or utm_medium containing "video".
7. "AI Assistants": an AI assistant source (ChatGPT, Perplexity, Claude, Gemini…).
8. "Organic Search": a search engine.
9. "Email": a webmail or newsletter source, or utm_medium email / e-mail / newsletter.
10. "Affiliates" (medium affiliate), "Audio" (audio source or medium audio/podcast),
    "SMS" (source or medium sms), "Push" (medium …push, …notification…, mobile).
11. "Referral": any other source (a referrer host or a utm_source), or medium referral/app/link.
12. "Direct": nothing at all.

Same-site (internal) referrers are not sources: the caller drops them before calling.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

__all__ = ["CHANNELS", "DIRECT", "classify_referrer"]

CACHE_SIZE = 10_000
DIRECT = "Direct / None"
CHANNELS = (
    "Direct", "Organic Search", "Paid Search", "Organic Social", "Paid Social", "Email",
    "Referral", "Display", "Affiliates", "Organic Video", "Paid Video", "Organic Shopping",
    "Paid Shopping", "SMS", "Audio", "Push", "Cross-network", "AI Assistants",
)  # fmt: skip

_PAID_BY_CATEGORY = {
    "shopping": "Paid Shopping", "search": "Paid Search", "social": "Paid Social",
    "video": "Paid Video",
}  # fmt: skip
_ORGANIC_BY_CATEGORY = {
    "shopping": "Organic Shopping", "social": "Organic Social", "video": "Organic Video",
    "ai": "AI Assistants", "search": "Organic Search", "email": "Email", "audio": "Audio",
}  # fmt: skip
_PAID_MEDIUM = re.compile(r"^(?:.*cp.*|ppc|retargeting|paid.*|.*[_\- ]paid|ads?)$")
_DISPLAY_MEDIUMS = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
_SOCIAL_MEDIUMS = frozenset(
    {"social", "social-network", "social-media", "sm", "social network", "social media"}
)
_EMAIL_MEDIUM = re.compile(r"e[-_ ]?mail|newsletter")
_SHOP_CAMPAIGN = re.compile(r"(?:^|[^a-df-z])shop|shopping")
_PUSH_MEDIUM = re.compile(r"push$|mobile|notification")
_REFERRAL_MEDIUMS = frozenset({"referral", "app", "link"})
# Second-level labels that make "stem.<sld>.<tld>" a country domain (google.co.uk, yahoo.com.tw).
_SLDS = frozenset(
    {"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "gob", "gen", "nom",
     "ltd", "plc", "sch", "mil", "info", "biz", "web", "in"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    category: str  # search, ai, social, video, audio, shopping, email, referral


@dataclass(frozen=True, slots=True)
class _Table:
    exact: dict[str, Source]  # host → source
    wild: dict[str, Source]  # stem of "stem.*" → source
    utm: dict[str, Source]  # lower-case utm_source alias → source
    click_ids: dict[str, str | None]  # click-id parameter → paid channel (None: not paid)


@cache
def _table() -> _Table:
    raw = json.loads(files("footfall.enrich").joinpath("data", "referrers.json").read_text("utf-8"))
    exact: dict[str, Source] = {}
    wild: dict[str, Source] = {}
    utm: dict[str, Source] = {}
    for name, entry in raw["sources"].items():
        source = Source(name, entry["category"])
        for host in entry["hosts"]:
            if host.endswith(".*"):
                wild.setdefault(host[:-2], source)
            else:
                exact.setdefault(host, source)
        for alias in (name.lower(), name.lower().replace(" ", ""), *entry.get("utm", ())):
            utm.setdefault(alias, source)
    return _Table(exact, wild, utm, raw["click_ids"])


def _is_tld(label: str) -> bool:
    return label.isalpha() or label.startswith("xn--")


def lookup_host(host: str) -> Source | None:
    """The known source of a (lower-case, www-less) host, the most specific match first."""
    table = _table()
    labels = host.split(".")
    n = len(labels)
    tld_lens = [k for k in (1, 2) if n > k and _is_tld(labels[-1])]
    if 2 in tld_lens and labels[-2] not in _SLDS:
        tld_lens.remove(2)
    for i in range(n):
        if (source := table.exact.get(".".join(labels[i:]))) is not None:
            return source
        for k in tld_lens:
            if i < n - k and (source := table.wild.get(".".join(labels[i : n - k]))):
                return source
    return None


def _normalise_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = host.partition(":")[0]
    return host.removeprefix("www.")


def _source(referrer_host: str, utm_source: str) -> tuple[str, Source | None, Source | None]:
    """(source name, source named by utm_source, source of the referrer host)."""
    host = _normalise_host(referrer_host)
    by_host = lookup_host(host) if host else None
    given = utm_source.strip()
    if given:
        key = given.lower()
        by_utm = _table().utm.get(key)
        if by_utm is None and "." in key:
            by_utm = lookup_host(_normalise_host(key))
        return (by_utm.name if by_utm else given), by_utm, by_host
    if by_host is not None:
        return by_host.name, None, by_host
    return (host or DIRECT), None, None


def _channel(
    category: str, has_source: bool, source: str, medium: str, campaign: str, click_id: str
) -> str:
    if "cross-network" in campaign or medium == "cross-network":
        return "Cross-network"
    click_channel = _table().click_ids.get(click_id) if click_id else None
    shop_campaign = bool(campaign) and _SHOP_CAMPAIGN.search(campaign) is not None
    if click_channel or _PAID_MEDIUM.match(medium):
        if shop_campaign:
            return "Paid Shopping"
        if category in _PAID_BY_CATEGORY:
            return _PAID_BY_CATEGORY[category]
        if click_channel:
            return click_channel
        for word, channel in (("social", "Paid Social"), ("search", "Paid Search"),
                              ("video", "Paid Video"), ("shop", "Paid Shopping")):  # fmt: skip
            if word in medium:
                return channel
        return "Display"
    if medium in _DISPLAY_MEDIUMS:
        return "Display"
    if category == "shopping" or shop_campaign:
        return "Organic Shopping"
    if category == "social" or medium in _SOCIAL_MEDIUMS:
        return "Organic Social"
    if category == "video" or "video" in medium:
        return "Organic Video"
    if category in ("ai", "search", "email"):
        return _ORGANIC_BY_CATEGORY[category]
    if medium and _EMAIL_MEDIUM.search(medium):
        return "Email"
    if medium in ("affiliate", "affiliates"):
        return "Affiliates"
    if category == "audio" or medium in ("audio", "podcast"):
        return "Audio"
    if medium == "sms" or source.lower() == "sms":
        return "SMS"
    if medium and _PUSH_MEDIUM.search(medium):
        return "Push"
    if has_source or medium in _REFERRAL_MEDIUMS:
        return "Referral"
    return "Direct"


@lru_cache(maxsize=CACHE_SIZE)
def classify_referrer(
    referrer_host: str,
    utm_source: str = "",
    utm_medium: str = "",
    click_id: str = "",
    utm_campaign: str = "",
) -> tuple[str, str]:
    """(source, channel) of a visit; see the module doc for the rules.

    `utm_source`, when given, wins over the referrer host, for the name and the category
    alike: a known alias or name ("fb", "hn", "google") gives that source, anything else is
    kept as given (trimmed) and has no category.
    An unknown referrer host gives the host itself without "www."; nothing gives
    "Direct / None". `click_id` is the name of an ad click-id parameter present in the page URL
    (see `urls.click_id`).
    """
    name, by_utm, by_host = _source(referrer_host, utm_source)
    known = by_utm if utm_source.strip() else by_host  # the source in effect, as in GA4
    category = known.category if known else ""
    channel = _channel(
        category,
        name != DIRECT,
        name,
        utm_medium.strip().lower(),
        utm_campaign.strip().lower(),
        click_id.strip().lower(),
    )
    return name, channel
