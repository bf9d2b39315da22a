"""Hidden graders of sentences_to_indices and pretrained_embedding_layer (references: .reference).

sentences_to_indices: toy vocabularies and real sentences through the learner's own
word_to_index; the dtype is not part of the contract (float zeros or integers both pass).
pretrained_embedding_layer: toy maps of other dimensions inserted in another order than the
indices, and the real 400,001-row layer built from the learner's own containers. The real
layer stays in the learner process: its size, flags and a few rows are read through the
handle (rows 0, 1, 2, the last two and some in between), never its 80 MB of weights.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

from autograde.checks import Feedback, as_float_array, fail
from autograde.grading import RemoteObject
from autograde.runner import StudentError

from . import reference as ref
from .common import EMBEDDING_ATOL, RTOL, calling, glove, held_out_sentences, learner_containers, same, toy_map

exercise = pytest.mark.exercise

# ------------------------------------------------------------------ sentences_to_indices

# (words in the vocabulary, seed, max_len)
INDEX_CASES = [(15, 61, 6), (11, 62, 4), (20, 63, 8)]


@functools.cache
def index_case(case):
    n, seed, max_len = case
    _, word_to_index = toy_map(n, 2, seed)
    w = sorted(word_to_index, key=lambda x: -word_to_index[x])  # some high indices first
    X = np.array([f"{w[0]} zzqv {w[1]} {w[2]}",                     # an unknown word mid-sentence
                  f"{w[3].upper()} {w[4].capitalize()} {w[5]}",     # capitals
                  " ".join(w[6:6 + max_len]),                       # exactly max_len known words
                  f"qqx {w[7]}",                                    # starts with an unknown word
                  "xwkq zzqv",                                      # no known word
                  f"{w[8]} {w[8]} {w[9]}"])                         # a repeated word
    return word_to_index, X, max_len, ref.sentences_to_indices(X, word_to_index, max_len)


def _emulate_indices(X, word_to_index, max_len, *, lower=True, holes=False):
    out = np.zeros((len(X), max_len))
    for i, s in enumerate(X):
        words = (s.lower() if lower else s).split()
        j = 0
        for k, w in enumerate(words):
            if holes:
                if k < max_len:
                    out[i, k] = word_to_index.get(w, 0)
            elif w in word_to_index:
                out[i, j] = word_to_index[w]
                j += 1
    return out


def diagnose_indices(fb: Feedback, X, word_to_index, max_len, got) -> None:
    with fb.probing():
        arr = as_float_array(got)
        if arr is None:
            return
        expected = ref.sentences_to_indices(X, word_to_index, max_len)
        if arr.shape == expected.T.shape and arr.shape != expected.shape:
            fb.diagnose("indices_transposed", "the result should have one row per sentence: shape (m, max_len), not "
                        "(max_len, m).")
        elif same(arr, _emulate_indices(X, word_to_index, max_len, lower=False)):
            fb.diagnose("indices_no_lowercase", "lower-case each sentence before splitting it: the vocabulary's words "
                        "are lower-case.")
        elif same(arr, _emulate_indices(X, word_to_index, max_len, holes=True)):
            fb.diagnose("indices_zero_for_unknown", "skip unknown words: write the next known word in the next column "
                        "(j grows only when a word is found), so no 0 sits between two words.")
        elif any(np.any((row[:-1] == 0) & (row[1:] != 0)) for row in arr):
            fb.diagnose("indices_zero_for_unknown", "a 0 sits between two word indices: skip unknown words, and keep j "
                        "as a counter of the words written (enumerate leaves holes).")


def check_indices(fb: Feedback, got, expected) -> None:
    name = "the matrix returned by sentences_to_indices"
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "iuf":
        fail(f"{name} should be a numpy array of numbers, but it is "
             f"{type(got).__name__ if not isinstance(got, np.ndarray) else got.dtype}.", output=name, kind="type")
    fb.check_array(name, got.astype(np.float64), expected, atol=0.0, rtol=0.0)  # indices: exact


@exercise("sentences_to_indices", weight=2)
@pytest.mark.parametrize("case", INDEX_CASES, ids=[f"vocab{c[0]}-maxlen{c[2]}" for c in INDEX_CASES])
def test_sentences_to_indices_toy(student, feedback, case):
    word_to_index, X, max_len, expected = index_case(case)
    got = student.sentences_to_indices(X, word_to_index, max_len)
    if not same(got, expected, 0.0, 0.0):
        diagnose_indices(feedback, X, word_to_index, max_len, got)
    check_indices(feedback, got, expected)


@functools.cache
def real_index_case():
    X, _ = held_out_sentences()
    word_to_index, _ = glove()
    X = np.concatenate([X[:12], np.array(["I am NOT hungry zzqvx"])])
    return X, ref.sentences_to_indices(X, word_to_index, 10)


@exercise("sentences_to_indices", weight=1)
def test_sentences_to_indices_real(student, feedback):
    _, word_to_index = learner_containers(student)
    X, expected = real_index_case()
    check_indices(feedback, student.sentences_to_indices(X, word_to_index, 10), expected)


# ------------------------------------------------------------------ pretrained_embedding_layer

EMBEDDING_CASES = [(14, 2, 71), (9, 3, 72), (17, 7, 73)]   # (words, dim, seed): other dimensions than 50


def layer_facts(layer) -> dict:
    """Size and flags of a learner's layer, read through its handle (no weights transferred)."""
    if not isinstance(layer, RemoteObject) or not layer.remote_type.endswith(".Embedding"):
        what = layer.remote_type if isinstance(layer, RemoteObject) else type(layer).__name__
        fail(f"pretrained_embedding_layer should return a keras Embedding layer, but it returned {what}.")
    weights = layer.attr("trainable_weights")
    return {"built": layer.attr("built"), "input_dim": layer.attr("input_dim"), "output_dim": layer.attr("output_dim"),
            "trainable": layer.attr("trainable"), "n_trainable": len(weights) if isinstance(weights, list) else 1}


def _count(x) -> str:
    return f"{x:,}" if isinstance(x, int) and not isinstance(x, bool) else repr(x)[:40]


def check_layer_facts(fb: Feedback, facts: dict, vocab: int, dim: int) -> None:
    if facts["built"] is not True:
        fail("the layer is not built: call embedding_layer.build((None,)) before set_weights.",
             output="the embedding's built flag", kind="flag")
    if facts["input_dim"] == vocab - 1:
        fb.diagnose("embedding_no_plus_one", "the embedding needs len(word_to_index) + 1 rows: the words use indices "
                    "1..N and row 0 is kept for padding.")
    if facts["output_dim"] == 50 and dim != 50:
        fb.diagnose("embedding_hardcoded_dimension", "take emb_dim from a word vector of the map, not a hard-coded 50.")
    if (facts["input_dim"], facts["output_dim"]) != (vocab, dim):
        fail(f"the embedding has {_count(facts['input_dim'])} rows of {_count(facts['output_dim'])} numbers; with "
             f"{vocab - 1:,} words of dimension {dim} it should have {vocab:,} rows (index 0 is padding) of {dim}.",
             output="the size of the embedding", kind="size")
    if facts["trainable"] is not False or facts["n_trainable"]:
        fb.diagnose("embedding_trainable", "create the layer with trainable=False: the pre-trained vectors stay frozen "
                    "(0 trainable parameters).")
        fail("the embedding layer is trainable; it should be frozen (trainable=False).", output="the embedding's "
             "trainable flag", kind="flag")


def diagnose_rows(fb: Feedback, matrix_rows: dict[int, np.ndarray], expected_of) -> None:
    """Rows filled one place too early: row i holds the vector of the word with index i + 1."""
    with fb.probing():
        shifted = [i for i, row in matrix_rows.items() if expected_of(i + 1) is not None
                   and same(row, expected_of(i + 1), EMBEDDING_ATOL, RTOL)]
        if shifted and len(shifted) >= len(matrix_rows) // 2:
            fb.diagnose("embedding_rows_off_by_one", "the vector of the word with index i belongs in row i (not "
                        "i - 1): emb_matrix[idx, :] = word_to_vec_map[word]; row 0 stays zero.")


def diagnose_builder_error(fb: Feedback, exc: StudentError) -> None:
    text = exc.message + exc.traceback[-600:]
    if exc.type_name == "ValueError" and ("set_weights" in text or "expecting 0" in text):
        fb.diagnose("embedding_set_weights_before_build", "build the layer first (embedding_layer.build((None,))), "
                    "then set_weights: an Embedding has no weights until it is built.")
    elif exc.type_name == "ValueError" and "broadcast" in text:
        fb.diagnose("embedding_hardcoded_dimension", "take emb_dim from a word vector of the map, not a hard-coded 50.")


def call_builder(student, fb: Feedback, *args):
    return calling(fb, "pretrained_embedding_layer", lambda: student.pretrained_embedding_layer(*args),
                   lambda exc: diagnose_builder_error(fb, exc))


@exercise("pretrained_embedding_layer", weight=2)
@pytest.mark.parametrize("case", EMBEDDING_CASES, ids=[f"dim{c[1]}" for c in EMBEDDING_CASES])
def test_pretrained_embedding_layer_toy(student, feedback, case):
    n, dim, seed = case
    word_to_vec_map, word_to_index = toy_map(n, dim, seed)
    layer = call_builder(student, feedback, word_to_vec_map, word_to_index)
    check_layer_facts(feedback, layer_facts(layer), n + 1, dim)
    weights = layer.call("get_weights")
    if not (isinstance(weights, list) and len(weights) == 1 and isinstance(weights[0], np.ndarray)):
        fail("the embedding layer should hold exactly one weight matrix.")
    expected = ref.embedding_matrix(word_to_vec_map, word_to_index)
    matrix = weights[0].astype(np.float64)
    if matrix.shape == expected.shape and not same(matrix, expected, EMBEDDING_ATOL, RTOL):
        words = {i: w for w, i in word_to_index.items()}
        diagnose_rows(feedback, {i: matrix[i] for i in range(matrix.shape[0])},
                      lambda i: word_to_vec_map[words[i]] if i in words else None)
    feedback.check_array("the embedding matrix", matrix, expected, atol=EMBEDDING_ATOL, rtol=RTOL)


REAL_ROWS = 12   # besides 0, 1, 2 and the last two


@functools.cache
def real_rows() -> tuple[np.ndarray, np.ndarray]:
    """Indices to read and their expected rows (float32, as the layer holds them)."""
    word_to_index, word_to_vec_map = glove()
    n = len(word_to_index)
    rng = np.random.default_rng(77)
    picks = [0, 1, 2, n - 1, n] + sorted(int(i) for i in rng.integers(3, n - 1, REAL_ROWS))
    picks += [word_to_index[w] for w in ("happy", "not", "baseball")]
    words = {i: w for w, i in word_to_index.items() if i in set(picks)}
    rows = np.stack([np.zeros(50) if i == 0 else word_to_vec_map[words[i]] for i in picks])
    return np.asarray(picks, dtype=np.int32), rows.astype(np.float32).astype(np.float64)


@functools.cache
def real_neighbour_rows(picks: tuple[int, ...]) -> dict[int, np.ndarray]:
    word_to_index, word_to_vec_map = glove()
    words = {i: w for w, i in word_to_index.items()}
    return {i: word_to_vec_map[words[i]] for i in picks if i in words}


@exercise("pretrained_embedding_layer", weight=2)
def test_pretrained_embedding_layer_real(student, feedback):
    """The 400,001-row layer from the notebook's own containers: size, frozen, and sampled rows
    read through the layer (an embedding lookup of those indices), never the whole matrix."""
    word_to_vec_map, word_to_index = learner_containers(student)
    layer = call_builder(student, feedback, word_to_vec_map, word_to_index)
    n = len(glove()[0])
    check_layer_facts(feedback, layer_facts(layer), n + 1, 50)
    picks, expected = real_rows()
    looked_up = layer.call("__call__", picks)
    if isinstance(looked_up, RemoteObject):
        looked_up = looked_up.call("numpy")
    rows = as_float_array(looked_up)
    if rows is None or rows.shape != expected.shape:
        fail(f"looking up {len(picks)} indices in the embedding layer gave {np.shape(looked_up)}; expected "
             f"{expected.shape}.")
    if not same(rows, expected, EMBEDDING_ATOL, RTOL):
        neighbours = real_neighbour_rows(tuple(int(i) + 1 for i in picks))
        diagnose_rows(feedback, {int(i): r for i, r in zip(picks, rows) if i > 0}, neighbours.get)
    feedback.check_array("rows of the real embedding", rows, expected, atol=EMBEDDING_ATOL, rtol=RTOL)
