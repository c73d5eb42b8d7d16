from __future__ import annotations

from collections.abc import Iterator

import pytest
from server import ServerProcess


@pytest.fixture
def server(tmp_path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data")
    process.cli("sites", "add", "example.com")
    process.start()
    yield process
    if process.process is not None:
        process.stop()
