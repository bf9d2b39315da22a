"""Shared pieces of the w3a2 graders: the learner's numpy generator, the course's audio as remote
handles, samples read back as arrays, and the learner's signatures.

pydub AudioSegments never leave the learner's process. The graders hold handles to them (the
notebook's own ``activates``, ``negatives`` and ``backgrounds``, and whatever the learner's
functions return) and read back DATA only: a segment's ``frame_rate``, ``sample_width`` and
``channels``, and its samples as an int16 array (``np.frombuffer(segment.raw_data, "<i2")``,
called in the learner's process through the notebook's ``np``). Random draws are made in the
learner's process too: the graders seed numpy's global generator there (``np.random.seed``,
through the same handle) and read its state afterwards (``np.random.get_state()``, plain data),
so the number of draws a function made is observed, not reported.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograde.checks import fail
from autograde.grading import RemoteObject
from autograde.runner import StudentCrash, StudentError

from . import reference as ref

AUDIO_TYPE = "pydub.audio_segment.AudioSegment"
COURSE_AUDIO = {"activates": 160, "negatives": 160, "backgrounds": 12}


def numpy_module(student) -> RemoteObject:
    """The notebook's ``np`` (imported by its locked imports cell)."""
    module = student.value("np")
    if not (isinstance(module, RemoteObject) and module.remote_type == "builtins.module"
            and module.attr("__name__") == "numpy"):
        fail("the grader seeds numpy's random generator through your notebook's np, but `np` is no longer numpy "
             "in your notebook: do not assign to the names the imports cell defines.")
    return module


class LearnerRandom:
    """numpy's global generator (``np.random``) in the learner's process: seeded by the grader,
    drawn from by the learner's functions (and by the graders when they run the contract around
    the learner's own callees), its position read back as data."""

    def __init__(self, student) -> None:
        self.module = numpy_module(student).attr("random")

    def seed(self, seed: int) -> None:
        self.module.call("seed", int(seed))

    def randint(self, *args: Any, **kwargs: Any) -> Any:
        value = self.module.call("randint", *args, **kwargs)
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        return value

    def position(self) -> tuple[np.ndarray, int] | None:
        """(key, pos) of the Mersenne Twister, as reference.rng_position gives it."""
        try:
            state = self.module.call("get_state")
        except (StudentError, StudentCrash):
            return None
        if not (isinstance(state, tuple) and len(state) >= 3 and isinstance(state[1], np.ndarray)
                and isinstance(state[2], int)):
            return None
        return state[1], state[2]


def same_position(got, expected) -> bool:
    return (got is not None and expected is not None and got[1] == expected[1]
            and got[0].shape == expected[0].shape and np.array_equal(got[0], expected[0]))


class RemoteList:
    """A list of the learner's process (the notebook's audio), indexed from here: item i is a handle."""

    def __init__(self, handle: RemoteObject, length: int) -> None:
        self.handle = handle
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> RemoteObject:
        return self.handle.call("__getitem__", int(i))


def course_audio(student, name: str) -> RemoteList:
    """The notebook's ``activates``, ``negatives`` or ``backgrounds`` (the course's audio, loaded by
    the notebook's locked cell), as a handle: the AudioSegments stay in the learner's process."""
    handle = student.value(name, handle=True)
    try:
        length = handle.call("__len__")
    except (StudentError, StudentCrash):
        length = None
    if length != COURSE_AUDIO[name] or not str(handle.remote_type).endswith("list"):
        fail(f"the grader uses the notebook's list {name} (the course's audio, {COURSE_AUDIO[name]} clips), but it "
             "was changed: keep the lists the notebook loads.")
    return RemoteList(handle, length)


def samples(np_module: RemoteObject, segment: Any, what: str) -> np.ndarray:
    """The samples of a learner-side AudioSegment as an int16 array (read in the learner's process)."""
    if not isinstance(segment, RemoteObject) or segment.remote_type != AUDIO_TYPE:
        kind = segment.remote_type if isinstance(segment, RemoteObject) else type(segment).__name__
        fail(f"{what} should be a pydub AudioSegment, but it is a {kind}.", output=what, kind="type")
    try:
        form = (segment.attr("frame_rate"), segment.attr("sample_width"), segment.attr("channels"))
        if form != (ref.RATE, 2, 1):
            fail(f"{what} should keep the course's format (44,100 samples per second, 16-bit, mono), but it has "
                 f"{form[0]} samples per second, {8 * form[1] if isinstance(form[1], int) else '?'}-bit, "
                 f"{form[2]} channel(s).", output=what, kind="format")
        values = np_module.call("frombuffer", segment.attr("raw_data"), dtype="<i2")
    except (StudentError, StudentCrash) as exc:
        if isinstance(exc, StudentCrash):
            raise
        fail(f"the samples of {what} could not be read ({exc.type_name}); it does not behave like an AudioSegment.",
             output=what, kind="type")
    if not (isinstance(values, np.ndarray) and values.dtype == np.int16 and values.ndim == 1):
        fail(f"the samples of {what} could not be read; it does not behave like an AudioSegment.", output=what,
             kind="type")
    return values


def compare_audio(fb, what: str, got: np.ndarray, expected: np.ndarray) -> bool:
    """Samples must be equal: pydub is deterministic, and reference.py reproduces it exactly."""
    fb.checked[what] += 1
    if got.shape != expected.shape:
        fb.failures.append(_audio_failure(what, f"{what} lasts {ref.length_ms(got)} ms ({got.size} samples); expected "
                                                f"{ref.length_ms(expected)} ms ({expected.size} samples)."))
        return False
    bad = np.flatnonzero(got != expected)
    if bad.size:
        first_ms = int(bad[0] * 1000 // ref.RATE)
        fb.failures.append(_audio_failure(
            what, f"{what} differs from the expected audio in {bad.size:,} of {got.size:,} samples, from "
                  f"{first_ms} ms on.", error=float(np.abs(got[bad].astype(np.int32) - expected[bad]).max())))
        return False
    return True


def _audio_failure(what: str, message: str, error: float | None = None):
    from autograde.checks import GradeFailure

    return GradeFailure(message, output=what, kind="values" if error is not None else "shape", error=error)


def as_segment(name: str, value: Any) -> tuple[int, int]:
    """A (start, end) pair of whole numbers (Python or numpy integers, tuple or list)."""
    if isinstance(value, np.ndarray) and value.shape == (2,) and value.dtype.kind in "iu":
        value = tuple(int(v) for v in value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        fail(f"{name} should be a tuple (segment_start, segment_end), but it is "
             f"{type(value).__name__}{' of length ' + str(len(value)) if isinstance(value, (tuple, list)) else ''}.",
             output=name, kind="type")
    out = []
    for v in value:
        if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iu":
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            fail(f"{name} should hold two whole numbers of milliseconds, but it holds a {type(v).__name__}.",
                 output=name, kind="type")
        out.append(v)
    return out[0], out[1]


def as_segment_list(name: str, value: Any) -> list[tuple[int, int]] | None:
    """previous_segments read back: a list of (start, end) pairs, or None when it is not one."""
    if not isinstance(value, list):
        return None
    try:
        return [as_segment(name, item) for item in value]
    except AssertionError:
        return None


def as_bool(name: str, value: Any) -> bool:
    """True or False (a Python bool or a numpy bool, which crosses as a 0-d array)."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype == np.bool_:
        return bool(value)
    if not isinstance(value, bool):
        kind = ("numpy array" if isinstance(value, np.ndarray) else value.remote_type
                if isinstance(value, RemoteObject) else type(value).__name__)
        fail(f"{name} should return True or False, but it returned a {kind}.", output=name, kind="type")
    return value


def parameters(student, name: str) -> list[str] | None:
    """The parameter names of the learner's function ``name`` (None when they cannot be read)."""
    fn = student.value(name)   # an undefined name raises the learner's own "not defined" error
    if not isinstance(fn, RemoteObject):
        fail(f"{name} should be a function, but it is a {type(fn).__name__}.")
    try:
        code = fn.attr("__code__")
        names, count = code.attr("co_varnames"), code.attr("co_argcount")
    except (StudentError, StudentCrash):
        return None
    if not (isinstance(names, (list, tuple)) and isinstance(count, int) and all(isinstance(n, str) for n in names)):
        return None
    return list(names[:count])
