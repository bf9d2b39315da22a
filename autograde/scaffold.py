"""`autograde new ID`: a new assignment that the generic checks pick up at once.

It writes the three places an assignment lives (nothing else in the course changes):

- source/ID/: the instructor notebook (nbgrader metadata: locked prose and setup cells, one
  example graded function with its solution region and its locked autograder cell worth 100
  points), a helper module, public checks, and checkkit.py (the shared public-check kit);
- graders/ID/: the grader package with assignment.toml, a TensorFlow reference and one
  hidden grader following the pattern every assignment uses (expected values computed once
  per grader version and stored, every wrong output named, a hint for a recognised mistake);
- tests/catalog/ID.py: one wrong and one correct implementation of the example.

After `autograde release ID` it passes `autograde validate ID` and tests/test_assignments.py.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

from autograde.assignment import discover, repo_root
from autograde.errors import AutogradeError

PACKAGE_DIR = Path(__file__).resolve().parent

NOTEBOOK_CELLS = [
    ("markdown", "intro", False, """# {title}

Replace this introduction: what the learner will build, and why it matters. Every cell of this
notebook carries nbgrader metadata; cells that learners must not change are locked."""),
    ("code", "imports", False, """import numpy as np
from {helpers} import make_problem
from public_tests import *"""),
    ("markdown", "dense_tanh_task", False, """## Exercise 1: `dense_tanh`

Compute one layer of a recurrent cell without the recurrence: $a = \\tanh(W x + b)$, where `x` has
shape $(n_x, m)$, `W` has shape $(n_a, n_x)$ and `b` has shape $(n_a, 1)$. Return `a`, of shape $(n_a, m)$."""),
    ("solution", "dense_tanh", False, '''def dense_tanh(x, W, b):
    """tanh(W x + b) for a batch of column vectors.

    Arguments:
    x -- inputs, numpy array of shape (n_x, m)
    W -- weights, numpy array of shape (n_a, n_x)
    b -- bias, numpy array of shape (n_a, 1)

    Returns:
    a -- numpy array of shape (n_a, m)
    """
    ### BEGIN SOLUTION
    a = np.tanh(W @ x + b)
    ### END SOLUTION
    return a'''),
    ("grade", "dense_tanh", False, "dense_tanh_test(dense_tanh)"),
    ("code", "dense_tanh_demo", True, """x, W, b = make_problem(n_x=3, n_a=4, m=2, seed=0)
print(dense_tanh(x, W, b))"""),
]

HELPERS = '''"""Helpers of {aid} (released to learners with the notebook)."""
import numpy as np


def make_problem(n_x=3, n_a=4, m=2, seed=0):
    """A small random problem: inputs x, weights W, bias b."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), rng.standard_normal((n_a, n_x)) * 0.5, rng.standard_normal((n_a, 1)) * 0.5
'''

PUBLIC_TESTS = '''"""Public checks of {aid}: shapes, structure and properties (hidden graders test values)."""
import numpy as np

from checkkit import public_check

__all__ = ["dense_tanh_test"]


@public_check("dense_tanh")
def dense_tanh_test(target):
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
    a = target(x, W, b)
    assert isinstance(a, np.ndarray), f"dense_tanh should return a numpy array, not {{type(a).__name__}}."
    assert a.shape == (4, 5), f"a has shape {{a.shape}}; it should be (n_a, m) = (4, 5)."
    assert np.all(np.abs(a) < 1), "a should lie in (-1, 1): apply tanh."
    zero = target(np.zeros_like(x), W, b)
    assert np.allclose(zero, np.tanh(b) * np.ones((1, 5))), "with x = 0, a should be tanh(b) in every column."
'''

SETTINGS = '''# Settings of {aid} (typed and checked by autograde/settings.py; unknown keys are errors).
cell_timeout = 20         # seconds per notebook cell
call_timeout = 10         # seconds per call of a learner function
submission_timeout = 120  # the whole submission
preimport = ["numpy"]

[limits]
memory_mb = 300
address_space_mb = 1024

[demo]
picks = {{ cleo = "missing_bias" }}

[catalog]
min_wrong = 1
min_correct = 1
min_diagnoses = 1

# what the hidden checks of each exercise look at, in the learner's words (feedback pages, Gradescope)
[feedback.checked]
dense_tanh = "a on hidden inputs of several sizes, compared with a TensorFlow reference within 1e-6."
'''

REFERENCE = '''"""TensorFlow references of {aid}, computed in the grader process (float64)."""
from __future__ import annotations

import numpy as np
import tensorflow as tf


def dense_tanh(x, W, b) -> np.ndarray:
    return tf.tanh(tf.linalg.matmul(tf.constant(W, tf.float64), tf.constant(x, tf.float64)) + b).numpy()
'''

GRADER = '''"""Hidden graders of {aid}: dense_tanh against the TensorFlow reference."""
from __future__ import annotations

import numpy as np
import pytest

from autograde.checks import close
from autograde.expected import expected as stored, lazy

ref = lazy(".reference", __package__)  # TensorFlow is imported only when a value is not stored yet
exercise = pytest.mark.exercise

# float64 numpy against float64 TensorFlow agree to ~1e-15; a float32 learner to ~1e-7.
ATOL, RTOL = 1e-6, 1e-6
# (n_x, n_a, m, seed): all sizes differ, so a transposed product fails
CASES = [(3, 5, 4, 1), (6, 2, 3, 2)]


@stored
def problem(case):
    n_x, n_a, m, seed = case
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_x, m)), rng.standard_normal((n_a, n_x)) * 0.5, rng.standard_normal((n_a, 1)) * 0.5


@stored
def expected(case):
    """Computed once per grader version (kept in memory and in the trusted store on disk):
    the hidden cases are fixed."""
    return ref.dense_tanh(*problem(case))


@exercise("dense_tanh", weight=1)
@pytest.mark.parametrize("case", CASES, ids=[f"nx{{c[0]}}-na{{c[1]}}-m{{c[2]}}" for c in CASES])
def test_dense_tanh(student, feedback, case):
    x, W, b = problem(case)
    got = student.dense_tanh(x, W, b)
    if not close(got, expected(case), ATOL, RTOL):
        with feedback.probing():
            if close(got, np.tanh(W @ x), ATOL, RTOL):
                feedback.diagnose("missing_bias", "the bias b seems to be missing: a = tanh(W x + b).")
    feedback.check_array("a", got, expected(case), atol=ATOL, rtol=RTOL)
'''

CATALOG = '''"""Known implementations of the {aid} exercises (see autograde/catalog.py)."""
from autograde.catalog import Variant

WRONG = [
    Variant("dense_tanh", "dense_tanh_no_bias", "def dense_tanh(x, W, b):\\n    return np.tanh(W @ x)\\n",
            "The bias is left out.", diagnosis="missing_bias"),
]

CORRECT = [
    Variant("dense_tanh", "dense_tanh_einsum",
            "def dense_tanh(x, W, b):\\n    return np.tanh(np.einsum('ij,jm->im', W, x) + b)\\n", "einsum product."),
]
'''


def _metadata(grade_id: str, kind: str) -> dict:
    meta = {"grade": kind == "grade", "grade_id": grade_id, "locked": kind != "solution", "schema_version": 3,
            "solution": kind == "solution", "task": False}
    if kind == "grade":
        meta["points"] = 100
    return meta


def scaffold(assignment_id: str, root: Path | None = None) -> list[Path]:
    root = root or repo_root()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment_id) or assignment_id in ("references",):
        raise AutogradeError(f"{assignment_id!r} is not a valid assignment id (lower case letters, digits and _; "
                             "it becomes a Python package name)")
    targets = [root / "source" / assignment_id, root / "graders" / assignment_id,
               root / "tests" / "catalog" / f"{assignment_id}.py"]
    existing = [t for t in targets if t.exists()]
    if existing or assignment_id in discover(root):
        raise AutogradeError(f"{assignment_id} already exists ({', '.join(map(str, existing))}); nothing was written")
    name = assignment_id.split("_", 1)[-1] if "_" in assignment_id else assignment_id
    helpers = f"{name}_utils"
    fmt = {"aid": assignment_id, "title": name.replace("_", " ").capitalize(), "helpers": helpers}
    source, graders = targets[0], targets[1]
    source.mkdir(parents=True)
    graders.mkdir(parents=True)
    targets[2].parent.mkdir(parents=True, exist_ok=True)

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for kind, gid, skip, text in NOTEBOOK_CELLS:
        text = text.format(**fmt) if kind in ("markdown", "code") else text
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        grade_id = f"{gid}_code" if kind == "solution" else gid
        cell.metadata["nbgrader"] = _metadata(grade_id, "grade" if kind == "grade" else
                                              "solution" if kind == "solution" else "locked")
        if skip:
            cell.metadata["tags"] = ["grading-skip"]
        nb.cells.append(cell)
    written = [source / f"{name}.ipynb", source / f"{helpers}.py", source / "public_tests.py",
               graders / "__init__.py", graders / "assignment.toml", graders / "reference.py",
               graders / "test_dense_tanh.py", targets[2]]
    nbformat.write(nb, str(written[0]))
    written[1].write_text(HELPERS.format(**fmt))
    written[2].write_text(PUBLIC_TESTS.format(**fmt))
    written[3].write_text(f'"""Hidden graders of {assignment_id} (a package: siblings import each other relatively)."""\n')
    written[4].write_text(SETTINGS.format(**fmt))
    written[5].write_text(REFERENCE.format(**fmt))
    written[6].write_text(GRADER.format(**fmt))
    written[7].write_text(CATALOG.format(**fmt))
    kit = source / "checkkit.py"
    engine_kit = PACKAGE_DIR / "checkkit.py"
    if (root / "autograde" / "checkkit.py").resolve() == engine_kit:
        kit.symlink_to(os.path.relpath(engine_kit, source))  # in this repository: one shared file
    else:
        kit.write_text(engine_kit.read_text())  # another course: its own copy
    written.append(kit)
    return written
