"""The snippets a site owner pastes: script tag, queue stub and no-JS pixel."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from footfall.collector.script import script_url


def snippets(domain: str, base_url: str) -> str:
    base = base_url.rstrip("/")
    site = escape(domain, quote=True)
    pixel = f"{base}/p.gif?d={quote(domain, safe='')}"
    return f"""<!-- Footfall: paste into <head> -->
<script defer data-domain="{site}" src="{escape(script_url(base), quote=True)}"></script>
<script>window.footfall=window.footfall||function(){{(footfall.q=footfall.q||[]).push(arguments)}}</script>
<noscript><img src="{escape(pixel, quote=True)}" alt="" referrerpolicy="unsafe-url"></noscript>"""
