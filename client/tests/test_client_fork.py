"""After ``fork()`` (gunicorn --preload, multiprocessing) the child gets its own queue and
thread: it sends what it tracks, and never re-sends what the parent had queued."""

from __future__ import annotations

import os
import sys
import warnings

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def test_child_after_fork_has_a_fresh_queue_and_thread(receiver, make_provider):
    p = make_provider("footfall", "wk", host=receiver.url, flush_interval=30)
    p.track("parent-before-fork", anonymous_id="parent")  # parent thread running, event pending
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # the child: no pytest teardown, report through the exit code only
        code = 1
        try:
            ok = p.track("child", anonymous_id="child") and p.flush(5)
            stats = p.stats
            code = 0 if ok and stats["delivered"] == 1 and stats["failed"] == 0 else 3
        except BaseException:
            code = 2
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert p.track("parent-after-fork", anonymous_id="parent")
    assert p.flush(5)
    events = sorted(m["event"] for r in receiver.seen for m in r.json()["batch"])
    assert events == ["child", "parent-after-fork", "parent-before-fork"]
    assert p.stats["delivered"] == 2
