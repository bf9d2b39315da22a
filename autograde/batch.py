"""Streaming batches: grade any number of submissions in constant memory, resumably.

Two executors with one interface, ``run(jobs, on_result, warm)``: :class:`LocalPool` (the
engine's warm worker processes on this machine, the default) and
:class:`autograde.cluster.DaskPool` (an existing Dask cluster). Both pull jobs from an
iterator and keep only a bounded window of them in flight, and hand each result to
``on_result`` as it arrives; neither keeps results.

:func:`grade_course` is course mode on top of them: each result is appended to the durable
log (:mod:`autograde.ledger`), then recorded in the gradebook and its feedback page written,
as it arrives. Started again after a kill, it grades only the submissions whose (sha256,
grader version) has no result yet.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import ctypes
import hashlib
import json
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator

from autograde.engine import Grader, Job, _worker_grade, _worker_init, grade_safely, grader_version
from autograde.errors import CourseError
from autograde.ledger import Key, Ledger
from autograde.results import NotebookResult, Status
from autograde.submission import MAX_NOTEBOOK_BYTES

OnResult = Callable[[Job, NotebookResult], None]
Warm = tuple[tuple[str, str | None], ...]
WINDOW_PER_WORKER = 2     # jobs in flight per worker: one grading, one queued behind it
TABLE_LIMIT = 200         # course mode prints the per-learner table up to this many learners
KEPT_ERRORS = 20


def read_submission(path: str | Path) -> bytes | None:
    """The notebook's bytes, or None when the worker should report on the file itself
    (unreadable, or over the size limit: not worth moving)."""
    try:
        if os.stat(path).st_size > MAX_NOTEBOOK_BYTES:
            return None
        with open(path, "rb") as f:
            return f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError:
        return None


def died_result(job: Job, why: str) -> NotebookResult:
    return NotebookResult.failed(job.notebook, job.assignment, why, job.student)


# ------------------------------------------------------------------ local pool

def _die_with_parent() -> None:
    """Linux: this worker is killed when the coordinator dies (no orphaned warm workers after a kill)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _local_init(warm: Warm) -> None:
    _die_with_parent()
    _worker_init(warm)


class LocalPool:
    """The engine's warm worker processes, fed from an iterator through a bounded window.

    A worker process that dies takes its pool with it: the jobs that were in flight are then
    re-run one at a time, so the one that kills its worker is identified and recorded as
    failed (after two tries) while the others are graded normally."""

    ATTEMPTS = 2

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def run(self, jobs: Iterable[Job], on_result: OnResult, warm: Warm = ()) -> None:
        if self.workers == 1:
            grader = Grader()
            try:
                for job in jobs:
                    on_result(job, NotebookResult.from_dict(grade_safely(grader, job)))
            finally:
                grader.close()
            return
        source = iter(jobs)
        suspects: collections.deque[tuple[Job, int]] = collections.deque()
        ctx = multiprocessing.get_context("spawn")
        window = self.workers * WINDOW_PER_WORKER
        while True:
            pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_local_init,
                                          initargs=(warm,))
            inflight: dict[cf.Future, tuple[Job, int]] = {}
            broken = False

            def fill() -> None:
                if suspects:  # after a worker died: one job at a time until the culprit is known
                    if not inflight:
                        item = suspects.popleft()
                        inflight[pool.submit(_worker_grade, item[0])] = item
                    return
                while len(inflight) < window and (job := next(source, None)) is not None:
                    inflight[pool.submit(_worker_grade, job)] = (job, 0)

            try:
                fill()
                while inflight:
                    done, _ = cf.wait(inflight, return_when=cf.FIRST_COMPLETED)
                    alone = len(inflight) == 1
                    for fut in done:
                        job, tries = inflight.pop(fut)
                        try:
                            data = fut.result()
                        except cf.process.BrokenProcessPool:
                            broken = True
                            if not alone:
                                suspects.append((job, tries))
                            elif tries + 1 >= self.ATTEMPTS:
                                on_result(job, died_result(job, "the grading worker process died while grading "
                                                                "this notebook"))
                            else:
                                suspects.appendleft((job, tries + 1))
                            continue
                        on_result(job, NotebookResult.from_dict(data))
                    if broken:
                        suspects.extend(inflight.values())
                        inflight.clear()
                        break
                    fill()
            finally:
                pool.shutdown(wait=not broken, cancel_futures=True)
            if not broken:
                return


# ------------------------------------------------------------------ any executor

def executor(workers: int, cluster: str | None):
    if cluster:
        from autograde.cluster import DaskPool

        return DaskPool(cluster)
    return LocalPool(workers)


def grade_list(jobs: list[Job], workers: int, cluster: str | None,
               on_result: Callable[[NotebookResult], None] | None = None) -> list[NotebookResult]:
    """File mode on any executor: results in the order of ``jobs``."""
    results: dict[int, NotebookResult] = {}
    order = {id(job): i for i, job in enumerate(jobs)}

    def done(job: Job, result: NotebookResult) -> None:
        results[order[id(job)]] = result
        if on_result:
            on_result(result)

    pool = executor(workers, cluster)
    try:
        pool.run(jobs, done, tuple(dict.fromkeys((j.assignment, j.root) for j in jobs)))
    finally:
        close = getattr(pool, "close", None)
        if close:
            close()
    return [results[i] for i in range(len(jobs))]


# ------------------------------------------------------------------ course mode

@dataclass
class CourseSummary:
    """What a course batch leaves in memory: counts, a few errors, and the table only when it is small."""

    learners: int = 0
    graded_now: int = 0
    reused: int = 0
    replayed: int = 0
    failed: int = 0
    total_score: float = 0.0
    max_score: float = 0.0
    internal_errors: list[str] = field(default_factory=list)
    sandboxes: set[str] = field(default_factory=set)
    results: list[NotebookResult] | None = None  # in learner order, when learners <= TABLE_LIMIT
    results_path: Path | None = None
    log_path: Path | None = None

    def line(self) -> str:
        mean = self.total_score / self.learners if self.learners else 0.0
        return (f"{self.learners} learners: {self.learners - self.failed} graded, {self.failed} failed, "
                f"mean score {mean:.2f}/{self.max_score:g}; graded now {self.graded_now}, "
                f"reused {self.reused} earlier results")


def _sha256(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data is not None else ""


def grade_course(assignment, root: Path, db_url: str, *, workers: int, cluster: str | None = None,
                 regrade: bool = False, progress: Callable[[str, int], ContextManager[Callable[[], None]]] | None = None,
                 say: Callable[[str], None] = print) -> CourseSummary:
    """Grade every submitted/<student>/<assignment>/<notebook> of the course into the gradebook."""
    from autograde import feedback, gradebook

    submitted = root / "submitted"
    aid, name = assignment.id, assignment.notebook_name
    students = sorted(p.name for p in submitted.iterdir() if (p / aid).is_dir())
    if not students:
        raise CourseError(f"no submissions under {submitted}/<student>/{aid}/")
    version = grader_version(assignment)
    book = gradebook.Gradebook(db_url, assignment)
    ledger = Ledger(root / "autograded" / f"{aid}-results.jsonl")
    entries = ledger.scan()
    summary = CourseSummary(learners=len(students), max_score=float(sum(assignment.exercises.values())),
                            log_path=ledger.path)

    def path_of(student: str) -> Path:
        return submitted / student / aid / name

    checked = feedback.checked_descriptions(assignment)

    def record(key: Key, result: NotebookResult) -> None:
        book.record(result, gradebook.submission_timestamp(submitted / key.student / aid))
        feedback.write(result, root / "feedback" / key.student / aid / (Path(name).stem + ".html"), checked)
        ledger.mark_recorded(key)

    todo: list[str] = []
    for student in students:  # first pass: what is missing (hashing only; nothing kept)
        key = Key(student, _sha256(read_submission(path_of(student))), version)
        entry = entries.get(key)
        if entry is None or regrade:
            todo.append(student)
        else:
            summary.reused += 1
            if not entry.recorded:  # killed between the log and the gradebook: finish that record
                record(key, ledger.read(entry.offset))
                summary.replayed += 1
    del entries
    if summary.reused:
        say(f"{summary.reused} of {len(students)} submissions already graded with this grader version "
            f"(results log {ledger.path}); grading the other {len(todo)}" +
            (f", and finished recording {summary.replayed}" if summary.replayed else ""))

    keys: dict[int, Key] = {}

    def jobs() -> Iterator[Job]:
        for student in todo:
            content = read_submission(path_of(student))
            job = Job(aid, str(path_of(student)), student, str(root), content=content)
            keys[id(job)] = Key(student, _sha256(content), version)
            yield job

    def on_result(job: Job, result: NotebookResult) -> None:
        key = keys.pop(id(job))
        if result.grader_version and result.grader_version != version:
            raise CourseError(f"a grading worker graded {job.student} with grader version {result.grader_version}, "
                              f"but this course's is {version}: that worker's course checkout differs from this "
                              "one (same commit, same graders, same references everywhere)")
        if result.submission_sha256 and key.sha256 and result.submission_sha256 != key.sha256:
            raise CourseError(f"{job.student}: the worker graded other bytes than were sent")
        ledger.append_result(key, result)
        record(key, result)
        summary.graded_now += 1
        if result.sandbox:
            summary.sandboxes.add(result.sandbox)
        for err in result.internal_errors[:KEPT_ERRORS - len(summary.internal_errors)]:
            summary.internal_errors.append(f"{job.student}: {err}")
        advance()

    pool = executor(workers, cluster)
    pool.keep_going = True
    bar = progress(f"grading {aid}", len(todo)) if progress and todo else contextlib.nullcontext(lambda: None)
    try:
        with bar as advance:
            pool.run(jobs(), on_result, ((aid, str(root)),))
    finally:
        close = getattr(pool, "close", None)
        if close:
            close()
        book.close()
    if getattr(pool, "errors", None):
        raise CourseError(f"{len(pool.errors)} submission(s) were not graded because grading workers failed "
                          f"(first: {pool.errors[0]}); everything else is recorded: run the same command again "
                          "to grade what is missing")
    _finish(summary, students, ledger, version, path_of, root / "autograded" / f"{aid}-results.json")
    return summary


def _finish(summary: CourseSummary, students: list[str], ledger: Ledger, version: str,
            path_of: Callable[[str], Path], out: Path) -> None:
    """Write the batch's results file from the log (one result at a time) and fill in the summary."""
    entries = ledger.scan()
    keep = len(students) <= TABLE_LIMIT
    summary.results = [] if keep else None
    tmp = out.with_suffix(".json.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w") as f:
        f.write('{\n  "results": [')
        for i, student in enumerate(students):
            entry = entries.get(Key(student, _sha256(read_submission(path_of(student))), version))
            if entry is None:
                raise CourseError(f"{student}: no result after the batch (was the submission changed while grading?)")
            result = ledger.read(entry.offset)
            f.write(("," if i else "") + "\n    " + json.dumps(result.to_dict()))
            summary.failed += result.status is Status.FAILED
            summary.total_score += result.score
            if keep:
                summary.results.append(result)
        f.write("\n  ]\n}\n")
    os.replace(tmp, out)
    summary.results_path = out
