"""The public checks learners run in the notebook fail with ONE clear line, not a traceback into
public_tests.py: "X is not implemented yet" for an untouched exercise. Run in a real Jupyter
kernel on every assignment's release notebook (without its grading-skip cells)."""
from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from autograde.assignment import discover, load_assignment

ASSIGNMENTS = discover(ROOT)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_untouched_exercises_say_so_in_one_line(aid, tmp_path):
    assignment = load_assignment(aid, ROOT)
    nb = nbformat.read(str(assignment.release_path), as_version=4)
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and "grading-skip" not in c.metadata.get("tags", [])]
    NotebookClient(nb, timeout=300, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(assignment.release_dir)}}).execute()
    checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks
    said = 0
    for cell in checks:
        name = cell.metadata["nbgrader"]["grade_id"]
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        assert errors, (name, cell.outputs)  # an untouched exercise never passes its check
        text = "\n".join(errors[0]["traceback"])
        assert len(errors[0]["traceback"]) == 1 and "public_tests.py" not in text and "Traceback" not in text, text
        said += "not implemented yet" in text
    assert said >= len(checks) - 1, [c.outputs for c in checks]
