from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footfall.enrich.literals import LiteralPattern, expand_literals, trie_regex


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("Googlebot\\/", LiteralPattern(("Googlebot/",), False, False)),
        ("[wW]get", LiteralPattern(("wget", "Wget"), False, False)),
        ("^curl", LiteralPattern(("curl",), True, False)),
        ("SSL Labs$", LiteralPattern(("SSL Labs",), False, True)),
        ("Ahrefs(Bot|SiteAudit)", LiteralPattern(("AhrefsBot", "AhrefsSiteAudit"), False, False)),
        ("Netumo|netumo", LiteralPattern(("Netumo", "netumo"), False, False)),
        ("Unshorten\\.It\\!", LiteralPattern(("Unshorten.It!",), False, False)),
        ("^(a|b)$", LiteralPattern(("a", "b"), True, True)),
    ],
)
def test_expand_literals(pattern: str, expected: LiteralPattern) -> None:
    assert expand_literals(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "BlogTraffic\\/\\d\\.\\d+ Feed-Fetcher",
        "Current[\\s\\S]*RSS Reader",
        "AdsBot-Google([^-]|$)",
        "(^| )sentry\\/",
        "^a|b",
        "bots?",
        "[a-z]bot",
        "(?i)bot",
        "(unclosed",
        "[" + "ab" * 10 + "][cd][ef][gh][ij]",  # too many strings
    ],
)
def test_patterns_that_stay_regexes(pattern: str) -> None:
    assert expand_literals(pattern) is None


words = st.lists(st.text(alphabet="abcAB/.-( ", min_size=1, max_size=6), max_size=12)


@given(words, st.text(alphabet="abcAB/.-( x", max_size=30))
def test_trie_regex_matches_iff_a_word_occurs(ws: list[str], text: str) -> None:
    found = trie_regex(ws).search(text)
    assert (found is not None) == any(w in text for w in ws)
    if found:
        assert found.group(0) in ws


def test_trie_regex_prefers_the_longest_word_at_a_position() -> None:
    assert trie_regex(["bot", "bots", "botany"]).search("a botany").group(0) == "botany"  # type: ignore[union-attr]


def test_expanded_pattern_agrees_with_re() -> None:
    pattern = "(sistrix|SISTRIX) [cC]rawler"
    lits = expand_literals(pattern)
    assert lits is not None
    for text in ["SISTRIX Crawler", "sistrix crawler", "Sistrix crawler", "x sistrix Crawler y"]:
        assert (re.search(pattern, text) is not None) == any(w in text for w in lits.literals)
