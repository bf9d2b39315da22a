"""Helpers for the "operations on word vectors" assignment.

What is in here:

- ``read_glove_vecs``, the loader of the pre-trained GloVe vectors (glove.6B.50d, 400,000
  words x 50 dimensions), read from the course's converted copy in ``datasets/glove/``;
- ``nearest_words``, a vectorised nearest-neighbour search by cosine similarity, to explore
  the space faster than a Python loop over 400,000 words can;
- ``plot_words_2d``, a 2-D picture of a few dozen words (principal component analysis) with
  arrows for analogy pairs;
- ``plot_bias_projections``, a bar chart of words' components along the bias axis before
  and after debiasing.

Only numpy is imported at module level, so the module loads quickly in the grading sandbox;
matplotlib is imported inside the functions that draw.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

__all__ = ["read_glove_vecs", "nearest_words", "pca_2d", "plot_words_2d", "plot_bias_projections"]

HERE = Path(__file__).resolve().parent
GLOVE = "glove.6B.50d"


def _store_module_candidates() -> list[Path]:
    """Where datasets/glove/glove_store.py may be: $COURSE_DATASETS/glove, then datasets/glove
    above this module's folder (source/ or release/ in a checkout; /datasets in the sandbox)."""
    candidates = []
    env = os.environ.get("COURSE_DATASETS")
    if env:
        candidates.append(Path(env) / "glove" / "glove_store.py")
    for folder in (HERE, *HERE.parents):
        candidates.append(folder / "datasets" / "glove" / "glove_store.py")
    return candidates


def _glove_store():
    """The course's GloVe loader module (imported by path: datasets/ is not a package)."""
    candidates = _store_module_candidates()
    for path in candidates:
        if path.is_file():
            loaded = sys.modules.get("glove_store")
            if loaded is not None and Path(getattr(loaded, "__file__", "")).resolve() == path.resolve():
                return loaded
            spec = importlib.util.spec_from_file_location("glove_store", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules["glove_store"] = module
            spec.loader.exec_module(module)
            return module
    searched = "\n  ".join(str(p) for p in candidates)
    raise FileNotFoundError("Could not find the course's GloVe loader glove/glove_store.py. Searched:\n  "
                            + searched + "\nSet COURSE_DATASETS to the folder that contains glove/.")


def read_glove_vecs(glove_file):
    """Load GloVe vectors.

    Arguments:
    glove_file -- "glove.6B.50d" for the course's vectors (the original course's
                  "data/glove.6B.50d.txt" works too), or the path of a text file in the GloVe
                  format (one word and its numbers per line, separated by spaces)

    Returns:
    words -- set of the words of the map
    word_to_vec_map -- dict mapping each word to its vector, a float64 numpy array (50,)

    The vectors are read-only views of one matrix: compute new arrays from them
    (``e - e_bias``) rather than changing them in place (``e -= e_bias`` raises an error).
    The first call in a process takes a fraction of a second; later calls reuse it.
    """
    store = _glove_store().open_glove(glove_file)
    return set(store.words), dict(store.word_to_vec_map)


def preload_glove():
    """Load the course's vectors into this process's cache, so that read_glove_vecs finds them
    loaded (the grading sandbox calls this once, before any notebook code runs)."""
    _glove_store().open_glove(GLOVE)


def _matrix_of(word_to_vec_map):
    """The words of a map and their vectors stacked as rows (a view when the map is the course's)."""
    words = list(word_to_vec_map)
    try:
        store = _glove_store()
        for cached in store._CACHE.values():
            if cached.words == words:
                return words, cached.matrix
    except FileNotFoundError:
        pass
    return words, np.stack([np.asarray(word_to_vec_map[w], dtype=np.float64) for w in words])


def nearest_words(vector, word_to_vec_map, n=10, exclude=()):
    """The ``n`` words whose vectors have the highest cosine similarity with ``vector``.

    The whole vocabulary is scored at once with matrix operations, which is how libraries do
    it; returns a list of (word, cosine) pairs, best first.
    """
    words, matrix = _matrix_of(word_to_vec_map)
    vector = np.asarray(vector, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(norms > 0, matrix @ vector / np.where(norms > 0, norms, 1.0), 0.0)
    out = []
    for i in np.argsort(-scores, kind="stable"):
        if words[i] not in exclude:
            out.append((words[i], float(scores[i])))
            if len(out) == n:
                break
    return out


def pca_2d(vectors):
    """Project row vectors onto their two principal directions (centred SVD). Returns (n, 2)."""
    X = np.asarray(vectors, dtype=np.float64)
    X = X - X.mean(axis=0, keepdims=True)
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    return X @ vt[:2].T


def plot_words_2d(words, word_to_vec_map, arrows=(), ax=None, title=None):
    """Scatter ``words`` on their first two principal components; draw an arrow for each
    (from_word, to_word) pair in ``arrows``. Returns the matplotlib Axes.

    Parallel arrows of similar length are what "king - man + woman lands near queen" looks
    like. Two dimensions keep only part of the 50, so treat the picture as a hint, not a proof.
    """
    import matplotlib.pyplot as plt

    words = list(dict.fromkeys(list(words) + [w for pair in arrows for w in pair]))
    xy = pca_2d([word_to_vec_map[w] for w in words])
    where = dict(zip(words, xy))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 7))
    ax.scatter(xy[:, 0], xy[:, 1], s=14, color="#555555")
    for w, (x, y) in where.items():
        ax.annotate(w, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=9)
    colors = plt.get_cmap("tab10")
    for k, (a, b) in enumerate(arrows):
        ax.annotate("", xy=where[b], xytext=where[a],
                    arrowprops=dict(arrowstyle="-|>", color=colors(k % 10), lw=1.6, alpha=0.85))
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    ax.set_title(title or "Words projected on their two principal directions")
    ax.grid(alpha=0.25)
    return ax


def plot_bias_projections(words, before, after, g, ax=None, title=None):
    """Bars of each word's component along the unit bias axis g/||g||, before and after.

    ``before`` and ``after`` map each word to a vector. A component of 0 means the word is
    as close to one end of the axis as to the other.
    """
    import matplotlib.pyplot as plt

    g = np.asarray(g, dtype=np.float64)
    g_hat = g / np.linalg.norm(g)
    b = np.array([np.dot(before[w], g_hat) for w in words])
    a = np.array([np.dot(after[w], g_hat) for w in words])
    if ax is None:
        _, ax = plt.subplots(figsize=(max(7, 0.7 * len(words)), 4.2))
    x = np.arange(len(words))
    ax.bar(x - 0.2, b, width=0.4, label="before", color="#d08c3a")
    ax.bar(x + 0.2, a, width=0.4, label="after", color="#3a78b5")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(words, rotation=35, ha="right")
    ax.set_ylabel("component along g / ||g||")
    ax.set_title(title or "Position along the bias axis, before and after debiasing")
    ax.legend()
    return ax
