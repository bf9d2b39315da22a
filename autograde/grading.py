"""Running an assignment's hidden graders against submissions.

The graders are ordinary pytest files in the package ``graders/<assignment>/``. They run in
this (trusted) process; learner functions are reached only through the ``student``
fixture, which forwards calls to the sandboxed learner process. Each test carries
``@pytest.mark.exercise("<grade_id>", weight=w)``; an exercise's points (from the source
notebook's autograder cell) are split over its tests in proportion to their weights.

One pytest session per assignment lives as long as the worker process (:class:`GraderSession`):
it collects the graders once, with their own configuration and root (``graders.ini``,
rootdir ``graders/``; the platform's own pytest settings do not apply), keeps the grader
modules imported so that expected values computed from the fixed hidden inputs are computed
once per worker, and then runs the collected tests for each submission through pytest's
own runtest protocol (``pytest_runtestloop`` below). Tests run in notebook order, so a
function's own checks run before those of functions that call it.
"""
from __future__ import annotations

import os
import queue
import re
import sys
import threading
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pytest

from autograde.checks import Feedback, GradeFailure, fail
from autograde.protocol import Handle, Op
from autograde.results import ExerciseResult
from autograde.runner import NotCalledAgain, StudentCrash, StudentError, StudentSession, StudentTimeout, \
    StudentUnavailable

CONFIG_FILE = Path(__file__).resolve().parent / "graders.ini"


# ------------------------------------------------------------------ remote values

class RemoteObject:
    """An object that lives in the learner process (a Keras model, say).

    It belongs to the process it came from: after a restart, using it raises StudentCrash
    instead of silently reaching another object that got the same id in the new process."""

    def __init__(self, session: StudentSession, handle: Handle) -> None:
        self._session = session
        self._handle = handle
        self._generation = session.generation

    def _check(self) -> None:
        if self._session.generation != self._generation:
            raise StudentCrash("an object of a learner process that has since been restarted was used")

    @property
    def remote_type(self) -> str:
        return self._handle.type

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self._check()
        reply = self._session.request(Op.CALL_METHOD, {"handle": self._handle.id, "name": method,
                                                       "args": _unwrap(list(args)), "kwargs": _unwrap(kwargs)})
        return _wrap(self._session, self._session.decode(reply))

    def attr(self, name: str) -> Any:
        self._check()
        reply = self._session.request(Op.GETATTR, {"handle": self._handle.id, "name": name})
        return _wrap(self._session, self._session.decode(reply))


def _unwrap(value: Any) -> Any:
    """Remote objects go back to the learner process as their handles."""
    if isinstance(value, RemoteObject):
        value._check()
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
    def __init__(self, session: StudentSession, name: str, timeout: float | None = None) -> None:
        self._session = session
        self.name = name
        self._timeout = timeout

    def with_timeout(self, seconds: float) -> "RemoteFunction":
        """The same function with its own call deadline (e.g. short where an endless loop is expected)."""
        return RemoteFunction(self._session, self.name, seconds)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        reply = self._session.request(Op.CALL, {"name": self.name, "args": _unwrap(list(args)),
                                                "kwargs": _unwrap(kwargs)}, self._timeout)
        return _wrap(self._session, self._session.decode(reply))

    def call_with_args(self, *args: Any, **kwargs: Any) -> tuple[Any, tuple, dict]:
        """Call, and also return the arguments as they are after the call (to see mutation).

        That report comes from the learner process; graders corroborate it with an effect
        they can observe (see :meth:`Student.hold`)."""
        reply = self._session.request(Op.CALL, {"name": self.name, "args": _unwrap(list(args)),
                                                "kwargs": _unwrap(kwargs), "return_args": True})
        value = _wrap(self._session, self._session.decode(reply))
        after = self._session.decode(reply, "args")
        if not (isinstance(after, tuple) and len(after) == 2 and isinstance(after[0], tuple)
                and isinstance(after[1], dict)):
            raise StudentCrash("the learner process broke the protocol (malformed arguments report)")
        return value, tuple(after[0]), dict(after[1])


class Student:
    """The ``student`` fixture: ``student.rnn_forward(x, a0, parameters)`` calls the learner's code."""

    def __init__(self, session: StudentSession, ctx: "RunContext | None" = None) -> None:
        self._session = session
        self._ctx = ctx
        self.rerun: set[str] = set()  # globals whose defining cell rerun_definition ran again

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self._session, name)

    def value(self, name: str, handle: bool = False) -> Any:
        """A global of the notebook: data comes back as data, anything else as a RemoteObject
        (e.g. ``student.value("densor1")``, a shared Keras layer); ``handle=True`` always gives
        a RemoteObject (for large data such as a 400,000-word dict, passed back as an argument)."""
        reply = self._session.request(Op.GLOBAL, {"name": name, "handle": handle})
        return _wrap(self._session, self._session.decode(reply))

    def rerun_definition(self, name: str) -> bool:
        """Run again the submission's cell that assigns the global ``name`` at its top level (e.g.
        the provided cell creating shared Keras layers), so that the next checks get fresh objects
        as the notebook creates them. False when no cell does, or when it raises now."""
        pattern = re.compile(rf"^{re.escape(name)}\s*=(?!=)", re.MULTILINE)
        for cell_id, code in self._session.cells:
            if pattern.search(code):
                reply = self._session.request(Op.RUN_CELL, {"code": code, "cell": cell_id,
                                                            "ipython": "%" in code or "!" in code})
                if reply.header.get("ok"):
                    self.rerun.add(name)
                    return True
                return False
        return False

    def call_with_stand_ins(self, name: str, args: Sequence[Any],
                            stand_ins: dict[str, list[Any]]) -> tuple[Any, dict[str, list[tuple[list, dict]]]]:
        """Call ``name`` while the notebook's functions named in ``stand_ins`` answer with the
        given results, in order (the reference callee's results, computed here: no reference
        code enters the learner process). Returns the result and, per stand-in, the arguments
        (positional list, keyword dict) of each call the learner's function made."""
        reply = self._session.request(Op.CALL, {"name": name, "args": _unwrap(list(args)), "kwargs": {},
                                                "stand_ins": {k: _unwrap(list(v)) for k, v in stand_ins.items()}})
        value = _wrap(self._session, self._session.decode(reply))
        calls = self._session.decode(reply, "calls")
        if not (isinstance(calls, dict) and set(calls) == set(stand_ins) and all(
                isinstance(made, list) and all(isinstance(c, list) and len(c) == 2 and isinstance(c[0], list)
                                               and isinstance(c[1], dict) for c in made) for made in calls.values())):
            raise StudentCrash("the learner process broke the protocol (malformed stand-in calls report)")
        return value, {k: [(list(a), dict(kw)) for a, kw in made] for k, made in calls.items()}

    def call_twice(self, name: str, *args: Any) -> tuple[Any, Any, list[Any]]:
        """Call ``name`` twice on the SAME argument objects, in one request, and read the
        arguments back. A function that changes its inputs in place shows it by an observable
        effect (the second result differs), not only by what the process reports."""
        reply = self._session.request(Op.CALL, {"name": name, "args": _unwrap(list(args)), "kwargs": {},
                                                "return_args": True, "repeat": 2})
        first = _wrap(self._session, self._session.decode(reply))
        second = _wrap(self._session, self._session.decode(reply, "again"))
        after = self._session.decode(reply, "args")
        if not (isinstance(after, tuple) and len(after) == 2 and isinstance(after[0], tuple)):
            raise StudentCrash("the learner process broke the protocol (malformed arguments report)")
        return first, second, list(after[0])

    def failed(self, exercise: str) -> bool | None:
        """Whether the learner's ``exercise`` failed one of its own checks earlier in this run
        (None when its checks did not run). Tests run in notebook order, callees first."""
        return _failed(self._ctx, exercise)

    def hold(self, value: Any) -> RemoteObject:
        """Put data into the learner process as one object that several calls can share (and
        mutate): e.g. a parameters dict passed to two successive calls of an in-place update."""
        reply = self._session.request(Op.HOLD, {"value": _unwrap(value)})
        handle = self._session.decode(reply)
        if not isinstance(handle, Handle):
            raise StudentCrash("the learner process broke the protocol (hold did not return a handle)")
        return RemoteObject(self._session, handle)


# ------------------------------------------------------------------ one submission's run

@dataclass
class TestOutcome:
    exercise: str
    weight: float
    passed: bool
    message: str = ""
    failures: list[GradeFailure] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)


@dataclass
class RunContext:
    """What one submission's run needs and produces."""

    session: StudentSession
    exercises: dict[str, float]                     # all graded exercises (grade_id -> points)
    selected: frozenset[str] | None = None          # run only these exercises' tests (None: all)
    calls: dict[str, tuple[str, ...]] = field(default_factory=dict)  # graded function -> graded functions it calls
    explain_undefined: Callable[[str, str], str] | None = None
    outcomes: list[TestOutcome] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)


def describe_exception(exc: BaseException, exercise: str, ctx: RunContext | None = None) -> str:
    """A learner-facing sentence for an exception raised while checking ``exercise``."""
    if isinstance(exc, GradeFailure):
        return exc.message
    if isinstance(exc, StudentError):
        if exc.undefined is not None:
            if ctx and ctx.explain_undefined:
                return ctx.explain_undefined(exc.undefined, exercise)
            return f"{exc.undefined} is not defined in your notebook."
        callee = _raised_in_callee(exc, exercise, ctx)
        if callee and exc.type_name == "NotImplementedError":
            return f"{exercise} calls your {callee}, which is not implemented yet: finish {callee} first."
        if exc.type_name == "NotImplementedError":
            return f"{exercise} is not implemented yet (it raises NotImplementedError)."
        tail = exc.traceback.strip().splitlines()[-6:]
        trace = "\n" + "\n".join(tail) if tail else ""
        if callee and _failed(ctx, callee) is False and "KerasTensor" in exc.message:
            # right on arrays, but the caller builds a Keras model: the callee gets symbolic tensors there
            return (f"{exercise} raised {exc.type_name} inside {callee}: {callee} passes its own checks on arrays, "
                    f"but in a Keras model it is given symbolic tensors, on which TensorFlow functions (tf.*) cannot "
                    f"run. Use Keras layers (or keras.ops) in {callee}." + trace)
        if callee and _failed(ctx, callee) is False:  # a right callee fed wrong arguments: the caller's mistake
            return (f"{exercise} raised {exc.type_name}: {exc.message}, inside {callee} (which passed its own "
                    f"checks): look at the arguments {exercise} passes to {callee}." + trace)
        if callee:
            return (f"{exercise} calls your {callee}, which raised {exc.type_name}: {exc.message.rstrip('.')}. "
                    f"Fix {callee} first." + trace)
        wrong = _failed_callees(exercise, ctx)
        if wrong:  # raised in the caller's own code, perhaps on what a wrong callee returned
            names = " and ".join(wrong)
            own = ("they fail their own checks (see their exercises)" if len(wrong) > 1
                   else "it fails its own checks (see its exercise)")
            return (f"{exercise} raised {exc.type_name}: {exc.message.rstrip('.')}. {exercise} uses what your "
                    f"{names} return{'' if len(wrong) > 1 else 's'}, and {own}: a result of the wrong shape or type "
                    f"there can make a correct {exercise} fail like this. Fix {names} first." + trace)
        return f"{exercise} raised {exc.type_name}: {exc.message}" + trace
    if isinstance(exc, NotCalledAgain):
        return f"{exc.function} was not called again: earlier in this run it failed ({exc.original})."
    if isinstance(exc, StudentUnavailable):
        return f"{exc}."
    if isinstance(exc, StudentTimeout):
        return f"{exercise} did not finish in time ({exc}); it may loop forever. A fresh process was started."
    if isinstance(exc, StudentCrash):
        return f"{exercise} crashed the learner process ({exc}). A fresh process was started."
    return f"internal grader error ({type(exc).__name__}); please tell your instructor."


def _failed(ctx: RunContext | None, exercise: str) -> bool | None:
    """Whether ``exercise`` failed its own checks earlier in this run (None: they did not run)."""
    mine = [o for o in ctx.outcomes if o.exercise == exercise] if ctx else []
    return None if not mine else not all(o.passed for o in mine)


def _failed_callees(exercise: str, ctx: RunContext | None) -> list[str]:
    """The graded functions ``exercise`` reaches (its ``calls``, and theirs) that failed their
    own checks earlier in this run."""
    if ctx is None:
        return []
    return [c for c in _walk(ctx.calls, list(ctx.calls.get(exercise, ()))) if c != exercise and _failed(ctx, c)]


def _raised_in_callee(exc: StudentError, exercise: str, ctx: RunContext | None) -> str | None:
    """The graded function ``exercise`` calls in which the learner's exception was raised, if any
    (the innermost such frame of the learner's traceback)."""
    if ctx is None:
        return None
    callees = ctx.calls.get(exercise, ())
    frames = re.findall(r", in (\w+)\n", exc.traceback[-4000:] + "\n")
    for name in reversed(frames):
        if name in callees:
            return name
        if name == exercise:
            return None
    return None


def _walk(calls: dict[str, tuple[str, ...]], callees: list[str]) -> dict[str, str]:
    """Each of ``callees`` and what it calls in turn (``calls``), mapped to the direct callee it is
    reached through."""
    via: dict[str, str] = {}
    stack = [(c, c) for c in reversed(callees)]
    while stack:
        name, direct = stack.pop()
        if name in via:
            continue
        via[name] = direct
        stack += [(c, direct) for c in reversed(calls.get(name, ()))]
    return via


def _reached(student, callees: list[str]) -> dict[str, str]:
    """The graded functions a caller reaches through ``callees``: each callee, and what it calls in
    turn (the assignment's ``calls``), mapped to the direct callee it is reached through."""
    return _walk(student._ctx.calls if getattr(student, "_ctx", None) is not None else {}, callees)


@dataclass(frozen=True)
class ReferenceCallee:
    """How a correct ``caller`` uses its callee on one hidden case, for running the learner's
    caller with the reference callee's results in place of the learner's callee."""

    name: str                            # the callee (a graded function of the notebook)
    params: tuple[str, ...]              # its parameter names, to read keyword arguments
    calls: list[tuple[tuple, Any]]       # per call, in order: (the arguments a correct caller passes, the result)
    args: tuple                          # the caller's arguments
    same: Callable[[Any, Any], bool]     # an argument the caller passed vs the expected one
    matches: Callable[[Any], bool]       # the caller's result vs the expected result


def _right_with_reference(student, caller: str, ref: ReferenceCallee) -> bool:
    """Whether the learner's ``caller``, with the reference results standing in for its callee,
    passes the callee what a correct caller passes, call by call, and returns the expected result."""
    try:
        value, made = student.call_with_stand_ins(caller, ref.args, {ref.name: [out for _, out in ref.calls]})
    except (StudentError, StudentCrash):
        return False
    got = made[ref.name]
    if len(got) != len(ref.calls):
        return False
    for (args, kwargs), (expected, _) in zip(got, ref.calls):
        rest = ref.params[len(args):]
        if set(kwargs) - set(rest):
            return False
        bound = list(args) + [kwargs[p] for p in rest if p in kwargs]
        if len(bound) != len(expected) or not all(ref.same(g, e) for g, e in zip(bound, expected)):
            return False
    try:
        return bool(ref.matches(value))
    except (GradeFailure, TypeError, ValueError, IndexError, KeyError, AttributeError):
        return False


def _kept_with_reference(fb: Feedback, student, caller: str, named: list[str],
                         reference: Callable[[], ReferenceCallee] | None) -> bool:
    if reference is None:
        return False
    ref = reference()
    if not _right_with_reference(student, caller, ref):
        return False
    own = "fail their own checks (see their exercises)" if len(named) > 1 else "fails its own checks (see its exercise)"
    fb.note(f"{caller} was run with a correct {ref.name} in place of yours: it then gives the right results, so "
            f"{caller} is right and keeps its points. Your {' and '.join(named)} {own}.")
    return True


def judged_apart(fb: Feedback, student, caller: str, callee: str | Sequence[str],
                 reference: Callable[[], ReferenceCallee]) -> bool:
    """For a caller that raised: when a graded function it reaches failed its own checks, the
    error may be that function's doing (a result of the wrong shape). The caller keeps its
    points if, with the reference callee's results standing in, it runs and is right."""
    callees = [callee] if isinstance(callee, str) else list(callee)
    failed = [c for c in _reached(student, callees) if student.failed(c)]
    return bool(failed) and _kept_with_reference(fb, student, caller, failed, reference)


def isolated(fb: Feedback, student, caller: str, callee: str | Sequence[str], compose, matches,
             reference: Callable[[], ReferenceCallee] | None = None) -> bool:
    """A mistake costs points once, in its own exercise.

    Called when ``caller``'s result differs from the reference: recompute what a correct
    ``caller`` gives around the learner's OWN callees (the reference loop calling the
    learner's functions through the protocol). If the learner's result matches that, the
    caller is right and keeps its points, with a note naming the wrong callee(s). If a callee
    fails on these inputs, the caller cannot be judged apart from it: fail, naming it.

    ``callee`` may name several graded functions the caller uses; ``compose`` must call all of
    them as the learner's own. What those call in turn (``calls`` in the assignment's settings:
    ``model`` -> ``optimize`` -> ``clip``) is the learner's own too, so a wrong ``clip`` that
    ``optimize`` was judged apart from is a suspect of ``model`` as well. Those that passed their
    own checks are never blamed; those whose checks did not run in this grading (None) are named
    only if the composition explains the difference, since only they can.

    ``reference`` (optional) gives how a correct caller uses the callee on this case: when the
    composition fails or does not explain the difference (a callee whose results a correct
    caller cannot use, e.g. of the wrong shape), the learner's caller is run once more with the
    reference callee's results standing in for its callee, and keeps its points if it is right
    then (:func:`judged_apart`)."""
    callees = [callee] if isinstance(callee, str) else list(callee)
    via = _reached(student, callees)
    suspects = [c for c in via if student.failed(c) is not False]
    if not suspects:
        return False  # every function the caller reaches passed its own checks: a difference is the caller's
    known = [c for c in suspects if student.failed(c)]
    named = known or suspects
    bare = " and ".join(named)
    names = " and ".join(c if via[c] == c else f"{c} (through {via[c]})" for c in named)
    try:
        composed = compose()
    except (StudentError, StudentCrash) as exc:
        if known and _kept_with_reference(fb, student, caller, known, reference):
            return True
        fail(f"{caller} calls your {names}, which fails on these inputs: {describe_exception(exc, named[0])} "
             f"Fix {bare} first.")
    except (GradeFailure, TypeError, ValueError, IndexError, KeyError, AttributeError):
        if known and _kept_with_reference(fb, student, caller, known, reference):
            return True
        fb.note(f"{caller} calls your {names}, which returns something {caller} cannot use; fix {bare} first.")
        return False
    if matches(composed):
        verb, whose = ("give", "their own exercises") if len(named) > 1 else ("gives", "its own exercise")
        fb.note(f"{caller} calls your {names}, which {verb} wrong results (see {whose}); {caller} itself "
                "is right and keeps its points.")
        return True
    return bool(known) and _kept_with_reference(fb, student, caller, known, reference)


def _reset_keras() -> None:
    """After each submission: drop the global state Keras keeps for every object it creates
    (about 1.5 MB for each optimizer a grader builds to check a learner's compile cell, kept for
    the life of the worker otherwise). Models the graders cached keep their own weights and work
    on; only uid counters, name scopes and TensorFlow's kernel cache start afresh."""
    keras = sys.modules.get("keras")
    if keras is not None:
        keras.backend.clear_session(free_memory=False)


class GradingPlugin:
    """pytest plugin of one grader session: serves submissions one after another."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.results: queue.Queue = queue.Queue()
        self.ctx: RunContext | None = None
        self._student: Student | None = None
        self._feedback: dict[str, Feedback] = {}
        self.order: list[str] = []
        self.collection_errors: list[str] = []
        self.collected = threading.Event()

    @pytest.fixture
    def student(self) -> Student:
        assert self._student is not None
        return self._student

    @pytest.fixture
    def feedback(self, request: pytest.FixtureRequest) -> Feedback:
        fb = Feedback()
        self._feedback[request.node.nodeid] = fb
        return fb

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "exercise(grade_id, weight=1): the exercise a test grades")

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {str(report.longrepr)[-1500:]}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Notebook order: a function's own checks run before those of its callers."""
        position = {ex: i for i, ex in enumerate(self.order)}

        def key(item: pytest.Item) -> int:
            marker = item.get_closest_marker("exercise")
            return position.get(marker.args[0], len(position)) if marker else len(position)

        items.sort(key=key)  # stable: file and definition order within an exercise

    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        from _pytest.runner import runtestprotocol

        self.collected.set()
        while True:
            ctx = self.jobs.get()
            if ctx is None:
                return True
            self.ctx, self._student, self._feedback = ctx, Student(ctx.session, ctx), {}
            try:
                if self.collection_errors:
                    ctx.internal_errors += self.collection_errors
                items = [i for i in session.items if self._selected(i, ctx)]
                for i, item in enumerate(items):
                    runtestprotocol(item, nextitem=items[i + 1] if i + 1 < len(items) else None, log=False)
                self.results.put(("ok", ctx))
            except BaseException as exc:  # a bug here must not hang the worker waiting for this run
                self.results.put(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}"))
            finally:
                self.ctx, self._student, self._feedback = None, None, {}
                _reset_keras()

    @staticmethod
    def _selected(item: pytest.Item, ctx: RunContext) -> bool:
        marker = item.get_closest_marker("exercise")
        if marker is None:
            return True  # reported as an internal error when it runs
        return ctx.selected is None or marker.args[0] in ctx.selected

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        ctx = self.ctx
        if ctx is None:
            return
        marker = item.get_closest_marker("exercise")
        if marker is None:
            if report.when == "call":
                ctx.internal_errors.append(f"{item.nodeid} has no exercise marker")
            return
        exercise = marker.args[0]
        weight = float(marker.kwargs.get("weight", 1.0))
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        fb = self._feedback.get(item.nodeid, Feedback())
        failures = list(fb.failures)
        message = ""
        passed = report.passed and not failures
        if not report.passed and call.excinfo is not None:
            exc = call.excinfo.value
            if isinstance(exc, GradeFailure):
                failures.append(exc)
            else:
                message = describe_exception(exc, exercise, ctx)
            if not isinstance(exc, (GradeFailure, StudentError, StudentCrash)):
                ctx.internal_errors.append(f"{item.nodeid}: {type(exc).__name__}: {exc}")
        elif report.skipped:
            message = "this check was skipped"
        if failures and report.passed:
            report.outcome = "failed"  # the recorded failures fail the test
        ctx.outcomes.append(TestOutcome(exercise, weight, passed, message, failures, list(fb.diagnoses),
                                        list(fb.hints), list(fb.notes), dict(fb.checked)))


_COLLECTING = threading.Lock()  # one collection at a time: importing TensorFlow is not thread-safe


class GraderSession:
    """A long-lived pytest session over one assignment's graders, fed one submission at a time.

    The constructor returns once the graders are collected (their modules imported), so that
    two sessions never import TensorFlow at the same time from two threads."""

    def __init__(self, graders_dir: Path, exercise_order: list[str]) -> None:
        self.graders_dir = graders_dir
        self.plugin = GradingPlugin()
        self.plugin.order = list(exercise_order)
        self.exit_code: int | None = None
        self._thread = threading.Thread(target=self._main, name=f"graders-{graders_dir.name}", daemon=True)
        with _COLLECTING:
            self._thread.start()
            self.plugin.collected.wait()

    def _main(self) -> None:
        try:
            self._run()
        finally:
            self.plugin.collected.set()

    def _run(self) -> None:
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the course venv's pytest plugins are not ours
        args = [str(self.graders_dir), "-c", str(CONFIG_FILE), "--rootdir", str(self.graders_dir.parent),
                "-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:faulthandler", "-p", "no:randomly",
                "-p", "no:logging",
                "--assert=plain", "-W", "ignore::DeprecationWarning"]
        try:
            self.exit_code = int(pytest.main(args, plugins=[self.plugin]))
        except BaseException as exc:
            self.exit_code = -1
            self.plugin.collection_errors.append(f"the grader session died: {type(exc).__name__}: {exc}")
        finally:
            self.plugin.results.put(("dead", f"pytest session ended with exit code {self.exit_code}"))

    def run(self, ctx: RunContext) -> RunContext:
        if not self._thread.is_alive():
            raise RuntimeError(f"the grader session of {self.graders_dir.name} is not running "
                               f"({'; '.join(self.plugin.collection_errors)[-500:]})")
        self.plugin.jobs.put(ctx)
        kind, value = self.plugin.results.get()
        if kind != "ok":
            raise RuntimeError(f"grader session of {self.graders_dir.name}: {value}")
        return value

    def close(self) -> None:
        if self._thread.is_alive():
            self.plugin.jobs.put(None)
            self._thread.join(timeout=30)


# ------------------------------------------------------------------ scores and learner-facing lines

def _summarise(failures: list[GradeFailure], checked: dict[str, int]) -> list[str]:
    """One line per wrong output over all hidden cases; other failures once each."""
    lines: list[str] = []
    by_output: dict[tuple[str, str], list[GradeFailure]] = defaultdict(list)
    for f in failures:
        if f.output is not None:
            by_output[(f.output, f.kind)].append(f)
        elif f.message not in lines:
            lines.append(f.message)
    for (output, kind), group in by_output.items():
        n = max(checked.get(output, 0), len(group))
        if n == 1:
            line = group[0].message
        elif kind == "values":
            largest = max((f.error or 0.0) for f in group)
            steps = [f.time_step for f in group if f.time_step is not None]
            cases = "all" if len(group) == n else f"{len(group)} of"
            line = (f"{output} is wrong on {cases} {n} hidden cases; the largest error is {largest:.3g}"
                    + (f"; it first goes wrong at time step {min(steps)}" if steps else "") + ".")
        else:
            cases = f"on all {n} hidden cases" if len(group) == n else f"on {len(group)} of {n} hidden cases"
            line = f"{group[0].message.rstrip('.')} ({cases})."
        if line not in lines:
            lines.append(line)
    return lines


def score(outcomes: list[TestOutcome], exercises: dict[str, float], missing: set[str] = frozenset(),
          selected: frozenset[str] | None = None) -> dict[str, ExerciseResult]:
    result: dict[str, ExerciseResult] = {}
    for exercise, points in exercises.items():
        if selected is not None and exercise not in selected:
            continue
        mine = [o for o in outcomes if o.exercise == exercise]
        total = sum(o.weight for o in mine)
        earned = sum(o.weight for o in mine if o.passed)
        feedback: list[str] = []
        diagnoses: list[str] = []
        notes: list[str] = []
        for o in mine:
            for d, h in zip(o.diagnoses, o.hints):
                if d not in diagnoses:
                    diagnoses.append(d)
                    feedback.append("Hint: " + h)
            notes += [n for n in o.notes if n not in notes]
        checked: dict[str, int] = defaultdict(int)
        for o in mine:
            for k, v in o.checked.items():
                checked[k] += v
        failures = [f for o in mine if not o.passed for f in o.failures]
        for line in _summarise(failures, checked):
            if line not in feedback:
                feedback.append(line)
        for o in mine:
            if not o.passed and o.message and o.message not in feedback:
                feedback.append(o.message)
        if not mine:
            feedback.append("no checks ran for this exercise (internal grader error; please tell your instructor)")
        if exercise + "_code" in missing:
            feedback.insert(0, f"The solution cell of {exercise} is missing from your notebook.")
        value = round(points * earned / total, 4) if total else 0.0
        if value == points and not any(not o.passed for o in mine):
            feedback = []
        result[exercise] = ExerciseResult(value, points, notes + feedback, diagnoses)
    return result
