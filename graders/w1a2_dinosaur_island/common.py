"""Shared pieces of the w1a2 graders: problems, tolerances, conversions."""
from __future__ import annotations

import string
from pathlib import Path

import numpy as np

from autograde.checks import check_type, close, fail
from autograde.grading import isolated  # noqa: F401  (used by the test modules)

# float64 learner code against float64 TensorFlow: one step agrees to ~1e-15 (measured
# 2e-15 on the gradients); 2,001 SGD steps of the training loop drift to 7.6e-15 at most
# (measured on the instructor solution against w1a2_reference.model). A real mistake moves values by 1e-4 or more
# (one learning-rate step of a clipped gradient is 0.01 * O(1)).
ATOL = 1e-8
RTOL = 1e-6

ROOT = Path(__file__).resolve().parents[2]
ALPHABET = "\n" + string.ascii_lowercase


def sorted_vocab(chars: str = ALPHABET) -> tuple[dict[str, int], dict[int, str]]:
    char_to_ix = {ch: i for i, ch in enumerate(sorted(chars))}
    return char_to_ix, {i: ch for ch, i in char_to_ix.items()}


def scrambled_vocab(chars: str, newline_at: int, seed: int) -> tuple[dict[str, int], dict[int, str]]:
    """A vocabulary whose newline index is not 0 and whose dict order is not index order.

    A sampler that draws from ``char_to_ix.values()`` only misbehaves with such a mapping.
    """
    letters = [c for c in chars if c != "\n"]
    order = letters[:newline_at] + ["\n"] + letters[newline_at:]
    index = {ch: i for i, ch in enumerate(order)}
    keys = list(index)
    np.random.default_rng(seed).shuffle(keys)
    char_to_ix = {k: index[k] for k in keys}
    return char_to_ix, {i: ch for ch, i in char_to_ix.items()}


def random_parameters(rng, n_a: int, vocab: int, scale: float) -> dict:
    return {"Wax": rng.standard_normal((n_a, vocab)) * scale, "Waa": rng.standard_normal((n_a, n_a)) * scale,
            "Wya": rng.standard_normal((vocab, n_a)) * scale, "b": rng.standard_normal((n_a, 1)) * scale,
            "by": rng.standard_normal((vocab, 1)) * scale}


def dinosaur_names() -> list[str]:
    return (ROOT / "datasets" / "dinosaurs" / "dinos.txt").read_text().split()


def same(got, expected) -> bool:
    return close(got, expected, ATOL, RTOL)


def as_indices(name: str, got, vocab: int) -> list[int]:
    """The learner's list of sampled indices as Python ints, or a learner-facing failure. A 1-D
    integer array holds the same indices (``return np.array(indices)``) and is accepted."""
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.dtype.kind in "iu":
        got = list(got)
    check_type(name, got, (list, tuple), "a list of character indices")
    out = []
    for i, value in enumerate(got):
        arr = np.asarray(value)
        if arr.shape != () or arr.dtype.kind not in "iu":
            fail(f"{name} should hold integer indices, but entry {i} is {type(value).__name__} "
                 f"{'with shape ' + str(arr.shape) if arr.shape else ''}".rstrip() + ".")
        if not 0 <= int(arr) < vocab:
            fail(f"{name}: entry {i} is {int(arr)}, outside the vocabulary indices 0..{vocab - 1}.")
        out.append(int(arr))
    return out
