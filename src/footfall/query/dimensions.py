"""The dimensions a query can group or filter by: a registry, not an if-chain.

Event dimensions are columns of single events. Visit dimensions are attributes of a
visit taken from its first event (source, UTM, location, device…) or its first / last
pageview (entry / exit page). Time dimensions bucket the timestamp in the site's zone.
An empty string is shown as "(none)" ("Direct / None" for the source), in SQL, so
filters and groups agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from footfall.query.periods import TIME_UNITS

Kind = Literal["event", "visit", "time"]
Pick = Literal["first", "entry", "exit"]


@dataclass(frozen=True, slots=True)
class Dimension:
    name: str
    kind: Kind
    column: str = ""  # the events column it comes from
    pick: Pick = "first"  # visit dimensions: which event of the visit gives the value
    empty: str = "(none)"  # label for ''
    short: str = ""  # v1 breakdown key (e.g. "page", "source")
    prop_key: str | None = None
    unit: str | None = None  # time dimensions; None for plain `time` (picked by range)

    @property
    def session_column(self) -> str:
        """Column name of this attribute in the visit CTE."""
        return "a_" + self.name.split(":", 1)[1]


def _event(name: str, column: str, short: str) -> Dimension:
    return Dimension(name, "event", column, short=short)


def _visit(name: str, column: str, pick: Pick = "first", empty: str = "(none)") -> Dimension:
    return Dimension(name, "visit", column, pick, empty, short=name.split(":", 1)[1])


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        _event("event:page", "pathname", "page"),
        _event("event:hostname", "hostname", "hostname"),
        _event("event:name", "name", "name"),
        _event("event:goal", "name", "goal"),
        _visit("visit:entry_page", "pathname", "entry"),
        _visit("visit:exit_page", "pathname", "exit"),
        _visit("visit:entry_page_hostname", "hostname", "entry"),
        _visit("visit:exit_page_hostname", "hostname", "exit"),
        _visit("visit:source", "referrer_source", empty="Direct / None"),
        _visit("visit:referrer", "referrer", empty="Direct / None"),
        _visit("visit:channel", "channel"),
        _visit("visit:utm_medium", "utm_medium"),
        _visit("visit:utm_source", "utm_source"),
        _visit("visit:utm_campaign", "utm_campaign"),
        _visit("visit:utm_term", "utm_term"),
        _visit("visit:utm_content", "utm_content"),
        _visit("visit:country", "country"),
        _visit("visit:region", "region"),
        _visit("visit:city", "city"),
        _visit("visit:browser", "browser"),
        _visit("visit:browser_version", "browser_version"),
        _visit("visit:os", "os"),
        _visit("visit:os_version", "os_version"),
        _visit("visit:device", "device"),
        _visit("visit:screen", "screen"),
        Dimension("time", "time", short="date"),
        *(Dimension(f"time:{u}", "time", short="date", unit=u) for u in TIME_UNITS),
    )
}

PROPS_PREFIX = "event:props:"
MAX_PROP_KEY = 300


def lookup(name: str) -> Dimension | None:
    """The dimension called `name`, including `event:props:<key>`; None if unknown."""
    found = DIMENSIONS.get(name)
    if found is not None:
        return found
    if name.startswith(PROPS_PREFIX):
        key = name[len(PROPS_PREFIX) :]
        if 0 < len(key) <= MAX_PROP_KEY:
            return Dimension(name, "event", "props", short=key, prop_key=key)
    return None


def allowed_names() -> str:
    """For error messages: what may appear where a dimension is expected."""
    return ", ".join([*DIMENSIONS, PROPS_PREFIX + "<key>"])
