"""Reference of w1a3 (jazz improvisation with an LSTM), written for the graders.

- The models, in backend-neutral Keras 3 (only ``keras.ops``): one set of shared layers
  (``reshaper``, ``LSTM_cell``, ``densor``), the training model ``djmodel`` (Tx steps of
  teacher forcing) and the greedy ``music_inference_model`` (Ty steps, each feeding back the
  one-hot of its most likely value). 45,530 parameters each, with 90 values and n_a = 64.
- The same computations in float64 TensorFlow ops, from given weights
  (:func:`djmodel_outputs`, :func:`greedy_inference`, :func:`predict_and_sample`), for the
  graders' expected values.
- The course data exactly as the notebook's ``load_music_utils`` makes it (:func:`load_data`).
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from keras import layers

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "graders" / "references" / "w1a3_jazz_improvisation"
NOTEBOOK_MODELS = ROOT / "source" / "w1a3_jazz_improvisation" / "models"
DATA_DIR = ROOT / "datasets" / "jazz_solos"
WEIGHTS_FILE = "jazz_djmodel.weights.h5"
TX, TY, N_A, N_VALUES, M = 30, 50, 64, 90, 60
WINDOWS_SEED = 0
PARAMETERS = 45_530          # LSTM 4*(64*(90+64)+64) = 39,680, Dense 64*90+90 = 5,850


def grammar():
    """The data module datasets/jazz_solos/jazz_grammar.py (a data folder, not a package)."""
    loaded = sys.modules.get("jazz_grammar")
    path = DATA_DIR / "jazz_grammar.py"
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location("jazz_grammar", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["jazz_grammar"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class CourseData:
    X: np.ndarray                 # (m, Tx, 90)
    Y: np.ndarray                 # (Tx, m, 90)
    n_values: int
    indices_values: dict
    chords: list
    corpus: list                  # value indices of the whole training solo
    starts: np.ndarray            # where each window starts in the corpus


def load_data(midi: Path | None = None, m: int = M, Tx: int = TX, seed: int = WINDOWS_SEED) -> CourseData:
    """What ``load_music_utils`` returns in the notebook, plus the whole corpus."""
    g = grammar()
    measures, chords = g.read_midi(midi or DATA_DIR / "training_solo.mid")
    corpus = [t for measure in g.tokenize(measures, chords) for t in measure]
    values, fold = g.build_vocabulary(corpus)
    values_indices = {v: i for i, v in enumerate(values)}
    indices = [values_indices[fold[t]] for t in corpus]
    X, Y, starts = g.windows(indices, len(values), m=m, Tx=Tx, seed=seed)
    return CourseData(X, Y, len(values), dict(enumerate(values)), chords, indices, starts)


class SharedLSTM(layers.LSTM):
    """An LSTM whose call also takes the keyword form ``inputs=``, which Keras 3 rejects.

    The course helper (jazz_utils.py) defines the same class for the learners' shared cell;
    the class name matters because Keras 3 weight files name layers after their class.
    Unrolled by default: each call reads one step, and the unrolled graph builds about three
    times faster than a loop over time (same results, measured bit for bit).
    """

    def __init__(self, units, **kwargs):
        kwargs.setdefault("unroll", True)
        super().__init__(units, **kwargs)

    def __call__(self, *args, inputs=None, **kwargs):
        if inputs is not None:
            args = (inputs, *args)
        return super().__call__(*args, **kwargs)


class SharedLayers:
    """The three layers shared by djmodel and the inference model, in the contract's order."""

    def __init__(self, n_values: int = N_VALUES, n_a: int = N_A) -> None:
        self.reshaper = layers.Reshape((1, n_values))
        self.LSTM_cell = SharedLSTM(n_a, return_state=True)
        self.densor = layers.Dense(n_values, activation="softmax")


def build_djmodel(Tx: int = TX, shared: SharedLayers | None = None) -> keras.Model:
    """djmodel(Tx, LSTM_cell, densor, reshaper): teacher forcing over Tx steps."""
    shared = shared or SharedLayers()
    n_values, n_a = shared.densor.units, shared.LSTM_cell.units
    X = keras.Input((Tx, n_values))
    a0 = keras.Input((n_a,), name="a0")
    c0 = keras.Input((n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(Tx):
        x = shared.reshaper(X[:, t, :])
        a, _, c = shared.LSTM_cell(x, initial_state=[a, c])
        outputs.append(shared.densor(a))
    return keras.Model(inputs=[X, a0, c0], outputs=outputs)


def build_inference_model(shared: SharedLayers, Ty: int = TY, x0_every_step: bool = False,
                          argmax_axis: int = -1) -> keras.Model:
    """music_inference_model(LSTM_cell, densor, Ty); the keywords emulate known mistakes (for hints)."""
    n_values, n_a = shared.densor.units, shared.LSTM_cell.units
    x0 = keras.Input((1, n_values))
    a0 = keras.Input((n_a,), name="a0")
    c0 = keras.Input((n_a,), name="c0")
    a, c, x = a0, c0, x0
    outputs = []
    for _ in range(Ty):
        a, _, c = shared.LSTM_cell(x0 if x0_every_step else x, initial_state=[a, c])
        out = shared.densor(a)
        outputs.append(out)
        x = keras.ops.one_hot(keras.ops.argmax(out, axis=argmax_axis), n_values)
        x = layers.RepeatVector(1)(x)
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs)


def load_reference(reference_dir: Path = REFERENCE_DIR, Ty: int = TY):
    """(djmodel, inference_model, shared layers) with the reference weights."""
    shared = SharedLayers()
    model = build_djmodel(TX, shared)
    model.load_weights(str(Path(reference_dir) / WEIGHTS_FILE))
    return model, build_inference_model(shared, Ty), shared


def weights_of(shared: SharedLayers) -> dict[str, np.ndarray]:
    kernel, recurrent, bias = shared.LSTM_cell.get_weights()
    W, b = shared.densor.get_weights()
    return {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias, "Wy": W, "by": b}


# ------------------------------------------------------------------------------------------
# float64 TensorFlow references
# ------------------------------------------------------------------------------------------

def _lstm_step(tf, x, a, c, w):
    """One Keras LSTM step; the kernels hold the gates in the order [i, f, c, o]."""
    z = x @ w["kernel"] + a @ w["recurrent_kernel"] + w["bias"]
    i, f, g, o = tf.split(z, 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
    return tf.sigmoid(o) * tf.tanh(c), c


def _as64(tf, weights):
    return {k: tf.constant(np.asarray(v), tf.float64) for k, v in weights.items()}


DJ_MODES = ("carry", "zero_states", "restart", "c_is_a")


def djmodel_outputs(X, a0, c0, weights, mode: str = "carry") -> np.ndarray:
    """djmodel's outputs in float64: (Tx, m, n_values), teacher forcing from X.

    ``mode`` emulates known mistakes, for hints: "carry" is the contract (the states returned
    by a step are the next step's initial states); "zero_states" calls the LSTM without
    initial_state (every step starts from zeros); "restart" passes initial_state=[a0, c0] at
    every step; "c_is_a" unpacks the LSTM's [output, h, c] as ``a, c, _`` (the hidden state
    is carried as the cell state).
    """
    import tensorflow as tf

    if mode not in DJ_MODES:
        raise ValueError(mode)
    w = _as64(tf, weights)
    X = tf.constant(X, tf.float64)
    a_init, c_init = tf.constant(a0, tf.float64), tf.constant(c0, tf.float64)
    a, c = a_init, c_init
    outs = []
    for t in range(X.shape[1]):
        if mode == "zero_states":
            a, c = tf.zeros_like(a_init), tf.zeros_like(c_init)
        elif mode == "restart":
            a, c = a_init, c_init
        a, c = _lstm_step(tf, X[:, t, :], a, c, w)
        if mode == "c_is_a":
            c = a
        outs.append(tf.nn.softmax(a @ w["Wy"] + w["by"], axis=-1))
    return tf.stack(outs).numpy()


INFERENCE_FEEDS = ("greedy", "x0", "probabilities")


def greedy_inference(x0, a0, c0, weights, Ty: int = TY, feed: str = "greedy", zero_states: bool = False):
    """The inference model in float64: probabilities (Ty, m, n_values) and the greedy indices (Ty, m).

    Step 0 reads x0 (shape (m, 1, n_values)); every later step reads the one-hot of the
    previous step's most likely value. For hints, ``feed`` emulates known mistakes: "x0"
    feeds x0 at every step, "probabilities" feeds back the probabilities instead of their
    one-hot; ``zero_states`` starts every step from zero states (no initial_state).
    """
    import tensorflow as tf

    if feed not in INFERENCE_FEEDS:
        raise ValueError(feed)
    w = _as64(tf, weights)
    n_values = w["Wy"].shape[1]
    first = tf.constant(np.asarray(x0)[:, 0, :], tf.float64)
    x = first
    a, c = tf.constant(a0, tf.float64), tf.constant(c0, tf.float64)
    probs, indices = [], []
    for _ in range(Ty):
        if zero_states:
            a, c = tf.zeros_like(a), tf.zeros_like(c)
        a, c = _lstm_step(tf, x, a, c, w)
        p = tf.nn.softmax(a @ w["Wy"] + w["by"], axis=-1)
        k = tf.argmax(p, axis=-1)
        probs.append(p)
        indices.append(k)
        x = {"greedy": lambda: tf.one_hot(k, n_values, dtype=tf.float64), "x0": lambda: first,
             "probabilities": lambda: p}[feed]()
    return tf.stack(probs).numpy(), tf.stack(indices).numpy()


def top2_margin(probs: np.ndarray) -> float:
    """The smallest gap between the two most likely values over a (Ty, m, n) array: a greedy
    path is reproducible in float32 only where this is well above float32 rounding (~1e-6)."""
    top = np.sort(np.asarray(probs), axis=-1)[..., -2:]
    return float(np.min(top[..., 1] - top[..., 0]))


def predict_and_sample(pred, num_classes: int):
    """predict_and_sample's results from the model's predictions (a list of Ty arrays (1, n)).

    Returns (results (Ty, num_classes) one-hot, indices (Ty, 1)).
    """
    import tensorflow as tf

    indices = tf.argmax(tf.constant(np.stack([np.asarray(p) for p in pred])), axis=-1).numpy()   # (Ty, 1)
    results = tf.one_hot(indices[:, 0], num_classes).numpy()
    return results, indices


def greedy_solo_values(inference_model: keras.Model, n_values: int, n_a: int = N_A) -> list[int]:
    """The greedy values of an inference model from zero states and a zero first input."""
    x0 = np.zeros((1, 1, n_values), np.float32)
    z = np.zeros((1, n_a), np.float32)
    out = inference_model([x0, z, z], training=False)
    return [int(np.argmax(np.asarray(o)[0])) for o in out]


# ------------------------------------------------------------------------------------------
# Hidden inputs of the graders
# ------------------------------------------------------------------------------------------

HELD_OUT_SEED = 99


def held_out_windows(m: int = 8, seed: int = HELD_OUT_SEED):
    """Windows the reference was not trained on, and initial states: ``(X, a0, c0)``.

    The windows start at positions of the solo that are not the start of a training window,
    and every step holds a value (the first one too, unlike training windows, so that a model
    that skips or mangles step 0 shows). The first two windows start from zero states, as in
    training; the others from states drawn from normal(0, 0.5), so that a model which ignores
    a0 and c0 (or feeds them at every step) shows.
    """
    data = load_data()
    used = set(int(s) for s in data.starts)
    candidates = [s for s in range(len(data.corpus) - TX + 1) if s not in used]
    rng = np.random.default_rng(seed)
    starts = rng.choice(candidates, size=m, replace=False)
    X = np.zeros((m, TX, data.n_values), np.float32)
    for i, s in enumerate(starts):
        X[i, np.arange(TX), [data.corpus[s + t] for t in range(TX)]] = 1.0
    a0 = rng.normal(0.0, 0.5, (m, N_A)).astype(np.float32)
    c0 = rng.normal(0.0, 0.5, (m, N_A)).astype(np.float32)
    a0[:2] = c0[:2] = 0.0
    return X, a0, c0


def random_weights(n_values: int, n_a: int, seed: int, scale: float = 0.6) -> dict[str, np.ndarray]:
    """Seeded float32 weights of an LSTM (n_a units over n_values inputs) and its Dense softmax
    layer, in Keras's layout; the Dense weights are large enough that the probabilities are
    far from uniform (so that greedy choices are clear-cut)."""
    rng = np.random.default_rng(seed)
    w = {"kernel": rng.normal(0, scale, (n_values, 4 * n_a)), "recurrent_kernel": rng.normal(0, scale, (n_a, 4 * n_a)),
         "bias": rng.normal(0, 0.3, 4 * n_a), "Wy": rng.normal(0, 2.0, (n_a, n_values)),
         "by": rng.normal(0, 0.5, n_values)}
    return {k: v.astype(np.float32) for k, v in w.items()}


def lstm_weights(w: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [w["kernel"], w["recurrent_kernel"], w["bias"]]


def dense_weights(w: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [w["Wy"], w["by"]]
