"""Throughput, verdict agreement, cost over the floor, and peak memory:
`autograde grade --workers 2` against `nbgrader autograde`, on the same batch, in one run.

The peer is what an instructor would do without this engine: nbgrader's own autograder, with
the notebook's public checks as its test cells, executing each submission in a kernel.
For each assignment both grade the same realistic mix (the solution, the untouched release,
the catalog's wrong and alternative implementations, and crashing, looping and hostile
notebooks) and the report gives, per assignment:

- throughput of each and their ratio (autograde / nbgrader);
- verdict agreement on what both can judge: for each submission and exercise, whether it
  earned full marks (nbgrader: its public check passed) - the share of pairs that agree,
  and the pairs where they differ (the hidden graders check more than the public checks);
- cost over the floor: for every submission, autograde's whole per-submission grading time
  in a warm worker over the time the learner's code took inside the sandbox (its cells and
  its functions on the hidden inputs), as the median and the total ratio over the batch;
- peak memory: the largest total RSS of each command's whole process tree (sampled every
  50 ms from /proc), and their ratio.

    .venv/bin/python benchmarks/bench_grading.py [--assignments w1a1_rnn_step_by_step,...] [--n 100]
        [--peer-timeout 120] [--out build/bench/results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograde.assignment import load_assignment  # noqa: E402
from autograde.catalog import Variant, load_catalog  # noqa: E402
from autograde.validate import variant_notebook  # noqa: E402

BIN = Path(sys.executable).parent
HOSTILE = '''
def {name}(*args, **kwargs):
    import os, socket
    found = []
    for path in ("/work", "/root", "/etc/shadow", "../graders"):
        try:
            found.append(os.listdir(path))
        except OSError as exc:
            found.append(type(exc).__name__)
    socket.socket()
'''


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
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(peak[0] / 1024, 1), "exit": proc.returncode,
            "tail": output[-1500:] if proc.returncode else ""}


def batch(assignment, n: int, out: Path) -> list[tuple[str, Path]]:
    """A realistic mix of n notebooks: (kind, path)."""
    catalog = load_catalog(assignment.catalog_path)
    first = next(iter(assignment.exercises))
    special = [("crashing", Variant(first, "crash", f"def {first}(*a, **k):\n    import os\n    os._exit(1)\n")),
               ("looping", Variant(first, "loop", f"def {first}(*a, **k):\n    while True:\n        pass\n")),
               ("hostile", Variant(first, "hostile", HOSTILE.format(name=first)))]
    pool = ([("solution", assignment.source_path), ("release", assignment.release_path)]
            + [("wrong", v) for v in catalog.wrong] + [("correct", v) for v in catalog.correct] + special)
    picks = []
    for i in range(n):
        kind, item = pool[i % len(pool)]
        if isinstance(item, Variant):
            sub = out / f"{i:04d}"
            sub.mkdir()
            item = variant_notebook(assignment.source_path, item, sub)
        picks.append((kind, item))
    return picks


def nbgrader_scores(course: Path, aid: str, students: list[str], env: dict) -> dict[str, dict[str, float]]:
    conf = [f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    subprocess.run([str(BIN / "nbgrader"), "export", "--to", str(course / "grades.csv"), *conf], cwd=course,
                   env=env, capture_output=True, check=True)
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            try:
                sub = gb.find_submission(aid, student)
            except Exception:
                continue
            out[student] = {g.name: (g.score or 0.0) for nb in sub.notebooks for g in nb.grades}
    return out


def run_assignment(aid: str, n: int, workers: int, peer_timeout: int, work: Path, env: dict) -> dict:
    assignment = load_assignment(aid, ROOT)
    out = work / aid
    (out / "variants").mkdir(parents=True)
    picks = batch(assignment, n, out / "variants")
    # the peer's course: our source notebook (public checks in its autograder cells) and the submissions
    course = out / "nbgrader-course"
    shutil.copytree(assignment.source_dir, course / "source" / aid)
    data = ROOT / "datasets"
    if data.exists():
        (course / "datasets").symlink_to(data)
    students = [f"s{i:04d}" for i in range(len(picks))]
    for student, (_, nb) in zip(students, picks):
        dest = course / "submitted" / student / aid
        dest.mkdir(parents=True)
        shutil.copyfile(nb, dest / assignment.notebook_name)
    nbg = [str(BIN / "nbgrader")]
    conf = [f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    subprocess.run(nbg + ["generate_assignment", aid, "--force", *conf], cwd=course, env=env, check=True,
                   capture_output=True)
    for student in students:
        subprocess.run(nbg + ["db", "student", "add", student, *conf], cwd=course, env=env, check=True,
                       capture_output=True)

    results_file = out / "autograde.json"
    ours = measure([str(BIN / "autograde"), "grade", aid, *[str(p) for _, p in picks], "--workers", str(workers),
                    "--json", str(results_file)], ROOT, env)
    peer = measure(nbg + ["autograde", aid, "--force", *conf, f"--ExecutePreprocessor.timeout={peer_timeout}"],
                   course, env)
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    ours["throughput_per_min"] = round(60 * len(picks) / ours["seconds"], 2)
    peer["throughput_per_min"] = round(60 * len(picks) / peer["seconds"], 2)

    # verdicts both can judge: full marks per exercise
    theirs = nbgrader_scores(course, aid, students, env)
    agree = total = 0
    differ: list[dict] = []
    for student, (kind, nb), r in zip(students, picks, results):
        for ex, e in r["exercises"].items():
            if student not in theirs or ex not in theirs[student]:
                continue
            total += 1
            ours_full, peer_full = e["score"] >= e["max_score"], theirs[student][ex] >= e["max_score"]
            if ours_full == peer_full:
                agree += 1
            elif len(differ) < 40:
                differ.append({"kind": kind, "notebook": Path(nb).name, "exercise": ex, "autograde_full": ours_full,
                               "nbgrader_full": peer_full})

    # cost over the floor, per submission (the first submission of each worker includes its warm-up)
    ratios = [r["seconds"] / r["inside_seconds"] for r in results
              if r["status"] == "graded" and r.get("inside_seconds", 0) > 0]
    graded = [r for r in results if r["status"] == "graded" and r.get("inside_seconds", 0) > 0]
    solution = [r for (kind, _), r in zip(picks, results) if kind == "solution"]
    return {
        "assignment": aid, "submissions": len(picks), "workers": workers,
        "mix": {k: sum(1 for kind, _ in picks if kind == k) for k in dict.fromkeys(kind for kind, _ in picks)},
        "autograde": ours, "nbgrader_autograde": peer,
        "throughput_ratio_autograde_over_nbgrader": round(ours["throughput_per_min"] / peer["throughput_per_min"], 2),
        "peak_memory_ratio_autograde_over_nbgrader": round(ours["peak_rss_mib"] / max(peer["peak_rss_mib"], 1), 2),
        "verdict_agreement": {"pairs": total, "agree": agree, "share": round(agree / total, 3) if total else None,
                              "differences": differ},
        "cost_over_floor": {
            "median_ratio": round(statistics.median(ratios), 2) if ratios else None,
            "batch_ratio": round(sum(r["seconds"] for r in graded) / sum(r["inside_seconds"] for r in graded), 2)
            if graded else None,
            "solution_ratios": [round(r["seconds"] / r["inside_seconds"], 2) for r in solution if r["inside_seconds"]],
            "solution_seconds": [r["seconds"] for r in solution],
            "solution_inside_seconds": [r["inside_seconds"] for r in solution]},
        "note": "autograde runs the hidden TensorFlow graders in sandboxed processes; nbgrader runs only the "
                "notebook's public checks, unsandboxed, in a kernel, executing every cell (grading-skip ones too)",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default="w1a1_rnn_step_by_step,w1a2_dinosaur_island")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer-timeout", type=int, default=120,
                        help="nbgrader's per-cell timeout, seconds (w1a2's training cell alone takes ~25 s here)")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "results.json"))
    args = parser.parse_args()
    work = ROOT / "build" / "bench" / "grading"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "TF_CPP_MIN_LOG_LEVEL": "3",
           "TF_ENABLE_ONEDNN_OPTS": "0"}
    report = {"cpus": os.cpu_count(), "assignments": []}
    for aid in args.assignments.split(","):
        report["assignments"].append(run_assignment(aid, args.n, args.workers, args.peer_timeout, work, env))
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps([{k: v for k, v in a.items() if k not in ("verdict_agreement",)}
                      for a in report["assignments"]], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
