from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from footfall.enrich.bots import REASONS, bot_reason
from footfall.enrich.bots import _rules as rules

# uap browser families in the sample that are tools, fetchers or monitors, not people.
BOT_FAMILIES = {
    "Apache-HttpClient", "AHC", "akka-http", "axios", "Catchpoint", "curl", "DAVdroid",
    "Feedbin", "FME", "GmailImageProxy", "Go-http-client", "go-resty", "got", "GuzzleHttp",
    "HeadlessChrome", "http.rb", "HTTPClient", "HTTPie", "HTTrack", "Jersey", "libcurl-agent",
    "libwww-perl", "lua-resty-http", "Mediapartners-Google", "Monitis", "msnbot", "okhttp",
    "OpenVAS Scanner", "Overcast", "PhantomJS", "PHPCrawl", "PingdomBot", "PostmanRuntime",
    "PycURL", "Python aiohttp", "Python Requests", "RackspaceBot", "ReactorNetty", "reqwest",
    "RSScrawler", "Ruxit Synthetic", "Site24x7", "SSL-Crawler", "Tiny Tiny RSS", "ureq",
    "Web-sniffer", "Wget", "wget2", "WhatsApp",
}  # fmt: skip

# Current browsers people use: never a bot.
HUMANS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Vivaldi/7.0.3495.18",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 YaBrowser/24.12.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Slack/4.41.105 Chrome/130.0.6723.152 Electron/33.2.1 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) EdgiOS/131.0.2903.92 Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Instagram 309.0.2.18.109 (iPhone14,5; iOS 17_1; en_US)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 "
    "[FB_IAB/FB4A;FBAV/477.0.0.49.82;]",
    "Mozilla/5.0 (Linux; Android 4.1.1; HTC Butterfly Build/JRO03C) AppleWebKit/535.19 "
    "(KHTML, like Gecko) Chrome/18.0.1025.166 Mobile Safari/535.19",
    "Mozilla/5.0 (Linux; U; Android 2.3;en-us; ViewSonic-ViewPad7e Build/ERE27) "
    "AppleWebKit/533.1 (KHTML, Like Gecko) Version/4.0 Mobile Safari/533.1",
    "SonyEricssonW760i/R4EA Java/SEMC-Java/2.0 Profile/MIDP-2.0 Configuration/CLDC-1.1",
    "Mozilla/5.0 (Windows; U; Windows NT 6.0; en-US; rv:1.9.1.8) Gecko/20100202 "
    "Firefox/3.5.8 (.NET CLR 3.5.30729) FirePHP/0.4",
]


@pytest.mark.parametrize("ua", HUMANS)
def test_current_browsers_are_never_bots(ua: str) -> None:
    assert bot_reason(ua) is None


@pytest.mark.parametrize("ua", ["", "   ", "-"])
def test_empty_user_agent(ua: str) -> None:
    assert bot_reason(ua) == "empty_user_agent"


@pytest.mark.parametrize(
    ("ua", "reason"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "HeadlessChrome/131.0.0.0 Safari/537.36", "headless"),
        ("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
         "PhantomJS/2.1.1 Safari/538.1", "headless"),
        ("Mozilla/5.0 (linux) AppleWebKit/537.36 (KHTML, like Gecko) jsdom/22.1.0", "headless"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Selenium", "automation"),
        ("Mozilla/5.0 Puppeteer", "automation"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Playwright/1.49", "automation"),
        ("curl/8.5.0", "automation"),
        ("Wget/1.21.4", "automation"),
        ("python-requests/2.32.3", "automation"),
        ("Python-urllib/3.11", "automation"),
        ("Go-http-client/2.0", "automation"),
        ("okhttp/4.12.0", "automation"),
        ("Java/17.0.9", "automation"),
        ("Java/1.8.0_392", "automation"),
        ("libwww-perl/6.72", "automation"),
        ("axios/1.7.9", "automation"),
        ("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "automation"),
        ("PostmanRuntime/7.43.0", "automation"),
        ("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "monitor"),
        ("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "monitor"),
        ("Mozilla/5.0 (compatible; StatusCake)", "monitor"),
        ("Site24x7", "monitor"),
        ("Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
         "monitor"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0.0.0 Safari/537.36 DatadogSynthetics", "monitor"),
        ("Uptime-Kuma/1.23.16", "monitor"),
        ("kube-probe/1.29", "monitor"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler"),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "crawler"),
        ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
         "+https://openai.com/gptbot)", "crawler"),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "crawler"),
    ],
)  # fmt: skip
def test_reason_for_known_bots(ua: str, reason: str) -> None:
    assert bot_reason(ua) == reason


def test_uap_spider_is_a_crawler() -> None:
    # Not in the crawler list, but uap-core's device rules call it a Spider.
    ua = "SheenBot/SheenBot-1.0.4 (Sheen web crawler)"
    assert rules().crawler_reason(ua, ua.lower()) is None
    assert bot_reason(ua) == "crawler"


def _fixes() -> dict[str, str | None]:
    markers = json.loads(files("footfall.enrich").joinpath("data", "bot-markers.json").read_text())
    return markers["crawler_pattern_fixes"]


def test_every_crawler_list_example_is_a_bot() -> None:
    raw = files("footfall.enrich").joinpath("data", "crawler-user-agents.json").read_text()
    dropped = {pattern for pattern, fix in _fixes().items() if fix is None}
    missed = [
        (entry["pattern"], ua)
        for entry in json.loads(raw)
        if entry["pattern"] not in dropped
        for ua in entry["instances"]
        if bot_reason(ua) is None
    ]
    assert missed == []


def test_crawler_pattern_fixes_name_real_patterns() -> None:
    raw = files("footfall.enrich").joinpath("data", "crawler-user-agents.json").read_text()
    patterns = {entry["pattern"] for entry in json.loads(raw)}
    assert set(_fixes()) <= patterns


def test_packaged_crawler_list_is_the_shared_copy(shared_data: Path) -> None:
    packaged = files("footfall.enrich").joinpath("data", "crawler-user-agents.json").read_bytes()
    assert packaged == (shared_data / "crawler-user-agents.json").read_bytes()


def test_false_positive_rate_on_real_browsers(uap_sample: list[dict[str, str]]) -> None:
    humans = [
        row["user_agent"]
        for row in uap_sample
        if row["device_family"] != "Spider"
        and row["browser_family"] not in BOT_FAMILIES
        and row["user_agent"].strip()
    ]
    assert len(humans) >= 1000
    flagged = [ua for ua in humans if bot_reason(ua) is not None]
    assert len(flagged) / len(humans) <= 0.005, flagged


def test_uap_spiders_are_all_caught(uap_sample: list[dict[str, str]]) -> None:
    spiders = [row["user_agent"] for row in uap_sample if row["device_family"] == "Spider"]
    assert len(spiders) > 500
    assert [ua for ua in spiders if bot_reason(ua) is None] == []


def test_reasons_are_the_documented_ones(uap_sample: list[dict[str, str]]) -> None:
    seen = {bot_reason(row["user_agent"]) for row in uap_sample}
    assert seen <= {None, *REASONS}
