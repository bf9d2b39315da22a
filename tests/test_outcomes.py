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


def test_an_error_inside_a_callee_is_explained_by_what_the_caller_gave_it():
    """Raised inside a callee that passed its own checks: the arguments are the caller's doing,
    unless the error is a TensorFlow function met with a Keras model's symbolic tensors (the
    callee, right on arrays, is what must change); raised in the caller's own code while a
    callee it uses failed its checks: that callee is named."""
    from autograde.grading import TestOutcome

    ctx = RunContext(_Session(), {"one_step_attention": 30, "modelf": 50},
                     calls={"modelf": ("one_step_attention",)})
    ctx.outcomes.append(TestOutcome("one_step_attention", 1.0, True))
    inside = '  File "<cell modelf_code>", line 9, in modelf\n  File "<cell osa_code>", line 4, in one_step_attention\n'
    plain = describe_exception(StudentError("ValueError", "shapes (3,1) and (4,4) not aligned", inside), "modelf", ctx)
    assert "look at the arguments modelf passes to one_step_attention" in plain
    keras = describe_exception(StudentError("ValueError", "A KerasTensor cannot be used as input to a TensorFlow "
                                            "function.", inside), "modelf", ctx)
    assert "symbolic tensors" in keras and "Use Keras layers (or keras.ops) in one_step_attention" in keras
    assert "look at the arguments" not in keras
    ctx.outcomes[0] = TestOutcome("one_step_attention", 1.0, False)
    own = '  File "<cell modelf_code>", line 9, in modelf\n'
    named = describe_exception(StudentError("ValueError", "operands could not be broadcast.", own), "modelf", ctx)
    assert ("uses what your one_step_attention returns" in named and "Fix one_step_attention first" in named
            and "broadcast.." not in named)
