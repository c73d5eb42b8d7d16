"""What one tracking call costs the application thread, next to ``queue.Queue.put_nowait``.

    python client/bench/bench_enqueue.py [--calls 20000] [--rounds 5]

Each round times ``--calls`` calls of: the baseline (``put_nowait`` of a small dict on a bounded
queue), ``Provider.track``, ``Provider.pageview`` with a fast loopback server, ``track`` while
the server hangs (the consumer is stuck in a request), and ``track`` on a full queue (the drop
path). It prints the median ns per call and the ratio to the baseline measured in the same run;
machines are noisy, so compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from footfall_client import Provider

GATE = threading.Event()
GATE.set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        GATE.wait(60)
        body = b'{"accepted":0,"errors":[]}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def per_call_ns(fn: Callable[[int], object], calls: int) -> float:
    start = time.perf_counter_ns()
    for i in range(calls):
        fn(i)
    return (time.perf_counter_ns() - start) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    calls, rounds = args.calls, args.rounds

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"http://127.0.0.1:{server.server_address[1]}"
    big = calls * rounds * 4 + 10
    fast = Provider("footfall", "wk", host=host, max_queue_size=big)
    hung = Provider("footfall", "wk", host=host, max_queue_size=big, flush_at=1)
    full = Provider("footfall", "wk", host=host, max_queue_size=1, flush_at=1)
    page = {"url": "https://example.com/pricing", "ip": "203.0.113.9", "user_agent": "Mozilla/5.0"}

    results: dict[str, list[float]] = {}

    def record(name: str, fn: Callable[[int], object]) -> None:
        results.setdefault(name, []).append(per_call_ns(fn, calls))

    for _ in range(rounds):
        baseline: queue.Queue[object] = queue.Queue(maxsize=calls + 1)
        record("baseline Queue.put_nowait", lambda i, q=baseline: q.put_nowait({"i": i}))
        record("track (server fast)", lambda i: fast.track("Signed Up", {"i": i}, user_id="u"))
        record("pageview (server fast)", lambda i: fast.pageview(page))
        GATE.clear()
        hung.track("first", user_id="u")
        time.sleep(0.05)  # the consumer is now stuck inside a request
        record("track (server hung)", lambda i: hung.track("Signed Up", {"i": i}, user_id="u"))
        record("track (queue full, dropped)", lambda i: full.track("X", user_id="u"))
        GATE.set()
        fast.flush(30)
        hung.flush(30)

    base = statistics.median(results["baseline Queue.put_nowait"])
    print(f"{calls} calls x {rounds} rounds, median ns per call (ratio to baseline)")
    for name, samples in results.items():
        median = statistics.median(samples)
        print(f"  {name:32} {median:9.0f} ns   {median / base:6.1f}x")
    print(f"dropped on the full queue: {full.stats['dropped']}")
    for provider in (fast, hung, full):
        provider.shutdown(timeout=5)
    server.shutdown()


if __name__ == "__main__":
    main()
