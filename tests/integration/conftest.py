from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from server import ServerProcess

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def server(tmp_path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data")
    process.cli("sites", "add", "example.com")
    process.start()
    yield process
    if process.process is not None:
        process.stop()


def stored_rows(data_dir, sql: str, params=()) -> list[tuple]:  # type: ignore[no-untyped-def]
    with duckdb.connect(str(data_dir / "footfall.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()
