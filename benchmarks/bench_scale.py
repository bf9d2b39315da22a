"""Scale, measured: course batches of w1a1 on the local pool and on a local Dask cluster.

- 100 and 1,000 submissions (a realistic mix, every file distinct) graded in course mode
  with the local pool into SQLite: throughput, and the coordinator's peak memory (VmHWM of
  the `autograde grade` process itself; its workers are reported apart), which must not
  grow with the batch.
- 200 of them through a Dask cluster on this machine (`dask scheduler` + `dask worker
  --nworkers W --nthreads 1`): throughput and the coordinator's peak memory.
- The per-submission overhead Dask adds: batches of 100 and 400 malformed notebooks (graded in
  microseconds, so only dispatch, transfer and recording remain), each a fresh course,
  through each executor; the slope between the two sizes, and the steady-state interval
  between results, are the cost of one more submission, fixed costs excluded.

Not a test: it takes tens of minutes. Writes build/bench/scale.json.
Usage: .venv/bin/python benchmarks/bench_scale.py [--workers 2] [--sizes 100,1000] [--dask 200]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from autograde.assignment import load_assignment  # noqa: E402
from autograde.catalog import load_catalog  # noqa: E402

ASSIGNMENT = "w1a1_rnn_step_by_step"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(ROOT),
       "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
# what a real cohort hands in, roughly: most correct (many ways), a third with a mistake,
# some untouched, a few crashing, looping or broken files
MIX = (("correct", 0.55), ("wrong", 0.32), ("untouched", 0.06), ("crashing", 0.03), ("malformed", 0.02),
       ("looping", 0.01), ("stripped", 0.01))


def _notebooks(assignment):
    """Kind -> list of notebook templates (nbformat nodes, or raw text for malformed files)."""
    source = nbformat.read(str(assignment.source_path), as_version=4)
    catalog = load_catalog(ROOT / "tests" / "catalog" / f"{ASSIGNMENT}.py")

    def with_cell(grade_id: str, code: str):
        nb = nbformat.from_dict(json.loads(json.dumps(source)))
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                cell.source = code
        return nb

    stripped = nbformat.from_dict(json.loads(json.dumps(source)))
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    return {
        "correct": [source] + [with_cell(f"{v.exercise}_code", v.code) for v in catalog.correct],
        "wrong": [with_cell(f"{v.exercise}_code", v.code) for v in catalog.wrong],
        "untouched": [nbformat.read(str(assignment.release_path), as_version=4)],
        "crashing": [with_cell("rnn_forward_code", "def rnn_forward(x, a0, parameters):\n    import os\n    os._exit(1)\n"),
                     with_cell("lstm_cell_forward_code", "def lstm_cell_forward(xt, a_prev, c_prev, parameters):\n"
                               "    return [0] * 10 ** 10\n")],
        "malformed": ['{"cells": [', "not a notebook at all", ""],
        "looping": [with_cell("rnn_backward_code", "def rnn_backward(da, caches):\n    while True:\n        pass\n")],
        "stripped": [stripped],
    }


def build_course(where: Path, n: int, seed: int = 0, kinds: dict | None = None) -> dict[str, int]:
    """A course with n submissions drawn from MIX; every file distinct (the learner's name is in it)."""
    assignment = load_assignment(ASSIGNMENT, ROOT)
    templates = kinds or _notebooks(assignment)
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in ("source", "release", "graders", "datasets", "tests"):
        (where / name).symlink_to(ROOT / name)
    rng = random.Random(seed)
    names, weights = zip(*MIX)
    counts: dict[str, int] = {}
    for i in range(n):
        kind = rng.choices(names, weights)[0]
        counts[kind] = counts.get(kind, 0) + 1
        template = rng.choice(templates[kind])
        d = where / "submitted" / f"learner{i:05d}" / ASSIGNMENT
        d.mkdir(parents=True)
        path = d / assignment.notebook_name
        if isinstance(template, str):
            path.write_text(template + ("" if not template else f"  # learner{i:05d}"))
        else:
            nb = nbformat.from_dict(json.loads(json.dumps(template)))
            nb.metadata["learner"] = f"learner{i:05d}"
            nbformat.write(nb, str(path))
    return counts


def _status(pid: int) -> dict[str, int]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "PPid"):
            out[key] = int(value.split()[0])
    return out


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _status(int(entry)).get("PPid") == pid:
            kids.append(int(entry))
    return kids


def _logged(course: Path) -> list[dict]:
    path = course / "autograded" / f"{ASSIGNMENT}-results.jsonl"
    out = []
    for raw in path.read_bytes().splitlines() if path.exists() else []:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if data.get("kind") == "result":
            out.append(data["result"])
    return out


def steady_rate(course: Path) -> float:
    """Seconds between consecutive results in the middle 80 % of a batch (feedback pages' write times):
    the per-submission cost with every fixed cost (start-up, warming, the last stragglers) left out."""
    times = sorted(p.stat().st_mtime for p in (course / "feedback").rglob("*.html"))
    a, b = len(times) // 10, len(times) * 9 // 10
    return round((times[b] - times[a]) / max(1, b - a), 4) if b > a else float("nan")


def run_grade(course: Path, *extra: str, limit_s: float | None = None) -> dict:
    """`autograde grade` in course mode; wall time, the coordinator's peak RSS, its workers' peak total RSS.
    With ``limit_s``, a batch still running then is killed and measured on what it finished (it is resumable)."""
    cmd = [sys.executable, "-m", "autograde.cli", "grade", ASSIGNMENT, "--course-dir", str(course), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = {"coordinator_kib": 0, "workers_kib": 0}

    def sample() -> None:
        while proc.poll() is None:
            me = _status(proc.pid)
            peak["coordinator_kib"] = max(peak["coordinator_kib"], me.get("VmHWM", 0))
            peak["workers_kib"] = max(peak["workers_kib"], sum(_status(k).get("VmRSS", 0) for k in _children(proc.pid)))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stopped = False
    try:
        output, _ = proc.communicate(timeout=limit_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        stopped = True
    seconds = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0 and not stopped:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{output[-4000:]}")
    if stopped:
        results = _logged(course)
    else:
        results = json.loads((course / "autograded" / f"{ASSIGNMENT}-results.json").read_text())["results"]
    grading = sum(r["seconds"] for r in results)
    n = max(1, len(results))
    return {"submissions": len(results), "wall_s": round(seconds, 1),
            "stopped_at_time_limit": stopped,
            "throughput_per_min": round(60 * len(results) / seconds, 2),
            "sum_grading_s": round(grading, 1), "mean_grading_s": round(grading / n, 3),
            "coordinator_peak_rss_mib": round(peak["coordinator_kib"] / 1024, 1),
            "local_workers_peak_rss_mib": round(peak["workers_kib"] / 1024, 1),
            "failed": sum(r["status"] == "failed" for r in results),
            "mean_score": round(sum(r["score"] for r in results) / n, 2),
            "output_tail": (output.strip().splitlines() or [""])[-1][:300]}


class LocalDask:
    def __init__(self, where: Path, workers: int) -> None:
        where.mkdir(parents=True, exist_ok=True)
        sfile = where / "scheduler.json"
        sfile.unlink(missing_ok=True)
        self.procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                        "--no-dashboard", "--scheduler-file", str(sfile)], env=ENV,
                                       stdout=(where / "scheduler.log").open("w"), stderr=subprocess.STDOUT,
                                       start_new_session=True)]
        while not sfile.exists():
            time.sleep(0.2)
        self.address = json.loads(sfile.read_text())["address"]
        self.procs.append(subprocess.Popen([str(BIN / "dask"), "worker", self.address, "--nworkers", str(workers),
                                            "--nthreads", "1", "--no-dashboard", "--memory-limit", "0"], env=ENV,
                                           stdout=(where / "workers.log").open("w"), stderr=subprocess.STDOUT,
                                           start_new_session=True))
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=180)

    def close(self) -> None:
        import signal

        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(timeout=60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sizes", default="100,1000", help="local batch sizes")
    parser.add_argument("--dask", type=int, default=200, help="Dask batch size")
    parser.add_argument("--overhead", type=int, default=400, help="malformed notebooks for the dispatch overhead")
    parser.add_argument("--limit", type=float, default=None,
                        help="seconds after which the largest local batch is stopped and measured on what it finished")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "scale.json"))
    args = parser.parse_args()
    work = ROOT / "build" / "bench" / "scale"
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    report: dict = {"assignment": ASSIGNMENT, "workers": args.workers, "cpus": os.cpu_count(),
                    "loadavg_at_start": os.getloadavg(), "mix": dict(MIX), "local": {}, "dask": {}}

    def save() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2), flush=True)

    assignment = load_assignment(ASSIGNMENT, ROOT)
    kinds = _notebooks(assignment)
    malformed = {k: (["{not json"] if k == "malformed" else v) for k, v in kinds.items()}

    # dispatch overhead: batches of malformed files (graded in microseconds), two sizes per executor; the
    # slope (seconds per extra submission) leaves out every fixed cost (start-up, warming, connecting).
    # The same cheap batches at 100 and 1,000 show whether the coordinator's memory grows with the batch.
    small, large = args.overhead // 4, args.overhead
    cluster = LocalDask(work / "dask", args.workers)
    try:
        build_course(work / "warm", 8, seed=8, kinds={k: malformed["malformed"] for k in kinds})
        run_grade(work / "warm", "--cluster", cluster.address)  # warms the Dask workers
        for label, extra in (("local", ["--workers", str(args.workers)]), ("dask", ["--cluster", cluster.address])):
            runs = {}
            for n in (small, large):  # a fresh course each: every run records new learners
                course = work / f"overhead-{label}-{n}"
                build_course(course, n, seed=n, kinds={k: malformed["malformed"] for k in kinds})
                runs[n] = {**run_grade(course, *extra), "steady_seconds_per_submission": steady_rate(course)}
            report[f"overhead_{label}"] = {
                "runs": runs, "seconds_per_submission": round((runs[large]["wall_s"] - runs[small]["wall_s"])
                                                              / (large - small), 4)}
        report["dask_overhead_per_submission_ms"] = round(
            1000 * (report["overhead_dask"]["seconds_per_submission"]
                    - report["overhead_local"]["seconds_per_submission"]), 1)
        for n in (100, 1000):
            build_course(work / f"memory-{n}", n, seed=n, kinds={k: malformed["malformed"] for k in kinds})
        report["coordinator_memory_cheap_batches"] = {
            n: run_grade(work / f"memory-{n}", "--workers", str(args.workers))["coordinator_peak_rss_mib"]
            for n in (100, 1000)}
        save()
        local_sizes = [int(s) for s in args.sizes.split(",") if s]
        for n in local_sizes[:-1]:
            course = work / f"local-{n}"
            report["local"][str(n)] = {"mix": build_course(course, n, kinds=kinds),
                                       **run_grade(course, "--workers", str(args.workers)),
                                       "steady_seconds_per_submission": steady_rate(course)}
            save()
        if args.dask:
            course = work / f"dask-{args.dask}"
            report["dask"][str(args.dask)] = {"mix": build_course(course, args.dask, kinds=kinds),
                                              **run_grade(course, "--cluster", cluster.address),
                                              "steady_seconds_per_submission": steady_rate(course)}
            save()
    finally:
        cluster.close()
    for n in local_sizes[-1:]:
        course = work / f"local-{n}"
        report["local"][str(n)] = {"mix": build_course(course, n, kinds=kinds),
                                   **run_grade(course, "--workers", str(args.workers), limit_s=args.limit),
                                   "steady_seconds_per_submission": steady_rate(course)}
        save()
    slots = args.workers
    for group in (report["local"], report["dask"]):
        for r in group.values():  # worker-slot seconds per submission (wall time x slots / submissions)
            r["slot_seconds_per_submission"] = round(r["wall_s"] * slots / max(1, r["submissions"]), 3)
    report["loadavg_at_end"] = os.getloadavg()
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
