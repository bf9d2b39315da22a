"""Helpers for the "Emojify" assignment.

What is in here:

- ``read_glove_vecs``: the GloVe vectors (glove.6B.50d) with an index for every word, in
  sorted word order from 1 to 400,000 (0 is kept for padding);
- ``read_csv``: the course's sentences and their emoji labels (``train_emoji.csv``,
  ``test_emoji.csv`` in ``datasets/emojify/``);
- ``softmax`` (of one vector), ``convert_to_one_hot``, ``label_to_emoji``, ``print_predictions``;
- ``predict``: the accuracy of the averaging model (V1) for given W and b;
- ``plot_confusion_matrix``, and ``predictions_table`` to compare two models sentence by sentence;
- ``REFERENCE_WEIGHTS`` and ``load_emojify_weights``: the course's trained weights for the
  LSTM model (V2). Only its trainable weights are shipped (223,877 numbers, under 1 MB); the
  frozen embedding is the GloVe matrix itself, which ``pretrained_embedding_layer`` rebuilds
  from the same pinned vectors.

Only numpy is imported at module level; Keras and matplotlib are imported by the functions
that need them.
"""
from __future__ import annotations

import csv
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

__all__ = ["read_glove_vecs", "read_csv", "softmax", "convert_to_one_hot", "label_to_emoji", "EMOJI",
           "print_predictions", "predict", "plot_confusion_matrix", "predictions_table", "REFERENCE_WEIGHTS",
           "load_emojify_weights"]

HERE = Path(__file__).resolve().parent
REFERENCE_WEIGHTS = str(HERE / "models" / "emojify_v2.trainable.npz")

# 0 heart, 1 baseball, 2 smile, 3 disappointed, 4 fork and knife (literal Unicode characters)
EMOJI = {0: "\u2764\ufe0f", 1: "\u26be", 2: "\U0001F604", 3: "\U0001F61E", 4: "\U0001F374"}


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------

def _data_candidates(relative: Path) -> list[Path]:
    """$COURSE_DATASETS/<relative>, then datasets/<relative> above this module's folder
    (source/ or release/ in a checkout; /datasets in the grading sandbox)."""
    candidates = []
    env = os.environ.get("COURSE_DATASETS")
    if env:
        candidates.append(Path(env) / relative)
    for folder in (HERE, *HERE.parents):
        candidates.append(folder / "datasets" / relative)
    return candidates


def _find(relative: Path) -> Path:
    candidates = _data_candidates(relative)
    for path in candidates:
        if path.is_file():
            return path
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"Could not find {relative}. Searched:\n  {searched}\n"
                            "Set COURSE_DATASETS to the folder that contains it.")


def _glove_store():
    """The course's GloVe loader module, datasets/glove/glove_store.py (imported by path)."""
    path = _find(Path("glove") / "glove_store.py")
    loaded = sys.modules.get("glove_store")
    if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
        return loaded
    spec = importlib.util.spec_from_file_location("glove_store", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["glove_store"] = module
    spec.loader.exec_module(module)
    return module


def read_glove_vecs(glove_file):
    """Load GloVe vectors with an index for every word.

    Arguments:
    glove_file -- "glove.6B.50d" for the course's vectors (the original course's
                  "data/glove.6B.50d.txt" works too), or the path of a GloVe text file

    Returns:
    word_to_index -- dict word -> index, 1..N in sorted word order (index 0 is left for padding)
    index_to_word -- dict index -> word, the inverse of word_to_index
    word_to_vec_map -- dict word -> vector, a read-only float64 numpy array (50,)

    The first call in a process takes a fraction of a second; later calls reuse it.
    """
    store = _glove_store().open_glove(glove_file)
    word_to_index, index_to_word = store.indices()
    return dict(word_to_index), dict(index_to_word), dict(store.word_to_vec_map)


def preload_glove():
    """Load the course's vectors and their sorted index into this process's cache, so that
    read_glove_vecs finds them ready (the grading sandbox calls this once, before any notebook
    code runs)."""
    _glove_store().open_glove("glove.6B.50d").indices()


def read_csv(filename="train_emoji.csv"):
    """Read a CSV of ``sentence,label`` rows (a header line is skipped).

    ``filename`` is a path, or the name of one of the course's files (``train_emoji.csv``,
    ``test_emoji.csv``, also as ``data/train_emoji.csv``), found in datasets/emojify/.

    Returns:
    X -- numpy array of the sentences (strings), shape (m,)
    Y -- numpy array of the labels (integers 0..4), shape (m,)
    """
    path = Path(filename)
    if not path.is_file():
        path = _find(Path("emojify") / path.name)
    sentences, labels = [], []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if not row or row[0] == "sentence":
                continue
            sentences.append(row[0])
            labels.append(int(row[1]))
    return np.asarray(sentences), np.asarray(labels, dtype=int)


# --------------------------------------------------------------------------------------
# Small numerical helpers
# --------------------------------------------------------------------------------------

def softmax(x):
    """Softmax of a 1-D vector of scores (the maximum is subtracted first, against overflow)."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def convert_to_one_hot(Y, C):
    """Labels (m,) of integers 0..C-1 -> one-hot matrix (m, C)."""
    return np.eye(C)[np.asarray(Y, dtype=int).reshape(-1)]


def label_to_emoji(label):
    """The emoji of a label (0..4) as a Unicode string."""
    return EMOJI[int(label)]


def print_predictions(X, pred):
    """Print each sentence followed by the emoji of its predicted label."""
    for sentence, label in zip(X, np.asarray(pred).reshape(-1)):
        print(sentence, label_to_emoji(int(label)))


def predict(X, Y, W, b, word_to_vec_map):
    """Predictions of the averaging model (V1), and its accuracy printed.

    Each sentence is lower-cased and split; the vectors of its words that are in the map are
    averaged (zeros when none is); the prediction is the class with the largest
    softmax(W . avg + b).

    Arguments:
    X -- sentences, numpy array of strings (m,)
    Y -- labels, numpy array of integers (m,)
    W, b -- the model's weights (n_y, n_h) and bias (n_y,)
    word_to_vec_map -- dict word -> vector

    Returns:
    pred -- numpy array (m, 1) of predicted labels (as floats)
    """
    m = X.shape[0]
    n_h = next(iter(word_to_vec_map.values())).shape[0]
    pred = np.zeros((m, 1))
    for j in range(m):
        found = [word_to_vec_map[w] for w in X[j].lower().split() if w in word_to_vec_map]
        avg = np.mean(found, axis=0) if found else np.zeros((n_h,))
        pred[j] = np.argmax(softmax(np.dot(W, avg) + b))
    print("Accuracy: " + str(np.mean(pred[:] == np.asarray(Y).reshape(m, 1)[:])))
    return pred


# --------------------------------------------------------------------------------------
# Looking at results
# --------------------------------------------------------------------------------------

def plot_confusion_matrix(y_actual, y_predicted, title="Confusion matrix", ax=None, n_classes=5):
    """Counts of (true label, predicted label) pairs as a heat map with emoji on the axes."""
    import matplotlib.pyplot as plt

    y_actual = np.asarray(y_actual, dtype=int).reshape(-1)
    y_predicted = np.asarray(y_predicted, dtype=int).reshape(-1)
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_actual, y_predicted):
        counts[t, p] += 1
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.imshow(counts, cmap="Blues")
    names = [f"{k} {['heart', 'baseball', 'smile', 'sad', 'food'][k]}" for k in range(n_classes)]
    ax.set_xticks(range(n_classes))
    ax.set_xticklabels(names, rotation=35, ha="right")
    ax.set_yticks(range(n_classes))
    ax.set_yticklabels(names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for t in range(n_classes):
        for p in range(n_classes):
            if counts[t, p]:
                ax.text(p, t, counts[t, p], ha="center", va="center",
                        color="white" if counts[t, p] > counts.max() / 2 else "black")
    accuracy = np.mean(y_actual == y_predicted)
    ax.set_title(f"{title}\naccuracy {accuracy:.1%} on {len(y_actual)} sentences")
    return ax


def predictions_table(X, Y, predictions, only_disagreements=True):
    """Rows of (sentence, true emoji, one emoji per model) as text; ``predictions`` maps a
    model's name to its predicted labels. With ``only_disagreements`` only the sentences on
    which the models differ are kept."""
    names = list(predictions)
    preds = [np.asarray(predictions[n], dtype=int).reshape(-1) for n in names]
    width = max(len(s) for s in X) + 2
    lines = [f"{'sentence':<{width}} {'true':>5} " + " ".join(f"{n:>6}" for n in names)]
    for i, sentence in enumerate(X):
        row = [p[i] for p in preds]
        if only_disagreements and len(set(row)) == 1:
            continue
        marks = " ".join(f"{label_to_emoji(r):>5}{'' if r == Y[i] else 'x'}" for r in row)
        lines.append(f"{sentence:<{width}} {label_to_emoji(Y[i]):>5} {marks}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# The reference weights of Emojify_V2
# --------------------------------------------------------------------------------------

TRAINABLE_KEYS = ("lstm_1/kernel", "lstm_1/recurrent_kernel", "lstm_1/bias",
                  "lstm_2/kernel", "lstm_2/recurrent_kernel", "lstm_2/bias",
                  "dense/kernel", "dense/bias")


def _trainable_layers(model):
    """The model's LSTM and Dense layers in the order data flows through them."""
    import keras

    order = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.LSTM):
            order.append(("lstm", layer))
        elif isinstance(layer, keras.layers.Dense):
            order.append(("dense", layer))
    lstms = [layer for kind, layer in order if kind == "lstm"]
    dense = [layer for kind, layer in order if kind == "dense"]
    if len(lstms) != 2 or len(dense) != 1:
        raise ValueError(f"expected 2 LSTM layers and 1 Dense layer, found {len(lstms)} and {len(dense)}")
    first = [layer for layer in lstms if layer.return_sequences] or lstms[:1]
    second = [layer for layer in lstms if layer is not first[0]]
    return first[0], second[0], dense[0]


def load_emojify_weights(model, path=REFERENCE_WEIGHTS):
    """Put the course's trained weights into an Emojify_V2 model (its two LSTMs and the Dense
    layer; the frozen embedding already holds the GloVe vectors). Returns the model."""
    with np.load(path, allow_pickle=False) as data:
        weights = {k: data[k] for k in TRAINABLE_KEYS}
    lstm_1, lstm_2, dense = _trainable_layers(model)
    lstm_1.set_weights([weights["lstm_1/kernel"], weights["lstm_1/recurrent_kernel"], weights["lstm_1/bias"]])
    lstm_2.set_weights([weights["lstm_2/kernel"], weights["lstm_2/recurrent_kernel"], weights["lstm_2/bias"]])
    dense.set_weights([weights["dense/kernel"], weights["dense/bias"]])
    return model
