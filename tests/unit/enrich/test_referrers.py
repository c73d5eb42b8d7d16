from __future__ import annotations

import json
from importlib.resources import files

import pytest

from footfall.enrich.referrers import CHANNELS, classify_referrer
from footfall.enrich.urls import CLICK_IDS


@pytest.mark.parametrize(
    ("host", "source", "channel"),
    [
        ("www.google.com", "Google", "Organic Search"),
        ("www.google.co.uk", "Google", "Organic Search"),
        ("google.de", "Google", "Organic Search"),
        ("google.com.br", "Google", "Organic Search"),
        ("com.google.android.googlequicksearchbox", "Google", "Organic Search"),
        ("bing.com", "Bing", "Organic Search"),
        ("duckduckgo.com", "DuckDuckGo", "Organic Search"),
        ("yandex.ru", "Yandex", "Organic Search"),
        ("yandex.com.tr", "Yandex", "Organic Search"),
        ("baidu.com", "Baidu", "Organic Search"),
        ("ecosia.org", "Ecosia", "Organic Search"),
        ("search.brave.com", "Brave", "Organic Search"),
        ("m.facebook.com", "Facebook", "Organic Social"),
        ("l.facebook.com", "Facebook", "Organic Social"),
        ("lm.facebook.com", "Facebook", "Organic Social"),
        ("t.co", "Twitter", "Organic Social"),
        ("x.com", "Twitter", "Organic Social"),
        ("linkedin.com", "LinkedIn", "Organic Social"),
        ("old.reddit.com", "Reddit", "Organic Social"),
        ("news.ycombinator.com", "Hacker News", "Organic Social"),
        ("stackoverflow.com", "Stack Overflow", "Organic Social"),
        ("l.instagram.com", "Instagram", "Organic Social"),
        ("github.com", "GitHub", "Referral"),
        ("en.wikipedia.org", "Wikipedia", "Referral"),
        ("m.youtube.com", "YouTube", "Organic Video"),
        ("youtu.be", "YouTube", "Organic Video"),
        ("chatgpt.com", "ChatGPT", "AI Assistants"),
        ("chat.openai.com", "ChatGPT", "AI Assistants"),
        ("perplexity.ai", "Perplexity", "AI Assistants"),
        ("gemini.google.com", "Gemini", "AI Assistants"),
        ("mail.google.com", "Gmail", "Email"),
        ("outlook.live.com", "Outlook", "Email"),
        ("amazon.co.uk", "Amazon", "Organic Shopping"),
        ("open.spotify.com", "Spotify", "Audio"),
        ("news.google.com", "Google News", "Referral"),
        ("www.example.com", "example.com", "Referral"),
        ("Blog.Example.ORG", "blog.example.org", "Referral"),
        ("google.evil-site.com", "google.evil-site.com", "Referral"),
        ("", "Direct / None", "Direct"),
    ],
)
def test_referrer_host(host: str, source: str, channel: str) -> None:
    assert classify_referrer(host) == (source, channel)


@pytest.mark.parametrize(
    ("args", "source", "channel"),
    [
        (("", "google"), "Google", "Organic Search"),
        (("", "fb"), "Facebook", "Organic Social"),
        (("", "FaceBook"), "Facebook", "Organic Social"),
        (("", "x"), "Twitter", "Organic Social"),
        (("", "twitter"), "Twitter", "Organic Social"),
        (("", "hn"), "Hacker News", "Organic Social"),
        (("", "hackernews"), "Hacker News", "Organic Social"),
        (("", "chatgpt.com"), "ChatGPT", "AI Assistants"),
        (("", " Newsletter "), "Newsletter", "Referral"),
        (("", "newsletter", "email"), "newsletter", "Email"),
        (("", "weekly", "e-mail"), "weekly", "Email"),
        (("www.google.com", "newsletter", "email"), "newsletter", "Email"),
        (("www.google.com", "", "cpc"), "Google", "Paid Search"),
        (("www.google.com", "", "", "gclid"), "Google", "Paid Search"),
        (("", "", "", "gclid"), "Direct / None", "Paid Search"),
        (("", "", "", "msclkid"), "Direct / None", "Paid Search"),
        (("bing.com", "", "", "msclkid"), "Bing", "Paid Search"),
        (("m.facebook.com", "", "", "fbclid"), "Facebook", "Organic Social"),
        (("", "facebook", "paid_social"), "Facebook", "Paid Social"),
        (("", "fb", "cpc"), "Facebook", "Paid Social"),
        (("", "someapp", "paidsocial"), "someapp", "Paid Social"),
        (("", "", "", "ttclid"), "Direct / None", "Paid Social"),
        (("", "youtube", "cpv"), "YouTube", "Paid Video"),
        (("", "amazon", "ppc"), "Amazon", "Paid Shopping"),
        (("", "carbon", "cpc"), "carbon", "Display"),
        (("", "partner", "display"), "partner", "Display"),
        (("", "partner", "banner"), "partner", "Display"),
        (("", "partner", "affiliate"), "partner", "Affiliates"),
        (("", "mastodon", "social"), "Mastodon", "Organic Social"),
        (("", "blog", "social"), "blog", "Organic Social"),
        (("", "sms"), "sms", "SMS"),
        (("", "onesignal", "push"), "onesignal", "Push"),
        (("", "podcast-x", "audio"), "podcast-x", "Audio"),
        (("", "partner", "referral"), "partner", "Referral"),
        (("", "", "email"), "Direct / None", "Email"),
        (("", "google", "cpc", "", "summer-cross-network"), "Google", "Cross-network"),
        (("", "partner", "cpc", "", "black friday shopping"), "partner", "Paid Shopping"),
    ],
)
def test_utm_and_click_ids(args: tuple[str, ...], source: str, channel: str) -> None:
    assert classify_referrer(*args) == (source, channel)


def test_every_channel_is_one_of_the_documented_ones() -> None:
    media = ["", "cpc", "email", "social", "display", "affiliate", "video", "sms", "push", "x"]
    hosts = ["", "google.com", "facebook.com", "chatgpt.com", "amazon.com", "example.com"]
    for host in hosts:
        for medium in media:
            for click in ["", "gclid", "fbclid", "dclid"]:
                assert classify_referrer(host, "", medium, click)[1] in CHANNELS


def _data() -> dict:
    return json.loads(files("footfall.enrich").joinpath("data", "referrers.json").read_text())


def test_data_file_is_consistent() -> None:
    data = _data()
    categories = {"search", "ai", "social", "video", "audio", "shopping", "email", "referral"}
    assert len(data["sources"]) > 300
    hosts: list[str] = []
    aliases: list[str] = []
    for entry in data["sources"].values():
        assert entry["category"] in categories
        hosts += entry["hosts"]
        aliases += entry.get("utm", [])
        assert all(alias == alias.lower() for alias in entry.get("utm", []))
        assert all(host == host.lower() and not host.startswith("www.") for host in entry["hosts"])
    assert len(hosts) == len(set(hosts))
    assert len(aliases) == len(set(aliases))
    assert all(channel is None or channel in CHANNELS for channel in data["click_ids"].values())


def test_every_click_id_parameter_has_a_channel_rule() -> None:
    assert {name.lower() for name in CLICK_IDS} <= set(_data()["click_ids"])
