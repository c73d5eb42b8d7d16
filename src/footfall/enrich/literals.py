"""Match many fixed strings at once with one regex, and turn simple regexes into such strings.

Python's `re` tries the branches of an alternation one after the other at every position,
so `a|b|c|…` over 1,500 patterns costs hundreds of microseconds per string. Arranged as a
trie (`Goo(?:glebot|gle-Extended)|…`) the same set costs a few microseconds, because at
each position only the branches sharing the next character are tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["LiteralPattern", "expand_literals", "required_literal", "trie_regex"]

_SPECIAL = frozenset("\\[]()|.*+?{}^$")
_QUANTIFIERS = frozenset("*+?{")
MAX_EXPANSION = 16

_Trie = dict[str, "_Trie"]


class LiteralPattern(NamedTuple):
    """A regex matches a string iff one of `literals` occurs (at the start/end if anchored)."""

    literals: tuple[str, ...]
    start: bool
    end: bool


def trie_regex(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """One compiled regex matching any of `words`, longest first at a given position."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: the longer continuation is optional
            return body + "?" if len(alts) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    if not trie:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(build(trie), flags)


def expand_literals(pattern: str, limit: int = MAX_EXPANSION) -> LiteralPattern | None:
    """The finite set of strings a simple regex matches, or None if it is not that simple.

    Handles literal characters, escaped punctuation (`\\/`, `\\.`), character classes of
    plain characters (`[wW]`), groups and alternations of those (`(Bot|SiteAudit)`, `a|b`),
    and `^`/`$` anchoring the whole pattern. Anything else (`\\d`, `*`, ranges…) gives None.
    """
    start = pattern.startswith("^")
    end = pattern.endswith("$") and not pattern.endswith("\\$")
    body = pattern[1 if start else 0 : -1 if end else None]
    if (start or end) and "|" in body and not (body.startswith("(") and body.endswith(")")):
        return None  # `^a|b` anchors only the first branch
    try:
        words, pos = _alternation(body, 0, "", limit)
    except ValueError:
        return None
    if pos != len(body) or "" in words:
        return None
    return LiteralPattern(tuple(words), start, end)


def _alternation(s: str, i: int, stop: str, limit: int) -> tuple[list[str], int]:
    words: list[str] = []
    while True:
        branch, i = _sequence(s, i, "|" + stop, limit)
        words += branch
        if len(words) > limit:
            raise ValueError("too many strings")
        if i < len(s) and s[i] == "|":
            i += 1
            continue
        if stop and (i >= len(s) or s[i] != stop):
            raise ValueError("unclosed group")
        return words, i


def _sequence(s: str, i: int, stops: str, limit: int) -> tuple[list[str], int]:
    out = [""]
    while i < len(s) and s[i] not in stops:
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s) or s[i + 1].isalnum():
                raise ValueError("escape class")
            alts, i = [s[i + 1]], i + 2
        elif c == "[":
            j = s.find("]", i + 1)
            chars = s[i + 1 : j]
            if j < 0 or not chars or any(ch in _SPECIAL or ch == "-" for ch in chars):
                raise ValueError("character class")
            alts, i = list(dict.fromkeys(chars)), j + 1
        elif c == "(":
            if s.startswith("(?", i):
                raise ValueError("group extension")
            alts, i = _alternation(s, i + 1, ")", limit)
            i += 1
        elif c in _SPECIAL:
            raise ValueError("operator")
        else:
            alts, i = [c], i + 1
        if i < len(s) and s[i] in _QUANTIFIERS:
            raise ValueError("quantifier")
        out = [o + a for o in out for a in alts]
        if len(out) > limit:
            raise ValueError("too many strings")
    return out, i


def required_literal(pattern: str) -> str:
    """The longest run of plain characters that every match of `pattern` contains, or "":
    a cheap `in` test that lets most strings skip the regex."""
    if "(?" in pattern or _top_level_alternation(pattern):
        return ""  # inline flags may change case; an alternation has no common part
    return _runs_outside_groups(pattern)


def _top_level_alternation(s: str) -> bool:
    depth, i = 0, 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = s.find("]", i + 2) + 1 or len(s)
            continue
        depth += c == "("
        depth -= c == ")"
        if c == "|" and depth == 0:
            return True
        i += 1
    return False


def _runs_outside_groups(s: str) -> str:
    """The longest run of literal characters at the top level, none of them quantified."""
    best, run, depth, i = "", "", 0, 0
    while i < len(s):
        c, atom = s[i], ""
        if c == "\\":
            escaped = s[i + 1 : i + 2]
            atom = escaped if escaped and not escaped.isalnum() else ""
            i += 2
        elif c in "[{":
            i = s.find("]" if c == "[" else "}", i + 2) + 1 or len(s)
        else:
            depth += (c == "(") - (c == ")")
            atom = "" if c in _SPECIAL else c
            i += 1
        if atom and depth == 0 and not (i < len(s) and s[i] in _QUANTIFIERS):
            run += atom
            best = max(best, run, key=len)
        else:
            run = ""
    return best
