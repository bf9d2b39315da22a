"""Throughput and peak memory: `autograde grade` against `nbgrader autograde`, same 20 submissions.

The peer is what an instructor would do without this engine: nbgrader's own autograder,
with the notebook's public checks as its test cells, executing each submission in a kernel.
Both run in this one invocation, on the same machine, over the same notebooks (the solution,
the untouched release and 18 wrong or alternative implementations from the graders'
catalog). Reported as ratios. Peak memory is the largest total RSS of each command's whole
process tree (sampled every 50 ms from /proc).

Usage: .venv/bin/python benchmarks/bench_grading.py [--workers N] [--out build/bench/results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograde.catalog import load_catalog  # noqa: E402
from autograde.course import load_assignment  # noqa: E402
from autograde.validate import variant_notebook  # noqa: E402

ASSIGNMENT = "w1a1_rnn_step_by_step"
BIN = Path(sys.executable).parent


def tree_rss_kib(pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def measure(cmd: list[str], cwd: Path, env: dict) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kib(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{output[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak[0] / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "results.json"))
    args = parser.parse_args()
    assignment = load_assignment(ASSIGNMENT, ROOT)
    work = ROOT / "build" / "bench"
    if work.exists():
        shutil.rmtree(work)
    (work / "variants").mkdir(parents=True)
    source = assignment.source_dir / assignment.notebook_name
    wrong, correct = load_catalog(ROOT, ASSIGNMENT)
    picks = [source, assignment.release_dir / assignment.notebook_name]
    picks += [variant_notebook(source, v, work / "variants") for v in (wrong[::6] + correct[::5])[:18]]
    assert len(picks) == 20, len(picks)

    # the peer's course: our source notebook (public checks in its autograder cells) and 20 submissions
    course = work / "nbgrader-course"
    shutil.copytree(assignment.source_dir, course / "source" / ASSIGNMENT)
    for i, nb in enumerate(picks):
        dest = course / "submitted" / f"student{i:02d}" / ASSIGNMENT
        dest.mkdir(parents=True)
        shutil.copyfile(nb, dest / assignment.notebook_name)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "TF_CPP_MIN_LOG_LEVEL": "3",
           "TF_ENABLE_ONEDNN_OPTS": "0"}
    nbg = [str(BIN / "nbgrader")]
    conf = [f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    subprocess.run(nbg + ["generate_assignment", ASSIGNMENT, "--force", *conf], cwd=course, env=env, check=True,
                   capture_output=True)
    for i in range(len(picks)):
        subprocess.run(nbg + ["db", "student", "add", f"student{i:02d}", *conf], cwd=course, env=env, check=True,
                       capture_output=True)

    ours = measure([str(BIN / "autograde"), "grade", ASSIGNMENT, *map(str, picks), "--workers", str(args.workers),
                    "--json", str(work / "autograde.json")], ROOT, env)
    peer = measure(nbg + ["autograde", ASSIGNMENT, "--force", *conf,
                          "--ExecutePreprocessor.timeout=120"], course, env)
    n = len(picks)
    ours["throughput_per_min"] = round(60 * n / ours["seconds"], 2)
    peer["throughput_per_min"] = round(60 * n / peer["seconds"], 2)
    report = {"submissions": n, "workers": args.workers, "cpus": os.cpu_count(),
              "autograde": ours, "nbgrader_autograde": peer,
              "throughput_ratio_autograde_over_nbgrader": round(ours["throughput_per_min"] / peer["throughput_per_min"], 2),
              "peak_memory_ratio_autograde_over_nbgrader": round(ours["peak_rss_mib"] / max(peer["peak_rss_mib"], 1), 2),
              "note": "autograde runs the hidden TensorFlow graders (about 40 checks per notebook) in sandboxed "
                      "processes; nbgrader runs only the notebook's public checks, unsandboxed, in a kernel"}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
