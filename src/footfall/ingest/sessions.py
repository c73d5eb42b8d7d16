"""Visits: a visitor's events with no gap over 30 minutes, whatever order they arrive in.

The writer assigns `session_id` as events are stored. In the common case events come
in time order and one cached state per visitor decides. An event older than what is
already stored for its visitor marks that visitor for reconciliation: all their
stored events are re-split and the ids that changed are rewritten. A visit's id is a
function of its visitor and first timestamp only, so the result does not depend on
arrival order, on restarts or on which process received what.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from footfall.privacy.ids import session_id

GAP_US = 30 * 60 * 1_000_000
VisitorKey = tuple[str, int]


def split_sessions(visitor: int, timestamps_us: Sequence[int]) -> list[int]:
    """Session ids for a visitor's sorted timestamps (pure reference definition)."""
    ids: list[int] = []
    current = 0
    previous: int | None = None
    for ts in timestamps_us:
        if previous is None or ts - previous > GAP_US:
            current = session_id(visitor, ts)
        ids.append(current)
        previous = ts
    return ids


@dataclass(slots=True)
class VisitorState:
    last_us: int
    session_id: int


class Sessionizer:
    def __init__(self) -> None:
        self.states: dict[VisitorKey, VisitorState] = {}

    def warm(self, rows: Iterable[tuple[str, int, int, int]]) -> None:
        """Seed from the store: (site_id, visitor_id, last timestamp µs, its session id)."""
        for site, visitor, last_us, sid in rows:
            self.states[(site, visitor)] = VisitorState(last_us, sid)

    def assign(
        self, sites: Sequence[str], visitors: Sequence[int], timestamps_us: Sequence[int]
    ) -> tuple[list[int], set[VisitorKey]]:
        """Session ids for events sorted by time, and the visitors needing reconciliation."""
        late: set[VisitorKey] = set()
        states = self.states
        ids: list[int] = []
        for key, ts in zip(zip(sites, visitors, strict=True), timestamps_us, strict=True):
            state = states.get(key)
            if state is None:
                sid = session_id(key[1], ts)
                states[key] = VisitorState(ts, sid)
            elif ts >= state.last_us:
                if ts - state.last_us > GAP_US:
                    state.session_id = session_id(key[1], ts)
                state.last_us = ts
                sid = state.session_id
            else:
                late.add(key)
                sid = state.session_id
            ids.append(sid)
        return ids, late

    def reconcile(self, rows: Sequence[tuple[str, str, int, int, int]]) -> list[tuple[str, int]]:
        """Re-split stored rows (event_id, site, visitor, ts µs, session id); return changes."""
        by_visitor: dict[VisitorKey, list[tuple[int, str, int]]] = {}
        for event_id, site, visitor, ts, sid in rows:
            by_visitor.setdefault((site, visitor), []).append((ts, event_id, sid))
        changes: list[tuple[str, int]] = []
        for key, items in by_visitor.items():
            items.sort()
            ids = split_sessions(key[1], [ts for ts, _, _ in items])
            for (_, event_id, old), new in zip(items, ids, strict=True):
                if old != new:
                    changes.append((event_id, new))
            self.states[key] = VisitorState(items[-1][0], ids[-1])
        return changes

    def forget_before(self, cutoff_us: int) -> None:
        """Drop states of visitors not seen since `cutoff_us` (their ids have rotated)."""
        stale = [key for key, state in self.states.items() if state.last_us < cutoff_us]
        for key in stale:
            del self.states[key]
