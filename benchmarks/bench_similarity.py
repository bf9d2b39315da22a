"""Similarity over a large batch: N synthetic submissions of one assignment, timed end to end.

Each learner's notebook is the solution with every solution cell replaced by a random choice
(the instructor's solution, one of the catalog's correct or wrong implementations, or the
untouched starter code), made the learner's own the way real code differs from learner to
learner: a few statements of their own (bookkeeping, checks, constants) inserted in the
function body, and their own names, layout and comments. Copy rings are planted: a copier
takes another learner's whole notebook and disguises it (names, layout, comments). Reports the wall time of `similarity.analyse` (child process
start, reading every notebook, normalising, fingerprinting, comparing) and whether every
planted ring was found.

    python benchmarks/bench_similarity.py [--n 500] [--assignment w1a1_rnn_step_by_step]

Writes build/bench-similarity/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from autograde import similarity  # noqa: E402
from autograde.assignment import load_assignment  # noqa: E402
from autograde.catalog import load_catalog  # noqa: E402


_OWN = ("steps_{k} = list(range({a}))", "scale_{k} = {a} * {b}", "if {a} > {b}:\n{ind}    tol_{k} = 1e-{a}",
        "note_{k} = 'step {a} of {b}'", "for i_{k} in range({a}):\n{ind}    pass", "limit_{k} = max({a}, {b}) - {a}")


def personalise(code: str, rng: random.Random) -> str:
    """TRUSTED catalog code with two to four statements of a learner's own in its function body."""
    import ast

    tree = ast.parse(code)
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)
    if fn is None:
        return code
    lines = code.splitlines()
    def starts_line(st) -> bool:
        line = lines[st.lineno - 1]
        return st.col_offset == len(line) - len(line.lstrip())

    body = [st for st in fn.body if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant))
            and starts_line(st)]
    for st in sorted(rng.sample(body, min(len(body), rng.randint(2, 4))), key=lambda st: -st.lineno):
        ind = " " * st.col_offset
        text = rng.choice(_OWN).format(k=rng.randint(0, 99), a=rng.randint(2, 97), b=rng.randint(2, 97), ind=ind)
        lines[st.lineno - 1:st.lineno - 1] = [ind + line if i == 0 else line
                                              for i, line in enumerate(text.split("\n"))]
    return "\n".join(lines) + "\n"


def build(assignment, n: int, rings: int, out: Path, seed: int = 0) -> tuple[dict[str, Path], list[dict]]:
    """The notebooks, and the planted rings with the exercises where the copied code is the
    learner's own (not the untouched starter code)."""
    rng = random.Random(seed)
    catalog = load_catalog(assignment.catalog_path)
    source = nbformat.read(str(assignment.source_path), as_version=4)
    release = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
               for c in nbformat.read(str(assignment.release_path), as_version=4).cells}
    exercises = list(assignment.exercises)
    choices = {}
    for ex in exercises:
        sol = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ex + "_code")
        choices[ex] = {"solution": [sol], "correct": [v.code for v in catalog.correct if v.exercise == ex] or [sol],
                       "wrong": [v.code for v in catalog.wrong if v.exercise == ex] or [sol],
                       "starter": [release.get(ex + "_code", sol)]}
    kinds, weights = ["solution", "correct", "wrong", "starter"], [0.45, 0.2, 0.25, 0.1]
    students = [f"s{i:04d}" for i in range(n)]
    code: dict[str, dict[str, str]] = {}
    kind_of: dict[str, dict[str, str]] = {}
    for i, s in enumerate(students):
        code[s], kind_of[s] = {}, {}
        for ex in exercises:
            kind = kind_of[s][ex] = rng.choices(kinds, weights)[0]
            text = rng.choice(choices[ex][kind])
            code[s][ex] = text if kind == "starter" else \
                similarity.disguise(personalise(text, rng), seed=i * 31 + len(code[s]))
    planted = []
    pool = students[:]
    rng.shuffle(pool)
    for r in range(rings):
        size = 2 + (r % 2)
        ring = [pool.pop() for _ in range(size)]
        for k, copier in enumerate(ring[1:], 1):
            code[copier] = {ex: similarity.disguise(c, seed=10_000 + r * 7 + k) for ex, c in code[ring[0]].items()}
        planted.append({"ring": sorted(ring), "own_code": [ex for ex, k in kind_of[ring[0]].items()
                                                           if k != "starter"]})
    if out.exists():
        shutil.rmtree(out)
    paths = {}
    for s in students:
        nb = nbformat.read(str(assignment.source_path), as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if gid.endswith("_code") and gid[:-5] in code[s]:
                cell.source = code[s][gid[:-5]]
        path = out / "submitted" / s / assignment.id / assignment.notebook_name
        path.parent.mkdir(parents=True)
        nbformat.write(nb, str(path))
        paths[s] = path
    return paths, planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--rings", type=int, default=12)
    parser.add_argument("--assignment", default="w1a1_rnn_step_by_step")
    parser.add_argument("--workers", type=int, default=2, help="processes for normalising (default 2)")
    args = parser.parse_args()
    assignment = load_assignment(args.assignment, ROOT)
    out = ROOT / "build" / "bench-similarity"
    paths, planted = build(assignment, args.n, args.rings, out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.monotonic()
    analysis = similarity.analyse(assignment, paths, workers=args.workers)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = []
    for p in planted:
        hits = [c.exercise for c in analysis.clusters if set(p["ring"]) <= set(c.students)]
        judged = [ex for ex in p["own_code"] if set(p["ring"]) <= set(analysis.exercises[ex].judged_students)]
        found.append({**p, "judged": judged, "flagged": hits, "missed": [ex for ex in judged if ex not in hits]})
    judgeable = sum(len(f["judged"]) for f in found)
    ring_of = {m: i for i, p in enumerate(planted) for m in p["ring"]}
    spurious = [c for c in analysis.clusters if len({ring_of.get(m, m) for m in c.students}) > 1]
    missed = sum(len(f["missed"]) for f in found)
    judged = sum(s.judged for s in analysis.exercises.values())
    compared = sum(s.compared_pairs for s in analysis.exercises.values())
    result = {"assignment": assignment.id, "submissions": args.n, "exercises": len(analysis.exercises),
              "workers": args.workers, "wall_seconds": round(wall, 2), "cpu_seconds_all_processes": round(cpu, 2),
              "load_average_before": round(load, 2), "analysis_seconds": analysis.seconds,
              "judged_cells": judged, "pairs_compared_in_full": compared, "clusters": len(analysis.clusters),
              "planted_rings": len(planted), "ring_exercises_with_own_code": sum(len(f["own_code"]) for f in found),
              "ring_exercises_judged": judgeable,
              "ring_exercises_flagged": judgeable - missed,
              "other_clusters_same_catalog_code_drawn": len(spurious), "rings": found}
    (out / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rings"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
