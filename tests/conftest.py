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
