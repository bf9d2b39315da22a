"""Shared pieces of the w2a1 graders: tolerances, hidden problems, the real vectors, learner values.

The real GloVe vectors are read here from the course's store (datasets/glove), the same
files the learner process loads; learner functions get the learner's own map as a remote
handle (``word_to_vec_map`` of the notebook), never a 400,000-word copy through the protocol.
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

from autograde.checks import as_float_array, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentError

ROOT = Path(__file__).resolve().parents[2]

# Tolerances. References are float64 TensorFlow; the notebook works in float64, where the
# solution agrees with them to 1.1e-16 (cosines), 4.4e-16 (neutralize) and 1.3e-15 (equalize,
# entries up to ~5 on the real pairs), measured on every hidden case. Learners may compute in
# float32 (machine epsilon 1.2e-7): the catalog's float32 variants differ by at most 6.0e-8
# (cosine) and 2.7e-7 (equalize). 1e-6 absolute plus 1e-5 relative accepts those with a
# margin of 4x or more, and every mistake of tests/catalog still fails (autograde validate).
ATOL = 1e-6
RTOL = 1e-5
# Properties (cosine with g ~ 0, symmetric cosines): float32 gives ~1e-7, float64 ~1e-16.
PROPERTY_TOL = 1e-5


def same(got: Any, expected: np.ndarray) -> bool:
    arr = as_float_array(got)
    if arr is None or arr.shape != np.shape(expected):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.all(np.abs(arr - expected) <= ATOL + RTOL * np.abs(expected)))


def number(name: str, got: Any) -> float:
    """A learner's result that must be ONE number: a Python or numpy scalar, or a 0-d array.
    An array of shape (1, 1) (np.dot of a row and a column) is not a number here."""
    if isinstance(got, bool) or not isinstance(got, (int, float, np.generic, np.ndarray)):
        fail(f"{name} should be a number, but it is {type(got).__name__}.", output=name, kind="type")
    arr = np.asarray(got)
    if arr.ndim != 0:
        fail(f"{name} should be a number, but it is an array of shape {arr.shape}.", output=name, kind="type")
    if arr.dtype.kind not in "iuf":
        fail(f"{name} should be a number, but its type is {arr.dtype}.", output=name, kind="type")
    return float(arr)


def vector(name: str, got: Any, dim: int) -> np.ndarray:
    """A learner's result that must be a float vector of shape (dim,)."""
    if not isinstance(got, np.ndarray):
        fail(f"{name} should be a numpy array, but it is {type(got).__name__}.", output=name, kind="type")
    if got.dtype.kind not in "f":
        fail(f"{name} should hold floating-point numbers, but its dtype is {got.dtype}.", output=name, kind="type")
    if got.shape != (dim,):
        hint = " Do not hard-code 50: take the dimension from the vectors." if 50 in got.shape and dim != 50 else ""
        fail(f"{name} has shape {got.shape}; with {dim}-dimensional vectors it should be ({dim},).{hint}",
             output=name, kind="shape")
    return got.astype(np.float64)


# ------------------------------------------------------------------ the real vectors (grader side)

@functools.cache
def glove_store():
    """The course's GloVe store module (datasets/glove/glove_store.py, imported by path)."""
    path = ROOT / "datasets" / "glove" / "glove_store.py"
    loaded = sys.modules.get("glove_store")
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location("glove_store", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["glove_store"] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def glove():
    """(words in the release's order, float64 matrix, word -> row) of the real vectors."""
    store = glove_store().load_store(ROOT / "datasets" / "glove")
    return store.words, store.matrix, {w: i for i, w in enumerate(store.words)}


def real_vector(word: str) -> np.ndarray:
    words, matrix, row = glove()
    return np.array(matrix[row[word]], dtype=np.float64)


@functools.cache
def real_bias_axis() -> np.ndarray:
    """g = e_woman - e_man, the notebook's bias axis."""
    return real_vector("woman") - real_vector("man")


def learner_map(student) -> RemoteObject:
    """The notebook's own ``word_to_vec_map`` (400,000 words), as a handle in the learner process."""
    handle = student.value("word_to_vec_map", handle=True)
    if not isinstance(handle, RemoteObject) or handle.remote_type != "builtins.dict":
        fail("the notebook's word_to_vec_map should still be the dict that read_glove_vecs returned; "
             "do not reassign it.")
    return handle


# ------------------------------------------------------------------ random maps of other dimensions

WORDS = ("nurse", "pilot", "teacher", "king", "queen", "uncle", "aunt", "actor", "actress")


@functools.cache
def random_map(dim: int, seed: int, scale: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """A map of WORDS to random vectors of ``dim`` numbers, and a bias axis that is not a unit
    vector (so a missing square in ||g||^2 shows)."""
    rng = np.random.default_rng(seed)
    m = {w: rng.normal(0.0, scale, dim) for w in WORDS}
    g = rng.normal(0.0, 1.3, dim)
    return m, g


def identical(a: Any, b: Any) -> bool:
    """Two results of the same call are the same (NaN equal to NaN)."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    x, y = as_float_array(a), as_float_array(b)
    return x is not None and y is not None and x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=True))


def calling(fb, fname: str, call: Callable[[], Any], dim: int | None = None) -> Any:
    """``call()``, with an error of the learner's function reported as ONE failure per function
    (aggregated over the hidden cases: "... (on 3 of 5 hidden cases)"), not one line per case.
    NotImplementedError and undefined names keep the engine's own message. ``dim``: the
    vectors' dimension, to recognise a hard-coded 50 in the error."""
    key = f"{fname} raised an error"
    fb.checked[key] += 1
    try:
        return call()
    except StudentError as exc:
        if dim is not None and dim != 50 and "(50,)" in exc.message:
            fb.diagnose("hardcoded_dimension", f"{fname} works only with 50-dimensional vectors: it uses a fixed "
                        "size, or a 50-dimensional global of the notebook (such as g), in place of its arguments. "
                        "Use only the arguments it is given, and take shapes from them (np.zeros_like(e), or no "
                        "preallocated array at all).")
        if exc.type_name == "NotImplementedError" or exc.undefined is not None:
            raise
        tail = [line for line in exc.traceback.strip().splitlines() if line.strip()][-2:]
        fail(f"{fname} raised {exc.type_name}: {exc.message[:300]}" + ("\n" + "\n".join(tail) if tail else ""),
             output=key, kind="error")
