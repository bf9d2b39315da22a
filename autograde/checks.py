"""What graders use to judge learner values and speak to the learner.

Every failure is a :class:`GradeFailure` whose message is written for the learner: which
output is wrong, where, by how much, never the hidden inputs or whole expected arrays.
Graders add hints for recognised mistakes with :meth:`Feedback.diagnose`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


class GradeFailure(AssertionError):
    """A check failed; the message is shown to the learner as it is."""


def fail(message: str) -> None:
    raise GradeFailure(message)


@dataclass
class Feedback:
    """Per-test collector of diagnoses (ids for machines, hints for the learner)."""

    diagnoses: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    def diagnose(self, mistake: str, hint: str) -> None:
        if mistake not in self.diagnoses:
            self.diagnoses.append(mistake)
            self.hints.append(hint)


def _fmt_index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def close(got: Any, expected: np.ndarray, atol: float, rtol: float) -> bool:
    """True when ``got`` is a numeric array of the expected shape within tolerance."""
    try:
        arr = np.asarray(got)
    except Exception:
        return False
    if arr.shape != np.shape(expected) or arr.dtype.kind not in "biuf":
        return False
    return bool(np.all(np.abs(arr.astype(np.float64) - expected) <= atol + rtol * np.abs(expected)))


def check_array(name: str, got: Any, expected: np.ndarray, *, atol: float, rtol: float,
                context: str = "") -> None:
    """Fail with a learner-facing message unless ``got`` matches ``expected``."""
    where = f" {context}" if context else ""
    if not isinstance(got, np.ndarray):
        fail(f"{name}{where} should be a numpy array, but it is {type(got).__name__}.")
    if got.dtype.kind not in "fc" and got.dtype.kind not in "iub":
        fail(f"{name}{where} should hold numbers, but its dtype is {got.dtype}.")
    if got.dtype.kind != "f":
        fail(f"{name}{where} should hold floating-point numbers, but its dtype is {got.dtype}.")
    if got.shape != expected.shape:
        fail(f"{name}{where} has shape {got.shape}; expected {expected.shape}.")
    diff = np.abs(got.astype(np.float64) - expected)
    if not np.all(np.isfinite(got)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        fail(f"{name}{where} contains NaN or infinity (first at {_fmt_index(idx)}).")
    bad = diff > atol + rtol * np.abs(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(bad, diff, -1)), diff.shape))
        fail(f"{name}{where} is wrong in {int(bad.sum())} of {bad.size} entries; the largest error is "
             f"{diff[idx]:.3g} at index {_fmt_index(idx)} (tolerance {atol:g} + {rtol:g}·|expected|).")


def check_type(name: str, got: Any, kind: type | tuple[type, ...], description: str) -> None:
    if not isinstance(got, kind):
        fail(f"{name} should be {description}, but it is {type(got).__name__}.")


def check_keys(name: str, got: Any, keys: list[str]) -> None:
    """Every contract key must be there; extra keys are tolerated (nothing reads them)."""
    check_type(name, got, dict, "a dict")
    missing = [k for k in keys if k not in got]
    if missing:
        fail(f"{name} should have the keys {', '.join(repr(k) for k in keys)}; "
             f"missing {', '.join(repr(k) for k in missing)}.")


def check_len(name: str, got: Any, n: int, what: str) -> None:
    check_type(name, got, (tuple, list), f"a tuple of {n} entries ({what})")
    if len(got) != n:
        fail(f"{name} should have {n} entries ({what}), but it has {len(got)}.")
