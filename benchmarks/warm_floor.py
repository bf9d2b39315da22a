"""Per-submission grading cost in a WARM worker against its floor, and where the rest goes.

The floor of a submission is the time the learner process spends in learner code (its cells
and its functions on the hidden inputs: ``NotebookResult.inside_seconds``). For each
assignment, one warm grader (pool, zygote and stored expected values ready) grades the
solution notebook ``--warmup`` times, then ``--n`` times measured; the report gives the mean
per-submission time, the floor, their ratio, and a breakdown: the protocol round trips
(count, their time, the learner's time inside them), the session's start (a fresh sandbox
from the zygote and the notebook's cells, whose round trips are counted among the others) and
close, pytest's own machinery around the grader tests (setup, reports, teardown: the items' time
less their test functions' time), the decoding of the learner's replies, and the rest (the
grader's comparisons, the sandbox's reset).

It also measures what no grader of this design can go below: the learner side alone. The
requests one graded submission sent (its cells and every grader call, as bytes) are replayed
to a fresh sandbox from the same pool, with no pytest, no decoding and no comparison: "sandbox
only" is taking a process and resetting it (no request), "sandbox and cells" adds the cells,
"replayed requests" adds every call. Each is a lower bound, over the floor, for any grader that
gives each submission a fresh sandbox and talks to it through this protocol.

    .venv/bin/python benchmarks/warm_floor.py [--assignments w1a1_rnn_step_by_step,...] [--n 10]
        [--out build/bench/warm_floor.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from autograde import runner  # noqa: E402
from autograde.assignment import discover, load_assignment  # noqa: E402
from autograde.engine import Grader, Job  # noqa: E402

TIMES: dict[str, float] = defaultdict(float)
COUNTS: dict[str, int] = defaultdict(int)


def _timed(owner, name: str, label: str, inside: bool = False) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            reply = original(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - started
            COUNTS[label] += 1
        if inside:
            TIMES["learner time in round trips"] += float(reply.header.get("elapsed") or 0.0)
        return reply

    setattr(owner, name, wrapper)


import _pytest.python  # noqa: E402
import _pytest.runner  # noqa: E402

_timed(runner.LearnerProcess, "request", "round trips", inside=True)
_timed(runner.StudentSession, "decode", "decoding replies")
_timed(_pytest.runner, "runtestprotocol", "pytest items")  # looked up at each run by the grader session
_timed(_pytest.python.Function, "runtest", "test functions")
_timed(runner.StudentSession, "start", "session start")
_timed(runner.StudentSession, "close", "session close")

RECORDED: list[tuple[dict, list[bytes], float]] | None = None  # set to a list to record the requests sent
_request = runner.LearnerProcess.request


def _recording(self, header, blobs, timeout):
    if RECORDED is not None:
        RECORDED.append((dict(header), list(blobs), timeout))
    return _request(self, header, blobs, timeout)


runner.LearnerProcess.request = _recording


def learner_side(pool: runner.LearnerPool, requests: list, n: int) -> dict:
    """Per-submission ms of a fresh sandbox serving the recorded requests raw: none, the cells, all."""
    cells = [r for r in requests if r[0].get("op") == "run_cell"]
    out = {}
    for label, sent in (("sandbox only", []), ("sandbox and cells", cells), ("replayed requests", requests)):
        started = time.perf_counter()
        for _ in range(n):
            proc = pool.take()
            for header, blobs, timeout in sent:
                reply = proc.request(header, blobs, timeout)
                assert reply.header.get("ok") or "error" in reply.header
            pool.give_back(proc)
        out[label] = round((time.perf_counter() - started) / n * 1000, 1)
    return out


def measure(aid: str, n: int, warmup: int) -> dict:
    global RECORDED
    assignment = load_assignment(aid, ROOT)
    grader = Grader()
    try:
        grader.state(aid, None).warm()
        time.sleep(5)  # the pool's sandboxes finish starting
        for _ in range(warmup):
            grader.grade(Job(aid, str(assignment.source_path)))
        RECORDED = []
        grader.grade(Job(aid, str(assignment.source_path)))
        requests, RECORDED = RECORDED, None
        TIMES.clear()
        COUNTS.clear()
        inside, started = 0.0, time.perf_counter()
        for _ in range(n):
            result = grader.grade(Job(aid, str(assignment.source_path)))
            assert result.score == result.max_score, f"{aid}: the solution did not earn full marks"
            inside += result.inside_seconds
        per = (time.perf_counter() - started) / n
        ms = {k: round(v / n * 1000, 1) for k, v in TIMES.items()}
        ms["pytest machinery"] = round((TIMES["pytest items"] - TIMES["test functions"]) / n * 1000, 1)
        accounted = TIMES["round trips"] + TIMES["session close"]  # the start's own round trips are among them
        round_trips = COUNTS["round trips"]
        bounds = learner_side(grader.state(aid, None).pool, requests, n)
    finally:
        grader.close()
    return {"assignment": aid, "submissions": n, "per_submission_ms": round(per * 1000, 1),
            "floor_ms": round(inside / n * 1000, 1), "ratio": round(per / (inside / n), 2) if inside else None,
            "round_trips_per_submission": round(round_trips / n, 1), "breakdown_ms": ms,
            "rest_ms (grader's own work)": round((per * n - accounted) / n * 1000, 1),
            "learner side alone_ms": bounds,
            "learner side alone_ratio": {k: round(v / (inside / n * 1000), 2) for k, v in bounds.items()}
            if inside else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default=",".join(discover(ROOT)))
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "warm_floor.json"))
    args = parser.parse_args()
    rows = []
    for aid in args.assignments.split(","):
        row = measure(aid, args.n, args.warmup)
        rows.append(row)
        print(f"{aid}: {row['per_submission_ms']} ms per submission, floor {row['floor_ms']} ms, "
              f"ratio {row['ratio']}x; {row['breakdown_ms']}; learner side alone {row['learner side alone_ms']} ms "
              f"({row['learner side alone_ratio']}x the floor)", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "python": sys.version.split()[0],
                               "assignments": rows}, indent=1) + "\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
