"""Turning a submitted notebook into the code the learner process will run.

The course's source notebook is the authority: locked cells (imports, setup) come from it,
never from the submission; only the learner's solution cells (matched by nbgrader grade_id)
and code cells the learner added are taken from the submission. Autograder cells and cells
tagged ``grading-skip`` are not run at all. Deleted, duplicated or retyped cells are
detected and reported; they never crash the batch.

Two kinds of wrong notebook are recognised instead of silently scoring 0: a notebook whose
nbgrader metadata was stripped (cells pasted into a new notebook; its solutions are found by
the functions they define) and a notebook of another assignment.

Everything here is linear in the size of the submission: learner text is never parsed as
Python in this process (that happens in the sandbox), only scanned with simple patterns.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
SKIP_TAG = "grading-skip"
_TOP_LEVEL_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


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
    defines: tuple[str, ...] = ()   # top-level names the (trusted) cell assigns or defines
    calls: tuple[str, ...] = ()     # names the cell calls


def _names(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names defined at top level, names called) of a trusted course cell."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython syntax in a course cell: no names known
        return (), ()
    defined: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        defined.append(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined += [(a.asname or a.name).split(".")[0] for a in node.names]
    called = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    return tuple(dict.fromkeys(defined)), tuple(dict.fromkeys(called))


@dataclass
class SourceNotebook:
    """The instructor notebook: cells in order and the graded exercises with their points."""

    path: Path
    cells: list[SourceCell]

    @property
    def exercises(self) -> dict[str, float]:
        return {c.grade_id: c.points for c in self.cells if c.grade}

    @property
    def solution_ids(self) -> list[str]:
        return [c.grade_id for c in self.cells if c.solution and c.cell_type == "code"]

    def defining_cell(self, name: str) -> SourceCell | None:
        """The last cell (in notebook order) that defines ``name`` at top level."""
        found = [c for c in self.cells if c.cell_type == "code" and name in c.defines and not c.skip]
        return found[-1] if found else None

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
            defines, calls = _names(cell.source) if cell.cell_type == "code" else ((), ())
            cells.append(SourceCell(grade_id, cell.cell_type, cell.source, bool(meta.get("solution")),
                                    bool(meta.get("grade")), float(meta.get("points", 0) or 0),
                                    SKIP_TAG in cell.metadata.get("tags", []), defines, calls))
        return cls(path, cells)


@dataclass
class Submission:
    """What will run: ordered (cell id, code) pairs, and what was noticed on the way."""

    path: Path
    sha256: str = ""
    cells: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing_solutions: set[str] = field(default_factory=set)
    other_assignment: str | None = None  # the notebook belongs to this assignment instead


@dataclass
class _Cell:
    cell_type: str
    source: str
    grade_id: str | None


def read_notebook(path: Path, content: bytes | None = None) -> tuple[list[_Cell], str]:
    """The cells of a submitted notebook (and the sha256 of its bytes), or a clear SubmissionError.

    ``content``: the file's bytes, already read elsewhere (a grading worker on another machine
    gets the submission this way); ``path`` then only names it."""
    try:
        size = path.stat().st_size if content is None else len(content)
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc.strerror or exc}") from None
    if size == 0:
        raise SubmissionError("the file is empty")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"the file is too large ({size} bytes; the limit is {MAX_NOTEBOOK_BYTES})")
    try:
        raw = path.read_bytes() if content is None else content
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise SubmissionError("the file is not text (UTF-8); is it really a notebook?") from None
    except (ValueError, RecursionError) as exc:
        raise SubmissionError(f"the file is not valid JSON, so not a notebook ({str(exc)[:200]})") from None
    except OSError as exc:
        raise SubmissionError(f"cannot read the file: {exc}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or "nbformat" not in data:
        raise SubmissionError("the file is JSON but not a Jupyter notebook (no 'cells' list or 'nbformat')")
    if data.get("nbformat") != 4:
        try:
            data = nbformat.reads(text, as_version=4)
        except Exception as exc:
            raise SubmissionError(f"the notebook cannot be read by nbformat: {str(exc)[:200]}") from None
    cells = []
    for cell in data["cells"]:
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise SubmissionError("the notebook has a malformed cell")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise SubmissionError("the notebook has a malformed cell")
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        nbg = meta.get("nbgrader") if isinstance(meta.get("nbgrader"), dict) else {}
        gid = nbg.get("grade_id")
        cells.append(_Cell(cell["cell_type"], source, gid if isinstance(gid, str) else None))
    return cells, digest


def sanitize(path: Path, source: SourceNotebook,
             identify: Callable[[set[str]], str | None] | None = None, content: bytes | None = None) -> Submission:
    """Build the learner process's cell list for one submitted notebook.

    ``identify(grade_ids)`` names another assignment whose solution cells these are, if any;
    ``content`` is the notebook's bytes when they were read elsewhere (see :func:`read_notebook`)."""
    cells, digest = read_notebook(path, content)
    sub = Submission(path, digest)
    known = {c.grade_id for c in source.cells}
    solutions = source.solution_ids
    ids_present = {c.grade_id for c in cells if c.grade_id}
    found = [s for s in solutions if s in ids_present]
    if not found and ids_present and identify:
        other = identify(ids_present)
        if other:
            sub.other_assignment = other
            sub.problems.append(f"0 of {len(solutions)} exercises found; this looks like a notebook of {other}")
            return sub
    stripped = not (ids_present & known)
    if stripped:
        _assign_by_definitions(cells, source)
        sub.problems.append("nbgrader metadata missing: exercises were found by the functions they define; "
                            "locked cells come from the course")
    by_id: dict[str, list[_Cell]] = {}
    order: list[tuple[str | None, _Cell]] = []
    for cell in cells:
        gid = cell.grade_id if cell.grade_id in known else None
        if gid:
            by_id.setdefault(gid, []).append(cell)
        order.append((gid, cell))

    # learner-added code cells, attached after the last known cell before them
    added_after: dict[str | None, list[str]] = {}
    last_known = None
    for gid, cell in order:
        if gid:
            last_known = gid
        elif cell.cell_type == "code" and cell.source.strip() and not stripped:
            added_after.setdefault(last_known, []).append(cell.source)

    def add_learner_cells(anchor: str | None) -> None:
        for k, code in enumerate(added_after.get(anchor, [])):
            sub.cells.append((f"added-{anchor or 'top'}-{k}", code))

    add_learner_cells(None)
    for sc in source.cells:
        found_cells = by_id.get(sc.grade_id, [])
        if sc.solution and sc.cell_type == "code":
            code_cells = [c for c in found_cells if c.cell_type == "code"]
            if not found_cells:
                sub.problems.append(f"the cell '{sc.grade_id}' was deleted from the notebook"
                                    if not stripped else f"no cell defines what '{sc.grade_id}' should define")
                sub.missing_solutions.add(sc.grade_id)
            elif not code_cells:
                sub.problems.append(f"the cell '{sc.grade_id}' was changed to {found_cells[0].cell_type}; it is not code")
                sub.missing_solutions.add(sc.grade_id)
            else:
                if len(found_cells) > 1:
                    sub.problems.append(f"the cell '{sc.grade_id}' appears {len(found_cells)} times; "
                                        "the last copy was used")
                sub.cells.append((sc.grade_id, code_cells[-1].source))
        elif sc.grade_id in by_id or sc.cell_type == "code":
            if not stripped:
                if sc.cell_type == "code" and not found_cells:
                    sub.problems.append(f"the locked cell '{sc.grade_id}' was deleted; the course's copy was used")
                elif len(found_cells) > 1:
                    sub.problems.append(f"the locked cell '{sc.grade_id}' appears {len(found_cells)} times; "
                                        "the course's copy was used")
                elif found_cells and found_cells[0].cell_type != sc.cell_type:
                    sub.problems.append(f"the locked cell '{sc.grade_id}' was changed to {found_cells[0].cell_type}; "
                                        "the course's copy was used")
            if sc.cell_type == "code" and not sc.grade and not sc.skip:
                sub.cells.append((sc.grade_id, sc.source))
        add_learner_cells(sc.grade_id)
    return sub


def _assign_by_definitions(cells: list[_Cell], source: SourceNotebook) -> None:
    """Give stripped cells the grade_id of the solution cell whose functions they define (last wins)."""
    wanted = {}
    for sc in source.cells:
        if sc.solution and sc.cell_type == "code":
            functions = [n for n in sc.defines if re.search(rf"^def\s+{re.escape(n)}\s*\(", sc.source, re.MULTILINE)]
            if functions:
                wanted[sc.grade_id] = set(functions)
    for cell in cells:
        cell.grade_id = None
        if cell.cell_type != "code":
            continue
        defined = set(_TOP_LEVEL_DEF.findall(cell.source))
        for gid, functions in wanted.items():
            if functions <= defined:
                cell.grade_id = gid
