"""Getting messages to the platform without ever slowing the application down.

``ThreadedDispatcher``: callers put finished-enough messages on a bounded queue and return at
once (a full queue drops the message and counts it; it never blocks). One daemon thread
finalizes and encodes them, packs batches bounded by count, bytes and time, and sends each with
retries. ``SyncDispatcher`` does the same work on the caller's thread, for scripts and
serverless functions. Both report every lost message to ``on_error`` and count it in
:class:`Stats`; neither raises network failures into the caller (unless ``fail_silently=False``
in sync mode). Logs carry counts, status codes and error classes, never payloads.
"""

from __future__ import annotations

import logging
import os
import queue
import random
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .batching import Batcher, Limits, Record
from .errors import (
    APIError,
    DeliveryError,
    EncodeError,
    MessageTooLargeError,
    QueueFullError,
    RejectedError,
    ShutdownError,
)
from .message import Message, iso_timestamp
from .providers.base import Destination
from .retry import RetryPolicy
from .transport import Transport

log = logging.getLogger("footfall_client")
log.addHandler(logging.NullHandler())

OnError = Callable[[Exception, list[Message]], Any]


@dataclass
class Stats:
    """Counts of records (one message may make several, or none, on a platform)."""

    delivered: int = 0  # accepted by the platform
    dropped: int = 0  # messages dropped because the queue was full
    failed: int = 0  # given up after retries, or refused as a whole batch
    rejected: int = 0  # refused one by one, too large, or not encodable
    retries: int = 0
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {k: v for k, v in vars(self).items() if not k.startswith("_")}


class Reporter:
    """Counts outcomes and hands every loss to ``on_error``, whose own errors are swallowed."""

    def __init__(self, destination_name: str, on_error: OnError | None) -> None:
        self.name = destination_name
        self.on_error = on_error
        self.stats = Stats()

    def lost(self, error: DeliveryError, messages: list[Message], counter: str) -> None:
        self.stats.add(**{counter: len(messages)})
        if counter == "dropped" and self.stats.dropped % 1000 != 1:
            pass  # a flood of drops logs once per thousand
        elif isinstance(error, APIError):
            log.warning("%s: %d lost, HTTP %d", self.name, len(messages), error.status)
        else:
            log.warning("%s: %d lost, %s", self.name, len(messages), type(error).__name__)
        if self.on_error is not None:
            try:
                self.on_error(error, messages)
            except Exception:
                log.exception("%s: on_error callback raised", self.name)


class Sender:
    """Sends one batch, retrying what is worth retrying, and reports the outcome."""

    def __init__(
        self,
        destination: Destination,
        transport: Transport,
        reporter: Reporter,
        *,
        policy: RetryPolicy,
        timeout: float,
        abort: threading.Event,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.destination = destination
        self.transport = transport
        self.reporter = reporter
        self.policy = policy
        self.timeout = timeout
        self.abort = abort
        self.rand = rand

    def send(self, key: Hashable, records: Sequence[Record]) -> DeliveryError | None:
        stats = self.reporter.stats
        attempt = 0
        while True:
            try:
                request = self.destination.build_request(key, records, iso_timestamp(time.time()))
                stats.add(requests=1)
                response = self.transport.send(request, self.timeout)
                rejected = self.destination.check(response, records)
            except DeliveryError as exc:
                if self.policy.should_retry(exc, attempt) and not self.abort.is_set():
                    stats.add(retries=1)
                    if self.abort.wait(self.policy.delay(exc, attempt, self.rand())):
                        exc = ShutdownError("gave up retrying: the client is shutting down")
                    else:
                        attempt += 1
                        continue
                self.reporter.lost(exc, [r.message for r in records], "failed")
                return exc
            except Exception as exc:  # a bug in a destination must not stop delivery
                log.exception("%s: could not send a batch", self.reporter.name)
                error = EncodeError(f"{type(exc).__name__} while sending")
                self.reporter.lost(error, [r.message for r in records], "failed")
                return error
            stats.add(delivered=len(records) - len(rejected))
            if rejected:
                reasons = "; ".join(f"#{i}: {why}" for i, why in rejected[:5])
                refused = RejectedError(f"{len(rejected)} rejected ({reasons})")
                messages = [records[i].message for i, _ in rejected if 0 <= i < len(records)]
                self.reporter.lost(refused, messages, "rejected")
                return refused
            return None


class _Core:
    """Shared by both dispatchers: finalize + encode one message, pack with platform limits."""

    def __init__(
        self,
        destination: Destination,
        finalize: Callable[[Message], Message],
        reporter: Reporter,
        flush_at: int,
    ) -> None:
        self.destination = destination
        self.finalize = finalize
        self.reporter = reporter
        self.flush_at = max(1, flush_at)
        self._limits: dict[Hashable, Limits] = {}

    def limits(self, key: Hashable) -> Limits:
        limits = self._limits.get(key)
        if limits is None:
            base = self.destination.limits(key)
            limits = Limits(
                max_count=min(base.max_count, self.flush_at),
                max_bytes=base.max_bytes,
                max_record_bytes=base.max_record_bytes,
                separator_bytes=base.separator_bytes,
                envelope_bytes=base.envelope_bytes,
            )
            self._limits[key] = limits
        return limits

    def encode(self, message: Message) -> list[Record]:
        try:
            return self.destination.encode(self.finalize(message))
        except Exception as exc:
            error = EncodeError(f"{type(exc).__name__} while encoding a {message.get('type')}")
            self.reporter.lost(error, [message], "rejected")
            return []

    def pack(self, batcher: Batcher, records: list[Record]) -> list[tuple[Hashable, list[Record]]]:
        ready: list[tuple[Hashable, list[Record]]] = []
        for record in records:
            try:
                ready.extend((record.key, batch) for batch in batcher.add(record))
            except MessageTooLargeError as exc:
                self.reporter.lost(exc, [record.message], "rejected")
        return ready


class SyncDispatcher:
    """Sends on the caller's thread: each call returns once its message is delivered or lost."""

    def __init__(self, core: _Core, sender: Sender, *, fail_silently: bool = True) -> None:
        self.core = core
        self.sender = sender
        self.fail_silently = fail_silently

    def put(self, message: Message) -> bool:
        batcher = Batcher(self.core.limits)
        batches = self.core.pack(batcher, self.core.encode(message))
        batches += [(batch[0].key, batch) for batch in batcher.drain()]
        ok = True
        for key, batch in batches:
            error = self.sender.send(key, batch)
            if error is not None:
                ok = False
                if not self.fail_silently:
                    raise error
        return ok

    def flush(self, timeout: float | None = None) -> bool:
        return True

    def shutdown(self, timeout: float | None = None) -> None:
        self.sender.transport.close()


class _Flush:
    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class ThreadedDispatcher:
    """A bounded queue and one consumer thread, started on first use and again after fork."""

    def __init__(
        self,
        core: _Core,
        sender: Sender,
        *,
        max_queue_size: int,
        flush_interval: float,
    ) -> None:
        self.core = core
        self.sender = sender
        self.max_queue_size = max_queue_size
        self.flush_interval = flush_interval
        self._reset()
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _call(ref, "_after_fork"))

    def _reset(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(self.max_queue_size)
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def _after_fork(self) -> None:
        """In a child process: forget the parent's queue, thread, locks and sockets.

        The parent still owns (and will send) what it had queued; the child starts empty and
        starts its own thread on its first message.
        """
        self._reset()
        self.sender.abort = threading.Event()
        self.sender.reporter.stats = Stats()
        self.sender.transport.reset()

    def put(self, message: Message) -> bool:
        if self._thread is None:
            self._start()
        if self._closed:
            self.core.reporter.lost(ShutdownError("client is shut down"), [message], "dropped")
            return False
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self.core.reporter.lost(QueueFullError("queue full"), [message], "dropped")
            return False
        return True

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._closed:
                thread = threading.Thread(target=self._run, name="footfall-client", daemon=True)
                thread.start()
                self._thread = thread

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued before this call has been sent or given up on."""
        if self._thread is None or not self._thread.is_alive():
            return self._queue.empty()
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    def shutdown(self, timeout: float | None = None) -> None:
        """Flush, then stop the thread. Retries still pending after ``timeout`` are abandoned."""
        if self._closed:
            return
        flushed = self.flush(timeout)
        self._closed = True
        if not flushed:
            self.sender.abort.set()
        if self._thread is not None:
            try:
                self._queue.put(_STOP, timeout=0.1)
            except queue.Full:
                self.sender.abort.set()
            self._thread.join(timeout if flushed else 0.1)
        self.sender.transport.close()

    def _run(self) -> None:
        batcher = Batcher(self.core.limits)
        deadline: float | None = None
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                item = None
            try:
                if item is None or item is _STOP or isinstance(item, _Flush):
                    self._send(batcher.drain())
                    deadline = None
                    if isinstance(item, _Flush):
                        item.done.set()
                    elif item is _STOP:
                        return
                    continue
                ready = self.core.pack(batcher, self.core.encode(item))
                self._send([batch for _, batch in ready])
                if not len(batcher):
                    deadline = None
                elif deadline is None:
                    deadline = time.monotonic() + self.flush_interval
            except Exception:  # never let the consumer die
                log.exception("footfall-client consumer error")

    def _send(self, batches: list[list[Record]]) -> None:
        for batch in batches:
            self.sender.send(batch[0].key, batch)


def _call(ref: weakref.ref[Any], method: str) -> None:
    target = ref()
    if target is not None:
        getattr(target, method)()
