"""The spool keeps every appended record and replays from any stored position."""

from __future__ import annotations

import asyncio

from footfall.ingest.spool import Spool
from footfall.store.base import SpoolPosition


def _lines(n: int, start: int = 0) -> bytes:
    return b"".join(b'{"i":%d}\n' % i for i in range(start, start + n))


def test_read_returns_complete_records_and_next_position(tmp_path):
    spool = Spool(tmp_path, segment_bytes=1 << 20)
    spool.append(_lines(3))
    data, position = spool.read(SpoolPosition(), 1 << 20)
    assert data == _lines(3)
    spool.append(_lines(2, 3))
    data, position = spool.read(position, 1 << 20)
    assert data == _lines(2, 3)
    assert spool.read(position, 1 << 20)[0] == b""


def test_rotation_and_release(tmp_path):
    spool = Spool(tmp_path, segment_bytes=20)
    for i in range(10):
        spool.append(_lines(1, i))
    assert len(spool.segments()) > 2
    got = b""
    position = SpoolPosition()
    while True:
        data, position = spool.read(position, 25)
        if not data:
            break
        got += data
        spool.release(position)
    assert got == _lines(10)
    assert len(spool.segments()) == 1


def test_partial_record_from_a_crash_is_dropped_on_reopen(tmp_path):
    spool = Spool(tmp_path)
    spool.append(_lines(2))
    with open(tmp_path / f"{spool.segments()[-1]:010d}.jsonl", "ab") as handle:
        handle.write(b'{"i":99')  # the process died mid-write: never acknowledged
    spool.close()
    reopened = Spool(tmp_path)
    reopened.append(_lines(1, 2))
    data, _ = reopened.read(SpoolPosition(), 1 << 20)
    assert data == _lines(3)


def test_group_commit_waits_for_fsync(tmp_path):
    spool = Spool(tmp_path, fsync="always")

    async def many() -> None:
        for i in range(20):
            spool.append(_lines(1, i))
        await asyncio.gather(*(spool.wait_durable() for _ in range(20)))

    asyncio.run(many())
    assert spool.read(SpoolPosition(), 1 << 20)[0] == _lines(20)
