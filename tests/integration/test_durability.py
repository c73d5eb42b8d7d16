"""An acknowledged event survives SIGKILL and is stored exactly once; nothing personal is kept."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import orjson
from server import CHROME_UA, ServerProcess, stored_rows


async def _blast(url: str, total: int, acked: set[int], stop: threading.Event) -> None:
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(limits=limits, timeout=5) as client:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for seq in range(total):
            queue.put_nowait(seq)

        async def worker() -> None:
            while not queue.empty() and not stop.is_set():
                seq = queue.get_nowait()
                body = {
                    "n": "pageview",
                    "u": f"https://example.com/p/{seq}",
                    "d": "example.com",
                    "p": {"seq": str(seq)},
                }
                try:
                    response = await client.post(
                        f"{url}/api/event",
                        content=orjson.dumps(body),
                        headers={"User-Agent": CHROME_UA, "Content-Type": "text/plain"},
                    )
                except httpx.HTTPError:
                    continue
                if response.status_code == 202:
                    acked.add(seq)

        await asyncio.gather(*(worker() for _ in range(16)))


def test_sigkill_under_load_loses_no_acknowledged_event(tmp_path):
    server = ServerProcess(tmp_path / "data")
    server.cli("sites", "add", "example.com")
    server.start()
    acked: set[int] = set()
    stop = threading.Event()
    loader = threading.Thread(target=lambda: asyncio.run(_blast(server.url, 20_000, acked, stop)))
    loader.start()
    deadline = time.monotonic() + 30
    while len(acked) < 1500 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # mid-load: some requests are in flight, some spooled but not stored
    stop.set()
    loader.join()
    assert len(acked) >= 1500

    server.start()  # replays the spool
    server.stop()
    rows = stored_rows(server.data_dir, "SELECT props['seq'], count(*) FROM events GROUP BY 1")
    counts = {int(seq): n for seq, n in rows}
    assert not acked - counts.keys(), "acknowledged events were lost"
    assert all(n == 1 for n in counts.values()), "events were stored twice"


def test_sigterm_flushes_and_restart_replays_nothing_twice(tmp_path):
    server = ServerProcess(tmp_path / "data")
    server.cli("sites", "add", "example.com")
    for _ in range(3):
        server.start()
        for i in range(50):
            httpx.post(
                f"{server.url}/api/event",
                headers={"User-Agent": CHROME_UA},
                json={"n": "pageview", "u": f"https://example.com/{i}", "d": "example.com"},
            )
        assert server.stop() == 0
    # One visitor, one visit: the writer picks the visit up again after each restart.
    assert stored_rows(
        server.data_dir,
        "SELECT count(*), count(DISTINCT visitor_id), count(DISTINCT session_id) FROM events",
    ) == [(150, 1, 1)]


def test_no_ip_or_user_agent_anywhere_in_the_data_dir(tmp_path):
    ip = "203.0.113.77"
    agent = CHROME_UA.replace("Chrome/131.0.0.0", "Chrome/131.0.6778.205 ZZUniqueMarker")
    server = ServerProcess(
        tmp_path / "data", FOOTFALL_TRUSTED_PROXIES="127.0.0.1/32", FOOTFALL_SPOOL_FSYNC="always"
    )
    server.cli("sites", "add", "example.com")
    server.start()
    for path in ("/", "/a", "/b"):
        response = httpx.post(
            f"{server.url}/api/event",
            headers={"User-Agent": agent, "X-Forwarded-For": ip},
            json={"n": "pageview", "u": f"https://example.com{path}", "d": "example.com"},
        )
        assert response.status_code == 202
    httpx.get(
        f"{server.url}/p.gif",
        params={"d": "example.com", "u": "https://example.com/px"},
        headers={"User-Agent": agent, "X-Forwarded-For": ip},
    )
    # While running (spool holds events) and after the writer stored them.
    _assert_absent(server.data_dir, [ip, agent, "ZZUniqueMarker"])
    server.stop()
    assert stored_rows(
        server.data_dir, "SELECT count(DISTINCT visitor_id), count(*) FROM events"
    ) == [(1, 4)]
    _assert_absent(server.data_dir, [ip, agent, "ZZUniqueMarker"])


def _assert_absent(directory: Path, needles: list[str]) -> None:
    encoded = [n.encode() for n in needles] + [n.encode("utf-16-le") for n in needles]
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for needle in encoded:
                assert needle not in data, f"{needle!r} found in {path}"
