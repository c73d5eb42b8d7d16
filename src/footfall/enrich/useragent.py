"""Browser, OS and device class from a User-Agent header, via ua-parser (uap-core rules).

The parser is built once, lazily, on the fastest resolver ua-parser offers: the Rust
`ua-parser-rs` extractors when installed (they are a declared dependency), else re2, else
the pure-Python matcher. Results are memoised per UA string: real traffic repeats a small set
of user agents, so most calls are a dict lookup.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import ua_parser
from ua_parser import DefaultedResult, Domain, Parser

from footfall.enrich.literals import trie_regex

__all__ = ["UserAgentInfo", "parse_user_agent", "uap_parse"]

CACHE_SIZE = 10_000

_TV_MARKERS = trie_regex((
    "SmartTV", "SMART-TV", "Smart TV", "SmartHub", "GoogleTV", "Android TV", "AndroidTV",
    "HbbTV", "CrKey", "BRAVIA", "; AFT", "Roku", "Web0S", "webOS.TV", "NetCast", "Tizen TV",
    "PlayStation 4", "PlayStation 5", "Xbox", "Nintendo Switch", "Nintendo WiiU",
))  # fmt: skip
_TABLET_MARKERS = trie_regex(
    ("iPad", "Tablet;", "Tablet/", "Tablet OS", "hp-tablet", "PlayBook", "Kindle")
)
_TABLET_DEVICES = trie_regex(
    ("iPad", "Kindle", "Tablet", "PlayBook", "Nexus 7", "Nexus 9", "Nexus 10")
)
_MOBILE_FAMILIES = ("iPhone", "iPod", "iOS-Device", "Generic Smartphone", "Generic Feature Phone")
_MOBILE_OSES = frozenset(
    {"iOS", "Windows Phone", "Windows Mobile", "BlackBerry OS", "Symbian OS", "Symbian^3",
     "KaiOS", "Firefox OS", "Bada", "webOS", "Maemo", "MeeGo", "Sailfish", "Tizen", "Ubuntu Touch",
     "BREW", "Brew MP", "Nokia Series 40", "Nokia Series 30 Plus", "WatchOS"}
)  # fmt: skip
_MOBILE_MARKERS = trie_regex(
    ("Mobi", "Opera Mini", "Phone", "Symbian", "MIDP", "J2ME", "BlackBerry", "PSP")
)

_lock = threading.Lock()
_parser: Parser | None = None


@dataclass(frozen=True, slots=True)
class UserAgentInfo:
    browser: str
    browser_version: str
    os: str
    os_version: str
    device: str


def _get_parser() -> Parser:
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                # No ua-parser cache here: parse_user_agent and uap_parse have their own.
                _parser = Parser(ua_parser.BestAvailableResolver(ua_parser.load_lazy_builtins()))
    return _parser


def resolver_name() -> str:
    """Which ua-parser resolver is in use (`ua_parser.regex` is the Rust one)."""
    return type(_get_parser().resolver).__module__


@lru_cache(maxsize=CACHE_SIZE)
def uap_parse(ua: str) -> DefaultedResult:
    """The full uap-core parse of `ua`; a failed part has family "Other". Memoised."""
    return _get_parser()(ua, Domain.ALL).complete().with_defaults()


def _version(major: str | None, minor: str | None) -> str:
    if not major:
        return ""
    return f"{major}.{minor}" if minor else major


def _device_class(ua: str, r: DefaultedResult) -> str:
    """Desktop, Mobile or Tablet; see `parse_user_agent` for the rule."""
    if _TV_MARKERS.search(ua):
        return "Desktop"
    device = r.device
    if (
        _TABLET_MARKERS.search(ua)
        or _TABLET_DEVICES.search(device.family)
        or (device.model and _TABLET_DEVICES.search(device.model))
    ):
        return "Tablet"
    os = r.os.family
    if (
        device.family.startswith(_MOBILE_FAMILIES)
        or os in _MOBILE_OSES
        or _MOBILE_MARKERS.search(ua)
    ):
        return "Mobile"
    if os == "Android" or os == "Fire OS" or "Android" in ua:
        # A browser on Android without "Mobile" is a tablet; an app's own UA, most often a phone.
        return "Tablet" if ua.startswith(("Mozilla/", "Opera/")) else "Mobile"
    return "Desktop"


@lru_cache(maxsize=CACHE_SIZE)
def parse_user_agent(ua: str) -> UserAgentInfo:
    """Parse `ua` into browser, OS (families exactly as uap-core names them) and device class.

    Versions are "major.minor" when uap finds a minor, else "major", else "". Unknown
    families stay "Other" as in uap; an empty UA gives every field "".

    Device class, first rule that applies:

    1. a TV, set-top box or home console marker (SmartTV, HbbTV, CrKey, BRAVIA, Fire TV's
       "AFT", Roku, Xbox, PlayStation 4/5…) → "Desktop" (a big screen, not a handheld);
    2. "iPad", "Kindle", "PlayBook" or a "Tablet;"/"Tablet/" token in the UA (not Windows'
       "Tablet PC"), or a uap device family/model naming a tablet (iPad, Kindle, Generic
       Tablet, Nexus 7/9/10) → "Tablet";
    3. a phone: uap device iPhone/iPod/iOS-Device/Generic Smartphone/Generic Feature Phone, a
       handheld OS (iOS, Windows Phone, BlackBerry OS, Symbian, KaiOS, BREW, watchOS…), or a
       "Mobi", "Opera Mini", "Phone", "MIDP" token → "Mobile";
    4. Android (or Fire OS) without any of the above, i.e. no "Mobile" token: a browser
       (UA starting "Mozilla/" or "Opera/") → "Tablet", an app's own UA → "Mobile";
    5. anything else (Windows, Mac OS X, Linux, Chrome OS, unknown) → "Desktop".

    iPads on iPadOS 13+ send a Mac UA by default and come out "Desktop"; the screen class
    (from the tracker's screen width) tells them apart. Bots are told apart by `bots`.
    """
    if not ua:
        return UserAgentInfo("", "", "", "", "")
    r = uap_parse(ua)
    b, o = r.user_agent, r.os
    return UserAgentInfo(
        browser=b.family,
        browser_version=_version(b.major, b.minor),
        os=o.family,
        os_version=_version(o.major, o.minor),
        device=_device_class(ua, r),
    )
