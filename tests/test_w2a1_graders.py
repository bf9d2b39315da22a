"""w2a1 (word vectors): its TF references against independent numpy computations, and the
facts its hidden graders rely on (toy-map geometry, real-vector analogies on which both
exclusion rules agree). Needs the GloVe store built by `make setup`."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import grader_module

W2A1 = "w2a1_word_vectors"


@pytest.fixture(scope="module")
def ref():
    return grader_module(W2A1, "reference")


@pytest.fixture(scope="module")
def common():
    return grader_module(W2A1, "common")


def np_cos(u, v):
    return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def test_cosine_reference_and_guards(ref):
    rng = np.random.default_rng(0)
    for dim in (3, 50):
        u, v = rng.normal(size=dim), rng.normal(size=dim)
        assert abs(ref.cosine_similarity(u, v) - np_cos(u, v)) < 1e-14
    assert ref.cosine_similarity(np.zeros(4), np.zeros(4)) == 1.0
    assert ref.cosine_similarity(np.zeros(4), np.ones(4)) == 0.0
    assert ref.cosine_similarity(np.ones(3), -np.ones(3)) == pytest.approx(-1.0, abs=1e-15)


def test_real_cosines_quoted_in_the_notebook(common):
    v = common.real_vector
    assert round(np_cos(v("father"), v("mother")), 4) == 0.8909
    assert round(np_cos(v("ball"), v("crocodile")), 4) == 0.2744


def test_neutralize_and_equalize_references(ref):
    rng = np.random.default_rng(1)
    for dim, scale in ((5, 0.3), (50, 2.0)):
        e1, e2, g = rng.normal(0, scale, dim), rng.normal(0, scale, dim), rng.normal(0, 1.3, dim)
        out = ref.neutralize(e1, g)
        assert abs(np.dot(out, g)) < 1e-12 * np.linalg.norm(e1) * np.linalg.norm(g)
        assert np.allclose(out, e1 - np.dot(e1, g) / np.dot(g, g) * g, atol=1e-14)
        mu = (e1 + e2) / 2
        mu_orth = mu - np.dot(mu, g) / np.dot(g, g) * g
        forms = {d: ref.equalize(e1, e2, g, d) for d in ref.DENOMINATORS}
        for a, b in forms.values():
            assert np_cos(a, g) == pytest.approx(-np_cos(b, g), abs=1e-12)
            for x in (a, b):
                assert np.allclose(x - np.dot(x, g) / np.dot(g, g) * g, mu_orth, atol=1e-12)
        # the 2021 form puts the bias components exactly sqrt(|1 - ||mu_orth||^2|) from mu_orth
        a, _ = forms["bias"]
        assert np.linalg.norm(a - mu_orth) == pytest.approx(np.sqrt(abs(1 - np.sum(mu_orth ** 2))), rel=1e-12)
        assert not np.allclose(forms["bias"][0], forms["full"][0])  # the two forms differ: both are graded


def test_toy_maps_have_clear_designed_answers(ref):
    assert ref.check_toy_maps() == []


def test_real_analogies_agree_under_both_exclusion_rules(ref, common):
    """The real-vector analogies have one clear answer under both exclusion rules, on the whole
    400,000-word map and on the sub-map of frequent words the grader gives the learner."""
    words, matrix, row = common.glove()
    grader = grader_module(W2A1, "test_similarity")
    for size in (len(words), grader.FREQUENT, grader.SUBSET):
        rows = np.array(list(dict.fromkeys(list(range(size)) + [row[w] for q in grader.REAL for w in q])))
        sub_words, sub_matrix = [words[i] for i in rows], matrix[rows]
        local = {w: i for i, w in enumerate(sub_words)}
        for a, b, c, answer in grader.REAL:
            scores = ref.analogy_scores(sub_matrix[local[a]], sub_matrix[local[b]], sub_matrix[local[c]], sub_matrix)
            scores[local[c]] = -np.inf
            order = np.argsort(-scores, kind="stable")
            assert sub_words[order[0]] == answer
            assert answer not in (a, b) and scores[order[0]] - scores[order[1]] > 0.01  # no near-tie
            scores[[local[a], local[b]]] = -np.inf  # the older rule skips a and b as well
            assert sub_words[int(np.argmax(scores))] == answer
    for size in (grader.FREQUENT, grader.SUBSET):
        assert len(grader.sub_map(size)) < 10_000  # one protocol message
        assert grader.sub_map_expected(size) == {q: q[3] for q in grader.REAL}
