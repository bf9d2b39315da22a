"""Reference model of w3a1 (date translation with attention), written for the graders.

Backend-neutral Keras 3 (only ``keras.ops``), so the same code trains on the JAX backend on
a GPU machine and runs under TensorFlow here. The architecture is CURRICULUM.md's: a
Bi-LSTM encoder, one additive-attention block shared across the Ty decoder steps, an LSTM
decoder fed the context, a softmax output layer; 52,960 parameters with the default sizes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import keras
import numpy as np
from keras import layers

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "graders" / "references" / "w3a1_nmt_attention"
WEIGHTS_FILE = "nmt_attention.weights.h5"
TX, TY, N_A, N_S, HUMAN_VOCAB_SIZE, MACHINE_VOCAB_SIZE = 30, 10, 32, 64, 37, 11
PARAMETERS = 52_960


def date_pairs():
    """The dataset generator module (datasets/nmt_dates/date_pairs.py); not a package on purpose."""
    path = str(ROOT / "datasets" / "nmt_dates")
    if path not in sys.path:
        sys.path.insert(0, path)
    import date_pairs as dp

    return dp


def softmax_over_time(x):
    """Softmax over axis 1 (the Tx input positions), not the length-1 last axis."""
    return keras.activations.softmax(x, axis=1)


class SharedLSTM(layers.LSTM):
    """An LSTM whose call also takes the 2021 keyword form ``inputs=``, which Keras 3 rejects.

    The course helper defines the same class for the learners' shared decoder cell; the class
    name matters because Keras 3 weight files name layers after their class.
    """

    def __call__(self, *args, inputs=None, **kwargs):
        if inputs is not None:
            args = (inputs, *args)
        return super().__call__(*args, **kwargs)


class AttentionLayers:
    """The shared layers of one attention model, in the contract's creation order."""

    def __init__(self, Tx: int = TX, n_s: int = N_S, machine_vocab_size: int = MACHINE_VOCAB_SIZE) -> None:
        self.repeator = layers.RepeatVector(Tx)
        self.concatenator = layers.Concatenate(axis=-1)
        self.densor1 = layers.Dense(10, activation="tanh")
        self.densor2 = layers.Dense(1, activation="relu")
        self.activator = layers.Activation(softmax_over_time, name="attention_weights")
        self.dotor = layers.Dot(axes=1)
        self.post_activation_LSTM_cell = SharedLSTM(n_s, return_state=True)
        self.output_layer = layers.Dense(machine_vocab_size, activation="softmax")

    def one_step_attention(self, a, s_prev):
        s_rep = self.repeator(s_prev)
        concat = self.concatenator([a, s_rep])
        energies = self.densor2(self.densor1(concat))
        alphas = self.activator(energies)
        return self.dotor([alphas, a])


def build_model(Tx: int = TX, Ty: int = TY, n_a: int = N_A, n_s: int = N_S,
                human_vocab_size: int = HUMAN_VOCAB_SIZE, machine_vocab_size: int = MACHINE_VOCAB_SIZE,
                shared: AttentionLayers | None = None, s0_every_step: bool = False) -> keras.Model:
    """The contract's model; ``s0_every_step`` emulates a known mistake (for hints only)."""
    shared = shared or AttentionLayers(Tx, n_s, machine_vocab_size)
    X = keras.Input((Tx, human_vocab_size))
    s0 = keras.Input((n_s,), name="s0")
    c0 = keras.Input((n_s,), name="c0")
    s, c = s0, c0
    a = layers.Bidirectional(layers.LSTM(n_a, return_sequences=True))(X)
    outputs = []
    for _ in range(Ty):
        context = shared.one_step_attention(a, s)
        s, _, c = shared.post_activation_LSTM_cell(context, initial_state=[s0, c0] if s0_every_step else [s, c])
        outputs.append(shared.output_layer(s))
    return keras.Model([X, s0, c0], outputs)


def attention_context(a, s_prev, W1, b1, W2, b2, *, concat_s_first: bool = False, time_softmax: bool = True):
    """one_step_attention in float64 TensorFlow ops, for given densor1/densor2 weights."""
    import tensorflow as tf

    a = tf.constant(a, tf.float64)
    s_rep = tf.repeat(tf.constant(s_prev, tf.float64)[:, None, :], a.shape[1], axis=1)
    concat = tf.concat([s_rep, a] if concat_s_first else [a, s_rep], axis=-1)
    energies = tf.nn.relu(tf.tanh(concat @ W1 + b1) @ W2 + b2)
    alphas = tf.nn.softmax(energies, axis=1 if time_softmax else -1)
    return tf.reduce_sum(alphas * a, axis=1, keepdims=True).numpy()


def load_reference(reference_dir: Path = REFERENCE_DIR) -> keras.Model:
    return load_reference_parts(reference_dir)[0]


def load_reference_parts(reference_dir: Path = REFERENCE_DIR) -> tuple[keras.Model, AttentionLayers, layers.Layer]:
    """The trained reference model, its shared layers, and its Bi-LSTM encoder (for composing the
    reference decoder with a learner's own attention step)."""
    shared = AttentionLayers()
    model = build_model(shared=shared)
    model.load_weights(str(reference_dir / WEIGHTS_FILE))
    encoder = next(layer for layer in model.layers if isinstance(layer, layers.Bidirectional))
    return model, shared, encoder


def decode_with(attention, encoder, shared: AttentionLayers, Xoh, s0, c0, Ty: int = TY) -> list[np.ndarray]:
    """The reference model's computation with ``attention(a, s)`` in place of its own attention step:
    the reference encoder, decoder LSTM and output layer around any attention function."""
    a = np.asarray(encoder(Xoh))
    s, c = s0, c0
    outputs = []
    for _ in range(Ty):
        context = attention(a, s)
        s, _, c = shared.post_activation_LSTM_cell(context, initial_state=[s, c])
        outputs.append(np.asarray(shared.output_layer(s)))
        s, c = np.asarray(s), np.asarray(c)
    return outputs


def predict(model: keras.Model, Xoh: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Probabilities of shape (m, Ty, machine vocab) from zero initial decoder states."""
    zeros = np.zeros((len(Xoh), model.inputs[1].shape[-1]), dtype=np.float32)
    out = model.predict([Xoh, zeros, zeros], batch_size=batch_size, verbose=0)
    return np.stack([np.asarray(o) for o in out], axis=1)


def exact_match(model: keras.Model, pairs: list[tuple[str, str]]) -> float:
    """Share of dates whose whole ISO translation (all Ty characters) is right."""
    dp = date_pairs()
    _, Y, Xoh, _ = dp.preprocess_data(pairs, dp.HUMAN_VOCAB, dp.MACHINE_VOCAB)
    guess = predict(model, Xoh).argmax(axis=-1)
    return float(np.mean(np.all(guess == Y, axis=1)))
