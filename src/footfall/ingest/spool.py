"""The durable spool: an append-only log on disk that every accepted event reaches first.

A record is one JSON line. `append` returns only after the bytes are in the file (the
kernel holds them even if the process is killed at once); with fsync policy `always`
the caller also awaits `wait_durable`, which groups the fsync of every request that
arrived meanwhile into one. The batch writer reads from the position the store says
it has reached, so a restart replays exactly what was not stored yet.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

from footfall.store.base import SpoolPosition

_SUFFIX = ".jsonl"


def _segment_path(directory: Path, segment: int) -> Path:
    return directory / f"{segment:010d}{_SUFFIX}"


class Spool:
    def __init__(self, directory: Path, *, segment_bytes: int = 64 << 20, fsync: str = "interval"):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.segment_bytes = segment_bytes
        self.fsync_policy = fsync
        self._lock = threading.Lock()
        self._dirty = False
        self._sync_task: asyncio.Future[None] | None = None
        self._sync_waiters: list[asyncio.Future[None]] = []
        segments = self.segments()
        if segments:
            _truncate_partial_record(_segment_path(directory, segments[-1]))
        # Always start a fresh segment: older ones are never written again.
        self._segment = (segments[-1] + 1) if segments else 1
        self._fd = self._open(self._segment)
        self._size = 0

    def _open(self, segment: int) -> int:
        return os.open(
            _segment_path(self.directory, segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
        )

    def segments(self) -> list[int]:
        return sorted(
            int(p.name[: -len(_SUFFIX)])
            for p in self.directory.glob(f"*{_SUFFIX}")
            if p.name[: -len(_SUFFIX)].isdigit()
        )

    def append(self, data: bytes) -> None:
        """Append complete records (each ending in a newline) in one write."""
        with self._lock:
            if self._size + len(data) > self.segment_bytes and self._size:
                self._rotate()
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            self._size += len(data)
            self._dirty = True

    def _rotate(self) -> None:
        os.fsync(self._fd)
        os.close(self._fd)
        self._segment += 1
        self._fd = self._open(self._segment)
        self._size = 0

    def sync(self) -> None:
        """fsync the current segment if anything was written since the last sync."""
        with self._lock:
            if not self._dirty:
                return
            self._dirty = False
            fd = os.dup(self._fd)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    async def wait_durable(self) -> None:
        """Group commit: one fsync in a thread for every caller waiting on it."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._sync_waiters.append(waiter)
        if self._sync_task is None:
            self._sync_task = asyncio.ensure_future(self._sync_loop())
        await waiter

    async def _sync_loop(self) -> None:
        try:
            while self._sync_waiters:
                waiters, self._sync_waiters = self._sync_waiters, []
                try:
                    await asyncio.to_thread(self.sync)
                except OSError as exc:
                    for waiter in waiters:
                        waiter.set_exception(exc)
                    continue
                for waiter in waiters:
                    waiter.set_result(None)
        finally:
            self._sync_task = None

    def read(self, position: SpoolPosition, max_bytes: int) -> tuple[bytes, SpoolPosition]:
        """Complete records from `position` on, up to about `max_bytes`, and the next position."""
        parts: list[bytes] = []
        segment, offset = position.segment, position.offset
        for current in self.segments():
            if current < segment:
                continue
            if current > segment:
                segment, offset = current, 0
            with open(_segment_path(self.directory, current), "rb") as handle:
                handle.seek(offset)
                chunk = handle.read(max_bytes)
            end = chunk.rfind(b"\n") + 1
            if end:
                parts.append(chunk[:end])
                offset += end
                max_bytes -= end
            if max_bytes <= 0 or current == self._segment or end < len(chunk):
                break  # enough, or the live segment, or a record still being written
        return b"".join(parts), SpoolPosition(segment, offset)

    def release(self, position: SpoolPosition) -> None:
        """Delete segments wholly before `position`: the store holds their records."""
        for segment in self.segments():
            if segment >= min(position.segment, self._segment):
                break
            _segment_path(self.directory, segment).unlink(missing_ok=True)

    def pending_bytes(self, position: SpoolPosition) -> int:
        total = 0
        for segment in self.segments():
            if segment < position.segment:
                continue
            size = _segment_path(self.directory, segment).stat().st_size
            total += size - (position.offset if segment == position.segment else 0)
        return total

    def close(self) -> None:
        with self._lock:
            if self.fsync_policy != "never":
                os.fsync(self._fd)
            os.close(self._fd)


def _truncate_partial_record(path: Path) -> None:
    """A write cut short by a crash was never acknowledged; drop its partial bytes."""
    size = path.stat().st_size
    if not size:
        return
    with open(path, "r+b") as handle:
        keep = size
        step = 65536
        while keep > 0:
            start = max(0, keep - step)
            handle.seek(start)
            chunk = handle.read(keep - start)
            if chunk.endswith(b"\n") and keep == size:
                return
            index = chunk.rfind(b"\n")
            if index >= 0:
                handle.truncate(start + index + 1)
                return
            keep = start
        handle.truncate(0)
