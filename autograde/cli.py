"""The `autograde` command. Imports are lazy: `--help` answers at once and each command loads
only what it needs (TensorFlow is imported by grader workers, never by this process)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
TABLE_WIDTH = 100


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("autograde")
    except PackageNotFoundError:
        return "unknown"


def _console(stderr: bool = True):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _say(text: str, style: str = "") -> None:
    """One line to the instructor's console; learner text in it is never read as markup."""
    from rich.text import Text

    _console().print(Text(text, style=style), soft_wrap=True)


def _announce_sandbox() -> None:
    from autograde.sandbox import fallback_warning, sandbox_mode

    if sandbox_mode() != "bubblewrap":
        _say(fallback_warning(), "bold red")


def _progress(title: str, total: int):
    """A progress bar with an ETA on stderr; the context yields the function that advances it."""
    import contextlib

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    @contextlib.contextmanager
    def bar():
        columns = (TextColumn(f"[bold]{title}"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
        with Progress(*columns, console=_console(), transient=False, disable=not total) as progress:
            task = progress.add_task(title, total=total)
            yield lambda: progress.advance(task)

    return bar()


def _run_batch(jobs, workers: int, title: str, on_result=None, cluster: str | None = None):
    from autograde.engine import grade_batch

    with _progress(title, len(jobs)) as advance:
        def done(result):
            advance()
            if on_result:
                on_result(result)

        if cluster:  # scale: jobs go to an existing Dask cluster (autograde/cluster.py)
            from autograde.batch import grade_list

            return grade_list(jobs, workers, cluster, on_result=done)
        return grade_batch(jobs, workers, on_result=done)


def print_results(results, title: str) -> None:
    """The score table (fits 100 columns: notes are listed under it, long names wrap)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from autograde.results import Status, points

    exercises = list(dict.fromkeys(k for r in results for k in r.exercises))
    maxima = {ex: next(r.exercises[ex].max_score for r in results if ex in r.exercises) for ex in exercises}
    table = Table(title=title, title_justify="left")
    table.add_column("submission", overflow="fold", max_width=28)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    for i, ex in enumerate(exercises):
        table.add_column(f"E{i + 1}\n/{points(maxima[ex])}", justify="right", no_wrap=True)
    notes = []
    for r in results:
        name = r.student or Path(r.notebook).name
        cells = [Text("-") if (e := r.exercises.get(ex)) is None else Text(points(e.score)) for ex in exercises]
        status = Text(r.status.value, style="green" if r.status is Status.GRADED else "red")
        mark = "*" if r.message else ""
        table.add_row(Text(name + mark), status, Text(f"{points(r.score)}/{points(r.max_score)}"), *cells)
        if r.message:
            notes.append((name, r.message))
    out = Console(width=TABLE_WIDTH, highlight=False) if not sys.stdout.isatty() else Console(highlight=False)
    if out.width > TABLE_WIDTH:
        out = Console(width=TABLE_WIDTH, highlight=False)
    out.print(table)
    if exercises:
        out.print(Text("exercises: " + "  ".join(f"E{i + 1}={ex}" for i, ex in enumerate(exercises))))
    for name, message in notes:
        out.print(Text(f"* {name}: {message[:400]}"))


def _fail(message: str) -> int:
    _say(message, "red")
    return 2


# ------------------------------------------------------------------ grade

def cmd_grade(args: argparse.Namespace) -> int:
    from autograde.assignment import load_assignment, repo_root
    from autograde.engine import Job
    from autograde.errors import CourseError

    if args.notebooks:
        root = Path(args.course_dir).resolve() if args.course_dir else repo_root()
        if args.course_dir and not root.is_dir():
            raise CourseError(f"course directory {args.course_dir} does not exist")
        assignment = load_assignment(args.assignment, root)
        _announce_sandbox()
        missing = [n for n in args.notebooks if not Path(n).is_file()]
        for n in missing:
            _say(f"{n}: no such file (recorded as failed)", "yellow")
        jobs = [Job(assignment.id, n, None, str(root)) for n in args.notebooks]
        results = _run_batch(jobs, args.workers, f"grading {assignment.id}", cluster=args.cluster)
        if args.feedback:
            from autograde import feedback

            checked = feedback.checked_descriptions(assignment)
            for r in results:
                page = Path(args.feedback) / (Path(r.notebook).stem + ".html")
                feedback.write(r, page, checked)
            _say(f"feedback pages written to {args.feedback}/")
    else:
        return _report_course(args, _grade_course(args))
    if args.json:
        from autograde.results import write_json

        write_json(results, Path(args.json))
        _say(f"results written to {args.json}")
    print_results(results, f"{args.assignment}: {len(results)} submission(s)")
    for r in results:
        for err in r.internal_errors:
            _say(f"internal grader error ({r.notebook}): {err}", "red")
    if args.strict and any(r.status.value == "failed" for r in results):
        _say("--strict: some notebooks could not be graded", "red")
        return 1
    return 0


def _course_root(args: argparse.Namespace) -> Path:
    from autograde.errors import CourseError

    if args.course_dir:
        root = Path(args.course_dir).resolve()
        if not root.is_dir():
            raise CourseError(f"course directory {args.course_dir} does not exist")
    else:
        root = Path.cwd().resolve()
    if not (root / "submitted").is_dir():
        where = args.course_dir or "the current directory"
        raise CourseError(f"course mode needs a course directory with submitted/<student>/{args.assignment}/ "
                          f"(nbgrader's layout), and {where} has no submitted/ folder. Pass --course-dir DIR, "
                          "or name notebook files to grade them directly.")
    return root


def _grade_course(args: argparse.Namespace):
    """Course mode: every submitted/<student>/<assignment>/<notebook>.ipynb, into the gradebook, streamed and
    resumable (autograde/batch.py): each result is logged, recorded and its feedback written as it arrives."""
    from autograde.assignment import load_assignment
    from autograde.batch import grade_course

    root = _course_root(args)
    assignment = load_assignment(args.assignment, root)
    if not args.cluster:
        _announce_sandbox()
    db_url = args.db or os.environ.get("AUTOGRADE_DB_URL") or f"sqlite:///{root / 'gradebook.db'}"
    summary = grade_course(assignment, root, db_url, workers=args.workers, cluster=args.cluster,
                           regrade=args.regrade, progress=_progress, say=_say)
    from sqlalchemy.engine import make_url

    shown = make_url(db_url).render_as_string(hide_password=True)  # never print a database password
    _say(f"gradebook: {shown}\nfeedback:  {root / 'feedback'}/<student>/{assignment.id}/\n"
         f"results:   {summary.results_path} (log: {summary.log_path})")
    return summary


def _report_course(args: argparse.Namespace, summary) -> int:
    import shutil

    if args.cluster and summary.sandboxes - {"bubblewrap"}:
        from autograde.sandbox import fallback_warning

        _say(f"some cluster workers graded in the {', '.join(sorted(summary.sandboxes - {'bubblewrap'}))} sandbox: "
             + fallback_warning(), "bold red")
    if args.json:
        shutil.copyfile(summary.results_path, args.json)
        _say(f"results written to {args.json}")
    if summary.results is not None:
        print_results(summary.results, f"{args.assignment}: {summary.learners} submission(s)")
    print(summary.line())
    for err in summary.internal_errors:
        _say(f"internal grader error: {err}", "red")
    if args.strict and summary.failed:
        _say("--strict: some notebooks could not be graded", "red")
        return 1
    return 0


# ------------------------------------------------------------------ report, export

def cmd_report(args: argparse.Namespace) -> int:
    from autograde import report
    from autograde.assignment import load_assignment
    from autograde.errors import CourseError

    root = Path(args.course_dir).resolve() if args.course_dir else Path.cwd().resolve()
    if not root.is_dir():
        raise CourseError(f"course directory {args.course_dir} does not exist")
    assignment = load_assignment(args.assignment, root)
    path = report.build(assignment, root, Path(args.out) if args.out else None, db_url=args.db,
                        results_path=Path(args.results) if args.results else None,
                        similarity=not args.no_similarity)
    _say(f"class report: {path}", "green")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from autograde import gradescope
    from autograde.assignment import load_assignment

    root = Path(args.course_dir).resolve() if args.course_dir else None
    assignment = load_assignment(args.assignment, root)
    path = gradescope.export(assignment, Path(args.outdir), visibility=args.visibility)
    _say(f"Gradescope autograder: {path}\nupload it as the assignment's autograder (Ubuntu 24.04 base image)",
         "green")
    return 0


# ------------------------------------------------------------------ release, fetch, lab, new

def cmd_release(args: argparse.Namespace) -> int:
    from autograde import release
    from autograde.assignment import discover, load_assignment

    ids = [args.assignment] if args.assignment else discover()
    status = 0
    for aid in ids:
        assignment = load_assignment(aid)
        if args.check:
            problems = release.differences(assignment) + release.hygiene(assignment.release_dir)
            for p in problems:
                _say(f"{aid}: {p}", "red")
            if not problems:
                _say(f"{aid}: release/ is what source/ generates, and leaks nothing", "green")
            status |= bool(problems)
        else:
            release.generate(assignment, assignment.release_dir, force=args.force)
            _say(f"{aid}: generated {assignment.release_dir}", "green")
    return status


def cmd_fetch(args: argparse.Namespace) -> int:
    from autograde import workspace
    from autograde.assignment import load_assignment

    assignment = load_assignment(args.assignment)
    target = workspace.fetch(assignment, Path(args.into) if args.into else None)
    _say(f"{assignment.id}: your copy is {target / assignment.notebook_name}\n"
         f"open it with: autograde lab {assignment.id}", "green")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from autograde import workspace
    from autograde.assignment import load_assignment

    assignment = load_assignment(args.assignment)
    return workspace.lab(assignment, Path(args.into) if args.into else None, extra=args.jupyter_args)


def cmd_new(args: argparse.Namespace) -> int:
    from autograde.scaffold import scaffold

    created = scaffold(args.assignment, Path(args.course_dir).resolve() if args.course_dir else None)
    for path in created:
        _say(f"created {path}")
    _say(f"next: edit source/{args.assignment}/, graders/{args.assignment}/ and tests/catalog/{args.assignment}.py, "
         f"then `autograde release {args.assignment}` and `autograde validate {args.assignment}`", "green")
    return 0


# ------------------------------------------------------------------ validate, references

def cmd_validate(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from autograde.assignment import discover, load_assignment
    from autograde.validate import validate_all

    _announce_sandbox()
    ids = [args.assignment] if args.assignment else discover()
    assignments = [load_assignment(aid) for aid in ids]
    reports = validate_all(assignments, workers=args.workers, run=_run_batch,
                           check_release=not args.skip_release_check)
    console = _console()
    ok = True
    for report in reports.values():
        for good, line in report.entries:
            console.print(("[green]ok[/]   " if good else "[red]FAIL[/] ") + escape(line), soft_wrap=True)
        ok &= report.ok
    if args.json:
        _write_report(args.json, {"ok": ok, "assignments": {aid: r.to_dict() for aid, r in reports.items()}})
    console.print("[bold green]validation passed" if ok else "[bold red]validation FAILED")
    return 0 if ok else 1


def _write_report(path: str, data: dict) -> None:
    import json

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n")
    _say(f"report written to {out}")


def cmd_references(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from autograde.assignment import repo_root
    from autograde.references import verify

    reports = verify(repo_root(), sample=args.sample)
    if not reports:
        return _fail("no reference manifests found under graders/references/")
    for report in reports:
        _say(f"{report.assignment} " + ("ok" if report.ok else "FAILED"), "bold green" if report.ok else "bold red")
        for line in report.lines:
            _say(f"  {line}")
    ok = all(r.ok for r in reports)
    if args.json:
        _write_report(args.json, {"ok": ok, "references": [asdict(r) for r in reports]})
    return 0 if ok else 1


# ------------------------------------------------------------------ parser

def _assignment_list() -> str:
    try:
        from autograde.assignment import discover

        return ", ".join(discover()) or "none found"
    except Exception:  # --help must answer whatever the state of the course
        return "(could not list)"


def build_parser() -> argparse.ArgumentParser:
    ids = _assignment_list()
    parser = argparse.ArgumentParser(
        prog="autograde", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Grade Sequence Models notebooks in a sandbox. Learner code runs only in a confined process "
                    "(bubblewrap as an unprivileged account, seccomp, cgroups, rlimits); the hidden graders run "
                    "here and compare with TensorFlow references.",
        epilog=f"assignments of this course: {ids}")
    parser.add_argument("--version", action="version", version=f"autograde {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    g = sub.add_parser("grade", help="grade notebooks, or every submission of a course",
                       epilog=f"assignments: {ids}",
                       description="With NOTEBOOK arguments: grade those files as submissions of ASSIGNMENT and "
                       "print a table (and --json, --feedback). Without: course mode, grading every "
                       "submitted/<student>/ASSIGNMENT/<notebook>.ipynb of the course directory (--course-dir, "
                       "else the current directory) into nbgrader's gradebook, with one feedback page per learner "
                       "under feedback/. Exit code 0 when every notebook got a result (see --strict).")
    g.add_argument("assignment", help="assignment id")
    g.add_argument("notebooks", nargs="*", help="submitted notebook files (omit for course mode)")
    g.add_argument("--json", help="write machine-readable results to this file")
    g.add_argument("--feedback", metavar="DIR", help="file mode: write one feedback page per notebook into DIR")
    g.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="parallel grading workers (default %(default)s)")
    g.add_argument("--course-dir", help="course root holding source/, release/, graders/ and (course mode) submitted/")
    g.add_argument("--db", help="gradebook SQLAlchemy URL, e.g. postgresql://USER@HOST/DB "
                   "(default sqlite:///<course>/gradebook.db)")
    g.add_argument("--cluster", metavar="tcp://HOST:PORT", default=os.environ.get("AUTOGRADE_CLUSTER"),
                   help="grade on this existing Dask scheduler's workers instead of local worker processes "
                   "(default $AUTOGRADE_CLUSTER, else local)")
    g.add_argument("--regrade", action="store_true", help="course mode: grade every submission again, even those "
                   "the results log already has with the same content and grader version")
    g.add_argument("--strict", action="store_true", help="exit 1 if any notebook is missing or unreadable")
    g.set_defaults(func=cmd_grade)

    rep = sub.add_parser("report", help="class report of the last course-mode run (one HTML page)",
                         description="Write one self-contained HTML page (no network needed, no scripts) about "
                         "the last course-mode run of ASSIGNMENT: score distribution; per exercise the mean score, "
                         "the share with full marks and the share that crashed, timed out or raised an error; the "
                         "recognised mistakes ranked by how many learners made them, with the hints they saw; "
                         "clusters of near-identical implementations with the code side by side; grading time per "
                         "submission, the slowest ones and every submission that could not be graded. Reads "
                         "autograded/ASSIGNMENT-results.json and the gradebook of the course directory.")
    rep.add_argument("assignment", help=f"one of: {ids}")
    rep.add_argument("--course-dir", help="course root holding submitted/ and autograded/ (default: current directory)")
    rep.add_argument("--db", help="gradebook SQLAlchemy URL (default sqlite:///<course>/gradebook.db)")
    rep.add_argument("--results", help="results file (default <course>/autograded/ASSIGNMENT-results.json)")
    rep.add_argument("--out", help="where to write the page (default <course>/autograded/ASSIGNMENT-report.html)")
    rep.add_argument("--no-similarity", action="store_true", help="skip the similarity analysis")
    rep.set_defaults(func=cmd_report)

    ex = sub.add_parser("export", help="export an assignment's autograder for another platform (gradescope)",
                        description="gradescope: build OUTDIR/autograder.zip in Gradescope's autograder format: "
                        "setup.sh (bubblewrap, the sandbox account, the pinned Python environment) and "
                        "run_autograder, which grades the uploaded notebook with this engine, sandbox included, "
                        "and writes results/results.json (one test per exercise, learner-facing feedback only).")
    ex.add_argument("platform", choices=["gradescope"], help="target platform")
    ex.add_argument("assignment", help=f"one of: {ids}")
    ex.add_argument("outdir", help="folder to write autograder.zip into")
    ex.add_argument("--course-dir", help="course root (default: this repository)")
    ex.add_argument("--visibility", default="visible",
                    choices=["visible", "after_due_date", "after_published", "hidden"],
                    help="when learners see their results on Gradescope (default %(default)s)")
    ex.set_defaults(func=cmd_export)

    r = sub.add_parser("release", help="generate release/ from source/ with nbgrader",
                       description="Generate release/ASSIGNMENT (all assignments by default) with nbgrader, refusing "
                       "any release that leaks solutions or hidden tests, and refusing to replace a release notebook "
                       "that holds changes neither git nor the last generation made (a learner's work?) unless "
                       "--force. --check compares instead of writing.")
    r.add_argument("assignment", nargs="?", help=f"one of: {ids}")
    r.add_argument("--check", action="store_true", help="fail if release/ differs from what source/ generates")
    r.add_argument("--force", action="store_true", help="replace release notebooks even if they were edited")
    r.set_defaults(func=cmd_release)

    f = sub.add_parser("fetch", help="copy an assignment's release into your workspace (work/ASSIGNMENT)",
                       description="Learners: copy release/ASSIGNMENT into a workspace outside release/ "
                       "(work/ASSIGNMENT by default), which regenerating the release never touches. An existing "
                       "notebook there is never overwritten.")
    f.add_argument("assignment", help=f"one of: {ids}")
    f.add_argument("--into", help="workspace folder (default work/ASSIGNMENT)")
    f.set_defaults(func=cmd_fetch)

    lab = sub.add_parser("lab", help="open your copy of an assignment in JupyterLab (learner settings)",
                         description="Fetch the assignment if needed, then start JupyterLab on your copy with the "
                         "learner's settings: no instructor tools (nbgrader's validate kept), no news pop-ups.")
    lab.add_argument("assignment", help=f"one of: {ids}")
    lab.add_argument("--into", help="workspace folder (default work/ASSIGNMENT)")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, help="further arguments for jupyter lab")
    lab.set_defaults(func=cmd_lab)

    n = sub.add_parser("new", help="scaffold a new assignment",
                       description="Create source/ID (notebook with one example graded function and its autograder "
                       "cell, helper module, public checks), graders/ID (package, one example hidden grader against "
                       "a TensorFlow reference, assignment.toml) and tests/catalog/ID.py (one wrong, one correct "
                       "example). Then edit them and run `autograde release ID`.")
    n.add_argument("assignment", help="new assignment id, e.g. w4a1_my_assignment")
    n.add_argument("--course-dir", help="course root (default: this repository)")
    n.set_defaults(func=cmd_new)

    v = sub.add_parser("validate", help="prove assignments sound (what CI relies on)",
                       description="In one batch: every solution notebook earns full marks, every untouched release "
                       "notebook earns 0 with status graded, every wrong implementation in tests/catalog loses points "
                       "on its exercise (and shows its expected diagnosis), every correct alternative earns full "
                       "marks, every cross-exercise case keeps the outer exercise's points, every graded function's "
                       "hostile stand-ins (odd return values, an error in markup) lose points without an internal "
                       "grader error, and release/ is what source/ generates.")
    v.add_argument("assignment", nargs="?", help=f"one of: {ids} (default: all)")
    v.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    v.add_argument("--skip-release-check", action="store_true", help="do not regenerate release/ to compare")
    v.add_argument("--json", metavar="FILE", help="also write every check and every notebook's result to FILE "
                   "(for CI: {ok, assignments: {id: {ok, entries: [{ok, line}], results: {case: result}}}})")
    v.set_defaults(func=cmd_validate)

    ref = sub.add_parser("references", help="verify every reference model against its manifest",
                         description="For every graders/references/<name>/manifest.json: the sha256 of every file, "
                         "that the weights load into the reference architecture, that the recorded training and "
                         "held-out data are still what the generator produces, and that the held-out metric "
                         "recomputed now matches the manifest and meets its target.")
    ref.add_argument("--sample", type=int, default=None,
                     help="recompute the metric on the first N held-out items only (must still meet the target)")
    ref.add_argument("--json", metavar="FILE",
                     help="also write the reports to FILE ({ok, references: [{assignment, ok, lines}]})")
    ref.set_defaults(func=cmd_references)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    args = build_parser().parse_args(argv)
    from autograde.errors import AutogradeError

    try:
        return args.func(args)
    except AutogradeError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted")


if __name__ == "__main__":
    sys.exit(main())
