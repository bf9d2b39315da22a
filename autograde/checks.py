"""What graders use to judge learner values and speak to the learner.

Every failure is a :class:`GradeFailure` whose message is written for the learner: which
output is wrong, where, by how much, never the hidden inputs or whole expected arrays.
A failure about one output's values carries the output's name, the error and (for
sequences) the first time step that is wrong, so that the same mistake seen on several
hidden cases becomes ONE line ("c_next is wrong on all 4 hidden cases; the largest error
is 1.9") when the results are scored.

Graders compare several outputs with :meth:`Feedback.check_array`, which records instead of
raising, so that every wrong output is named; the test fails at its end if any was wrong.
Hints for recognised mistakes go through :meth:`Feedback.diagnose` (inside
:meth:`Feedback.probing`, where learner data that the probe cannot handle means "no hint",
never an internal error). :meth:`Feedback.note` adds a line that is shown even when the
exercise keeps its points (e.g. "lstm_forward calls your lstm_cell_forward, which is wrong").
"""
from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterator

import numpy as np


class GradeFailure(AssertionError):
    """A check failed; the message is shown to the learner as it is."""

    def __init__(self, message: str, *, output: str | None = None, kind: str = "other",
                 error: float | None = None, time_step: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.output = output        # which returned value (for aggregation over hidden cases)
        self.kind = kind            # "values", "shape", "type", "nonfinite" or "other"
        self.error = error          # largest absolute error, for "values"
        self.time_step = time_step  # first wrong time step, for sequences


def fail(message: str, **details: Any) -> None:
    raise GradeFailure(message, **details)


@dataclass
class Feedback:
    """Per-test collector: diagnoses (ids for machines, hints for the learner), non-fatal
    failures, notes, and which outputs were compared."""

    diagnoses: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    failures: list[GradeFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)

    def diagnose(self, mistake: str, hint: str) -> None:
        if mistake not in self.diagnoses:
            self.diagnoses.append(mistake)
            self.hints.append(hint)

    def note(self, line: str) -> None:
        if line not in self.notes:
            self.notes.append(line)

    @contextlib.contextmanager
    def probing(self) -> Iterator[None]:
        """Run diagnostic probes: whatever the learner's data makes them raise only means no hint.

        Learner exceptions and crashes still propagate (they are the learner's own outcome)."""
        from autograde.runner import StudentCrash, StudentError

        try:
            yield
        except (StudentCrash, StudentError, GradeFailure):
            raise
        except Exception:  # ragged lists, odd dtypes, arrays where scalars were expected, ...
            pass

    def check_array(self, name: str, got: Any, expected: np.ndarray, *, atol: float, rtol: float,
                    context: str = "", time_axis: int | None = None) -> bool:
        """Compare without raising; a wrong output is recorded and fails the test at its end."""
        self.checked[name] += 1
        try:
            check_array(name, got, expected, atol=atol, rtol=rtol, context=context, time_axis=time_axis)
        except GradeFailure as failure:
            self.failures.append(failure)
            return False
        return True


def _fmt_index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def as_float_array(got: Any) -> np.ndarray | None:
    """``got`` as a float64 array, or None if it is not numeric data of one rectangular shape."""
    if isinstance(got, np.ndarray):
        arr = got
    elif isinstance(got, (list, tuple, int, float, np.generic)) and not isinstance(got, bool):
        try:
            arr = np.asarray(got)
        except (ValueError, TypeError):
            return None
    else:
        return None
    if arr.dtype.kind not in "biuf":
        return None
    return arr.astype(np.float64)


def close(got: Any, expected: np.ndarray, atol: float, rtol: float) -> bool:
    """True when ``got`` is a numeric array of the expected shape within tolerance."""
    arr = as_float_array(got)
    if arr is None or arr.shape != np.shape(expected):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.all(np.abs(arr - expected) <= atol + rtol * np.abs(expected)))


def check_array(name: str, got: Any, expected: np.ndarray, *, atol: float, rtol: float,
                context: str = "", time_axis: int | None = None) -> None:
    """Fail with a learner-facing message unless ``got`` matches ``expected``."""
    where = f" {context}" if context else ""
    if not isinstance(got, np.ndarray):
        fail(f"{name}{where} should be a numpy array, but it is {type(got).__name__}.", output=name, kind="type")
    if got.dtype.kind not in "fc" and got.dtype.kind not in "iub":
        fail(f"{name}{where} should hold numbers, but its dtype is {got.dtype}.", output=name, kind="type")
    if got.dtype.kind != "f":
        fail(f"{name}{where} should hold floating-point numbers, but its dtype is {got.dtype}.", output=name,
             kind="type")
    if got.shape != expected.shape:
        fail(f"{name}{where} has shape {got.shape}; expected {expected.shape}.", output=name, kind="shape")
    if not np.all(np.isfinite(got)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        fail(f"{name}{where} contains NaN or infinity (first at {_fmt_index(idx)}).", output=name, kind="nonfinite")
    diff = np.abs(got.astype(np.float64) - expected)
    bad = diff > atol + rtol * np.abs(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(bad, diff, -1)), diff.shape))
        step = None
        if time_axis is not None and got.ndim > time_axis:
            axes = tuple(a for a in range(got.ndim) if a != time_axis)
            step = int(np.argmax(bad.any(axis=axes)))
        fail(f"{name}{where} is wrong in {int(bad.sum())} of {bad.size} entries; the largest error is "
             f"{diff[idx]:.3g} at index {_fmt_index(idx)} (tolerance {atol:g} + {rtol:g}·|expected|)"
             + (f"; it first goes wrong at time step {step}" if step is not None else "") + ".",
             output=name, kind="values", error=float(diff[idx]), time_step=step)


def check_type(name: str, got: Any, kind: type | tuple[type, ...], description: str) -> None:
    if not isinstance(got, kind):
        fail(f"{name} should be {description}, but it is {type(got).__name__}.", output=name, kind="type")


def check_keys(name: str, got: Any, keys: list[str]) -> None:
    """Every contract key must be there; extra keys are tolerated (nothing reads them)."""
    check_type(name, got, dict, "a dict")
    missing = [k for k in keys if k not in got]
    if missing:
        fail(f"{name} should have the keys {', '.join(repr(k) for k in keys)}; "
             f"missing {', '.join(repr(k) for k in missing)}.", output=name, kind="keys")


def check_len(name: str, got: Any, n: int, what: str) -> None:
    check_type(name, got, (tuple, list), f"a tuple of {n} entries ({what})")
    if len(got) != n:
        fail(f"{name} should have {n} entries ({what}), but it has {len(got)}.", output=name, kind="length")


def as_number(name: str, got: Any) -> float:
    """A learner's scalar (Python or numpy number, 0-d or size-1 array) as a float, or a failure."""
    arr = as_float_array(got)
    if arr is None or arr.size != 1:
        fail(f"{name} should be a number, but it is {type(got).__name__}"
             + (f" of shape {np.shape(got)}" if isinstance(got, np.ndarray) else "") + ".", output=name, kind="type")
    return float(arr.reshape(()))
