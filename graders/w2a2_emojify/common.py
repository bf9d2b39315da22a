"""Shared pieces of the w2a2 graders: tolerances, toy maps, the real vectors, learner handles.

The learner's 400,000-word ``word_to_vec_map`` and ``word_to_index`` never cross the
protocol: graders pass the notebook's own containers back to learner functions as remote
handles. The grader's own copies of the real vectors come from the same store
(datasets/glove), read here.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any, Callable

import numpy as np

from autograde.checks import as_float_array, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentError

from . import reference as ref

# Tolerances, from measurements on the solution and the catalog's alternatives (every hidden case):
# - averages and indices: the solution equals the TF float64 reference exactly; the float32
#   variant differs by at most 6.9e-8 (unit-scale vectors). 1e-6 absolute + 1e-5 relative.
# - V1 training (float64, up to 400 passes): the solution drifts from the TF float64 run by at
#   most 6.7e-16 in W and b (1.3e-15 for the 2021 accumulated update against its own
#   reference); float32 averages move W by 4.6e-8. 1e-7 absolute + 1e-6 relative. The two
#   accepted update forms differ by at least 0.28 in W on these cases, and every catalog
#   mistake by more than 1e-2, so neither can pass for the other.
# - Keras outputs: learner and reference models are both float32 Keras graphs holding the same
#   weights; their probabilities agree exactly when computed in one process (measured 0.0).
#   5e-6 leaves room for another summation order (other thread counts in the sandbox) and
#   still separates every catalog model (the smallest difference is a whole layer's).
ATOL, RTOL = 1e-6, 1e-5
TRAIN_ATOL, TRAIN_RTOL = 1e-7, 1e-6
OUTPUT_ATOL = 5e-6
EMBEDDING_ATOL = 1e-6   # float32 rows against the float32 cast of the float64 vectors: exact, but allow rounding


def same(got: Any, expected: np.ndarray, atol: float = ATOL, rtol: float = RTOL) -> bool:
    arr = as_float_array(got)
    if arr is None or arr.shape != np.shape(expected):
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.all(np.abs(arr - expected) <= atol + rtol * np.abs(expected)))


def vector(name: str, got: Any, dim: int) -> np.ndarray:
    if not isinstance(got, np.ndarray):
        fail(f"{name} should be a numpy array, but it is {type(got).__name__}.", output=name, kind="type")
    if got.dtype.kind != "f":
        fail(f"{name} should hold floating-point numbers, but its dtype is {got.dtype}.", output=name, kind="type")
    if got.shape != (dim,):
        hint = " Take the dimension from a vector of the map, not a hard-coded 50." if 50 in got.shape else ""
        fail(f"{name} has shape {got.shape}; with {dim}-dimensional vectors it should be ({dim},).{hint}",
             output=name, kind="shape")
    return got.astype(np.float64)


# ------------------------------------------------------------------ toy maps

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@functools.cache
def toy_words(n: int, seed: int) -> tuple[str, ...]:
    """n distinct lower-case made-up words (not GloVe's: a toy map owes nothing to the real one)."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    while len(out) < n:
        w = "".join(rng.choice(list(LETTERS), size=int(rng.integers(3, 7))))
        if w not in out:
            out.append(w)
    return tuple(out)


@functools.cache
def toy_map(n: int, dim: int, seed: int, scale: float = 1.0) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """(word_to_vec_map, word_to_index): vectors of ``dim`` numbers, inserted in an order that is
    neither the index order nor its reverse, and indices 1..n in sorted word order."""
    words = toy_words(n, seed)
    rng = np.random.default_rng(seed + 1)
    order = rng.permutation(n)
    vectors = {words[i]: rng.normal(0.0, scale, dim) for i in order}
    index = {w: i for i, w in enumerate(sorted(words), start=1)}
    return vectors, index


# ------------------------------------------------------------------ real vectors (grader side)

@functools.cache
def glove() -> tuple[dict, dict]:
    """(word_to_index, word_to_vec_map) of the real vectors, as the helpers build them."""
    return ref.glove()


@functools.cache
def held_out_sentences() -> tuple[np.ndarray, np.ndarray]:
    return ref.read_csv("test_emoji.csv")


def learner_containers(student) -> tuple[RemoteObject, RemoteObject]:
    """The notebook's own word_to_vec_map and word_to_index (400,000 entries each), as handles."""
    out = []
    for name in ("word_to_vec_map", "word_to_index"):
        handle = student.value(name, handle=True)
        if not isinstance(handle, RemoteObject) or handle.remote_type != "builtins.dict":
            fail(f"the notebook's {name} should still be the dict that read_glove_vecs returned; do not reassign it.")
        out.append(handle)
    return out[0], out[1]


# ------------------------------------------------------------------ per-submission memo

_MEMO: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def per_submission(student, key: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per submission (the ``student`` object lives for one submission's run):
    e.g. the learner's model over the real 400,000-word embedding, which takes seconds and
    80 MB in the learner process, shared by the structure and the behaviour tests. An
    exception is remembered and raised again."""
    memo = _MEMO.setdefault(student, {})
    if key not in memo:
        try:
            memo[key] = ("value", build())
        except Exception as exc:  # noqa: BLE001 - re-raised as it is, for every test that needs it
            memo[key] = ("error", exc)
    kind, value = memo[key]
    if kind == "error":
        raise value
    return value


def calling(fb, fname: str, call: Callable[[], Any], on_error: Callable[[StudentError], None] | None = None) -> Any:
    """``call()``, with an error of the learner's function reported as ONE failure per function
    (aggregated over the hidden cases: "... (on 3 of 5 hidden cases)"), not one line per case;
    ``on_error`` may add a hint first. NotImplementedError and undefined names keep the
    engine's own message (and its naming of a graded callee that raised)."""
    key = f"{fname} raised an error"
    fb.checked[key] += 1
    try:
        return call()
    except StudentError as exc:
        if on_error is not None:
            with fb.probing():
                on_error(exc)
        if exc.type_name == "NotImplementedError" or exc.undefined is not None:
            raise
        tail = [line for line in exc.traceback.strip().splitlines() if line.strip()][-2:]
        fail(f"{fname} raised {exc.type_name}: {exc.message[:300]}" + ("\n" + "\n".join(tail) if tail else ""),
             output=key, kind="error")
