"""Shared fixtures of the platform's own tests."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/catalog imports autograde; graders import their own modules
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

W1A1 = "w1a1_rnn_step_by_step"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def w1a1():
    from autograde.course import load_assignment

    return load_assignment(W1A1, ROOT)


def notebook_with(assignment, replace: dict[str, str] | None = None, append: list[str] | None = None,
                  insert_after: dict[str, list[str]] | None = None, drop: set[str] = frozenset(),
                  edit=None) -> nbformat.NotebookNode:
    """The solution notebook with cells replaced (by grade_id), dropped, added or edited."""
    nb = nbformat.read(str(assignment.source_dir / assignment.notebook_name), as_version=4)
    cells = []
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in drop:
            continue
        if replace and gid in replace:
            cell.source = replace[gid]
        cells.append(cell)
        for code in (insert_after or {}).get(gid, []):
            cells.append(nbformat.v4.new_code_cell(code))
    for code in append or []:
        cells.append(nbformat.v4.new_code_cell(code))
    nb.cells = cells
    if edit:
        edit(nb)
    return nb


def check_catalog(assignment_id: str, exercises: list[str], min_wrong: int, min_correct: int) -> None:
    """The catalog is big enough, covers every exercise both ways, and names each variant once."""
    from autograde.catalog import load_catalog

    wrong, correct = load_catalog(ROOT, assignment_id)
    assert len(wrong) >= min_wrong and len(correct) >= min_correct
    assert {v.exercise for v in wrong} == set(exercises) == {v.exercise for v in correct}
    assert len({(v.exercise, v.name) for v in wrong + correct}) == len(wrong + correct)


def validated(assignment_id: str):
    """Run `autograde validate` (without the release regeneration, tested elsewhere) and check
    the parts every assignment shares: solution 100 %, untouched release 0 and graded, short
    learner-facing feedback without array dumps. Returns the report for further checks."""
    from autograde.course import load_assignment
    from autograde.engine import grade_batch
    from autograde.validate import validate

    assignment = load_assignment(assignment_id, ROOT)
    report = validate(assignment, workers=2, run=lambda jobs, workers, title: grade_batch(jobs, workers),
                      check_release=False)
    assert report.ok, "\n".join(line for line in report.lines if "FAIL" in line)
    solution = next(r for k, r in report.results.items() if k.endswith(f"solution {assignment.notebook_name}"))
    assert solution.score == solution.max_score > 0
    release = next(r for k, r in report.results.items() if k.endswith(f"release {assignment.notebook_name}"))
    assert release.score == 0 and release.status == "graded"
    for res in report.results.values():
        for ex in res.exercises.values():
            for line in ex.feedback:
                assert "array(" not in line and len(line) < 2500
    return report
