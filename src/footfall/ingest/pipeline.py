"""The ingestion steps: each `drop_*` may stop a hit with a reason, each `put_*` fills fields.

Steps are plain functions over (hit, event, context) so they can be tested alone and
reordered by editing one list. Dropped hits are counted by reason in `DropCounter`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from footfall.catalog import Site
from footfall.enrich.bots import bot_reason
from footfall.enrich.geo import GeoLookup
from footfall.enrich.referrers import classify_referrer
from footfall.enrich.urls import (
    clean_referrer,
    click_id,
    parse_page_url,
    referrer_host,
    screen_class,
    utm_params,
)
from footfall.enrich.useragent import parse_user_agent
from footfall.events import Drop, Event, Hit
from footfall.privacy.ids import uuid7, visitor_id


class SiteLookup(Protocol):
    def __call__(self, site_id: str) -> Site | None: ...


@dataclass(slots=True)
class StepContext:
    """What the steps may look at; all lookups are passed in, none is global."""

    sites: SiteLookup
    salt_for: Callable[..., bytes]
    geo: GeoLookup


Step = Callable[[Hit, Event, StepContext], None]


def _clean(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text


def drop_unknown_site(hit: Hit, event: Event, ctx: StepContext) -> None:
    if ctx.sites(hit.site_id) is None:
        raise Drop("unknown_site")


def drop_do_not_track(hit: Hit, event: Event, ctx: StepContext) -> None:
    if hit.do_not_track:
        site = ctx.sites(hit.site_id)
        if site is not None and site.honor_dnt:
            raise Drop("do_not_track")


def drop_bot(hit: Hit, event: Event, ctx: StepContext) -> None:
    if hit.server_side and not hit.user_agent:
        return  # a backend call without the visitor's agent: nothing to judge
    reason = bot_reason(hit.user_agent)
    if reason is not None:
        raise Drop(f"bot_{reason}")


def put_page(hit: Hit, event: Event, ctx: StepContext) -> None:
    page = parse_page_url(_clean(hit.url), hit.hash_mode)
    event.url = _clean(hit.url)
    event.hostname = page.hostname
    event.pathname = page.pathname
    event.title = _clean(hit.title)[:2000]
    source, medium, campaign, term, content = utm_params(page.query)
    event.utm_source = _clean(source)[:2000]
    event.utm_medium = _clean(medium)[:2000]
    event.utm_campaign = _clean(campaign)[:2000]
    event.utm_term = _clean(term)[:2000]
    event.utm_content = _clean(content)[:2000]
    event.props = [(_clean(k), _clean(v)) for k, v in hit.props.items()]
    event.interactive = hit.interactive
    event.revenue_amount = hit.revenue_amount
    event.revenue_currency = hit.revenue_currency
    event.engagement_ms = hit.engagement_ms
    event.scroll_depth = hit.scroll_depth
    event.screen = screen_class(hit.screen_width)
    event.user_id = _clean(hit.user_id)[:200]
    event.distinct_id = _clean(hit.distinct_id)[:200]
    event.message_id = _clean(hit.message_id)[:200]
    event.protocol = hit.protocol
    hit.click_id = click_id(page.query) if page.query else ""


def drop_foreign_hostname(hit: Hit, event: Event, ctx: StepContext) -> None:
    site = ctx.sites(hit.site_id)
    if site is None or not site.allowed_hostnames:
        return
    host = event.hostname
    for allowed in site.allowed_hostnames:
        if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
            return
    raise Drop("hostname_not_allowed")


def put_referrer(hit: Hit, event: Event, ctx: StepContext) -> None:
    referrer = clean_referrer(_clean(hit.referrer))
    host = referrer_host(referrer) if referrer else ""
    if host and host == event.hostname:
        # Internal navigation is not a source.
        referrer, host = "", ""
    event.referrer = referrer
    source, channel = classify_referrer(host, event.utm_source, event.utm_medium, hit.click_id)
    event.referrer_source = "" if source == "Direct / None" else source
    event.channel = channel


def put_user_agent(hit: Hit, event: Event, ctx: StepContext) -> None:
    info = parse_user_agent(hit.user_agent)
    event.browser = info.browser
    event.browser_version = info.browser_version
    event.os = info.os
    event.os_version = info.os_version
    event.device = info.device


def put_geo(hit: Hit, event: Event, ctx: StepContext) -> None:
    if hit.client_ip:
        geo = ctx.geo.lookup(hit.client_ip)
        event.country, event.region, event.city = geo.country, geo.region, geo.city


def put_visitor_id(hit: Hit, event: Event, ctx: StepContext) -> None:
    salt = ctx.salt_for(hit.received_at)
    if hit.server_side and not (hit.client_ip or hit.user_agent):
        # No browser facts: the sender's own id for the person stands in, still salted daily.
        identity = "id:" + (hit.user_id or hit.distinct_id)
        event.visitor_id = visitor_id(salt, hit.site_id, "", identity)
        return
    event.visitor_id = visitor_id(salt, hit.site_id, hit.client_ip, hit.user_agent)


STEPS: tuple[Step, ...] = (
    drop_unknown_site,
    drop_do_not_track,
    drop_bot,
    put_page,
    drop_foreign_hostname,
    put_referrer,
    put_user_agent,
    put_geo,
    put_visitor_id,
)


class DropCounter:
    """Drops by reason since start; read by /metrics and `footfall status`."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] += n


def run_steps(
    hits: Iterable[Hit], ctx: StepContext, steps: tuple[Step, ...] = STEPS
) -> tuple[list[Event], list[str]]:
    """Enrich hits; return the kept events and the drop reasons of the others."""
    kept: list[Event] = []
    dropped: list[str] = []
    for hit in hits:
        timestamp = hit.timestamp or hit.received_at
        event = Event(
            event_id=uuid7(int(timestamp.timestamp() * 1000)),
            site_id=hit.site_id,
            timestamp=timestamp,
            name=_clean(hit.name),
        )
        try:
            for step in steps:
                step(hit, event, ctx)
        except Drop as drop:
            dropped.append(drop.reason)
            continue
        kept.append(event)
    return kept, dropped
