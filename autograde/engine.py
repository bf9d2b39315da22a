"""A grading run: submissions in, one :class:`NotebookResult` per submission out.

Each worker process (trusted; it imports TensorFlow for the references) keeps, per
assignment, a warm learner process ready and one long-lived grader session (graders
collected and imported once, expected values computed once); each submission gets a fresh
sandboxed learner process, its cells run there, and the graders run here. Workers are
warmed for the batch's assignments before the first submission reaches them. A worker that
dies takes only the submission it was grading with it; the rest of the batch goes on in a
new worker.
"""
from __future__ import annotations

import concurrent.futures as cf
import functools
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from autograde.assignment import Assignment, discover, load_assignment
from autograde.expected import files_digest, tree_files
from autograde.grading import GraderSession, RunContext, score
from autograde.results import ExerciseResult, NotebookResult, Status
from autograde.runner import CellStatus, LearnerPool, StudentSession, StudentUnavailable
from autograde.sandbox import sandbox_mode
from autograde.submission import SourceNotebook, SubmissionError, sanitize

for _key, _value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("TF_ENABLE_ONEDNN_OPTS", "0")):
    os.environ.setdefault(_key, _value)


@dataclass(frozen=True)
class Job:
    assignment: str
    notebook: str
    student: str | None = None
    root: str | None = None
    exercises: tuple[str, ...] | None = None  # grade only these (validation of one catalog variant)
    content: bytes | None = None  # the notebook's bytes, read by the coordinator (then `notebook` only names it)


def grader_version(assignment: Assignment) -> str:
    """A hash of everything that decides a grade: graders, settings, source notebook, released helpers,
    reference models. Same submission + same grader version = same result."""
    dirs = [assignment.graders_dir, assignment.release_dir, *assignment.reference_dirs]
    files = [assignment.source_path, *(p for d in dirs if d.is_dir() for p in tree_files(d))]
    return files_digest(files, assignment.root)[:16]


@functools.lru_cache(maxsize=8)
def _solution_ids(root: str) -> dict[str, frozenset[str]]:
    out = {}
    for aid in discover(Path(root)):
        try:
            out[aid] = frozenset(load_assignment(aid, Path(root)).source_notebook().solution_ids)
        except Exception:  # an incomplete assignment cannot be matched; it is reported where it is graded
            pass
    return out


def identify(root: Path, grade_ids: set[str]) -> str | None:
    """The assignment whose solution cells these grade_ids are, if one matches clearly."""
    best, hits = None, 0
    for aid, ids in _solution_ids(str(root)).items():
        n = len(ids & grade_ids)
        if n > hits:
            best, hits = aid, n
    return best


class _AssignmentState:
    def __init__(self, assignment: Assignment) -> None:
        self.assignment = assignment
        self.source: SourceNotebook = assignment.source_notebook()
        self.exercises = self.source.exercises
        self.pool = LearnerPool(assignment.sandbox_spec())
        self.version = grader_version(assignment)
        self._graders: GraderSession | None = None

    @property
    def graders(self) -> GraderSession:
        if self._graders is None:
            order = [c.grade_id for c in self.source.cells if c.grade]
            self._graders = GraderSession(self.assignment.graders_dir, order)
        return self._graders

    def warm(self) -> None:
        self.pool.warm()
        _ = self.graders

    def close(self) -> None:
        self.pool.close()
        if self._graders:
            self._graders.close()


class Grader:
    """Grades submissions of any assignment in this process, keeping warm state per assignment."""

    def __init__(self) -> None:
        self._state: dict[tuple[str, str | None], _AssignmentState] = {}

    def state(self, assignment_id: str, root: str | None) -> _AssignmentState:
        key = (assignment_id, root)
        if key not in self._state:
            self._state[key] = _AssignmentState(load_assignment(assignment_id, Path(root) if root else None))
        return self._state[key]

    def warm(self, assignments: Iterable[tuple[str, str | None]]) -> None:
        for aid, root in assignments:
            self.state(aid, root).warm()

    def grade(self, job: Job) -> NotebookResult:
        started = time.monotonic()
        st = self.state(job.assignment, job.root)
        settings = st.assignment.settings
        selected = frozenset(job.exercises) if job.exercises is not None else None
        max_score = float(sum(v for k, v in st.exercises.items() if selected is None or k in selected))
        try:
            submission = sanitize(Path(job.notebook), st.source,
                                  lambda ids: identify(st.assignment.root, ids) if job.assignment else None,
                                  content=job.content)
        except SubmissionError as exc:
            return NotebookResult.failed(job.notebook, job.assignment, str(exc), job.student, max_score,
                                         seconds=round(time.monotonic() - started, 3), sandbox=sandbox_mode(),
                                         grader_version=st.version)
        result = NotebookResult(job.notebook, job.assignment, Status.GRADED, student=job.student,
                                max_score=max_score, sandbox=sandbox_mode(), submission_sha256=submission.sha256,
                                grader_version=st.version, partial=selected is not None)
        if submission.other_assignment:
            line = f"not found: this notebook looks like a submission of {submission.other_assignment}"
            result.exercises = {k: ExerciseResult(0.0, v, [line]) for k, v in st.exercises.items()
                                if selected is None or k in selected}
            result.message = "; ".join(submission.problems)
            result.seconds = round(time.monotonic() - started, 3)
            return result
        session = StudentSession(st.pool, submission.cells, cell_timeout=settings.cell_timeout,
                                 call_timeout=settings.call_timeout, budget=settings.submission_timeout,
                                 max_restarts=settings.max_restarts)
        ctx = RunContext(session, st.exercises, selected=selected,
                         explain_undefined=_explainer(st.source, session, submission.missing_solutions),
                         calls={k: tuple(v) for k, v in settings.calls.items()})
        try:
            try:
                session.start()
            except StudentUnavailable:
                pass  # every check now fails at once with the session's message
            st.graders.run(ctx)
        finally:
            session.close()
        result.exercises = score(ctx.outcomes, st.exercises, submission.missing_solutions, selected)
        result.score = round(sum(v.score for v in result.exercises.values()), 4)
        notes = list(submission.problems)
        notes += [f"cell {o.cell}: {o.message}" for o in session.outcomes.values() if o.status is CellStatus.FATAL]
        notes += session.events
        result.message = "; ".join(dict.fromkeys(notes))
        result.internal_errors = ctx.internal_errors
        result.inside_seconds = round(session.inside_seconds, 4)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def close(self) -> None:
        for st in self._state.values():
            st.close()
        self._state.clear()


def _explainer(source: SourceNotebook, session: StudentSession, missing: set[str]) -> Callable[[str, str], str]:
    """Why a name the graders asked for is not defined, in the learner's terms."""
    graded = {c.grade_id.removesuffix("_code") for c in source.cells if c.solution}

    def explain(name: str, exercise: str) -> str:
        cell = source.defining_cell(name)
        if cell is None:
            return f"{name} is not defined in your notebook."
        if cell.grade_id in missing:
            return f"{name} is not defined: the cell that defines it is missing from your notebook."
        outcome = session.outcomes.get(cell.grade_id)
        if outcome is None:
            return f"{name} is not defined: the cell that defines it did not run."
        if outcome.status is CellStatus.OK:
            return (f"{name} is not defined in your notebook: keep the name {name} as given"
                    if cell.solution else f"{name} is not defined in your notebook.")
        if outcome.status is CellStatus.FATAL:
            return f"{name} is not defined: the cell that defines it was stopped ({outcome.message})."
        callees = [c for c in cell.calls if c in graded]
        if outcome.error_type == "NotImplementedError" and callees:
            which = " or ".join(callees)
            return f"{name} is not defined because {which} is not implemented yet (the cell that creates {name} " \
                   "raised NotImplementedError)."
        return f"{name} is not defined because the cell that creates it raised {outcome.message}"

    return explain


_worker: Grader | None = None


def _worker_init(warm: tuple[tuple[str, str | None], ...]) -> None:
    """Pool worker start-up: build the grader and warm it for this batch's assignments; when the
    worker exits, its spare learner processes and their control groups go with it."""
    from multiprocessing.util import Finalize

    global _worker
    _worker = Grader()
    Finalize(_worker, _worker.close, exitpriority=10)
    try:
        _worker.warm(warm)
    except Exception:  # reported when a submission of that assignment is graded
        pass


def _worker_grade(job: Job) -> dict:
    global _worker
    if _worker is None:
        _worker = Grader()
    return grade_safely(_worker, job)


def grade_safely(grader: Grader, job: Job) -> dict:
    """Grade one job; a grader-side failure becomes that submission's failed result, never the batch's."""
    try:
        return grader.grade(job).to_dict()
    except Exception as exc:
        return NotebookResult.failed(job.notebook, job.assignment, "internal error while grading: "
                                     f"{type(exc).__name__}: {exc}", job.student).to_dict()


def grade_batch(jobs: list[Job], workers: int = 1,
                on_result: Callable[[NotebookResult], None] | None = None) -> list[NotebookResult]:
    """Grade every job; results come back in the order of ``jobs``."""
    results: dict[int, NotebookResult] = {}
    warm = tuple(dict.fromkeys((j.assignment, j.root) for j in jobs))

    def done(i: int, res: NotebookResult) -> None:
        results[i] = res
        if on_result:
            on_result(res)

    if workers <= 1 or len(jobs) == 1:
        grader = Grader()
        try:
            for i, job in enumerate(jobs):
                done(i, NotebookResult.from_dict(grade_safely(grader, job)))
        finally:
            grader.close()
        return [results[i] for i in range(len(jobs))]

    pending = list(range(len(jobs)))
    ctx = multiprocessing.get_context("spawn")
    while pending:
        with cf.ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=ctx,
                                    initializer=_worker_init, initargs=(warm,)) as pool:
            futures = {pool.submit(_worker_grade, jobs[i]): i for i in pending}
            broken = []
            for fut in cf.as_completed(futures):
                i = futures[fut]
                try:
                    done(i, NotebookResult.from_dict(fut.result()))
                except cf.process.BrokenProcessPool:
                    broken.append(i)
        if len(broken) == len(pending):  # no progress: fail the first so the loop always ends
            i = broken.pop(0)
            done(i, NotebookResult.failed(jobs[i].notebook, jobs[i].assignment,
                                          "the grading worker process died while grading this notebook",
                                          jobs[i].student))
        pending = [i for i in broken if i not in results]
    return [results[i] for i in range(len(jobs))]
