"""The `autograde` command: grade, release, validate."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from autograde.course import UnknownAssignment, list_assignments, load_assignment, repo_root
from autograde.results import NotebookResult, write_json

console = Console(stderr=True)
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _announce_sandbox() -> None:
    from autograde.sandbox import fallback_warning, sandbox_mode

    if sandbox_mode() != "bubblewrap":
        console.print(f"[bold red]{fallback_warning()}[/]")


def _run_batch(jobs, workers: int, title: str) -> list[NotebookResult]:
    from autograde.engine import grade_batch

    columns = (TextColumn(f"[bold]{title}"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False, disable=not jobs) as progress:
        task = progress.add_task(title, total=len(jobs))
        return grade_batch(jobs, workers, on_result=lambda r: progress.advance(task))


def score_table(results: list[NotebookResult], title: str) -> Table:
    exercises = list(dict.fromkeys(k for r in results for k in r.exercises))
    legend = "  ".join(f"E{i + 1}={ex}" for i, ex in enumerate(exercises))
    table = Table(title=title, caption=legend, caption_justify="left")
    table.add_column("submission", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for i, _ in enumerate(exercises):
        table.add_column(f"E{i + 1}", justify="right", no_wrap=True)
    table.add_column("note", overflow="fold", min_width=20)
    for r in results:
        cells = []
        for ex in exercises:
            e = r.exercises.get(ex)
            cells.append("-" if e is None else f"{e.score:g}/{e.max_score:g}")
        status = "[green]graded" if r.status == "graded" else "[red]failed"
        table.add_row(r.student or Path(r.notebook).name, status, f"{r.score:g}/{r.max_score:g}", *cells,
                      r.message[:200])
    return table


# ------------------------------------------------------------------ grade

def cmd_grade(args: argparse.Namespace) -> int:
    from autograde.engine import Job

    root = Path(args.course_dir).resolve() if args.course_dir else repo_root()
    assignment = load_assignment(args.assignment, root)
    _announce_sandbox()
    if args.notebooks:
        missing = [n for n in args.notebooks if not Path(n).exists()]
        for n in missing:
            console.print(f"[yellow]{n}: no such file (recorded as failed)")
        jobs = [Job(assignment.id, n, None, str(root)) for n in args.notebooks]
        results = _run_batch(jobs, args.workers, f"grading {assignment.id}")
    else:
        results = _grade_course(args, assignment, root)
        if results is None:
            return 1
    if args.json:
        write_json(results, Path(args.json))
        console.print(f"results written to {args.json}")
    out = Console()
    if not out.is_terminal:
        out = Console(width=160)
    out.print(score_table(results, f"{assignment.id}: {len(results)} submission(s)"))
    for r in results:
        for err in r.internal_errors:
            console.print(f"[red]internal grader error ({r.notebook}): {err}")
    return 0


def _grade_course(args, assignment, root: Path) -> list[NotebookResult] | None:
    """Course mode: every submitted/<student>/<assignment>/<notebook>.ipynb, into the gradebook."""
    from autograde import feedback, gradebook
    from autograde.engine import Job

    submitted = root / "submitted"
    name = assignment.notebook_name
    students = sorted(p.name for p in submitted.iterdir() if (p / assignment.id).is_dir()) if submitted.is_dir() else []
    if not students:
        console.print(f"[red]no submissions under {submitted}/<student>/{assignment.id}/")
        return None
    jobs = [Job(assignment.id, str(submitted / s / assignment.id / name), s, str(root)) for s in students]
    results = _run_batch(jobs, args.workers, f"grading {assignment.id}")
    db_url = args.db or os.environ.get("AUTOGRADE_DB_URL") or f"sqlite:///{root / 'gradebook.db'}"
    gradebook.ensure_assignment(db_url, assignment)
    for r in results:
        gradebook.record(db_url, assignment, r)
        feedback.write(r, root / "feedback" / r.student / assignment.id / (Path(name).stem + ".html"))
    summary = root / "autograded" / f"{assignment.id}-results.json"
    write_json(results, summary)
    console.print(f"gradebook: {db_url}\nfeedback:  {root / 'feedback'}/<student>/{assignment.id}/\n"
                  f"results:   {summary}")
    return results


# ------------------------------------------------------------------ release

def cmd_release(args: argparse.Namespace) -> int:
    from autograde import release

    ids = [args.assignment] if args.assignment else list_assignments()
    status = 0
    for aid in ids:
        assignment = load_assignment(aid)
        if args.check:
            diffs = release.differences(assignment)
            problems = diffs + release.hygiene(assignment.release_dir)
            for p in problems:
                console.print(f"[red]{aid}: {p}")
            if not problems:
                console.print(f"[green]{aid}: release/ is what source/ generates, and leaks nothing")
            status |= bool(problems)
        else:
            release.generate(assignment, assignment.release_dir)
            console.print(f"[green]{aid}: generated {assignment.release_dir}")
    return status


# ------------------------------------------------------------------ validate

def cmd_validate(args: argparse.Namespace) -> int:
    from autograde.validate import validate

    _announce_sandbox()
    ids = [args.assignment] if args.assignment else list_assignments()
    ok = True
    for aid in ids:
        report = validate(load_assignment(aid), workers=args.workers, run=_run_batch,
                          check_release=not args.skip_release_check)
        for line in report.lines:
            console.print(line)
        ok &= report.ok
    console.print("[bold green]validation passed" if ok else "[bold red]validation FAILED")
    return 0 if ok else 1


def cmd_references(args: argparse.Namespace) -> int:
    from autograde.references import verify

    reports = verify(repo_root(), sample=args.sample)
    if not reports:
        console.print("[red]no reference manifests found under graders/references/")
        return 1
    for report in reports:
        console.print(f"[bold]{report.assignment}[/] " + ("[green]ok" if report.ok else "[red]FAILED"))
        for line in report.lines:
            console.print(f"  {line}")
    return 0 if all(r.ok for r in reports) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograde", description=(
        "Grade Sequence Models notebooks in a sandbox. Learner code runs only in a confined process "
        "(bubblewrap, seccomp, rlimits); the hidden graders run here and compare with TensorFlow."))
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade notebooks, or every submission of a course",
                       description="With NOTEBOOK arguments: grade those files as submissions of ASSIGNMENT and "
                       "print a table (and --json). Without: course mode, grading every "
                       "submitted/<student>/ASSIGNMENT/<notebook>.ipynb under the course directory into nbgrader's "
                       "gradebook, with one feedback HTML per learner under feedback/.")
    g.add_argument("assignment", help="assignment id, e.g. w1a1_rnn_step_by_step")
    g.add_argument("notebooks", nargs="*", help="submitted notebook files (omit for course mode)")
    g.add_argument("--json", help="write machine-readable results to this file")
    g.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="parallel grading workers (default %(default)s)")
    g.add_argument("--course-dir", help="course root holding source/, release/, graders/, submitted/ (default: this repo)")
    g.add_argument("--db", help="gradebook SQLAlchemy URL (default sqlite:///<course>/gradebook.db)")
    g.set_defaults(func=cmd_grade)

    r = sub.add_parser("release", help="generate release/ from source/ with nbgrader",
                       description="Generate release/ASSIGNMENT (all assignments by default) with nbgrader, refusing "
                       "any release that leaks solutions or hidden tests. --check compares instead of writing.")
    r.add_argument("assignment", nargs="?")
    r.add_argument("--check", action="store_true", help="fail if release/ differs from what source/ generates")
    r.set_defaults(func=cmd_release)

    v = sub.add_parser("validate", help="prove an assignment sound (what CI relies on)",
                       description="The solution notebook earns full marks, the untouched release notebook earns 0 "
                       "with status graded, every wrong implementation in tests/catalog loses points on its exercise "
                       "(and shows its expected diagnosis), every correct alternative earns full marks, and release/ "
                       "is what source/ generates.")
    v.add_argument("assignment", nargs="?")
    v.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    v.add_argument("--skip-release-check", action="store_true", help="do not regenerate release/ to compare")
    v.set_defaults(func=cmd_validate)

    f = sub.add_parser("references", help="verify every reference model against its manifest",
                       description="For every graders/references/<assignment>/manifest.json: the sha256 of every file, "
                       "that the weights load into the reference architecture, that the recorded training and "
                       "held-out data are still what the generator produces, and that the held-out metric "
                       "recomputed now matches the manifest and meets its target.")
    f.add_argument("--sample", type=int, default=None,
                   help="recompute the metric on the first N held-out items only (must still meet the target)")
    f.set_defaults(func=cmd_references)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UnknownAssignment as exc:
        console.print(f"[red]{exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
