"""The token lists in ``data/markers.json``: browsers, operating systems, bots, static files."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Markers:
    browsers: tuple[str, ...]
    operating_systems: tuple[str, ...]
    bots: tuple[str, ...]
    static_extensions: frozenset[str]


@functools.cache
def load_markers() -> Markers:
    raw = json.loads(resources.files(__package__).joinpath("data/markers.json").read_text("utf-8"))
    return Markers(
        browsers=tuple(raw["browsers"]),
        operating_systems=tuple(raw["operating_systems"]),
        bots=tuple(raw["bots"]),
        static_extensions=frozenset(raw["static_extensions"]),
    )


def has_any(text: str, tokens: tuple[str, ...]) -> bool:
    """True if the lower-cased ``text`` contains one of ``tokens`` (already lower-case)."""
    lowered = text.lower()
    return any(token in lowered for token in tokens)
