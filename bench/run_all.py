"""Every benchmark, one command: `make bench` (or `python bench/run_all.py`).

Ingestion throughput against a bare ASGI endpoint, dashboard queries against
hand-written SQL, product analytics against hand-written SQL, tracker size against other
trackers, client enqueue cost against `Queue.put_nowait`. Each prints its figures and
ratios measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = [
    ("tracker size", [str(HERE / "tracker_size.py")]),
    ("client enqueue", [str(HERE.parent / "client" / "bench" / "bench_enqueue.py")]),
    ("ingestion", [str(HERE / "ingest_bench.py"), "--seconds", "10"]),
    ("dashboard queries, 1M events", [str(HERE / "query_bench.py"), "--events", "1000000"]),
    ("product analytics, 1M events", [str(HERE / "product_bench.py"), "--events", "1000000"]),
]


def main() -> None:
    for title, command in STEPS:
        print(f"\n## {title}\n", flush=True)
        subprocess.run([sys.executable, *command], check=True)


if __name__ == "__main__":
    main()
