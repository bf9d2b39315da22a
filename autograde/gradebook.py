"""Recording scores in nbgrader's own gradebook (any SQLAlchemy URL; SQLite by default).

The assignment's structure (notebooks, grade cells and their points) is saved with
nbgrader's SaveCells preprocessor, exactly as `nbgrader generate_assignment` would; each
submission's exercise scores become the auto_score of the matching grade cells, each
exercise's learner-facing feedback the auto_comment of its solution cell, and nbgrader's
submission timestamp (``timestamp.txt``) the submission's timestamp, so `nbgrader export`,
the formgrader and nbgrader's late-penalty plugins see them.

Several processes may write one gradebook at once (two instructors, PostgreSQL): creating the
tables and the assignment, and each learner's record, are serialised by a lock
(:mod:`autograde.dblock`), because nbgrader's check-then-insert is not race-free.
"""
from __future__ import annotations

import contextlib
import warnings
from datetime import datetime
from pathlib import Path

from autograde.assignment import Assignment
from autograde.dblock import GradebookLock
from autograde.results import NotebookResult


def submission_timestamp(submission_dir: Path) -> datetime | None:
    """nbgrader's timestamp.txt of a submission, if there is a readable one."""
    from nbgrader.utils import parse_utc

    path = submission_dir / "timestamp.txt"
    try:
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError, TypeError, OverflowError):
        return None


class Gradebook:
    """One assignment's records in one gradebook."""

    def __init__(self, db_url: str, assignment: Assignment) -> None:
        self.db_url = db_url
        self.assignment = assignment
        self.notebook_id = Path(assignment.notebook_name).stem
        self.exercises = assignment.exercises
        self.solution_cells = set(assignment.source_notebook().solution_ids)
        self.lock = GradebookLock(db_url)
        self._kept = None  # one nbgrader Gradebook for every record: its engine's compiled-query cache is what
        with self.lock.hold("schema"):  # makes a record cost milliseconds rather than a fresh engine's ~0.3 s
            self._ensure_assignment()

    def _open(self):
        from nbgrader.api import Gradebook as NbGradebook

        return NbGradebook(self.db_url)

    def _ensure_assignment(self) -> None:
        """Save the assignment's cells unless the gradebook already has this notebook."""
        import nbformat
        from nbgrader.api import MissingEntry
        from nbgrader.preprocessors import SaveCells

        with self._open() as gb:
            gb.update_or_create_assignment(self.assignment.id)
            try:
                gb.find_notebook(self.notebook_id, self.assignment.id)
                return
            except MissingEntry:
                pass
        nb = nbformat.read(str(self.assignment.source_path), as_version=4)
        resources = {"nbgrader": {"notebook": self.notebook_id, "assignment": self.assignment.id,
                                  "db_url": self.db_url}}
        SaveCells().preprocess(nb, resources)

    def record(self, result: NotebookResult, timestamp: datetime | None = None) -> None:
        """Store one learner's scores and feedback (a failed notebook scores 0 on every cell)."""
        from nbgrader.api import MissingEntry

        if not result.student:
            raise ValueError("a gradebook record needs a student id")
        aid = self.assignment.id
        if self._kept is None:
            self._kept = self._open()
        gb = self._kept
        with self.lock.hold(f"student:{result.student}"), warnings.catch_warnings(), _rollback_on_error(gb):
            # nbgrader's add_submission triggers harmless SQLAlchemy autoflush warnings
            warnings.simplefilter("ignore")
            gb.update_or_create_student(result.student)
            try:
                submission = gb.find_submission(aid, result.student)
                if timestamp is not None:
                    submission.timestamp = timestamp
            except MissingEntry:
                extra = {"timestamp": timestamp} if timestamp is not None else {}
                gb.add_submission(aid, result.student, **extra)
            # the notebook's grades and comments in two queries, not two per exercise (find_grade, find_comment)
            notebook = gb.find_submission_notebook(self.notebook_id, aid, result.student)
            with gb.db.no_autoflush:
                grades = {g.cell.name: g for g in notebook.grades}
                comments = {c.cell.name: c for c in notebook.comments}
            for grade_id in self.exercises:
                grade = grades[grade_id]
                ex = result.exercises.get(grade_id)
                grade.auto_score = ex.score if ex else 0.0
                grade.needs_manual_grade = False
                cell = grade_id + "_code"
                if cell in self.solution_cells:
                    comment = comments[cell]
                    lines = ex.feedback if ex else [result.message or "not graded"]
                    comment.auto_comment = "\n".join(lines) if lines else "All checks passed."
            gb.db.commit()

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None
        self.lock.close()


@contextlib.contextmanager
def _rollback_on_error(gb):
    try:
        yield
    except BaseException:
        gb.db.rollback()
        raise
