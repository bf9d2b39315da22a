"""A grader worker's resident memory stays flat as it grades (a shorter run of
benchmarks/memory_curve.py, in its own process, like a pool worker)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_worker_memory_does_not_grow_with_submissions(tmp_path):
    out = tmp_path / "memory.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "memory_curve.py"), "--n", "60",
                           "--out", str(out)], capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["growth"] <= 1.10, report  # the last submission's level within 10 % of the 20th's
    assert report["peak_mib"] <= 1200, report
    if report["learner_peak_mib"]:
        assert report["learner_peak_mib"] <= 300, report
