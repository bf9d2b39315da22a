"""What is specific to w1a1's graders: their references agree with independent computations.
(Catalog, validation and release are checked for every assignment by test_assignments.py.)"""
from __future__ import annotations

import numpy as np
from conftest import W1A1, grader_module


def test_reference_loop_emulation_is_exact():
    """The emulated right backward loop equals the GradientTape reference (so hints are sound)."""
    tb = grader_module(W1A1, "test_backward")
    ref = grader_module(W1A1, "reference")
    CONFIGS = grader_module(W1A1, "common").CONFIGS

    for cfg in CONFIGS:
        p, x, a0, a, steps, da = tb.rnn_caches(cfg)
        emulated = ref.unroll_backward(tb._rnn_step(steps, p), x.shape[2], da, keys=("dWax", "dWaa", "dba"))
        exp = ref.rnn_backward(da, x, a0, p)
        assert all(np.allclose(emulated[k], exp[k], rtol=0, atol=1e-12) for k in tb.RNN_KEYS)
        p, x, a0, lsteps, da = tb.lstm_caches(cfg)
        emulated = ref.unroll_backward(tb._lstm_step(lsteps), x.shape[2], da, keys=tuple(tb.LSTM_W))
        exp = ref.lstm_backward(da, x, a0, p)
        assert all(np.allclose(emulated[k], exp[k], rtol=0, atol=1e-12) for k in tb.LSTM_KEYS)


def test_references_agree_with_central_differences():
    """An independent check of the TF references: float64 central differences of the same loss."""
    ref = grader_module(W1A1, "reference")

    rng = np.random.default_rng(0)
    n_x, n_a, n_y, m, T = 3, 4, 2, 2, 3
    p = ref.lstm_params(rng, n_x, n_a, n_y)
    x, a0, da = rng.standard_normal((n_x, m, T)), rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m, T))

    def loss(params, xx, aa):
        a, _, _ = ref.lstm_forward(xx, aa, params)
        return float(np.sum(a * da))

    grads = ref.lstm_backward(da, x, a0, p)
    eps = 1e-6
    for key, target in (("dWf", "Wf"), ("dbo", "bo"), ("dWc", "Wc")):
        idx = (1, 2) if target.startswith("W") else (3, 0)
        plus, minus = {k: v.copy() for k, v in p.items()}, {k: v.copy() for k, v in p.items()}
        plus[target][idx] += eps
        minus[target][idx] -= eps
        numeric = (loss(plus, x, a0) - loss(minus, x, a0)) / (2 * eps)
        assert abs(numeric - grads[key][idx]) < 1e-7
    xp, xm = x.copy(), x.copy()
    xp[0, 1, 0] += eps
    xm[0, 1, 0] -= eps
    assert abs((loss(p, xp, a0) - loss(p, xm, a0)) / (2 * eps) - grads["dx"][0, 1, 0]) < 1e-7
