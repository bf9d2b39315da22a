"""Hostile and malformed learner output, for EVERY assignment (later ones included, unchanged).

Each case replaces an assignment's first graded function with hostile code and is graded on
that exercise only (the other exercises are the solution's, as the validation shows). Every
case must end graded, cost that exercise its points with a message, and never be an internal
error: the learner process's malformed, oversized, deeply nested or out-of-order messages
are its own fault; odd return values (ragged lists, None, strings, NaN, objects that cannot
cross the boundary) cost points; learner text is never markup in the instructor's console.
"""
from __future__ import annotations

import pytest
from conftest import ROOT

from autograde.assignment import discover, load_assignment
from autograde.catalog import Variant
from autograde.engine import Job, grade_batch
from autograde.validate import variant_notebook

# Find the learner server in this very process (learner code can) and write raw frames on its
# reply channel, then wait to be killed: the grader must treat the frame as a protocol breach.
_FRAME = '''
def {name}(*args, **kwargs):
    import gc, os, struct, time
    server = next(o for o in gc.get_objects() if type(o).__name__ == "Server" and hasattr(o, "fd_out"))
    header = {header}
    os.write(server.fd_out, struct.pack(">I", len(header)) + header)
    time.sleep(3600)
'''

CASES = {
    "deep_json_reply": _FRAME.replace("{header}", 'b"[" * 200000 + b"]" * 200000'),
    "oversized_reply": '''
def {name}(*args, **kwargs):
    import gc, os, struct, time
    server = next(o for o in gc.get_objects() if type(o).__name__ == "Server" and hasattr(o, "fd_out"))
    os.write(server.fd_out, struct.pack(">I", 2**31))
    time.sleep(3600)
''',
    "reply_to_another_request": _FRAME.replace("{header}", 'b\'{"id": -7, "ok": true, "value": 1, "blobs": []}\''),
    "garbage_blob": _FRAME.replace("{header}", 'b\'{"id": -7, "ok": true, "value": {"$nd": 0}, "blobs": [5]}\'')
                          .replace("+ header)", "+ header + b'nonpy')"),
    "returns_none": "def {name}(*args, **kwargs):\n    return None\n",
    "returns_ragged": "def {name}(*args, **kwargs):\n    return [[1.0], [1.0, 2.0], 'x', None]\n",
    "returns_strings": "def {name}(*args, **kwargs):\n    return {'a': 'b', 'c': ['d']}\n",
    "returns_nan": "import numpy as np\ndef {name}(*args, **kwargs):\n    return np.full((3, 3), np.nan)\n",
    "returns_object": "def {name}(*args, **kwargs):\n    return object()\n",
    "returns_deep": "def {name}(*args, **kwargs):\n    x = []\n    for _ in range(500):\n        x = [x]\n    return x\n",
    "raises_markup": "def {name}(*args, **kwargs):\n    raise ValueError('[bold red]owned[/] <script>alert(1)</script>')\n",
}
ASSIGNMENTS = discover(ROOT)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    jobs, keys = [], []
    for aid in ASSIGNMENTS:
        assignment = load_assignment(aid, ROOT)
        first = next(iter(assignment.exercises))
        out = tmp_path_factory.mktemp(aid)
        for case, code in CASES.items():
            variant = Variant(first, case, code.replace("{name}", first))
            path = variant_notebook(assignment.source_path, variant, out)
            jobs.append(Job(aid, str(path), None, str(ROOT), (first,)))
            keys.append((aid, case))
    return dict(zip(keys, grade_batch(jobs, workers=2)))


@pytest.mark.parametrize("aid", ASSIGNMENTS)
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_output_costs_only_that_exercise(batch, aid, case):
    result = batch[(aid, case)]
    assert result.status.value == "graded", result.message
    assert not result.internal_errors, result.internal_errors
    (exercise, ex), = result.exercises.items()
    assert ex.score < ex.max_score
    assert ex.feedback and all(len(line) < 2500 for line in ex.feedback)
    assert not any("internal grader error" in line for line in ex.feedback), ex.feedback
    if case.endswith("_reply") or case == "garbage_blob":
        assert any("protocol" in line or "invalid data" in line for line in ex.feedback), ex.feedback


def test_learner_text_is_not_markup_in_the_console(tmp_path):
    """The score table and notes print learner text literally (rich markup is not interpreted)."""
    import subprocess
    import sys

    assignment = load_assignment(ASSIGNMENTS[0], ROOT)
    first = next(iter(assignment.exercises))
    nb = variant_notebook(assignment.source_path, Variant(first, "markup", CASES["raises_markup"].replace("{name}", first)),
                          tmp_path)
    bad = tmp_path / "[bold red]sneaky[red].ipynb"
    bad.write_text("not a notebook [link=file:///etc/passwd]x[/link]")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "grade", assignment.id, str(nb), str(bad),
                           "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "[bold red]sneaky[red]" in proc.stdout  # printed as text, not styled away
