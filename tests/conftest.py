"""Shared fixtures of the platform's own tests."""
from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/catalog imports autograde
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# Graders' stored expected values (autograde/expected.py): a store of this session's own, so every
# run computes them from the references at least once and a developer's ~/.cache cannot hide a
# broken reference; every grading process the tests start (CLI runs, Dask workers) shares it.
_EXPECTED_STORE = tempfile.mkdtemp(prefix="autograde-test-expected-")
atexit.register(shutil.rmtree, _EXPECTED_STORE, True)
os.environ["AUTOGRADE_CACHE"] = _EXPECTED_STORE

W1A1 = "w1a1_rnn_step_by_step"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def w1a1():
    from autograde.assignment import load_assignment

    return load_assignment(W1A1, ROOT)


def grader_module(assignment_id: str, name: str, root: Path = ROOT):
    """A module of an assignment's grader package, imported the way the engine imports it."""
    graders = str(root / "graders")
    if graders not in sys.path:
        sys.path.insert(0, graders)
    return importlib.import_module(f"{assignment_id}.{name}")


def notebook_with(assignment, replace: dict[str, str] | None = None, append: list[str] | None = None,
                  insert_after: dict[str, list[str]] | None = None, drop: set[str] = frozenset(),
                  edit=None) -> nbformat.NotebookNode:
    """The solution notebook with cells replaced (by grade_id), dropped, added or edited."""
    nb = nbformat.read(str(assignment.source_path), as_version=4)
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


@pytest.fixture(scope="session")
def validation_reports():
    """`autograde validate` of EVERY assignment in one batch through one warm pool (without the
    release regeneration, which test_assignments checks on its own)."""
    from autograde.assignment import discover, load_assignment
    from autograde.engine import grade_batch
    from autograde.validate import validate_all

    assignments = [load_assignment(a, ROOT) for a in discover(ROOT)]
    return validate_all(assignments, workers=2, run=lambda jobs, workers, title: grade_batch(jobs, workers),
                        check_release=False)


@pytest.fixture(scope="session")
def reference_reports() -> dict:
    """`autograde references` on the whole held-out sets, once per session: hashes, loading, the
    recorded data and every metric recomputed (per assignment in test_assignments; the whole
    pass and the command itself in test_references)."""
    from autograde.references import verify

    return {r.assignment: r for r in verify(ROOT)}
