"""The w1a1 graders themselves: every known wrong implementation loses points, every correct
alternative earns full marks, the solution earns everything and the release nothing."""
from __future__ import annotations

import numpy as np
from conftest import ROOT, W1A1, check_catalog, validated

from autograde.catalog import load_catalog

EXERCISES = ["rnn_cell_forward", "rnn_forward", "lstm_cell_forward", "lstm_forward", "rnn_cell_backward",
             "rnn_backward", "lstm_cell_backward", "lstm_backward"]


def test_catalog_is_large_and_spread():
    check_catalog(W1A1, EXERCISES, min_wrong=40, min_correct=12)
    wrong, _ = load_catalog(ROOT, W1A1)
    assert len({v.diagnosis for v in wrong if v.diagnosis}) >= 10


def test_validate_w1a1():
    validated(W1A1)


def test_reference_loop_emulation_is_exact():
    """The emulated right backward loop equals the GradientTape reference (so hints are sound)."""
    import sys

    sys.path.insert(0, str(ROOT / "graders" / W1A1))
    import test_w1a1_backward as tb
    import w1a1_reference as ref
    from w1a1_common import CONFIGS

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
    import sys

    sys.path.insert(0, str(ROOT / "graders" / W1A1))
    import w1a1_reference as ref

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
