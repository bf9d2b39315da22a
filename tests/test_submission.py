"""Sanitizing submissions: locked cells come from the course, solution cells from the learner."""
from __future__ import annotations

import nbformat
import pytest
from conftest import notebook_with

from autograde.submission import SubmissionError, sanitize


def write(tmp_path, nb, name="nb.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_solution_runs_locked_and_solution_cells_only(w1a1, tmp_path):
    src = w1a1.source_notebook()
    sub = sanitize(write(tmp_path, notebook_with(w1a1)), src)
    ids = [cid for cid, _ in sub.cells]
    assert "imports" in ids and "rnn_cell_forward_code" in ids
    assert "rnn_cell_forward" not in ids  # autograder cells are not run in the learner process
    assert not any(c.skip and c.grade_id in ids for c in src.cells)  # grading-skip cells are not run
    assert not sub.problems


def test_locked_cells_are_restored_from_the_course(w1a1, tmp_path):
    nb = notebook_with(w1a1, replace={"imports": "import os; os._exit(1)"})
    sub = sanitize(write(tmp_path, nb), w1a1.source_notebook())
    code = dict(sub.cells)["imports"]
    assert "_exit" not in code and "import numpy as np" in code


def test_learner_added_cells_keep_their_place(w1a1, tmp_path):
    nb = notebook_with(w1a1, insert_after={"rnn_cell_forward_code": ["HELPER = 1", "%matplotlib inline"]})
    sub = sanitize(write(tmp_path, nb), w1a1.source_notebook())
    ids = [cid for cid, _ in sub.cells]
    i = ids.index("rnn_cell_forward_code")
    assert ids[i + 1].startswith("added-") and dict(sub.cells)[ids[i + 1]] == "HELPER = 1"
    # IPython syntax is left as it is: the sandbox turns it into Python, under the cell's deadline
    assert dict(sub.cells)[ids[i + 2]] == "%matplotlib inline"


def test_deleted_and_retyped_solution_cells_are_reported(w1a1, tmp_path):
    def retype(nb):
        for i, c in enumerate(nb.cells):
            if c.metadata.get("nbgrader", {}).get("grade_id") == "rnn_forward_code":
                md = nbformat.v4.new_markdown_cell(c.source)
                md.metadata = c.metadata
                nb.cells[i] = md
    nb = notebook_with(w1a1, drop={"lstm_forward_code"}, edit=retype)
    sub = sanitize(write(tmp_path, nb), w1a1.source_notebook())
    assert sub.missing_solutions == {"lstm_forward_code", "rnn_forward_code"}
    assert any("deleted" in p for p in sub.problems) and any("markdown" in p for p in sub.problems)


@pytest.mark.parametrize("content,words", [(b"", "empty"), (b"\xff\xfe\x00", "not text"),
                                           (b"[1, 2, 3]", "not a Jupyter notebook"),
                                           (b'{"cells": [], "nbformat": 4, "metadata": {}, "nbformat_minor": 5',
                                            "not valid JSON")])
def test_ungradable_files(w1a1, tmp_path, content, words):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=words):
        sanitize(path, w1a1.source_notebook())
