"""Why a user agent is not a human's browser: `bot_reason(ua)` → None or a short reason.

Reasons, checked in this order (the first that applies wins):

- "empty_user_agent": no UA at all (or Apache's "-");
- "headless", "automation", "monitor": Footfall's own markers in `data/bot-markers.json`
  (headless browsers; test drivers and HTTP client libraries; uptime and synthetic monitors);
- the crawler list `data/crawler-user-agents.json` (monperrus/crawler-user-agents, MIT):
  "crawler", or the reason its entry's tags map to in `crawler_tag_reasons` (an entry tagged
  `monitoring` gives "monitor", `http-library` gives "automation"); the few patterns that
  also match real browsers are narrowed or dropped by `crawler_pattern_fixes`;
- "crawler" when uap-core's device parse says "Spider".

Speed: the crawler list is ~1,500 regexes; nearly all are fixed strings (or a handful of them,
like `[wW]get`), so they are matched together by one trie-shaped regex plus `startswith` /
`endswith` tuples; the few real regexes are kept apart. Results are memoised per UA.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from footfall.enrich.literals import expand_literals, required_literal, trie_regex
from footfall.enrich.useragent import uap_parse

__all__ = ["REASONS", "bot_reason"]

CACHE_SIZE = 10_000
REASONS = ("empty_user_agent", "headless", "automation", "monitor", "crawler")
_MARKER_REASONS = ("headless", "automation", "monitor")


@dataclass(frozen=True, slots=True)
class _Rules:
    markers: re.Pattern[str]  # lower-case markers, searched in the lower-cased UA
    start_markers: re.Pattern[str]  # the same, at the start
    marker_reason: dict[str, str]  # lower-cased marker → reason
    anywhere: re.Pattern[str]
    anywhere_folded: re.Pattern[str]  # the same literals lower-cased: a quicker first test
    anywhere_reason: dict[str, str]
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    affix_reason: dict[tuple[str, bool], str]  # (literal, is_prefix) → reason
    exact: dict[str, str]
    regexes: tuple[tuple[str, re.Pattern[str], str], ...]  # (required literal, regex, reason)

    def crawler_reason(self, ua: str, low: str) -> str | None:
        """The reason the crawler list gives for `ua` (`low` is `ua.lower()`), or None."""
        if self.anywhere_folded.search(low) and (hit := self.anywhere.search(ua)):
            return self.anywhere_reason[hit.group(0)]
        if ua.startswith(self.prefix):
            return next(self.affix_reason[p, True] for p in self.prefix if ua.startswith(p))
        if ua.endswith(self.suffix):
            return next(self.affix_reason[s, False] for s in self.suffix if ua.endswith(s))
        if (reason := self.exact.get(ua)) is not None:
            return reason
        for literal, rx, reason in self.regexes:
            if literal in ua and rx.search(ua):
                return reason
        return None


def _read_json(name: str) -> Any:
    return json.loads(files("footfall.enrich").joinpath("data", name).read_text("utf-8"))


@cache
def _rules() -> _Rules:
    markers = _read_json("bot-markers.json")
    marker_reason: dict[str, str] = {}
    anywhere_markers: list[str] = []
    start_markers: list[str] = []
    for reason in _MARKER_REASONS:
        for marker in markers[reason]:
            text = marker.lower().removeprefix("^")
            (start_markers if marker.startswith("^") else anywhere_markers).append(text)
            marker_reason.setdefault(text, reason)
    tag_reasons: dict[str, str] = markers["crawler_tag_reasons"]
    fixes: dict[str, str | None] = markers["crawler_pattern_fixes"]

    anywhere: dict[str, str] = {}
    affix: dict[tuple[str, bool], str] = {}
    exact: dict[str, str] = {}
    regexes: list[tuple[str, re.Pattern[str], str]] = []
    for entry in _read_json("crawler-user-agents.json"):
        tags = entry.get("tags", ())
        reason = next((tag_reasons[t] for t in tags if t in tag_reasons), "crawler")
        pattern = fixes.get(entry["pattern"], entry["pattern"])
        if pattern is None:
            continue
        expanded = expand_literals(pattern)
        if expanded is None:
            regexes.append((required_literal(pattern), re.compile(pattern), reason))
            continue
        for literal in expanded.literals:
            if expanded.start and expanded.end:
                exact.setdefault(literal, reason)
            elif expanded.start or expanded.end:
                affix.setdefault((literal, expanded.start), reason)
            else:
                anywhere.setdefault(literal, reason)
    return _Rules(
        markers=trie_regex(anywhere_markers),
        start_markers=trie_regex(start_markers),
        marker_reason=marker_reason,
        anywhere=trie_regex(anywhere),
        anywhere_folded=trie_regex({literal.lower() for literal in anywhere}),
        anywhere_reason=anywhere,
        prefix=tuple(lit for lit, is_prefix in affix if is_prefix),
        suffix=tuple(lit for lit, is_prefix in affix if not is_prefix),
        affix_reason=affix,
        exact=exact,
        regexes=tuple(regexes),
    )


@lru_cache(maxsize=CACHE_SIZE)
def bot_reason(ua: str) -> str | None:
    """None for a human's browser, else why not: one of `REASONS` (see the module doc)."""
    if ua.strip() in ("", "-"):
        return "empty_user_agent"
    rules = _rules()
    low = ua.lower()  # much faster than re.IGNORECASE
    if (hit := rules.markers.search(low)) or (hit := rules.start_markers.match(low)):
        return rules.marker_reason[hit.group(0)]
    if (reason := rules.crawler_reason(ua, low)) is not None:
        return reason
    if uap_parse(ua).device.family == "Spider":
        return "crawler"
    return None
