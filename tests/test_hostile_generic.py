"""Hostile and malformed learner output, for EVERY assignment (later ones included, unchanged).

Each case replaces one graded function of an assignment with hostile code and is graded on
that exercise (and the functions it calls, which are the solution's). Every case must end
graded, cost that exercise its points with a message, and never be an internal error: the
learner process's malformed, oversized, deeply nested or out-of-order messages are its own
fault; odd return values (ragged lists, None, strings, NaN, objects that cannot cross the
boundary) cost points; learner text is never markup in the instructor's console.

The odd values and the markup error are `autograde validate`'s own generic stand-ins for every
graded function of every assignment (autograde/validate.py), graded in the suite's one
background validation batch; these tests check its results independently. The protocol
breaches are the engine's business, shown on one assignment in a batch of their own.
"""
from __future__ import annotations

import pytest
from conftest import ROOT

from autograde.assignment import discover, load_assignment
from autograde.catalog import Variant
from autograde.engine import Job, grade_batch
from autograde.validate import MARKUP, MARKUP_TEXT, graded_functions, variant_notebook

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
ASSIGNMENTS = discover(ROOT)
PROTOCOL_ASSIGNMENT = "w1a1_rnn_step_by_step"


@pytest.fixture(scope="module")
def breaches(tmp_path_factory):
    assignment = load_assignment(PROTOCOL_ASSIGNMENT, ROOT)
    fn = graded_functions(assignment)[0]
    out = tmp_path_factory.mktemp("breaches")
    paths = {case: variant_notebook(assignment.source_path, Variant(fn, case, code.replace("{name}", fn)), out)
             for case, code in PROTOCOL.items()}
    results = grade_batch([Job(PROTOCOL_ASSIGNMENT, str(p), None, str(ROOT), (fn,)) for p in paths.values()],
                          workers=1)
    return fn, dict(zip(paths, results))


def _hostile(validation_reports, aid: str, case: str) -> dict:
    """The results of `autograde validate`'s hostile stand-ins of ``case``, by function."""
    results = validation_reports[aid].results
    return {fn: results[f"{aid}: hostile {fn} / {case}"] for fn in graded_functions(load_assignment(aid, ROOT))
            if f"{aid}: hostile {fn} / {case}" in results}


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_odd_values_cost_points_never_an_internal_error(validation_reports, aid):
    functions = graded_functions(load_assignment(aid, ROOT))
    cases = _hostile(validation_reports, aid, "odd_values")
    assert functions and sorted(cases) == sorted(functions)  # every graded function got its stand-in
    for fn, result in cases.items():
        _judge(result, fn, protocol=False)


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_learner_markup_is_text(validation_reports, aid):
    cases = _hostile(validation_reports, aid, "raises_markup")
    assert len(cases) == 1
    ((fn, result),) = cases.items()
    _judge(result, fn, protocol=False)
    assert any(MARKUP_TEXT in line for line in result.exercises[fn].feedback)


@pytest.mark.parametrize("case", list(PROTOCOL))
def test_protocol_breaches_cost_only_that_exercise(breaches, case):
    fn, results = breaches
    _judge(results[case], fn, protocol=True)


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
    first = graded_functions(assignment)[0]
    nb = variant_notebook(assignment.source_path, Variant(first, "markup", MARKUP.replace("{name}", first)), tmp_path)
    bad = tmp_path / "[bold red]sneaky[red].ipynb"
    bad.write_text("not a notebook [link=file:///etc/passwd]x[/link]")
    proc = subprocess.run([sys.executable, "-m", "autograde.cli", "grade", assignment.id, str(nb), str(bad),
                           "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "[bold red]sneaky[red]" in proc.stdout  # printed as text, not styled away
