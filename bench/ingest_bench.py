"""Ingestion throughput: events/s accepted durably end-to-end, with p50/p99 latency.

Runs wrk on loopback against (1) a bare uvicorn ASGI endpoint that only parses the JSON
and answers 202, and (2) a real `footfall serve`, in the same run, and prints both and
their ratio. Then stops Footfall and checks every acknowledged event reached DuckDB.

    python bench/ingest_bench.py [--seconds 10] [--connections 64]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
from server import ServerProcess, free_port  # noqa: E402

UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["User-Agent"] = "__UA__"
local pages = {"/", "/pricing", "/blog/a", "/docs", "/about"}
local refs = {"https://www.google.com/", "", "https://news.ycombinator.com/", "https://t.co/x"}
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"n":"pageview","u":"https://example.com%s?i=%d","d":"example.com","r":"%s","w":1280}',
    pages[n % 5 + 1], n, refs[n % 4 + 1])
  return wrk.format(nil, "/api/event", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.0f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
""".replace("__UA__", UA)


def run_wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    assert match, out
    requests, duration_us, p50, p99, bad_status = map(int, match.groups())
    return {
        "requests": requests,
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "bad_status": bad_status,
    }


def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--fsync", default="interval", choices=["always", "interval", "never"])
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(LUA)
        port = free_port()
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_endpoint:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            cwd=HERE,
        )
        try:
            wait_up(f"http://127.0.0.1:{port}/")
            baseline = run_wrk(f"http://127.0.0.1:{port}", args.seconds, args.connections, script)
        finally:
            bare.terminate()
            bare.wait()

        server = ServerProcess(Path(tmp) / "data", FOOTFALL_SPOOL_FSYNC=args.fsync)
        server.cli("sites", "add", "example.com")
        server.start()
        footfall = run_wrk(server.url, args.seconds, args.connections, script)
        started = time.monotonic()
        server.stop()
        drain = time.monotonic() - started
        with duckdb.connect(str(server.data_dir / "footfall.duckdb"), read_only=True) as con:
            stored = con.execute("SELECT count(*) FROM events").fetchone()[0]

    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; wrk -t1 "
        f"-c{args.connections} -d{args.seconds}s on loopback; spool fsync={args.fsync}"
    )
    print(f"{'':28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, result in (("bare ASGI (parse + 202)", baseline), ("footfall /api/event", footfall)):
        print(f"{name:28}{result['rps']:>10,.0f}{result['p50_ms']:>9.2f}{result['p99_ms']:>9.2f}")
    print(f"ratio footfall / bare: {footfall['rps'] / baseline['rps']:.2f}")
    print(
        f"stored in DuckDB: {stored:,} of {footfall['requests']:,} requests "
        f"(non-2xx: {footfall['bad_status']}); shutdown drain {drain:.1f}s"
    )


if __name__ == "__main__":
    main()
