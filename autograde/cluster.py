"""Grading on an existing Dask distributed cluster (``autograde grade ... --cluster tcp://HOST:PORT``).

Nothing here is a cluster of our own: Dask's scheduler places the jobs, re-runs the jobs of a
worker that died on another worker (``distributed.scheduler.allowed-failures`` times, then
the job is recorded as failed), and brings new workers in.

- On each Dask worker process, :class:`GraderPlugin` (a Dask worker plugin, registered by the
  first coordinator that connects and kept by the scheduler for every worker that joins
  later) holds one :class:`autograde.engine.Grader`: TensorFlow imported, a warm learner
  process and a grader session per assignment, kept between jobs and between batches.
  Learner code runs only in that worker machine's sandbox, exactly as in a local batch.
- What travels: to the worker, the job as JSON text and the notebook's bytes; back, the
  result record as JSON text. Neither side unpickles anything a learner process produced
  (the learner process itself only ever speaks the sandbox protocol, to its grader).
- The worker grades with its own course checkout: ``$AUTOGRADE_WORKER_COURSE_DIR``, else the
  coordinator's course path when it exists there (shared filesystem, or the same path), else
  the checkout autograde is installed from. Every result carries its grader version; the
  coordinator refuses results graded by a different one.
- Start workers with ``--nthreads 1``: one grader per worker process grades one submission at
  a time (more threads would only queue behind it); scale with ``--nworkers``.
"""
from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path
from typing import Iterable

from distributed import WorkerPlugin

from autograde.batch import WINDOW_PER_WORKER, OnResult, Warm, died_result, read_submission
from autograde.engine import Job
from autograde.errors import CourseError
from autograde.results import NotebookResult

PLUGIN = "autograde-grader"
WORKER_COURSE_ENV = "AUTOGRADE_WORKER_COURSE_DIR"


class GraderPlugin(WorkerPlugin):
    """Warm grading state of one Dask worker process."""

    name = PLUGIN
    idempotent = True  # a second coordinator keeps the workers' warm state instead of replacing it

    def setup(self, worker) -> None:
        from autograde.engine import Grader

        for key, value in (("TF_CPP_MIN_LOG_LEVEL", "3"), ("TF_ENABLE_ONEDNN_OPTS", "0")):
            os.environ.setdefault(key, value)
        self.grader = Grader()
        self.lock = threading.Lock()

    def teardown(self, worker) -> None:
        with self.lock:
            self.grader.close()

    @staticmethod
    def course_root(coordinator_root: str | None) -> str | None:
        if os.environ.get(WORKER_COURSE_ENV):
            return os.environ[WORKER_COURSE_ENV]
        if coordinator_root and Path(coordinator_root, "source").is_dir():
            return coordinator_root
        return None  # the checkout autograde runs from

    def warm(self, assignment: str, root: str | None) -> str:
        with self.lock:
            try:
                self.grader.warm([(assignment, self.course_root(root))])
            except Exception as exc:  # reported again, per submission, when one is graded
                return f"warming failed: {type(exc).__name__}: {exc}"
        return "warm"

    def grade(self, spec: dict, content: bytes | None) -> str:
        from autograde.engine import grade_safely

        exercises = spec.get("exercises")
        job = Job(str(spec["assignment"]), str(spec["notebook"]), spec.get("student"),
                  self.course_root(spec.get("root")), tuple(exercises) if exercises is not None else None,
                  content)
        with self.lock:
            return json.dumps(grade_safely(self.grader, job))


def _plugin() -> GraderPlugin:
    from distributed import get_worker

    return get_worker().plugins[PLUGIN]


def grade_task(spec: str, content: bytes | None) -> str:
    """One submission, on a worker: JSON text and bytes in, the result record as JSON text out."""
    return _plugin().grade(json.loads(spec), content)


def warm_task(assignment: str, root: str | None) -> str:
    return _plugin().warm(assignment, root)


class DaskPool:
    """The coordinator's side: jobs to the cluster through a bounded window, results as they come."""

    def __init__(self, address: str, connect_timeout: float = 30.0) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise CourseError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.address = address
        self.errors: list[str] = []  # jobs the cluster failed (not the learner): see keep_going
        self.keep_going = False      # True: leave such jobs ungraded (a resumable batch grades them next run)
        self.client.register_plugin(GraderPlugin(), name=PLUGIN)

    def workers(self) -> dict[str, int]:
        """Worker address -> threads."""
        return dict(self.client.nthreads())

    def run(self, jobs: Iterable[Job], on_result: OnResult, warm: Warm = ()) -> None:
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        workers = self.workers()
        if not workers:
            raise CourseError(f"the Dask scheduler at {self.address} has no workers")
        # warm every worker for this batch's assignments before its first submission (kept afterwards)
        warming = [self.client.submit(warm_task, aid, root, workers=[addr], allow_other_workers=False, pure=False,
                                      priority=100, key=f"autograde-warm-{uuid.uuid4().hex}")
                   for addr in workers for aid, root in warm]
        window = max(2, WINDOW_PER_WORKER * sum(workers.values()))
        source = iter(jobs)
        inflight: dict[str, tuple[Job, object]] = {}
        pending = as_completed(loop=self.client.loop)

        def fill() -> None:
            while len(inflight) < window and (job := next(source, None)) is not None:
                content = job.content if job.content is not None else read_submission(job.notebook)
                spec = json.dumps({"assignment": job.assignment, "notebook": job.notebook, "student": job.student,
                                   "root": job.root, "exercises": list(job.exercises) if job.exercises else None})
                fut = self.client.submit(grade_task, spec, content, pure=False,
                                         key=f"autograde-{job.assignment}-{uuid.uuid4().hex}")
                inflight[fut.key] = (job, fut)
                pending.add(fut)

        try:
            fill()
            for fut in pending:
                job, _ = inflight.pop(fut.key)
                try:
                    result = NotebookResult.from_dict(json.loads(fut.result()))
                except KilledWorker:
                    result = died_result(job, "the grading worker died each time it graded this notebook "
                                              "(Dask gave up after its allowed failures)")
                except Exception as exc:  # noqa: BLE001 - the worker's failure, not the learner's
                    fut.release()
                    self.errors.append(f"{job.student or job.notebook}: {type(exc).__name__}: {exc}")
                    if self.keep_going:  # not recorded: the next run grades it again
                        fill()
                        continue
                    result = died_result(job, f"internal error on the grading worker: {type(exc).__name__}: {exc}")
                fut.release()
                on_result(job, result)
                fill()
        finally:
            for _, fut in inflight.values():  # left only when the batch stopped early
                fut.cancel()
            for fut in warming:
                fut.release()

    def close(self) -> None:
        self.client.close()
