"""The queue under a slow, failing or recovering server: callers never block, memory stays
bounded, retries follow the rules, and nothing is lost or duplicated."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from footfall_client import APIError, QueueFullError, TransportError

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _delivered_ids(receiver) -> list[str]:
    return [m["messageId"] for r in receiver.seen if r.status == 200 for m in r.json()["batch"]]


def test_enqueue_returns_while_the_server_is_blocked(receiver, make_provider):
    receiver.gate.clear()  # the server holds every request
    p = make_provider("footfall", "wk", host=receiver.url, flush_at=100, flush_interval=0)
    p.track("first", anonymous_id="a")
    assert receiver.entered.wait(5)  # the consumer is stuck inside a request
    results = [p.track("more", {"i": i}, anonymous_id="a") for i in range(2000)]
    assert all(results)
    assert receiver.seen == []  # every call returned while the server was still blocked
    assert not receiver.gate.is_set()
    receiver.gate.set()
    assert p.flush(10)
    assert len(_delivered_ids(receiver)) == 2001


def test_full_queue_drops_and_counts_instead_of_blocking(receiver, make_provider):
    receiver.gate.clear()
    errors = []
    p = make_provider(
        "footfall",
        "wk",
        host=receiver.url,
        flush_at=1,
        flush_interval=0,
        max_queue_size=10,
        on_error=lambda e, m: errors.append((e, m)),
    )
    p.track("first", anonymous_id="a")
    assert receiver.entered.wait(5)
    results = [p.track("more", {"i": i}, anonymous_id="a") for i in range(50)]
    assert results == [True] * 10 + [False] * 40
    assert p._dispatch._queue.qsize() == 10  # bounded memory
    assert p.stats["dropped"] == 40
    assert len(errors) == 40
    assert all(isinstance(e, QueueFullError) and len(m) == 1 for e, m in errors)
    assert [m[0]["properties"]["i"] for _, m in errors] == list(range(10, 50))
    receiver.gate.set()
    assert p.flush(10)
    assert len(_delivered_ids(receiver)) == 11


def test_server_recovering_from_503_and_hangups_gets_everything_exactly_once(
    receiver, make_provider
):
    for status in (503, 0, 503, 502, 0, 500):
        receiver.reply(status, "try later")
    receiver.default = (200, {}, b'{"accepted":10,"errors":[]}')
    errors = []
    p = make_provider(
        "footfall",
        "wk",
        host=receiver.url,
        flush_at=10,
        flush_interval=0.01,
        on_error=lambda e, m: errors.append(e),
    )
    sent = [f"m{i}" for i in range(60)]
    for message_id in sent:
        p.track("Event", anonymous_id="a", message_id=message_id)
    assert p.flush(10)
    delivered = Counter(_delivered_ids(receiver))
    assert sorted(delivered) == sorted(sent)
    assert set(delivered.values()) == {1}
    assert errors == []
    assert [r.status for r in receiver.seen if r.status != 200] == [503, 0, 503, 502, 0, 500]
    assert p.stats["retries"] >= 4  # a hang-up on a kept-alive connection is re-sent at once
    assert p.stats["delivered"] == 60


def test_429_retry_after_is_honoured(receiver, make_provider):
    receiver.reply(429, "slow down", Retry_After="1")
    p = make_provider("footfall", "wk", host=receiver.url, backoff_base=0.001)
    p.track("E", anonymous_id="a")
    assert p.flush(10)
    first, second = receiver.wait_count(2)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.9  # waited as told, not the 1 ms backoff
    assert first.json()["batch"] == second.json()["batch"]


def test_400_is_not_retried_and_the_consumer_keeps_going(receiver, make_provider):
    receiver.reply(400, '{"code":"invalid","message":"bad"}')
    errors = []
    p = make_provider(
        "footfall", "wk", host=receiver.url, on_error=lambda e, m: errors.append((e, m))
    )
    p.track("Bad", anonymous_id="a")
    p.flush(5)
    p.track("Good", anonymous_id="a")
    p.flush(5)
    assert [r.status for r in receiver.seen] == [400, 200]
    [(error, messages)] = errors
    assert isinstance(error, APIError) and error.status == 400 and not error.retryable
    assert messages[0]["event"] == "Bad"
    assert p.stats["failed"] == 1 and p.stats["delivered"] == 1


def test_gives_up_after_max_retries(receiver, make_provider):
    receiver.default = (500, {}, b"boom")
    errors = []
    p = make_provider(
        "footfall", "wk", host=receiver.url, max_retries=2, on_error=lambda e, m: errors.append(e)
    )
    p.track("E", anonymous_id="a")
    p.flush(5)
    assert len(receiver.seen) == 3
    assert len(errors) == 1 and errors[0].status == 500


def test_batches_are_bounded_by_time(receiver, make_provider):
    p = make_provider("footfall", "wk", host=receiver.url, flush_at=100, flush_interval=0.05)
    for i in range(3):
        p.track("E", {"i": i}, anonymous_id="a")
    [request] = receiver.wait_count(1)  # sent without flush()
    assert len(request.json()["batch"]) == 3


def test_batches_are_bounded_by_count(receiver, make_provider):
    p = make_provider("footfall", "wk", host=receiver.url, flush_at=5, flush_interval=30)
    for i in range(12):
        p.track("E", {"i": i}, anonymous_id="a")
    assert [len(r.json()["batch"]) for r in receiver.wait_count(2)] == [5, 5]
    p.flush(5)
    assert [len(r.json()["batch"]) for r in receiver.seen] == [5, 5, 2]


def _closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_network_failures_never_raise(make_provider):
    errors = []
    p = make_provider(
        "segment", "k", host=_closed_port(), max_retries=1, on_error=lambda e, m: errors.append(e)
    )
    assert p.track("E", user_id="u") is True
    assert p.flush(5)
    assert isinstance(errors[0], TransportError)
    assert str(errors[0]).startswith("ConnectionRefusedError from 127.0.0.1:")
    sync = make_provider("segment", "k", host=_closed_port(), sync=True, max_retries=0)
    assert sync.track("E", user_id="u") is False
    strict = make_provider(
        "segment", "k", host=_closed_port(), sync=True, max_retries=0, fail_silently=False
    )
    with pytest.raises(TransportError):
        strict.track("E", user_id="u")


def test_a_raising_on_error_callback_does_not_stop_delivery(receiver, make_provider, caplog):
    receiver.reply(400, "no")

    def on_error(error, messages):
        raise RuntimeError("callback bug")

    p = make_provider("footfall", "wk", host=receiver.url, on_error=on_error)
    p.track("A", anonymous_id="a", properties={"secret": "s3cr3t-payload"})
    p.flush(5)
    p.track("B", anonymous_id="a")
    p.flush(5)
    assert [r.status for r in receiver.seen] == [400, 200]
    assert "s3cr3t-payload" not in caplog.text  # logs never carry payloads


def test_shutdown_returns_even_if_the_server_hangs(receiver, make_provider):
    receiver.gate.clear()
    p = make_provider("footfall", "wk", host=receiver.url, flush_at=1, timeout=30)
    p.track("E", anonymous_id="a")
    assert receiver.entered.wait(5)
    p.shutdown(timeout=0.2)
    assert p.track("after", anonymous_id="a") is False  # closed: dropped, not queued forever
    receiver.gate.set()


def test_pending_events_are_flushed_at_interpreter_exit(receiver):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {SRC!r})
        from footfall_client import Provider
        p = Provider("footfall", "wk", host={receiver.url!r}, flush_interval=60)
        for i in range(5):
            p.track("at-exit", {{"i": i}}, anonymous_id="a")
        """
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=30, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert [m["properties"]["i"] for m in receiver.wait_count(1)[0].json()["batch"]] == [
        0,
        1,
        2,
        3,
        4,
    ]
