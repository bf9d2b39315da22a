"""TensorFlow references for the w1a2 graders (character-level RNN language model).

Independent of the course helpers: the forward pass, the loss and every gradient come from
TensorFlow (float64, ``tf.GradientTape``), clipping from ``tf.clip_by_value``, sampling
probabilities from ``tf.nn.softmax``. What is contractual rather than mathematical (the
seeding protocol of ``sample``, the order of the random draws of ``initialize_parameters``,
the shuffle with seed 0) is re-implemented here from CURRICULUM.md.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
PARAM_OF = {"dWax": "Wax", "dWaa": "Waa", "dWya": "Wya", "db": "b", "dby": "by"}
MAX_SAMPLE = 50


def clip(gradients: dict, max_value: float) -> dict:
    return {k: tf.clip_by_value(tf.constant(gradients[k], tf.float64), -max_value, max_value).numpy()
            for k in KEYS}


@tf.function(reduce_retracing=True)
def _loss_and_grads(X, Y, a0, Wax, Waa, Wya, b, by):
    """X: int32 (T,) with -1 for 'no input'; Y: int32 (T,). Returns loss, grads, last state."""
    vocab = tf.shape(Wax)[1]
    with tf.GradientTape() as tape:
        tape.watch([Wax, Waa, Wya, b, by, a0])
        xs = tf.transpose(tf.one_hot(X, vocab, dtype=tf.float64))  # -1 gives an all-zero column

        def step(a_prev, x):
            return tf.tanh(tf.matmul(Wax, x[:, None]) + tf.matmul(Waa, a_prev) + b)

        states = tf.scan(step, tf.transpose(xs), initializer=a0)          # (T, n_a, 1)
        logits = tf.einsum("va,tab->tvb", Wya, states) + by
        log_p = tf.nn.log_softmax(logits[:, :, 0], axis=1)                   # (T, vocab)
        loss = -tf.reduce_sum(tf.gather(log_p, Y, batch_dims=1))
    grads = tape.gradient(loss, [Wax, Waa, Wya, b, by, a0])
    return loss, grads, states[-1]


def loss_and_gradients(X, Y, a0, p) -> tuple[float, dict, np.ndarray]:
    """Loss, unclipped gradients (dWax, dWaa, dWya, db, dby, da_next) and the last hidden state."""
    c = lambda v: tf.constant(np.asarray(v, dtype=np.float64))  # noqa: E731
    x = tf.constant([-1 if i is None else int(i) for i in X], tf.int32)
    loss, g, a_last = _loss_and_grads(x, tf.constant([int(i) for i in Y], tf.int32), c(a0),
                                      c(p["Wax"]), c(p["Waa"]), c(p["Wya"]), c(p["b"]), c(p["by"]))
    names = ("dWax", "dWaa", "dWya", "db", "dby", "da_next")
    return float(loss), {n: v.numpy() for n, v in zip(names, g)}, a_last.numpy()


@dataclass
class OptimizeResult:
    loss: float
    gradients: dict          # clipped, the five contract keys
    a_last: np.ndarray
    parameters: dict         # after the SGD update


def optimize(X, Y, a_prev, p, learning_rate: float = 0.01, max_value: float = 5.0) -> OptimizeResult:
    loss, g, a_last = loss_and_gradients(X, Y, a_prev, p)
    clipped = clip(g, max_value)
    updated = {PARAM_OF[k]: np.asarray(p[PARAM_OF[k]], np.float64) - learning_rate * clipped[k] for k in KEYS}
    return OptimizeResult(loss, clipped, a_last, updated)


def step_probabilities(p, x, a_prev) -> tuple[np.ndarray, np.ndarray]:
    a = tf.tanh(tf.constant(p["Wax"]) @ x + tf.constant(p["Waa"]) @ a_prev + tf.constant(p["b"]))
    y = tf.nn.softmax(tf.transpose(tf.constant(p["Wya"]) @ a + tf.constant(p["by"])))
    return a.numpy(), y.numpy().ravel()


def sample(p, char_to_ix: dict, seed: int, *, population=None, seed_step: int = 2, final_newline: bool = True,
           greedy: bool = False, reset_x: bool = True) -> list[int]:
    """The contract's sampler; the keyword arguments emulate known mistakes (for hints only).

    Contract: draw with ``np.random.seed(counter + seed)`` where both grow by one per step
    (so the seed moves by ``seed_step`` = 2), from ``range(vocab)``; stop at the newline
    or after 50 draws, then append a newline.
    """
    vocab = p["by"].shape[0]
    newline = char_to_ix["\n"]
    population = range(vocab) if population is None else population
    x, a_prev = np.zeros((vocab, 1)), np.zeros((p["Waa"].shape[1], 1))
    indices, idx, counter = [], -1, 0
    while idx != newline and counter != MAX_SAMPLE:
        a_prev, y = step_probabilities(p, x, a_prev)
        np.random.seed(seed + seed_step * counter)
        idx = int(np.argmax(y)) if greedy else int(np.random.choice(population, p=y))
        indices.append(idx)
        if reset_x:
            x = np.zeros((vocab, 1))
        x[idx] = 1
        counter += 1
    if counter == MAX_SAMPLE and final_newline:
        indices.append(newline)
    return indices


def initialize_parameters(n_a: int, n_x: int, n_y: int) -> dict:
    np.random.seed(1)
    Wax = np.random.randn(n_a, n_x) * 0.01
    Waa = np.random.randn(n_a, n_a) * 0.01
    Wya = np.random.randn(n_y, n_a) * 0.01
    return {"Wax": Wax, "Waa": Waa, "Wya": Wya, "b": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1))}


def model(data_x, ix_to_char, char_to_ix, num_iterations, n_a, dino_names, vocab_size=27, *,
          shift_y: bool = True, leading_none: bool = True, reset_a_prev: bool = False):
    """The contract's training loop: (parameters, last sampled name). Keywords emulate mistakes."""
    p = initialize_parameters(n_a, vocab_size, vocab_size)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    newline = char_to_ix["\n"]
    last = "abc"
    for j in range(num_iterations):
        ids = [char_to_ix[ch] for ch in examples[j % len(examples)]]
        X = ([None] if leading_none else []) + ids
        Y = X[1:] + [newline] if shift_y else [newline if i is None else i for i in X]
        if reset_a_prev:
            a_prev = np.zeros((n_a, 1))
        result = optimize(X, Y, a_prev, p, 0.01)
        p, a_prev = result.parameters, result.a_last
        if j % 2000 == 0:
            for seed in range(dino_names):
                text = "".join(ix_to_char[i] for i in sample(p, char_to_ix, seed))
                last = text[0].upper() + text[1:]
    return p, last
