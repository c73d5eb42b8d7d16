"""Run a real `footfall serve` process on loopback for integration tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`footfall serve` in a child process with its own data dir."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FOOTFALL_DATA_DIR": str(data_dir),
            "FOOTFALL_PORT": str(self.port),
            "FOOTFALL_LOG_LEVEL": "warning",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "footfall.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    @property
    def log_path(self) -> Path:
        """The server's stderr (a file, so a chatty server can never block on a full pipe)."""
        return self.data_dir.parent / f"server-{self.port}.log"

    def start(self) -> ServerProcess:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "footfall.cli", "serve"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout=60)
        self.process = None
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def stored_rows(data_dir, sql: str, params=()) -> list[tuple]:  # type: ignore[no-untyped-def]
    with duckdb.connect(str(data_dir / "footfall.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()
