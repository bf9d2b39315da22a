"""w1a2 (Dinosaur Island): its data, its TF references, and its graders' own quality."""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
from conftest import ROOT, grader_module

W1A2 = "w1a2_dinosaur_island"
DINOS = ROOT / "datasets" / "dinosaurs" / "dinos.txt"


@pytest.fixture(scope="module")
def ref():
    return grader_module(W1A2, "reference")


def test_dinosaur_names_file():
    text = DINOS.read_text()
    names = text.split("\n")
    assert text.endswith("\n") and names[-1] == ""
    names = names[:-1]
    assert len(names) >= 1000
    assert all(re.fullmatch(r"[a-z]+", n) for n in names), [n for n in names if not re.fullmatch(r"[a-z]+", n)][:5]
    assert len(set(names)) == len(names) and names == sorted(names)
    assert sorted(set(text)) == ["\n"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]  # 27 symbols
    readme = (DINOS.parent / "README.md").read_text()
    assert hashlib.sha256(text.encode()).hexdigest() in readme, "README.md must record the file's sha256"
    assert f"{len(names):,}" in readme or str(len(names)) in readme


def _numpy_loss(X, Y, a0, p):
    """Plain float64 numpy forward pass of the char-RNN (independent of TF and of the helpers)."""
    a, loss = a0, 0.0
    for x_i, y_i in zip(X, Y):
        x = np.zeros((p["Wax"].shape[1], 1))
        if x_i is not None:
            x[x_i] = 1
        a = np.tanh(p["Wax"] @ x + p["Waa"] @ a + p["b"])
        z = p["Wya"] @ a + p["by"]
        loss -= (z[y_i, 0] - np.max(z) - np.log(np.sum(np.exp(z - np.max(z)))))
    return loss, a


def test_reference_gradients_match_central_differences(ref):
    rng = np.random.default_rng(5)
    n_a, V = 4, 27
    p = {"Wax": rng.normal(0, 0.7, (n_a, V)), "Waa": rng.normal(0, 0.7, (n_a, n_a)),
         "Wya": rng.normal(0, 0.7, (V, n_a)), "b": rng.normal(0, 0.5, (n_a, 1)), "by": rng.normal(0, 0.5, (V, 1))}
    X, a0 = [None, 3, 9, 1], rng.normal(0, 0.5, (n_a, 1))
    Y = X[1:] + [0]
    loss, grads, a_last = ref.loss_and_gradients(X, Y, a0, p)
    np_loss, np_a = _numpy_loss(X, Y, a0, p)
    assert abs(loss - np_loss) < 1e-12 and np.allclose(a_last, np_a, atol=1e-14)
    eps = 1e-6
    for key, name, idx in (("dWax", "Wax", (2, 9)), ("dWaa", "Waa", (1, 3)), ("dWya", "Wya", (0, 2)),
                           ("db", "b", (3, 0)), ("dby", "by", (9, 0))):
        plus, minus = {k: v.copy() for k, v in p.items()}, {k: v.copy() for k, v in p.items()}
        plus[name][idx] += eps
        minus[name][idx] -= eps
        numeric = (_numpy_loss(X, Y, a0, plus)[0] - _numpy_loss(X, Y, a0, minus)[0]) / (2 * eps)
        assert abs(numeric - grads[key][idx]) < 1e-7, key
    ap, am = a0.copy(), a0.copy()
    ap[1, 0] += eps
    am[1, 0] -= eps
    numeric = (_numpy_loss(X, Y, ap, p)[0] - _numpy_loss(X, Y, am, p)[0]) / (2 * eps)
    assert abs(numeric - grads["da_next"][1, 0]) < 1e-7


def test_reference_sampler_protocol(ref):
    """The reference sampler stops at the newline or appends one after 50 draws."""
    rng = np.random.default_rng(6)
    p = {"Wax": rng.normal(0, 0.5, (5, 6)), "Waa": rng.normal(0, 0.5, (5, 5)), "Wya": rng.normal(0, 0.5, (6, 5)),
         "b": np.zeros((5, 1)), "by": np.zeros((6, 1))}
    char_to_ix = {"\n": 2, "a": 0, "b": 1, "c": 3, "d": 4, "e": 5}
    for seed in range(5):
        s = ref.sample(p, char_to_ix, seed)
        assert s[-1] == 2 and 2 not in s[:-1] and len(s) <= 51
        assert s == ref.sample(p, char_to_ix, seed)
    p["by"][2] = -50
    assert len(ref.sample(p, char_to_ix, 0)) == 51

