"""Running an assignment's hidden graders against one submission.

The graders are ordinary pytest files under ``graders/<assignment>/``. They run in this
(trusted) process; learner functions are reached only through the ``student`` fixture,
which forwards calls to the sandboxed learner process. Each test carries
``@pytest.mark.exercise("<grade_id>", weight=w)``; an exercise's points (from the source
notebook's autograder cell) are split over its tests in proportion to their weights.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograde.checks import Feedback, GradeFailure
from autograde.protocol import Handle
from autograde.results import ExerciseResult
from autograde.runner import StudentCrash, StudentError, StudentSession, StudentTimeout


class RemoteObject:
    """An object that lives in the learner process (a Keras model, say)."""

    def __init__(self, session: StudentSession, handle: Handle) -> None:
        self._session = session
        self._handle = handle

    @property
    def remote_type(self) -> str:
        return self._handle.type

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        reply = self._session.request("call_method", {"handle": self._handle.id, "name": method,
                                                      "args": _unwrap(list(args)), "kwargs": _unwrap(kwargs)})
        return _wrap(self._session, self._session.decode(reply))

    def attr(self, name: str) -> Any:
        reply = self._session.request("getattr", {"handle": self._handle.id, "name": name})
        return _wrap(self._session, self._session.decode(reply))


def _unwrap(value: Any) -> Any:
    """Remote objects go back to the learner process as their handles."""
    if isinstance(value, RemoteObject):
        return value._handle
    if isinstance(value, (tuple, list)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _wrap(session: StudentSession, value: Any) -> Any:
    if isinstance(value, Handle):
        return RemoteObject(session, value)
    if isinstance(value, tuple):
        return tuple(_wrap(session, v) for v in value)
    if isinstance(value, list):
        return [_wrap(session, v) for v in value]
    if isinstance(value, dict):
        return {k: _wrap(session, v) for k, v in value.items()}
    return value


class RemoteFunction:
    def __init__(self, session: StudentSession, name: str) -> None:
        self._session = session
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self._session.request("call", {"name": self.name, "args": _unwrap(list(args)),
                                               "kwargs": _unwrap(kwargs)})
        return _wrap(self._session, self._session.decode(reply))

    def call_with_args(self, *args: Any, **kwargs: Any) -> tuple[Any, tuple, dict]:
        """Call, and also return the arguments as they are after the call (to see mutation)."""
        reply = self._session.request("call", {"name": self.name, "args": _unwrap(list(args)),
                                               "kwargs": _unwrap(kwargs), "return_args": True})
        value = _wrap(self._session, self._session.decode(reply))
        after = self._session.decode(reply, "args")
        return value, tuple(after[0]), dict(after[1])


class Student:
    """The ``student`` fixture: ``student.rnn_forward(x, a0, parameters)`` calls the learner's code."""

    def __init__(self, session: StudentSession) -> None:
        self._session = session

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self._session, name)

    def value(self, name: str) -> Any:
        """A global of the notebook: data comes back as data, anything else as a RemoteObject
        (e.g. ``student.value("densor1")``, a shared Keras layer)."""
        reply = self._session.request("global", {"name": name})
        return _wrap(self._session, self._session.decode(reply))


@dataclass
class TestOutcome:
    exercise: str
    weight: float
    passed: bool
    message: str = ""
    diagnoses: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


def describe_exception(exc: BaseException, exercise: str) -> str:
    """A learner-facing sentence for an exception raised while checking ``exercise``."""
    if isinstance(exc, GradeFailure):
        return str(exc)
    if isinstance(exc, StudentError):
        if exc.type_name == "NotImplementedError":
            return f"{exercise} is not implemented yet (it raises NotImplementedError)."
        if exc.type_name == "NameError" and "is not defined in your notebook" in exc.message:
            return f"{exercise} is not defined in your notebook: {exc.message}."
        tail = exc.traceback.strip().splitlines()[-6:]
        return f"{exercise} raised {exc.type_name}: {exc.message}" + ("\n" + "\n".join(tail) if tail else "")
    if isinstance(exc, StudentCrash) and "not called again" in str(exc):
        return f"{exercise} was not called again: earlier in this run it failed with: {exc}".replace(
            " (earlier in this run; not called again)", "")
    if isinstance(exc, StudentTimeout):
        return f"{exercise} did not finish in time ({exc}); it may loop forever. A fresh process was started."
    if isinstance(exc, StudentCrash):
        return f"{exercise} crashed the learner process ({exc}). A fresh process was started."
    return f"internal grader error ({type(exc).__name__}); please tell your instructor."


class GradingPlugin:
    """pytest plugin: provides ``student`` and ``feedback``, records one outcome per test."""

    def __init__(self, session: StudentSession) -> None:
        self.session = session
        self._student = Student(session)
        self.outcomes: list[TestOutcome] = []
        self.internal_errors: list[str] = []
        self._feedback: dict[str, Feedback] = {}

    @pytest.fixture
    def student(self) -> Student:
        return self._student

    @pytest.fixture
    def feedback(self, request: pytest.FixtureRequest) -> Feedback:
        fb = Feedback()
        self._feedback[request.node.nodeid] = fb
        return fb

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "exercise(grade_id, weight=1): the exercise a test grades")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("exercise")
        if marker is None:
            if report.when == "call":
                self.internal_errors.append(f"{item.nodeid} has no exercise marker")
            return
        exercise = marker.args[0]
        weight = float(marker.kwargs.get("weight", 1.0))
        if report.when == "call" or (report.when == "setup" and not report.passed):
            fb = self._feedback.get(item.nodeid, Feedback())
            message = ""
            if not report.passed and call.excinfo is not None:
                exc = call.excinfo.value
                message = describe_exception(exc, exercise)
                if not isinstance(exc, (GradeFailure, StudentError, StudentCrash)):
                    self.internal_errors.append(f"{item.nodeid}: {type(exc).__name__}: {exc}")
            elif report.skipped:
                message = "this check was skipped"
            self.outcomes.append(TestOutcome(exercise, weight, report.passed, message,
                                             list(fb.diagnoses), list(fb.hints)))


def run_graders(graders_dir: Path, session: StudentSession, exercises: dict[str, float],
                missing: set[str] = frozenset()) -> tuple[dict[str, ExerciseResult], list[str]]:
    """Run every grader test; return scores per exercise and internal errors (for the instructor)."""
    plugin = GradingPlugin(session)
    args = [str(graders_dir), "-q", "-p", "no:cacheprovider", "--assert=plain", "-p", "no:randomly",
            "--no-header", "--no-summary", "-o", "console_output_style=classic", "-W", "ignore::DeprecationWarning"]
    devnull = open(os.devnull, "w")
    saved = sys.stdout
    sys.stdout = devnull  # pytest's own progress dots are noise here
    try:
        code = pytest.main(args, plugins=[plugin])
    finally:
        sys.stdout = saved
        devnull.close()
    errors = list(plugin.internal_errors)
    if code not in (0, 1):
        errors.append(f"pytest exited with code {int(code)} (no tests, or a collection error) in {graders_dir}")
    return score(plugin.outcomes, exercises, missing), errors


def score(outcomes: list[TestOutcome], exercises: dict[str, float],
          missing: set[str] = frozenset()) -> dict[str, ExerciseResult]:
    result: dict[str, ExerciseResult] = {}
    for exercise, points in exercises.items():
        mine = [o for o in outcomes if o.exercise == exercise]
        total = sum(o.weight for o in mine)
        earned = sum(o.weight for o in mine if o.passed)
        feedback: list[str] = []
        diagnoses: list[str] = []
        for o in mine:
            for d, h in zip(o.diagnoses, o.hints):
                if d not in diagnoses:
                    diagnoses.append(d)
                    feedback.append("Hint: " + h)
        for o in mine:
            if not o.passed and o.message and o.message not in feedback:
                feedback.append(o.message)
        if not mine:
            feedback.append("no checks ran for this exercise (internal grader error; please tell your instructor)")
        if exercise + "_code" in missing:
            feedback.insert(0, f"The solution cell of {exercise} is missing from your notebook.")
        value = round(points * earned / total, 4) if total else 0.0
        if value == points and feedback and not any(not o.passed for o in mine):
            feedback = []
        result[exercise] = ExerciseResult(value, points, feedback, diagnoses)
    return result
