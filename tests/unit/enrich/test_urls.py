from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall.enrich.urls import (
    PageURL,
    clean_referrer,
    click_id,
    parse_page_url,
    referrer_host,
    screen_class,
    utm_params,
)


@pytest.mark.parametrize(
    ("url", "hostname", "pathname", "query"),
    [
        ("https://example.com", "example.com", "/", {}),
        ("https://example.com/", "example.com", "/", {}),
        ("https://WWW.Example.COM/Blog/", "example.com", "/Blog/", {}),
        ("https://example.com/a%20b/%C3%A9t%C3%A9", "example.com", "/a b/été", {}),
        ("https://example.com/p?utm_source=x&utm_source=y&q=1", "example.com", "/p",
         {"utm_source": "x", "q": "1"}),
        ("https://example.com/p?empty=&a=%20b", "example.com", "/p", {"a": " b"}),
        ("https://user:pw@shop.example.com:8443/cart#step-2", "shop.example.com", "/cart", {}),
        ("http://127.0.0.1:8000/x", "127.0.0.1", "/x", {}),
        ("https://[2001:db8::1]/x", "2001:db8::1", "/x", {}),
        ("https://example.com./x", "example.com", "/x", {}),
        ("/relative/path", "(none)", "/relative/path", {}),
        ("", "(none)", "/", {}),
        ("not a url", "(none)", "/", {}),
        ("http://[::1", "(none)", "/", {}),
    ],
)  # fmt: skip
def test_parse_page_url(url: str, hostname: str, pathname: str, query: dict[str, str]) -> None:
    assert parse_page_url(url) == PageURL(url, hostname, pathname, query)


def test_hash_mode_appends_the_fragment() -> None:
    url = "https://app.example.com/index.html#/settings/profile"
    assert parse_page_url(url).pathname == "/index.html"
    assert parse_page_url(url, hash_mode=True).pathname == "/index.html#/settings/profile"
    assert parse_page_url("https://example.com/", hash_mode=True).pathname == "/"


@given(st.text())
def test_parse_page_url_never_raises(url: str) -> None:
    page = parse_page_url(url)
    assert page.hostname == page.hostname.lower()
    assert not page.hostname.startswith("www.")
    assert page.hostname
    assert page.pathname.startswith("/")


@given(st.text(), st.booleans())
def test_parse_page_url_never_raises_on_url_like_text(tail: str, hash_mode: bool) -> None:
    page = parse_page_url("https://WWW." + tail, hash_mode)
    assert page.hostname == page.hostname.lower()
    assert not page.hostname.startswith("www.")


@given(st.text())
def test_referrer_host_never_raises(referrer: str) -> None:
    host = referrer_host(referrer)
    assert host == host.lower()
    assert not host.startswith("www.")
    assert clean_referrer(referrer) == clean_referrer(referrer)[:2000]


@pytest.mark.parametrize(
    ("referrer", "host"),
    [
        ("https://www.google.com/search?q=footfall", "google.com"),
        ("https://News.YCombinator.com/item?id=1", "news.ycombinator.com"),
        ("http://m.facebook.com:443/", "m.facebook.com"),
        ("android-app://com.google.android.gm/", "com.google.android.gm"),
        ("news.ycombinator.com/item?id=1", "news.ycombinator.com"),
        ("", ""),
        ("   ", ""),
        ("http://[::1", ""),
        ("https://bad host.com/", ""),
        ("hello world", ""),
    ],
)
def test_referrer_host(referrer: str, host: str) -> None:
    assert referrer_host(referrer) == host


@pytest.mark.parametrize(
    ("referrer", "cleaned"),
    [
        ("https://example.com/a?token=secret#frag", "https://example.com/a"),
        ("https://example.com/a#frag?x", "https://example.com/a"),
        (" https://example.com/ ", "https://example.com/"),
        ("https://example.com/" + "x" * 3000, ("https://example.com/" + "x" * 3000)[:2000]),
    ],
)
def test_clean_referrer(referrer: str, cleaned: str) -> None:
    assert clean_referrer(referrer) == cleaned


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ("", "", "", "", "")),
        ({"utm_source": " news ", "utm_medium": "email", "utm_campaign": "spring",
          "utm_term": "shoes", "utm_content": "hero"},
         ("news", "email", "spring", "shoes", "hero")),
        ({"ref": "producthunt"}, ("producthunt", "", "", "", "")),
        ({"source": "hn", "ref": "x"}, ("hn", "", "", "", "")),
        ({"utm_source": "", "ref": "x"}, ("x", "", "", "", "")),
        ({"utm_source": "a", "source": "b", "ref": "c"}, ("a", "", "", "", "")),
    ],
)  # fmt: skip
def test_utm_params(query: dict[str, str], expected: tuple[str, ...]) -> None:
    assert utm_params(query) == expected


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({}, ""),
        ({"q": "1"}, ""),
        ({"gclid": "abc"}, "gclid"),
        ({"msclkid": "abc", "utm_source": "bing"}, "msclkid"),
        ({"fbclid": "abc"}, "fbclid"),
        ({"ttclid": "abc"}, "ttclid"),
        ({"li_fat_id": "abc"}, "li_fat_id"),
        ({"gclid": ""}, ""),
    ],
)
def test_click_id(query: dict[str, str], name: str) -> None:
    assert click_id(query) == name


@pytest.mark.parametrize(
    ("width", "cls"),
    [(None, ""), (320, "Mobile"), (575, "Mobile"), (576, "Tablet"), (991, "Tablet"),
     (992, "Laptop"), (1439, "Laptop"), (1440, "Desktop"), (3840, "Desktop")],
)  # fmt: skip
def test_screen_class(width: int | None, cls: str) -> None:
    assert screen_class(width) == cls
