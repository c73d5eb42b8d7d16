"""Tracker size: our scripts gzipped (level 9) beside the published sizes of others.

python bench/tracker_size.py
"""

from __future__ import annotations

import gzip
from importlib import resources

# Published gzipped sizes of other trackers (their own claims or measured by their users).
OTHERS = {
    "Plausible (script.js)": 2_500,
    "Umami (script.js)": 2_000,
    "GoatCounter (count.js)": 2_000,
    "Google Analytics (gtag.js)": 135_000,
}


def main() -> None:
    static = resources.files("footfall.collector") / "static"
    rows = []
    for name in ("script.js", "script.ext.js"):
        body = (static / name).read_bytes()
        rows.append((f"Footfall ({name})", len(gzip.compress(body, 9))))
    core = rows[0][1]
    print(f"{'tracker':32}{'gzipped bytes':>15}{'vs Footfall core':>18}")
    for name, size in [*rows, *OTHERS.items()]:
        print(f"{name:32}{size:>15,}{size / core:>17.1f}x")


if __name__ == "__main__":
    main()
