"""TensorFlow references for w1a1, computed live in the grader process (float64).

Forward passes use Keras's own SimpleRNNCell and LSTMCell given the learner-format weights
mapped to Keras's layout (kernels are (n_in, units), transposed from ours; an LSTM's four
gates are stacked in Keras's order [i, f, c, o], and our W_k acts on [a_prev; xt], so its
first n_a columns are the recurrent kernel and the rest the input kernel). Backward passes
are vector-Jacobian products from tf.GradientTape through those cells. The LSTM gate
activations that the contract keeps in its cache are computed with TF ops and checked
against the Keras cell's own outputs, so the two cannot drift apart silently.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

GATES = ("i", "f", "c", "o")  # Keras's stacking order


# ------------------------------------------------------------------ random problems

def rnn_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int, scale: float = 0.5) -> dict:
    """Small weights keep tanh/softmax away from saturation, so comparisons stay well-conditioned."""
    return {"Wax": rng.standard_normal((n_a, n_x)) * scale, "Waa": rng.standard_normal((n_a, n_a)) * scale,
            "Wya": rng.standard_normal((n_y, n_a)) * scale, "ba": rng.standard_normal((n_a, 1)) * scale,
            "by": rng.standard_normal((n_y, 1)) * scale}


def lstm_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int, scale: float = 0.5) -> dict:
    p = {}
    for k in ("f", "i", "c", "o"):
        p["W" + k] = rng.standard_normal((n_a, n_a + n_x)) * scale
        p["b" + k] = rng.standard_normal((n_a, 1)) * scale
    p["Wy"] = rng.standard_normal((n_y, n_a)) * scale
    p["by"] = rng.standard_normal((n_y, 1)) * scale
    return p


# ------------------------------------------------------------------ Keras cells

def rnn_cell(p: dict) -> keras.layers.SimpleRNNCell:
    n_a, n_x = p["Wax"].shape
    cell = keras.layers.SimpleRNNCell(n_a, activation="tanh", dtype="float64")
    cell.build((None, n_x))
    cell.set_weights([p["Wax"].T, p["Waa"].T, p["ba"][:, 0]])
    return cell


def lstm_cell(p: dict) -> keras.layers.LSTMCell:
    n_a = p["Wf"].shape[0]
    n_x = p["Wf"].shape[1] - n_a
    cell = keras.layers.LSTMCell(n_a, activation="tanh", recurrent_activation="sigmoid", dtype="float64")
    cell.build((None, n_x))
    kernel = np.concatenate([p["W" + g][:, n_a:].T for g in GATES], axis=1)
    recurrent = np.concatenate([p["W" + g][:, :n_a].T for g in GATES], axis=1)
    bias = np.concatenate([p["b" + g][:, 0] for g in GATES])
    cell.set_weights([kernel, recurrent, bias])
    return cell


def _keras_to_lstm_grads(grads: list, n_a: int) -> dict:
    """Gradients w.r.t. (kernel, recurrent_kernel, bias) back to dW_k (n_a, n_a+n_x), db_k (n_a, 1)."""
    gk, gr, gb = (np.asarray(g) for g in grads)
    out = {}
    for j, g in enumerate(GATES):
        cols = slice(j * n_a, (j + 1) * n_a)
        out["dW" + g] = np.concatenate([gr[:, cols].T, gk[:, cols].T], axis=1)
        out["db" + g] = gb[cols][:, None]
    return out


def softmax0(z) -> np.ndarray:
    return tf.nn.softmax(tf.constant(z), axis=0).numpy()


# ------------------------------------------------------------------ forward references

def rnn_cell_forward(xt, a_prev, p):
    h, _ = rnn_cell(p)(tf.constant(xt.T), [tf.constant(a_prev.T)])
    a_next = h.numpy().T
    y = softmax0(p["Wya"] @ a_next + p["by"])
    return a_next, y


def rnn_forward(x, a0, p):
    """Unrolled with keras.layers.RNN over the same cell."""
    layer = keras.layers.RNN(rnn_cell(p), return_sequences=True, dtype="float64")
    seq = layer(tf.constant(x.transpose(1, 2, 0)), initial_state=[tf.constant(a0.T)]).numpy()
    a = seq.transpose(2, 0, 1)
    y = softmax0(np.einsum("ya,amt->ymt", p["Wya"], a) + p["by"][:, :, None])
    return a, y


def lstm_gates(xt, a_prev, c_prev, p) -> dict:
    """The contract's cache quantities, from TF ops; checked against Keras's LSTMCell."""
    z = tf.constant(np.concatenate([a_prev, xt], axis=0))
    lin = {k: tf.matmul(tf.constant(p["W" + k]), z) + p["b" + k] for k in ("f", "i", "c", "o")}
    ft, it, ot = tf.sigmoid(lin["f"]), tf.sigmoid(lin["i"]), tf.sigmoid(lin["o"])
    cct = tf.tanh(lin["c"])
    c_next = ft * c_prev + it * cct
    a_next = ot * tf.tanh(c_next)
    h, (h2, c2) = lstm_cell(p)(tf.constant(xt.T), [tf.constant(a_prev.T), tf.constant(c_prev.T)])
    if not (np.allclose(h.numpy().T, a_next.numpy(), rtol=0, atol=1e-12)
            and np.allclose(c2.numpy().T, c_next.numpy(), rtol=0, atol=1e-12)):
        raise RuntimeError("internal: TF gate ops disagree with keras.layers.LSTMCell")
    y = softmax0(p["Wy"] @ a_next.numpy() + p["by"])
    return {"a_next": a_next.numpy(), "c_next": c_next.numpy(), "ft": ft.numpy(), "it": it.numpy(),
            "cct": cct.numpy(), "ot": ot.numpy(), "yt": y}


def lstm_forward(x, a0, p):
    n_a, m, T = a0.shape[0], x.shape[1], x.shape[2]
    cell = lstm_cell(p)
    h, c = tf.constant(a0.T), tf.zeros((m, n_a), dtype=tf.float64)
    a_all, c_all = [], []
    for t in range(T):
        h, (h, c) = cell(tf.constant(x[:, :, t].T), [h, c])
        a_all.append(h.numpy().T)
        c_all.append(c.numpy().T)
    a = np.stack(a_all, axis=2)
    c = np.stack(c_all, axis=2)
    y = softmax0(np.einsum("ya,amt->ymt", p["Wy"], a) + p["by"][:, :, None])
    return a, y, c


# ------------------------------------------------------------------ backward references (GradientTape)

def rnn_cell_backward(da_next, xt, a_prev, p) -> dict:
    cell = rnn_cell(p)
    x, a = tf.constant(xt.T), tf.constant(a_prev.T)
    with tf.GradientTape() as tape:
        tape.watch([x, a])
        h, _ = cell(x, [a])
        loss = tf.reduce_sum(h * da_next.T)
    gx, ga, gk, gr, gb = tape.gradient(loss, [x, a] + [v.value for v in cell.trainable_variables])
    return {"dxt": gx.numpy().T, "da_prev": ga.numpy().T, "dWax": gk.numpy().T, "dWaa": gr.numpy().T,
            "dba": gb.numpy()[:, None]}


def rnn_backward(da, x, a0, p) -> dict:
    cell = rnn_cell(p)
    layer = keras.layers.RNN(cell, return_sequences=True, dtype="float64")
    xs, a0t = tf.constant(x.transpose(1, 2, 0)), tf.constant(a0.T)
    with tf.GradientTape() as tape:
        tape.watch([xs, a0t])
        seq = layer(xs, initial_state=[a0t])
        loss = tf.reduce_sum(seq * da.transpose(1, 2, 0))
    gx, ga, gk, gr, gb = tape.gradient(loss, [xs, a0t] + [v.value for v in cell.trainable_variables])
    return {"dx": gx.numpy().transpose(2, 0, 1), "da0": ga.numpy().T, "dWax": gk.numpy().T,
            "dWaa": gr.numpy().T, "dba": gb.numpy()[:, None]}


def lstm_cell_backward(da_next, dc_next, xt, a_prev, c_prev, p) -> dict:
    cell = lstm_cell(p)
    x, a, c = tf.constant(xt.T), tf.constant(a_prev.T), tf.constant(c_prev.T)
    with tf.GradientTape() as tape:
        tape.watch([x, a, c])
        h, (_, c_new) = cell(x, [a, c])
        loss = tf.reduce_sum(h * da_next.T) + tf.reduce_sum(c_new * dc_next.T)
    gx, ga, gc, *gw = tape.gradient(loss, [x, a, c] + [v.value for v in cell.trainable_variables])
    out = {"dxt": gx.numpy().T, "da_prev": ga.numpy().T, "dc_prev": gc.numpy().T}
    out.update(_keras_to_lstm_grads(gw, a_prev.shape[0]))
    return out


def lstm_backward(da, x, a0, p) -> dict:
    n_a, m, T = a0.shape[0], x.shape[1], x.shape[2]
    cell = lstm_cell(p)
    xs = [tf.constant(x[:, :, t].T) for t in range(T)]
    a0t = tf.constant(a0.T)
    with tf.GradientTape() as tape:
        tape.watch(xs + [a0t])
        h, c = a0t, tf.zeros((m, n_a), dtype=tf.float64)
        loss = tf.constant(0.0, dtype=tf.float64)
        for t in range(T):
            h, (h, c) = cell(xs[t], [h, c])
            loss += tf.reduce_sum(h * da[:, :, t].T)
    grads = tape.gradient(loss, xs + [a0t] + [v.value for v in cell.trainable_variables])
    out = {"dx": np.stack([g.numpy().T for g in grads[:T]], axis=2), "da0": grads[T].numpy().T}
    out.update(_keras_to_lstm_grads(grads[T + 1:], n_a))
    return out


# ------------------------------------------------------------------ loop variants (for hints only)

def unroll_backward(step, T: int, da, order: str = "backward", carry: bool = True, accumulate: bool = True,
                    keys: tuple[str, ...] = ()) -> dict:
    """Emulate a backward loop with the reference cell VJP ``step(t, da_next, dc_next)``.

    The right loop is (backward, carry, accumulate); flipping one of them reproduces a
    classic mistake, whose result the graders compare with the learner's to name it.
    """
    da_prev = np.zeros_like(da[:, :, 0])
    dc_prev = None
    total: dict[str, np.ndarray] = {}
    dx = []
    steps = range(T - 1, -1, -1) if order == "backward" else range(T)
    for t in steps:
        upstream = da[:, :, t] + (da_prev if carry else 0)
        g = step(t, upstream, dc_prev)
        dx.append((t, g["dxt"]))
        da_prev = g["da_prev"]
        dc_prev = g.get("dc_prev")
        for k in keys:
            total[k] = total[k] + g[k] if (accumulate and k in total) else g[k]
    out = {"dx": np.stack([v for _, v in sorted(dx, key=lambda tv: tv[0])], axis=2), "da0": da_prev}
    out.update(total)
    return out
