"""Turning a submitted notebook into the code the learner process will run.

The course's source notebook is the authority: locked cells (imports, setup) come from it,
never from the submission; only the learner's solution cells (matched by nbgrader grade_id)
and code cells the learner added are taken from the submission. Autograder cells and cells
tagged ``grading-skip`` are not run at all. Deleted, duplicated or retyped cells are
detected and reported; they never crash the batch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
SKIP_TAG = "grading-skip"


class SubmissionError(Exception):
    """The file cannot be graded at all (unreadable, empty, not a notebook)."""


@dataclass(frozen=True)
class SourceCell:
    grade_id: str
    cell_type: str
    source: str
    solution: bool
    grade: bool
    points: float
    skip: bool


@dataclass
class SourceNotebook:
    """The instructor notebook: cells in order and the graded exercises with their points."""

    path: Path
    cells: list[SourceCell]

    @property
    def exercises(self) -> dict[str, float]:
        return {c.grade_id: c.points for c in self.cells if c.grade}

    @classmethod
    def load(cls, path: Path) -> "SourceNotebook":
        nb = nbformat.read(str(path), as_version=4)
        cells = []
        seen = set()
        for i, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id") or f"cell-{i}"
            if grade_id in seen:
                raise ValueError(f"{path}: duplicate grade_id {grade_id!r}")
            seen.add(grade_id)
            cells.append(SourceCell(grade_id, cell.cell_type, cell.source, bool(meta.get("solution")),
                                    bool(meta.get("grade")), float(meta.get("points", 0) or 0),
                                    SKIP_TAG in cell.metadata.get("tags", [])))
        return cls(path, cells)


@dataclass
class Submission:
    """What will run: ordered (cell id, code) pairs, and what was noticed on the way."""

    path: Path
    cells: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing_solutions: set[str] = field(default_factory=set)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc.strerror or exc}") from None
    if size == 0:
        raise SubmissionError("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"the file is too large ({size} bytes; the limit is {MAX_NOTEBOOK_BYTES})")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise SubmissionError("the file is not text (UTF-8); is it really a notebook?") from None
    except ValueError as exc:
        raise SubmissionError(f"the file is not valid JSON, so not a notebook ({exc})") from None
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise SubmissionError("the file is JSON but not a Jupyter notebook (no 'cells' list or 'nbformat')")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise SubmissionError(f"the notebook cannot be read by nbformat: {exc}") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or "cell_type" not in cell:
            raise SubmissionError("the notebook has a malformed cell")
    return nb


def _python_source(code: str) -> str:
    """IPython syntax (magics, shell escapes) to plain Python, as text only."""
    if "%" not in code and "!" not in code and "?" not in code:
        return code
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(code)
    except Exception:
        return code


def sanitize(path: Path, source: SourceNotebook) -> Submission:
    """Build the learner process's cell list for one submitted notebook."""
    nb = read_notebook(path)
    sub = Submission(path)
    by_id: dict[str, list] = {}
    order: list[tuple[str | None, object]] = []
    known = {c.grade_id for c in source.cells}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        gid = gid if isinstance(gid, str) and gid in known else None
        if gid:
            by_id.setdefault(gid, []).append(cell)
        order.append((gid, cell))

    # learner-added code cells, attached after the last known cell before them
    added_after: dict[str | None, list[str]] = {}
    last_known = None
    for gid, cell in order:
        if gid:
            last_known = gid
        elif cell.cell_type == "code" and cell.source.strip():
            added_after.setdefault(last_known, []).append(cell.source)

    def add_learner_cells(anchor: str | None) -> None:
        for k, code in enumerate(added_after.get(anchor, [])):
            sub.cells.append((f"added-{anchor or 'top'}-{k}", _python_source(code)))

    add_learner_cells(None)
    for sc in source.cells:
        found = by_id.get(sc.grade_id, [])
        if sc.solution and sc.cell_type == "code":
            code_cells = [c for c in found if c.cell_type == "code"]
            if not found:
                sub.problems.append(f"the cell '{sc.grade_id}' was deleted from the notebook")
                sub.missing_solutions.add(sc.grade_id)
            elif not code_cells:
                sub.problems.append(f"the cell '{sc.grade_id}' was changed to {found[0].cell_type}; it is not code")
                sub.missing_solutions.add(sc.grade_id)
            else:
                if len(found) > 1:
                    sub.problems.append(f"the cell '{sc.grade_id}' appears {len(found)} times; the last copy was used")
                sub.cells.append((sc.grade_id, _python_source(code_cells[-1].source)))
        elif sc.grade_id in by_id or sc.cell_type == "code":
            if sc.cell_type == "code" and not found:
                sub.problems.append(f"the locked cell '{sc.grade_id}' was deleted; the course's copy was used")
            elif len(found) > 1:
                sub.problems.append(f"the locked cell '{sc.grade_id}' appears {len(found)} times; the course's copy was used")
            elif found and found[0].cell_type != sc.cell_type:
                sub.problems.append(f"the locked cell '{sc.grade_id}' was changed to {found[0].cell_type}; "
                                    "the course's copy was used")
            if sc.cell_type == "code" and not sc.grade and not sc.skip:
                sub.cells.append((sc.grade_id, _python_source(sc.source)))
        add_learner_cells(sc.grade_id)
    return sub
