"""What happened to one exercise of one submission, in a word: the verdict learners read on
their feedback page and the categories of the class report and the Gradescope export.

Read from a :class:`~autograde.results.ExerciseResult` alone: its score and its learner-facing
lines, whose wording for crashes, timeouts and learner exceptions comes from
:func:`autograde.grading.describe_exception` and :class:`autograde.runner.StudentSession`
(tests/test_outcomes.py pins the two together). The hint lines of recognised mistakes start
with ``Hint: `` and pair, in order, with the exercise's diagnosis ids.
"""
from __future__ import annotations

import re

from autograde.results import ExerciseResult, NotebookResult, Status

FULL = "full"
PARTIAL = "partial"
WRONG = "wrong"
ERROR = "error"
CRASH = "crash"
NOT_ATTEMPTED = "not_attempted"
NOT_GRADED = "not_graded"

ORDER = (FULL, PARTIAL, WRONG, ERROR, CRASH, NOT_ATTEMPTED, NOT_GRADED)

VERDICT = {  # what the learner reads
    FULL: "Correct: full marks",
    PARTIAL: "Partly correct",
    WRONG: "Not correct yet",
    ERROR: "Your code raised an error",
    CRASH: "Stopped: it crashed or took too long",
    NOT_ATTEMPTED: "Not implemented yet",
    NOT_GRADED: "Not graded",
}

LABEL = {  # what the instructor reads in the class report
    FULL: "full marks",
    PARTIAL: "partial marks",
    WRONG: "no marks (wrong results)",
    ERROR: "raised an error",
    CRASH: "crashed or timed out",
    NOT_ATTEMPTED: "not attempted",
    NOT_GRADED: "not graded (unreadable notebook)",
}

HINT_PREFIX = "Hint: "

_CRASH = re.compile(r"did not finish in time|crashed the learner process|was not called again|time limit|"
                    r"used up its time budget|the learner process crashed|the cell that defines it was stopped|"
                    r"the sandbox failed to start|the learner process (?:is not running|broke the protocol|sent)")
_NOT_ATTEMPTED = re.compile(r"is not implemented yet|NotImplementedError|is missing from your notebook|"
                            r"the cell that defines it is missing")
_ERROR = re.compile(r"^\w[\w.]* raised \w|, which raised \w| is not defined\b|the cell that creates it raised")


def classify(ex: ExerciseResult, graded: bool = True) -> str:
    """One of :data:`ORDER` for this exercise."""
    if not graded:
        return NOT_GRADED
    if ex.max_score > 0 and ex.score >= ex.max_score:
        return FULL
    text = "\n".join(line for line in ex.feedback if not line.startswith(HINT_PREFIX))
    if _CRASH.search(text):
        return CRASH
    if _NOT_ATTEMPTED.search(text):
        return NOT_ATTEMPTED
    if any(_ERROR.search(line) for line in ex.feedback if not line.startswith(HINT_PREFIX)):
        return ERROR
    return PARTIAL if ex.score > 0 else WRONG


def of_result(result: NotebookResult) -> dict[str, str]:
    graded = result.status is Status.GRADED
    return {k: classify(ex, graded) for k, ex in result.exercises.items()}


def hints(ex: ExerciseResult) -> dict[str, str]:
    """diagnosis id -> the hint text the learner saw."""
    texts = [line[len(HINT_PREFIX):] for line in ex.feedback if line.startswith(HINT_PREFIX)]
    return {d: (texts[i] if i < len(texts) else "") for i, d in enumerate(ex.diagnoses)}


def split_feedback(ex: ExerciseResult) -> tuple[list[str], list[str]]:
    """(hint texts, other lines in order): for a failed exercise, the first other line that is
    not a note about a callee is the first failing check."""
    hint_lines = [line[len(HINT_PREFIX):] for line in ex.feedback if line.startswith(HINT_PREFIX)]
    others = [line for line in ex.feedback if not line.startswith(HINT_PREFIX)]
    return hint_lines, others


_NOTE = re.compile(r"^\w+ calls your \w+, which (?:gives wrong|returns something|fails its own checks)")


def first_failure(ex: ExerciseResult) -> str | None:
    """The first failing check, in the learner's words (None with full marks)."""
    if ex.max_score > 0 and ex.score >= ex.max_score:
        return None
    _, others = split_feedback(ex)
    for line in others:
        if not _NOTE.match(line):
            return line
    return others[0] if others else None
