"""release/ is exactly what source/ generates through nbgrader, and leaks nothing."""
from __future__ import annotations

import json

from autograde import release


def test_release_is_regenerated_identically(w1a1):
    assert release.differences(w1a1) == []


def test_release_leaks_no_solution_or_hidden_test(w1a1):
    assert release.hygiene(w1a1.release_dir) == []


def test_source_notebooks_have_no_outputs(root):
    for nb in (root / "source").glob("*/*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code"), nb


def test_every_graded_function_has_a_locked_autograder_cell(w1a1):
    src = w1a1.source_notebook()
    ids = [c.grade_id for c in src.cells]
    for cell in src.cells:
        if cell.solution:
            name = cell.grade_id.removesuffix("_code")
            follower = src.cells[ids.index(cell.grade_id) + 1]
            assert follower.grade and follower.grade_id == name and follower.points > 0
    assert sum(src.exercises.values()) == 100
