"""Resident memory of ONE grader worker over many submissions, and of its learner processes.

A worker grades N submissions of an assignment (a repeating mix of the solution, the untouched
release and catalog variants) in one process, exactly as a pool worker does; after each one
its resident memory (VmRSS) is recorded, and the sandboxes' peak resident memory is read from
their memory cgroups. The worker must not grow with the number of submissions: what it holds
is its imports, the grader sessions and the expected values of the fixed hidden inputs.

    .venv/bin/python benchmarks/memory_curve.py [--assignment ID] [--n 300] [--out build/bench/memory-ID.json]

Prints and writes JSON: rss_mib per submission, the level after the first 20, the last,
growth (last / after 20), peak, and the learner processes' peak.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograde import cgroups  # noqa: E402
from autograde.assignment import load_assignment  # noqa: E402
from autograde.catalog import load_catalog  # noqa: E402
from autograde.engine import Grader, Job  # noqa: E402
from autograde.validate import variant_notebook  # noqa: E402


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class LearnerPeak:
    """The largest resident memory any sandbox of this worker reached (memory cgroup high-water mark)."""

    def __init__(self) -> None:
        self.peak = 0.0
        original = cgroups.Group.remove

        def remove(group: cgroups.Group) -> None:
            for d in group.dirs:
                for name in ("memory.max_usage_in_bytes", "memory.peak"):
                    try:
                        self.peak = max(self.peak, int((d / name).read_text()) / 2**20)
                    except (OSError, ValueError):
                        pass
            original(group)

        cgroups.Group.remove = remove


def submissions(assignment, out: Path) -> list[Path]:
    catalog = load_catalog(assignment.catalog_path)
    picks = [assignment.source_path, assignment.release_path]
    picks += [variant_notebook(assignment.source_path, v, out) for v in (catalog.wrong[::3] + catalog.correct[::3])]
    return picks


def run(assignment_id: str, n: int) -> dict:
    assignment = load_assignment(assignment_id, ROOT)
    learner = LearnerPeak()
    with tempfile.TemporaryDirectory(prefix="autograde-memory-") as tmp:
        picks = submissions(assignment, Path(tmp))
        grader = Grader()
        curve, started = [], time.monotonic()
        try:
            for i in range(n):
                grader.grade(Job(assignment.id, str(picks[i % len(picks)]), None, str(ROOT)))
                curve.append(round(rss_mib(), 1))
        finally:
            grader.close()
    first = curve[min(19, len(curve) - 1)]
    return {"assignment": assignment_id, "submissions": n, "distinct_notebooks": len(picks),
            "seconds": round(time.monotonic() - started, 1), "rss_mib": curve, "after_20_mib": first,
            "last_mib": curve[-1], "growth": round(curve[-1] / first, 3), "peak_mib": max(curve),
            "learner_peak_mib": round(learner.peak, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="w1a1_rnn_step_by_step")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--out")
    args = parser.parse_args()
    report = run(args.assignment, args.n)
    out = Path(args.out or ROOT / "build" / "bench" / f"memory-{args.assignment}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "rss_mib"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
