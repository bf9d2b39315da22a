"""w2a2 (Emojify): its TF references against independent numpy computations, the contract's
parameter counts, and the facts its hidden graders rely on. Needs the GloVe store built by
`make setup`."""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import ROOT, grader_module

W2A2 = "w2a2_emojify"


@pytest.fixture(scope="module")
def ref():
    return grader_module(W2A2, "reference")


@pytest.fixture(scope="module")
def common():
    return grader_module(W2A2, "common")


def numpy_v1(X, Y, m, lr, iters, seed, update):
    """The contract's V1 loop, written out in numpy (independent of the TF reference)."""
    n_y, n_h = len(np.unique(Y)), next(iter(m.values())).shape[0]
    np.random.seed(seed)
    W = np.random.randn(n_y, n_h) / np.sqrt(n_h)
    b = np.zeros(n_y)
    Y_oh = np.eye(n_y)[Y]
    avgs = []
    for s in X:
        found = [m[w] for w in s.lower().split() if w in m]
        avgs.append(np.mean(found, axis=0) if found else np.zeros(n_h))
    pred = None
    for t in range(iters):
        dW, db = np.zeros_like(W), np.zeros_like(b)
        for i in range(len(Y)):
            z = W @ avgs[i] + b
            a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            dz = a - Y_oh[i]
            if update == "sgd":
                W, b = W - lr * np.outer(dz, avgs[i]), b - lr * dz
            else:
                dW, db = dW + np.outer(dz, avgs[i]), db + dz
                W, b = W - lr * dW, b - lr * db
        if t % 100 == 0:
            pred = np.array([[np.argmax(W @ a + b)] for a in avgs], dtype=float)
    return pred, W, b


def test_v1_reference_against_numpy(ref, common):
    grader = grader_module(W2A2, "test_v1")
    for case in grader.MODEL_CASES:
        X, Y, m, _, lr, iters = grader.model_args(case)
        for update in ref.UPDATES:
            pred, W, b = ref.train_v1(X, Y, m, lr, iters, seed=grader.grader_seed(case), update=update)
            n_pred, n_W, n_b = numpy_v1(X, Y, m, lr, iters, grader.grader_seed(case), update)
            assert np.allclose(W, n_W, atol=1e-12) and np.allclose(b, n_b, atol=1e-12)
            assert np.array_equal(pred, n_pred)
    # the toy sets are separable: the default run (400 passes) learns its set perfectly
    X, Y, m, _, lr, iters = grader.model_args(grader.MODEL_CASES[0])
    pred, _, _ = ref.train_v1(X, Y, m, lr, iters, seed=grader.grader_seed(grader.MODEL_CASES[0]))
    assert np.array_equal(pred.reshape(-1), Y)


def test_averages_indices_and_embedding_matrix(ref, common):
    m, index = common.toy_map(9, 3, 5)
    words = sorted(index)
    sentence = f"{words[0].upper()} zzqv {words[1]} {words[1]}"
    assert np.allclose(ref.sentence_to_avg(sentence, m), (m[words[0]] + 2 * m[words[1]]) / 3, atol=1e-15)
    assert np.array_equal(ref.sentence_to_avg("zzqv xwk", m), np.zeros(3))
    X = np.array([sentence, "qq " + words[2]])
    assert ref.sentences_to_indices(X, index, 5).tolist() == [[1, 2, 2, 0, 0], [3, 0, 0, 0, 0]]
    matrix = ref.embedding_matrix(m, index)
    assert matrix.shape == (10, 3) and np.array_equal(matrix[0], np.zeros(3))
    assert all(np.array_equal(matrix[i], m[w]) for w, i in index.items())
    # insertion order of a toy map is not its index order (a matrix filled in map order shows)
    assert list(m) != sorted(m) and list(m) != sorted(m, reverse=True)


def test_unknown_tokens_are_unknown(common):
    grader = grader_module(W2A2, "test_v1")
    for case in grader.AVG_MAPS:
        m, _ = common.toy_map(*case)
        assert not set(grader.UNKNOWN) & set(m)
    word_to_index, word_to_vec_map = common.glove()
    for token in ("zzqvx", "qqzx"):
        assert token not in word_to_index and token not in word_to_vec_map


def test_contract_parameter_counts(ref, common):
    """CURRICULUM's table: 20,223,927 parameters (223,877 trainable) at maxLen 10; the toy variant
    (maxLen 4, 2-D vectors, 15-row embedding): Embedding 30, LSTMs 67,072 and 131,584, Dense 645."""
    toy = ref.build_model((4,), np.zeros((15, 2)))
    counts = sorted(layer.count_params() for layer in toy.layers if layer.count_params())
    assert counts == [30, 645, 67_072, 131_584]
    tail = ref.build_tail(10, 50)
    assert tail.count_params() == ref.PARAMETERS["trainable"]
    grader = grader_module(W2A2, "test_emojify_v2")
    structure, weights, inputs, expected, _ = grader.real_reference()
    assert structure.params == ref.PARAMETERS["total"]
    assert sum(w.size for w in weights.values()) == ref.PARAMETERS["trainable"]
    assert inputs.shape == (56, 10) and expected.shape == (56, 5)


def test_reference_predictions_are_the_manifests(ref):
    """The graders' expected probabilities are the reference model's, whose held-out accuracy
    the manifest records."""
    grader = grader_module(W2A2, "test_emojify_v2")
    _, _, _, expected, _ = grader.real_reference()
    manifest = json.loads((ROOT / "graders" / "references" / W2A2 / "manifest.json").read_text())
    probe = np.load(ROOT / "graders" / "references" / W2A2 / "probe_predictions.npy")
    assert np.allclose(expected, probe, atol=1e-5)
    _, Y = ref.read_csv("test_emoji.csv")
    assert np.mean(expected.argmax(axis=1) == Y) == pytest.approx(manifest["metrics"]["test_accuracy"])


def test_toy_reference_is_not_degenerate(ref):
    """The toy model's seeded random weights give probabilities that differ between sentences
    (so a model that ignores its input, or a layer out of place, shows)."""
    grader = grader_module(W2A2, "test_emojify_v2")
    _, _, inputs, expected, _ = grader.toy_reference()
    assert np.allclose(expected.sum(axis=1), 1.0, atol=1e-6)
    assert np.ptp(expected, axis=0).max() > 0.05
    assert (inputs == 0).any() and (inputs > 0).all(axis=1).any()
