"""Cold start of the command line: `autograde --help`, and grading ONE notebook from nothing.

Runs each command several times in fresh processes and reports the median wall time. Give
other checkouts (e.g. an older commit in a git worktree) to compare them in the same run:
each is run with its own autograde package first on the Python path.

    .venv/bin/python benchmarks/cold_start.py [--repeat 5] [--checkout DIR ...] [--out build/bench/cold_start.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "source/w1a1_rnn_step_by_step/rnn_step_by_step.ipynb"


def wall(cmd: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started


def measure(checkout: Path, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "AUTOGRADE_COURSE": str(checkout),
           "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    cli = [sys.executable, "-m", "autograde.cli"]
    help_times = [wall(cli + ["--help"], checkout, env) for _ in range(repeat)]
    grade_times = [wall(cli + ["grade", "w1a1_rnn_step_by_step", NOTEBOOK, "--workers", "1"], checkout, env)
                   for _ in range(max(1, repeat // 2))]
    return {"checkout": str(checkout), "help_median_s": round(statistics.median(help_times), 3),
            "help_s": [round(t, 3) for t in help_times],
            "grade_one_notebook_median_s": round(statistics.median(grade_times), 2),
            "grade_one_notebook_s": [round(t, 2) for t in grade_times]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checkout", action="append", default=[], help="another checkout to measure too")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "cold_start.json"))
    args = parser.parse_args()
    report = [measure(ROOT, args.repeat)] + [measure(Path(c).resolve(), args.repeat) for c in args.checkout]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
