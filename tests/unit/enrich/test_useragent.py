from __future__ import annotations

import pytest

from footfall.enrich import useragent
from footfall.enrich.useragent import UserAgentInfo, parse_user_agent


def _version(major: str, minor: str) -> str:
    return f"{major}.{minor}" if major and minor else major


def test_uses_the_rust_resolver() -> None:
    assert useragent.resolver_name() == "ua_parser.regex"


def test_browser_and_os_match_uap_core_for_every_sample_row(
    uap_sample: list[dict[str, str]],
) -> None:
    assert len(uap_sample) > 3000
    mismatches = []
    for row in uap_sample:
        ua = row["user_agent"]
        if not ua:
            continue  # an empty UA gives all "" (tested below)
        info = parse_user_agent(ua)
        expected = (
            row["browser_family"],
            _version(row["browser_major"], row["browser_minor"]),
            row["os_family"],
            _version(row["os_major"], row["os_minor"]),
        )
        got = (info.browser, info.browser_version, info.os, info.os_version)
        if got != expected:
            mismatches.append((ua, got, expected))
    assert mismatches == []


def test_empty_user_agent_gives_all_empty() -> None:
    assert parse_user_agent("") == UserAgentInfo("", "", "", "", "")


def test_unknown_families_stay_other() -> None:
    info = parse_user_agent("something/1.0")
    assert (info.os, info.device) == ("Other", "Desktop")


def test_result_is_memoised() -> None:
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
    assert parse_user_agent(ua) is parse_user_agent(ua)


DEVICE_CASES = [
    # desktop
    ("Desktop", "Chrome", "131.0", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"),
    ("Desktop", "Firefox", "133.0", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    ("Desktop", "Edge", "131.0", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"),
    ("Desktop", "Safari", "18.1", "Mac OS X", "10.15",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Safari/605.1.15"),
    ("Desktop", "Chrome", "131.0", "Mac OS X", "10.15",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"),
    ("Desktop", "Firefox", "133.0", "Linux", "",
     "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    ("Desktop", "Firefox", "133.0", "Ubuntu", "",
     "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    ("Desktop", "Chrome", "131.0", "Chrome OS", "14541.0",
     "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"),
    ("Desktop", "Opera", "115.0", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0"),
    ("Desktop", "Electron", "33.2", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Slack/4.41.105 Chrome/130.0.6723.152 Electron/33.2.1 Safari/537.36"),
    ("Desktop", "Samsung Internet", "4.0", "Tizen", "6.0",
     "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36"),
    ("Desktop", "Chrome", "90.0", "Chromecast Linux", "1.56",
     "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/90.0.4430.225 Safari/537.36 CrKey/1.56.500000 DeviceType/Chromecast"),
    ("Desktop", "Edge", "120.0", "Windows", "10",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"),
    ("Desktop", "IE", "6.0", "Windows", "XP",
     "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; Tablet PC 1.7)"),
    # mobile
    ("Mobile", "Mobile Safari", "18.1", "iOS", "18.1",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
    ("Mobile", "Chrome Mobile iOS", "131.0", "iOS", "18.1",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1"),
    ("Mobile", "Mobile Safari", "12.1", "iOS", "12.5",
     "Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1"),
    ("Mobile", "Chrome Mobile", "131.0", "Android", "10",
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36"),
    ("Mobile", "Samsung Internet", "26.0", "Android", "14",
     "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"),
    ("Mobile", "Firefox Mobile", "133.0", "Android", "14",
     "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0"),
    ("Mobile", "Edge Mobile", "15.15063", "Windows Phone", "10.0",
     "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063"),
    ("Mobile", "Opera Mini", "9.80", "Symbian OS", "",
     "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) "
     "Presto/2.5.25 Version/10.54"),
    ("Mobile", "Firefox Mobile", "48.0", "KaiOS", "2.5",
     "Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5"),
    ("Mobile", "BlackBerry WebKit", "10.0", "BlackBerry OS", "10.0",
     "Mozilla/5.0 (BB10; Touch) AppleWebKit/537.10+ (KHTML, like Gecko) Version/10.0.9.2372 "
     "Mobile Safari/537.10+"),
    ("Mobile", "Instagram", "309.0", "iOS", "17.1",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Mobile/15E148 Instagram 309.0.2.18.109 (iPhone14,5; iOS 17_1; en_US; "
     "en; scale=3.00; 1170x2532; 537288532)"),
    ("Mobile", "Facebook", "477.0", "Android", "14",
     "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 "
     "[FB_IAB/FB4A;FBAV/477.0.0.49.82;]"),
    # tablet
    ("Tablet", "Mobile Safari", "17.1", "iOS", "17.1",
     "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.1 Mobile/15E148 Safari/604.1"),
    ("Tablet", "Chrome", "131.0", "Android", "13",
     "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36"),
    ("Tablet", "Firefox Mobile", "133.0", "Android", "13",
     "Mozilla/5.0 (Android 13; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0"),
    ("Tablet", "Amazon Silk", "130.4", "Android", "9",
     "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Silk/130.4.1 like Chrome/130.0.6723.102 Safari/537.36"),
    ("Tablet", "Kindle", "3.0", "Kindle", "3.0",
     "Mozilla/5.0 (X11; U; Linux armv7l like Android; en-us) AppleWebKit/531.2+ "
     "(KHTML, like Gecko) Version/5.0 Safari/531.2+ Kindle/3.0+"),
    ("Tablet", "BlackBerry WebKit", "2.1", "BlackBerry Tablet OS", "2.1",
     "Mozilla/5.0 (PlayBook; U; RIM Tablet OS 2.1.0; en-US) AppleWebKit/536.2+ "
     "(KHTML, like Gecko) Version/7.2.1.0 Safari/536.2+"),
    ("Tablet", "Chrome", "34.0", "Android", "4.4",
     "Mozilla/5.0 (Linux; Android 4.4.2; Nexus 7 Build/KOT49H) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Chrome/34.0.1847.114 Safari/537.36"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("device", "browser", "browser_version", "os", "os_version", "ua"), DEVICE_CASES
)
def test_device_class(
    device: str, browser: str, browser_version: str, os: str, os_version: str, ua: str
) -> None:
    assert parse_user_agent(ua) == UserAgentInfo(browser, browser_version, os, os_version, device)


def test_android_app_without_mobile_token_is_mobile() -> None:
    ua = "Instagram 5.0.2 Android (16/4.1.1; 320dpi; 1196x720; samsung; EK-GC100; gd1; smdk4x12)"
    assert parse_user_agent(ua).device == "Mobile"
