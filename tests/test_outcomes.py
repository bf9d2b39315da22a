"""The verdicts of feedback pages, the class report and the Gradescope export read the
engine's learner-facing wording: pinned here against the code that writes it."""
from __future__ import annotations

import pytest

from autograde import outcomes
from autograde.grading import RunContext, describe_exception
from autograde.results import ExerciseResult, NotebookResult, Status
from autograde.runner import NotCalledAgain, StudentCrash, StudentError, StudentTimeout, StudentUnavailable


def _ex(lines, score=0.0, max_score=10.0, diagnoses=()):
    return ExerciseResult(score, max_score, list(lines), list(diagnoses))


class _Session:
    outcomes: dict = {}


@pytest.mark.parametrize("exc, kind", [
    (StudentTimeout("time limit of 10 s exceeded"), outcomes.CRASH),
    (StudentCrash("the learner process died (signal 9)"), outcomes.CRASH),
    (NotCalledAgain("rnn_forward", StudentTimeout("time limit of 10 s exceeded")), outcomes.CRASH),
    (StudentUnavailable("the submission used up its time budget of 120 s; the remaining checks were not run"),
     outcomes.CRASH),
    (StudentUnavailable("the learner process crashed 6 times; the remaining checks were not run"), outcomes.CRASH),
    (StudentError("NotImplementedError", "", "Traceback ...\n"), outcomes.NOT_ATTEMPTED),
    (StudentError("ValueError", "shapes (3,4) and (5,1) not aligned", "Traceback ...\nValueError: ...\n"),
     outcomes.ERROR),
    (StudentError("NameError", "name 'x' is not defined", "", undefined="rnn_forward"), outcomes.ERROR),
])
def test_the_engines_messages_are_classified(exc, kind):
    line = describe_exception(exc, "rnn_forward", RunContext(_Session(), {"rnn_forward": 10.0}))
    assert outcomes.classify(_ex([line])) == kind, line


def test_callee_failures_and_wrong_values():
    ctx = RunContext(_Session(), {"rnn_forward": 10.0}, calls={"rnn_forward": ("rnn_cell_forward",)})
    err = StudentError("ValueError", "bad", 'File "<cell>", line 3, in rnn_cell_forward\nValueError: bad\n')
    assert outcomes.classify(_ex([describe_exception(err, "rnn_forward", ctx)])) == outcomes.ERROR
    not_yet = StudentError("NotImplementedError", "", 'File "<cell>", line 3, in rnn_cell_forward\n')
    assert outcomes.classify(_ex([describe_exception(not_yet, "rnn_forward", ctx)])) == outcomes.NOT_ATTEMPTED
    wrong = ["Hint: stack the previous state first", "a_next is wrong on all 4 hidden cases; the largest error is 0.7."]
    assert outcomes.classify(_ex(wrong, 0.0)) == outcomes.WRONG
    assert outcomes.classify(_ex(wrong, 2.5)) == outcomes.PARTIAL
    assert outcomes.classify(_ex(["a note that does not matter"], 10.0)) == outcomes.FULL
    assert outcomes.classify(_ex([], 0.0), graded=False) == outcomes.NOT_GRADED


def test_hints_pair_with_diagnoses_and_first_failure_skips_notes():
    ex = _ex(["rnn_forward calls your rnn_cell_forward, which gives wrong results (see its own exercise); "
              "rnn_forward itself is right and keeps its points.",
              "Hint: pass da[:, :, t] + da_prevt", "Hint: second hint",
              "dx is wrong on 3 of 4 hidden cases; the largest error is 0.9."], 2.5, 10.0,
             ["missing_da_prevt", "other"])
    assert outcomes.hints(ex) == {"missing_da_prevt": "pass da[:, :, t] + da_prevt", "other": "second hint"}
    assert outcomes.first_failure(ex).startswith("dx is wrong")
    assert outcomes.first_failure(_ex(["x"], 10.0)) is None


def test_of_result_marks_failed_notebooks_not_graded():
    r = NotebookResult("n.ipynb", "a", Status.FAILED, message="the file is empty",
                       exercises={"e": _ex([], 0.0)})
    assert outcomes.of_result(r) == {"e": outcomes.NOT_GRADED}
