"""Recording scores in nbgrader's own gradebook (any SQLAlchemy URL; SQLite by default).

The assignment's structure (notebooks, grade cells and their points) is saved with
nbgrader's SaveCells preprocessor, exactly as `nbgrader generate_assignment` would; each
submission's exercise scores become the auto_score of the matching grade cells, so
`nbgrader export` and the formgrader show them.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveCells

from autograde.course import Assignment
from autograde.results import NotebookResult


def ensure_assignment(db_url: str, assignment: Assignment) -> None:
    """Save the assignment's cells unless the gradebook already has this notebook."""
    notebook_id = Path(assignment.notebook_name).stem
    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(assignment.id)
        try:
            gb.find_notebook(notebook_id, assignment.id)
            return
        except MissingEntry:
            pass
    nb = nbformat.read(str(assignment.source_dir / assignment.notebook_name), as_version=4)
    resources = {"nbgrader": {"notebook": notebook_id, "assignment": assignment.id, "db_url": db_url}}
    SaveCells().preprocess(nb, resources)


def record(db_url: str, assignment: Assignment, result: NotebookResult) -> None:
    """Store one learner's scores (a failed notebook scores 0 on every cell)."""
    if not result.student:
        raise ValueError("a gradebook record needs a student id")
    notebook_id = Path(assignment.notebook_name).stem
    with Gradebook(db_url) as gb, warnings.catch_warnings():
        # nbgrader's add_submission triggers harmless SQLAlchemy autoflush warnings
        warnings.simplefilter("ignore")
        gb.update_or_create_student(result.student)
        try:
            gb.find_submission(assignment.id, result.student)
        except MissingEntry:
            gb.add_submission(assignment.id, result.student)
        for grade_id, points in assignment.source_notebook().exercises.items():
            grade = gb.find_grade(grade_id, notebook_id, assignment.id, result.student)
            ex = result.exercises.get(grade_id)
            grade.auto_score = ex.score if ex else 0.0
            grade.needs_manual_grade = False
        gb.db.commit()
