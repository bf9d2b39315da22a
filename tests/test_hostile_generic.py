"""Hostile and malformed learner output, for EVERY assignment (later ones included, unchanged).

Each case replaces one graded function of an assignment with hostile code and is graded on
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

# Protocol breaches are the engine's business: one assignment is enough to show them handled.
PROTOCOL = {
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
}
# Odd values are each assignment's graders' business: every call of the function returns the next
# odd value in turn. Every graded function of every assignment gets this treatment.
ODD = '''
import numpy as np
_odd_calls = [{offset}]
def _odd():
    x = []
    for _ in range(500):
        x = [x]
    return [None, [[1.0], [1.0, 2.0], "x", None], {"a": "b", "c": ["d"]}, np.full((3, 3), np.nan), object(), x,
            "a string", 10**30, np.array(["s", "t"]), (np.zeros(2), None)]
def {name}(*args, **kwargs):
    _odd_calls[0] += 1
    values = _odd()
    return values[_odd_calls[0] % len(values)]
'''
MARKUP = "def {name}(*args, **kwargs):\n    raise ValueError('[bold red]owned[/] <script>alert(1)</script>')\n"
ASSIGNMENTS = discover(ROOT)
PROTOCOL_ASSIGNMENT = "w1a1_rnn_step_by_step"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    jobs, keys = [], []
    for aid in ASSIGNMENTS:
        assignment = load_assignment(aid, ROOT)
        out = tmp_path_factory.mktemp(aid)
        functions = [e for e in assignment.exercises if f"{e}_code" in assignment.source_notebook().solution_ids
                     and f"def {e}(" in next(c.source for c in assignment.source_notebook().cells
                                               if c.grade_id == f"{e}_code")]
        cases = {(f, "odd_values"): ODD.replace("{offset}", "0") for f in functions}
        cases[(functions[0], "raises_markup")] = MARKUP
        if aid == PROTOCOL_ASSIGNMENT:
            cases.update({(functions[0], case): code for case, code in PROTOCOL.items()})
        for (fn, case), code in cases.items():
            variant = Variant(fn, case, code.replace("{name}", fn))
            path = variant_notebook(assignment.source_path, variant, out)
            jobs.append(Job(aid, str(path), None, str(ROOT), (fn,)))
            keys.append((aid, fn, case))
    return dict(zip(keys, grade_batch(jobs, workers=2)))


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_odd_values_cost_points_never_an_internal_error(batch, aid):
    cases = {k: r for k, r in batch.items() if k[0] == aid and k[2] == "odd_values"}
    assert cases
    for (_, fn, _), result in cases.items():
        _judge(result, fn, protocol=False)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_learner_markup_is_text(batch, aid):
    (result,) = [r for k, r in batch.items() if k[0] == aid and k[2] == "raises_markup"]
    (fn,) = result.exercises
    _judge(result, fn, protocol=False)
    assert any("[bold red]owned[/] <script>" in line for line in result.exercises[fn].feedback)


@pytest.mark.parametrize("case", list(PROTOCOL))
def test_protocol_breaches_cost_only_that_exercise(batch, case):
    (key,) = [k for k in batch if k[0] == PROTOCOL_ASSIGNMENT and k[2] == case]
    _judge(batch[key], key[1], protocol=True)


def _judge(result, fn: str, protocol: bool) -> None:
    assert result.status.value == "graded", (fn, result.message)
    assert not result.internal_errors, (fn, result.internal_errors)
    ex = result.exercises[fn]
    assert ex.score < ex.max_score, fn
    assert ex.feedback and all(len(line) < 2500 for line in ex.feedback), (fn, ex.feedback)
    assert not any("internal grader error" in line for line in ex.feedback), (fn, ex.feedback)
    if protocol:
        assert any("protocol" in line or "invalid data" in line for line in ex.feedback), ex.feedback


def test_learner_text_is_not_markup_in_the_console(tmp_path):
    """The score table and notes print learner text literally (rich markup is not interpreted)."""
    import subprocess
    import sys

    assignment = load_assignment(ASSIGNMENTS[0], ROOT)
    first = next(iter(assignment.exercises))
    nb = variant_notebook(assignment.source_path, Variant(first, "markup", MARKUP.replace("{name}", first)), tmp_path)
    bad = tmp_path / "[bold red]sneaky[red].ipynb"
    bad.write_text("not a notebook [link=file:///etc/passwd]x[/link]")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "grade", assignment.id, str(nb), str(bad),
                           "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "[bold red]sneaky[red]" in proc.stdout  # printed as text, not styled away
