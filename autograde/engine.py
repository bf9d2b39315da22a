"""A grading run: submissions in, one :class:`NotebookResult` per submission out.

Each worker process (trusted; it imports TensorFlow for the references) keeps, per
assignment, a warm learner process ready; each submission gets a fresh sandboxed learner
process, its cells run there, and the graders run here. A worker that dies takes only the
submission it was grading with it; the rest of the batch goes on in a new worker.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from autograde.course import Assignment, load_assignment
from autograde.grading import run_graders
from autograde.results import NotebookResult
from autograde.runner import LearnerPool, StudentSession
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


class Grader:
    """Grades submissions of any assignment in this process, keeping a warm learner pool per assignment."""

    def __init__(self) -> None:
        self._state: dict[tuple[str, str | None], tuple[Assignment, SourceNotebook, LearnerPool]] = {}

    def _assignment(self, job: Job) -> tuple[Assignment, SourceNotebook, LearnerPool]:
        key = (job.assignment, job.root)
        if key not in self._state:
            assignment = load_assignment(job.assignment, Path(job.root) if job.root else None)
            pool = LearnerPool(assignment.sandbox_spec())
            self._state[key] = (assignment, assignment.source_notebook(), pool)
        return self._state[key]

    def grade(self, job: Job) -> NotebookResult:
        started = time.monotonic()
        assignment, source, pool = self._assignment(job)
        exercises = source.exercises
        result = NotebookResult(job.notebook, job.assignment, "failed", student=job.student,
                                max_score=float(sum(exercises.values())), sandbox=sandbox_mode())
        try:
            submission = sanitize(Path(job.notebook), source)
        except SubmissionError as exc:
            result.message = str(exc)
            result.seconds = round(time.monotonic() - started, 3)
            return result
        session = StudentSession(pool, submission.cells, cell_timeout=assignment.cell_timeout,
                                 call_timeout=assignment.call_timeout)
        try:
            session.start()
            scores, errors = run_graders(assignment.graders_dir, session, exercises, submission.missing_solutions)
        finally:
            session.close()
        result.status = "graded"
        result.exercises = scores
        result.score = round(sum(v.score for v in scores.values()), 4)
        notes = list(submission.problems)
        notes += [f"cell {o.cell}: {o.message}" for o in session.outcomes.values() if o.status == "fatal"]
        notes += [e for e in session.events if not e.startswith("cell ")]
        result.message = "; ".join(dict.fromkeys(notes))
        result.internal_errors = errors
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def close(self) -> None:
        for _, _, pool in self._state.values():
            pool.close()
        self._state.clear()


_worker: Grader | None = None


def _worker_grade(job: Job) -> dict:
    """Entry point of a pool worker: one Grader per worker process, kept between jobs."""
    global _worker
    if _worker is None:
        _worker = Grader()
    return _grade_safely(_worker, job)


def _grade_safely(grader: Grader, job: Job) -> dict:
    try:
        return grader.grade(job).to_dict()
    except Exception as exc:  # a grader-side failure on one submission must not stop the batch
        return NotebookResult(job.notebook, job.assignment, "failed", student=job.student,
                              message=f"internal error while grading: {type(exc).__name__}: {exc}").to_dict()


def grade_batch(jobs: list[Job], workers: int = 1,
                on_result: Callable[[NotebookResult], None] | None = None) -> list[NotebookResult]:
    """Grade every job; results come back in the order of ``jobs``."""
    results: dict[int, NotebookResult] = {}

    def done(i: int, res: NotebookResult) -> None:
        results[i] = res
        if on_result:
            on_result(res)

    if workers <= 1 or len(jobs) == 1:
        grader = Grader()
        try:
            for i, job in enumerate(jobs):
                done(i, NotebookResult.from_dict(_grade_safely(grader, job)))
        finally:
            grader.close()
        return [results[i] for i in range(len(jobs))]

    pending = list(range(len(jobs)))
    ctx = multiprocessing.get_context("spawn")
    while pending:
        with cf.ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=ctx) as pool:
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
            done(i, NotebookResult(jobs[i].notebook, jobs[i].assignment, "failed", student=jobs[i].student,
                                   message="the grading worker process died while grading this notebook"))
        pending = [i for i in broken if i not in results]
    return [results[i] for i in range(len(jobs))]
