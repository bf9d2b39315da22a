"""TensorFlow references for the w2a2 graders (Emojify), and the reference model.

Independent of the course helpers and of the notebook, following CURRICULUM.md:

- :func:`sentence_to_avg`: the mean of the in-map word vectors (``tf.reduce_mean``), zeros of
  the map's dimension when no word is found;
- :func:`train_v1`: the V1 softmax model trained by SGD in TensorFlow float64, in BOTH update
  forms the contract accepts: ``"sgd"`` (each example's gradient, W -= lr dW) and
  ``"accumulated"`` (the 2021 template: dW, db reset each iteration, summed over the examples,
  and the running sums applied after every example). The initial W is the contract's numpy
  draw ``np.random.randn(n_y, n_h) / sqrt(n_h)`` after the grader's own seed;
- :func:`sentences_to_indices` and :func:`embedding_matrix` (row i = vector of the word with
  index i, row 0 zero);
- :func:`build_model`: Emojify_V2 in backend-neutral Keras 3 (the contract's stack, a frozen
  Embedding built with ``build((None,))`` then ``set_weights``, Dense(5) linear followed by
  its own softmax Activation), plus :func:`load_reference` and :func:`layer_records`.

The shipped reference keeps only the trainable weights (TRAINABLE_FILE, an .npz of 223,877
float32 values); the frozen embedding is rebuilt from the pinned GloVe store and its sha256
is checked against the manifest (see reference_recipe.py).
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = ROOT / "graders" / "references" / "w2a2_emojify"
NOTEBOOK_MODELS = ROOT / "source" / "w2a2_emojify" / "models"
TRAINABLE_FILE = "emojify_v2.trainable.npz"
DATA_DIR = ROOT / "datasets" / "emojify"
MAX_LEN, N_CLASSES, UNITS = 10, 5, 128
TRAINABLE_KEYS = ("lstm_1/kernel", "lstm_1/recurrent_kernel", "lstm_1/bias",
                  "lstm_2/kernel", "lstm_2/recurrent_kernel", "lstm_2/bias",
                  "dense/kernel", "dense/bias")
PARAMETERS = {"total": 20_223_927, "trainable": 223_877, "non_trainable": 20_000_050}


# --------------------------------------------------------------------------------------
# Data (read here without the course helpers)
# --------------------------------------------------------------------------------------

def read_csv(name: str) -> tuple[np.ndarray, np.ndarray]:
    sentences, labels = [], []
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if row and row[0] != "sentence":
                sentences.append(row[0])
                labels.append(int(row[1]))
    return np.asarray(sentences), np.asarray(labels, dtype=int)


def glove_store():
    path = ROOT / "datasets" / "glove" / "glove_store.py"
    loaded = sys.modules.get("glove_store")
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location("glove_store", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["glove_store"] = module
    spec.loader.exec_module(module)
    return module


def glove() -> tuple[dict, dict]:
    """(word_to_index with indices 1..N in sorted word order, word_to_vec_map)."""
    store = glove_store().load_store()
    ordered = store.sorted_words()
    return dict(zip(ordered, range(1, len(ordered) + 1))), store.word_to_vec_map


def is_negation(sentence: str) -> bool:
    return "not" in sentence.lower().split()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------
# E1 sentence_to_avg
# --------------------------------------------------------------------------------------

def sentence_to_avg(sentence: str, word_to_vec_map: dict) -> np.ndarray:
    import tensorflow as tf

    found = [word_to_vec_map[w] for w in sentence.lower().split() if w in word_to_vec_map]
    if not found:
        return np.zeros(np.shape(next(iter(word_to_vec_map.values()))), dtype=np.float64)
    return tf.reduce_mean(tf.constant(np.asarray(found, dtype=np.float64)), axis=0).numpy()


# --------------------------------------------------------------------------------------
# E2 model (V1): softmax on averages, trained by SGD
# --------------------------------------------------------------------------------------

UPDATES = ("sgd", "accumulated")


def initial_weights(n_y: int, n_h: int, seed: int | None) -> np.ndarray:
    """The contract's draw np.random.randn(n_y, n_h) / sqrt(n_h) after np.random.seed(seed)."""
    rng = np.random.RandomState(seed)
    return rng.randn(n_y, n_h) / np.sqrt(n_h)


def _train(avgs, Y_oh, W, b, learning_rate: float, iterations: int, update: str):
    import tensorflow as tf

    A = tf.constant(avgs)
    Yo = tf.constant(Y_oh)
    lr = tf.constant(learning_rate, tf.float64)
    m = avgs.shape[0]

    @tf.function
    def run(W, b):
        def example(i, W, b, dW, db):
            z = tf.linalg.matvec(W, A[i]) + b
            a = tf.nn.softmax(z)
            dz = a - Yo[i]
            g_W = tf.tensordot(dz, A[i], axes=0)
            if update == "sgd":
                return i + 1, W - lr * g_W, b - lr * dz, dW, db
            dW, db = dW + g_W, db + dz
            return i + 1, W - lr * dW, b - lr * db, dW, db

        def iteration(t, W, b):
            _, W, b, _, _ = tf.while_loop(lambda i, *_: i < m, example,
                                          (tf.constant(0), W, b, tf.zeros_like(W), tf.zeros_like(b)))
            return t + 1, W, b

        _, W, b = tf.while_loop(lambda t, *_: t < iterations, iteration, (tf.constant(0), W, b))
        return W, b

    W, b = run(tf.constant(W), tf.constant(b))
    return W.numpy(), b.numpy()


def predict_v1(avgs: np.ndarray, W, b) -> np.ndarray:
    """argmax of softmax(W . avg + b) for each sentence, as a float (m, 1) array like the helper's."""
    import tensorflow as tf

    probs = tf.nn.softmax(tf.linalg.matmul(tf.constant(avgs), tf.constant(W), transpose_b=True) + b)
    return tf.cast(tf.argmax(probs, axis=1), tf.float64).numpy().reshape(-1, 1)


def train_v1(X, Y, word_to_vec_map, learning_rate: float = 0.01, num_iterations: int = 400, seed: int | None = 1,
             update: str = "sgd", W0: np.ndarray | None = None):
    """(pred, W, b) as the contract's ``model`` returns them.

    pred is the prediction made at the last iteration t < num_iterations with t % 100 == 0
    (after that iteration's updates), as the contract prints and keeps it; None when no such
    iteration runs. W0 overrides the seeded initial draw.
    """
    avgs = np.stack([sentence_to_avg(s, word_to_vec_map) for s in X])
    return train_v1_on(avgs, Y, learning_rate, num_iterations, seed, update, W0=W0)


def train_v1_on(avgs: np.ndarray, Y, learning_rate: float, num_iterations: int, seed: int | None,
                update: str = "sgd", W0: np.ndarray | None = None, predict_avgs: np.ndarray | None = None):
    """:func:`train_v1` from given sentence averages (m, n_h). ``predict_avgs``: the averages
    the reported predictions use, when they differ from those trained on (a model around a
    learner's own sentence_to_avg still reports through the helper predict, which averages
    correctly by itself)."""
    if update not in UPDATES:
        raise ValueError(f"update must be one of {UPDATES}")
    Y = np.asarray(Y, dtype=int).reshape(-1)
    n_y = len(np.unique(Y))
    n_h = avgs.shape[1]
    W = initial_weights(n_y, n_h, seed) if W0 is None else np.array(W0, dtype=np.float64)
    b = np.zeros((n_y,))
    Y_oh = np.eye(n_y)[Y]
    pred = None
    done = 0
    last_report = ((num_iterations - 1) // 100) * 100 if num_iterations > 0 else None
    if last_report is not None:
        W, b = _train(avgs, Y_oh, W, b, learning_rate, last_report + 1, update)
        done = last_report + 1
        pred = predict_v1(avgs if predict_avgs is None else predict_avgs, W, b)
    if num_iterations > done:
        W, b = _train(avgs, Y_oh, W, b, learning_rate, num_iterations - done, update)
    return pred, W, b


# --------------------------------------------------------------------------------------
# E3 / E4 indices and the embedding matrix
# --------------------------------------------------------------------------------------

def sentences_to_indices(X, word_to_index: dict, max_len: int) -> np.ndarray:
    out = np.zeros((len(X), max_len))
    for i, sentence in enumerate(X):
        j = 0
        for w in str(sentence).lower().split():
            if w in word_to_index:
                out[i, j] = word_to_index[w]
                j += 1
    return out


def embedding_matrix(word_to_vec_map: dict, word_to_index: dict) -> np.ndarray:
    vocab = len(word_to_index) + 1
    dim = np.shape(next(iter(word_to_vec_map.values())))[0]
    matrix = np.zeros((vocab, dim))
    for word, index in word_to_index.items():
        matrix[index, :] = word_to_vec_map[word]
    return matrix


# --------------------------------------------------------------------------------------
# E5 Emojify_V2 (backend-neutral Keras 3)
# --------------------------------------------------------------------------------------

def embedding_layer(emb_matrix: np.ndarray):
    from keras import layers

    layer = layers.Embedding(emb_matrix.shape[0], emb_matrix.shape[1], trainable=False)
    layer.build((None,))
    layer.set_weights([emb_matrix])
    return layer


def build_model(input_shape=(MAX_LEN,), emb_matrix: np.ndarray | None = None):
    """The contract's stack; ``emb_matrix`` defaults to the GloVe matrix in sorted index order."""
    import keras
    from keras import layers

    if emb_matrix is None:
        word_to_index, word_to_vec_map = glove()
        emb_matrix = embedding_matrix(word_to_vec_map, word_to_index)
    sentence_indices = keras.Input(shape=input_shape, dtype="int32")
    x = embedding_layer(emb_matrix)(sentence_indices)
    x = layers.LSTM(UNITS, return_sequences=True)(x)
    x = layers.Dropout(0.5)(x)
    x = layers.LSTM(UNITS, return_sequences=False)(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Dense(N_CLASSES)(x)
    x = layers.Activation("softmax")(x)
    return keras.Model(inputs=sentence_indices, outputs=x)


def build_tail(time_steps: int, emb_dim: int):
    """The contract's stack after the embedding: from embedded sentences (m, time_steps, emb_dim)
    to probabilities. The graders run it on what a learner's OWN embedding layer gives, to say
    what a correct Emojify_V2 computes around that layer."""
    import keras
    from keras import layers

    embedded = keras.Input(shape=(time_steps, emb_dim))
    x = layers.LSTM(UNITS, return_sequences=True)(embedded)
    x = layers.Dropout(0.5)(x)
    x = layers.LSTM(UNITS, return_sequences=False)(x)
    x = layers.Dropout(0.5)(x)
    x = layers.Dense(N_CLASSES)(x)
    x = layers.Activation("softmax")(x)
    return keras.Model(inputs=embedded, outputs=x)


def random_trainable(emb_dim: int, seed: int, scale: float = 0.3) -> dict[str, np.ndarray]:
    """Trainable weights of the contract's shapes for vectors of ``emb_dim`` numbers, drawn from
    N(0, scale) (float32): for a toy model the trained reference's (50-wide) kernels do not fit."""
    rng = np.random.default_rng(seed)
    shapes = {"lstm_1/kernel": (emb_dim, 4 * UNITS), "lstm_1/recurrent_kernel": (UNITS, 4 * UNITS),
              "lstm_1/bias": (4 * UNITS,), "lstm_2/kernel": (UNITS, 4 * UNITS),
              "lstm_2/recurrent_kernel": (UNITS, 4 * UNITS), "lstm_2/bias": (4 * UNITS,),
              "dense/kernel": (UNITS, N_CLASSES), "dense/bias": (N_CLASSES,)}
    return {k: rng.normal(0.0, scale, shapes[k]).astype(np.float32) for k in TRAINABLE_KEYS}


def trainable_layers(model):
    """(first LSTM, second LSTM, Dense) of an Emojify_V2 model, whatever order Keras lists them."""
    import keras

    lstms = [layer for layer in model.layers if isinstance(layer, keras.layers.LSTM)]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    first = [layer for layer in lstms if layer.return_sequences]
    second = [layer for layer in lstms if not layer.return_sequences]
    if len(first) != 1 or len(second) != 1 or len(dense) != 1:
        raise ValueError("not an Emojify_V2 stack (two LSTMs, the first with return_sequences, one Dense)")
    return first[0], second[0], dense[0]


def trainable_weights(model) -> dict[str, np.ndarray]:
    lstm_1, lstm_2, dense = trainable_layers(model)
    values = lstm_1.get_weights() + lstm_2.get_weights() + dense.get_weights()
    return {k: np.asarray(v, dtype=np.float32) for k, v in zip(TRAINABLE_KEYS, values)}


def set_trainable_weights(model, weights: dict[str, np.ndarray]):
    lstm_1, lstm_2, dense = trainable_layers(model)
    lstm_1.set_weights([weights[k] for k in TRAINABLE_KEYS[0:3]])
    lstm_2.set_weights([weights[k] for k in TRAINABLE_KEYS[3:6]])
    dense.set_weights([weights[k] for k in TRAINABLE_KEYS[6:8]])
    return model


def read_trainable(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in TRAINABLE_KEYS}


def load_reference(reference_dir: Path = REFERENCE_DIR, emb_matrix: np.ndarray | None = None):
    model = build_model((MAX_LEN,), emb_matrix)
    return set_trainable_weights(model, read_trainable(Path(reference_dir) / TRAINABLE_FILE))


def embedding_sha256(emb_matrix: np.ndarray) -> str:
    """sha256 of the frozen embedding as the model holds it (float32, C order)."""
    return hashlib.sha256(np.ascontiguousarray(emb_matrix, dtype=np.float32).tobytes()).hexdigest()


def layer_records(model) -> list[dict]:
    """One record per layer (class, output shape, parameters, type-specific fields), sorted so
    that the order Keras lists layers in does not matter."""
    records = []
    for layer in model.layers:
        shape = getattr(layer, "output", None)
        record = {"class": type(layer).__name__, "output_shape": tuple(shape.shape) if shape is not None else None,
                  "params": int(layer.count_params()), "trainable": bool(layer.trainable)}
        if type(layer).__name__ == "LSTM":
            record.update(units=layer.units, return_sequences=layer.return_sequences,
                          activation=layer.activation.__name__)
        elif type(layer).__name__ == "Dense":
            record.update(units=layer.units, activation=layer.activation.__name__)
        elif type(layer).__name__ == "Dropout":
            record.update(rate=float(layer.rate))
        elif type(layer).__name__ == "Activation":
            record.update(activation=getattr(layer.activation, "__name__", str(layer.activation)))
        elif type(layer).__name__ == "Embedding":
            record.update(input_dim=layer.input_dim, output_dim=layer.output_dim)
        records.append(record)
    return sorted(records, key=lambda r: (r["class"], str(r["output_shape"]), r["params"]))


def predict(model, X_indices) -> np.ndarray:
    return np.asarray(model.predict(np.asarray(X_indices, dtype=np.int32), verbose=0), dtype=np.float64)
