"""Grading cost and sandbox memory of the Week 2 assignments (w2a1_word_vectors, w2a2_emojify).

    .venv/bin/python benchmarks/w2a_grading.py [w2a1_word_vectors] [w2a2_emojify] [--runs 2]

For each assignment, one warm worker (this process) grades the solution notebook ``--runs``
times in a row (the first run also imports the graders and computes the cached expected
values). Per run it prints:

- ``seconds``: the whole grading of the submission (sandbox start, cells, hidden graders);
- ``inside_seconds``: the learner process's own time in learner code (cells and calls);
- their ratio (the w2a1 issue asks for at most 2 in a warm worker);
- ``peak_mb``: the peak memory of the submission's sandbox as its memory cgroup counts it
  (resident memory of every process in it, page cache it brought in, tmpfs), read just
  before the sandbox is torn down. Needs root (cgroups); prints "n/a" otherwise.

``--cold`` first asks the kernel to drop the GloVe files from the page cache
(posix_fadvise DONTNEED, only those files), so that the sandbox that reads them is the one
charged for them: the worst case for its memory limit.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograde import runner  # noqa: E402
from autograde.assignment import load_assignment  # noqa: E402
from autograde.engine import Grader, Job  # noqa: E402

PEAKS: list[int | None] = []


def _peak_bytes(group) -> int | None:
    if group is None:
        return None
    for d in group.dirs:
        for name in ("memory.max_usage_in_bytes", "memory.peak"):
            f = d / name
            if f.exists():
                try:
                    return int(f.read_text().split()[0])
                except (OSError, ValueError):
                    return None
    return None


_close = runner.StudentSession.close


def _recording_close(self) -> None:
    if self._proc is not None:
        PEAKS.append(_peak_bytes(self._proc.group))
    _close(self)


runner.StudentSession.close = _recording_close


def drop_glove_from_page_cache() -> None:
    import os

    for path in (ROOT / "datasets" / "glove").glob("glove.6B.50d.*"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("assignments", nargs="*", default=["w2a1_word_vectors", "w2a2_emojify"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cold", action="store_true", help="drop the GloVe files from the page cache before each run")
    args = parser.parse_args()
    grader = Grader()
    out = {}
    for aid in args.assignments:
        assignment = load_assignment(aid, ROOT)
        rows = []
        for run in range(args.runs):
            PEAKS.clear()
            if args.cold:
                drop_glove_from_page_cache()
            res = grader.grade(Job(aid, str(assignment.source_path), None, str(ROOT)))
            peak = max((p for p in PEAKS if p), default=None)
            row = {"run": run + 1, "score": res.score, "max_score": res.max_score, "seconds": res.seconds,
                   "inside_seconds": res.inside_seconds,
                   "ratio": round(res.seconds / res.inside_seconds, 3) if res.inside_seconds else None,
                   "peak_mb": round(peak / 2 ** 20) if peak else "n/a"}
            rows.append(row)
            print(aid, json.dumps(row), flush=True)
        out[aid] = rows
    grader.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
