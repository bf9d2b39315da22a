"""A stopped learner cannot hold the grader, in every assignment's sandbox: its own module because
the bound is on wall-clock time, so it runs after the background commands (``quiet``), when the
CPU is shared with one other stream of tests, not with four busy processes (there, once, the
kill of a stopped sandbox was seen to take 8 s more than here)."""
from __future__ import annotations

import pytest
from conftest import ROOT

from autograde.assignment import discover, load_assignment
from autograde.protocol import Op
from autograde.runner import LearnerPool, StudentSession

pytestmark = pytest.mark.quiet


@pytest.fixture(scope="module", params=discover(ROOT))
def pool(request, background_finished):
    pool = LearnerPool(load_assignment(request.param, ROOT).sandbox_spec())
    yield pool
    pool.close()


def test_learner_that_stops_cannot_hold_the_grader(pool):
    """A learner that stops itself (SIGSTOP) before answering, or while the grader sends a large
    argument: both directions of the exchange run under the deadline, and the sandbox is killed."""
    import time

    import numpy as np

    from autograde.runner import StudentTimeout

    code = ("import os, signal, threading\n"
            "def f(x):\n    return 1\n"
            "def stop_now():\n    os.kill(os.getpid(), signal.SIGSTOP)\n"
            "def stop_soon():\n    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGSTOP)).start()\n")
    session = StudentSession(pool, [("stop", code)], cell_timeout=30, call_timeout=3, budget=120)
    try:
        session.start()
        started = time.monotonic()
        with pytest.raises(StudentTimeout):
            session.request(Op.CALL, {"name": "stop_now", "args": [], "kwargs": {}})
        assert time.monotonic() - started < 10
        session.request(Op.CALL, {"name": "stop_soon", "args": [], "kwargs": {}})  # a fresh process
        time.sleep(1.0)
        started = time.monotonic()
        with pytest.raises(StudentTimeout):
            session.request(Op.CALL, {"name": "f", "args": [np.zeros(8 << 20)], "kwargs": {}})  # 64 MB
        assert time.monotonic() - started < 10
    finally:
        session.close()
