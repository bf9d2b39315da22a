"""Public checks for the "Emojify" assignment.

Each ``*_test`` function checks what any correct implementation does, on small toy maps whose
vectors have other lengths than 50 (so a hard-coded 50 or 5 shows up):

- ``sentence_to_avg_test``: shape, unknown words skipped (the average is over the words
  found), upper-case words, a sentence with no known word;
- ``model_test``: shapes of W, b and pred, the two-class symmetry b[0] = -b[1], a separable
  toy set learned perfectly, and no reseeding inside the function;
- ``sentences_to_indices_test``: shape, indices in order with unknown words dropped and the
  padding left at 0;
- ``pretrained_embedding_layer_test``: size, frozen, row i holds the vector of the word with
  index i and row 0 is zero;
- ``Emojify_V2_test``: the layers of the model built on a toy map (maxLen 4, 2-D vectors).

The hidden graders check values against references on other inputs. A failing check raises an
error with one sentence that says what is wrong (see checkkit.py).
"""
import contextlib
import io

import numpy as np

from checkkit import public_check

__all__ = ["sentence_to_avg_test", "model_test", "sentences_to_indices_test", "pretrained_embedding_layer_test",
           "Emojify_V2_test"]


def _require(condition, message):
    if not condition:
        raise AssertionError(message)


def _toy_vectors(dim, seed, words):
    rng = np.random.default_rng(seed)
    return {w: rng.normal(0.0, 1.0, dim) for w in words}


TOY_WORDS = ["apple", "ball", "cat", "dance", "eat", "fun", "good", "happy", "joy", "kiss", "love", "not",
             "play", "sad"]  # 14 words: with the padding row, a 15-row embedding


def _toy_index(words=TOY_WORDS):
    return {w: i for i, w in enumerate(sorted(words), start=1)}


# --------------------------------------------------------------------------------------
# Exercise 1: sentence_to_avg
# --------------------------------------------------------------------------------------

@public_check("sentence_to_avg")
def sentence_to_avg_test(target):
    m = _toy_vectors(3, 1, ["i", "love", "you", "pizza"])
    saved = {w: v.copy() for w, v in m.items()}
    avg = target("i love you", m)
    _require(isinstance(avg, np.ndarray) and avg.shape == (3,),
             f"sentence_to_avg returned {type(avg).__name__} of shape {np.shape(avg)}; with 3-dimensional vectors "
             "it should be an array of shape (3,). Take the shape from a vector of the map, not a hard-coded 50.")
    _require(np.allclose(avg, (m["i"] + m["love"] + m["you"]) / 3),
             "sentence_to_avg('i love you') is not the mean of the three word vectors.")
    _require(all(np.array_equal(m[w], saved[w]) for w in m),
             "sentence_to_avg changed the vectors of word_to_vec_map: build the sum in a new array "
             "(avg = avg + v, not v += ...).")
    got = target("I LOVE Pizza", m)
    _require(np.allclose(got, (m["i"] + m["love"] + m["pizza"]) / 3),
             "sentence_to_avg('I LOVE Pizza') should lower-case the sentence before splitting it.")
    try:
        got = target("i love zzzunknown", m)
    except KeyError as exc:
        raise AssertionError(f"sentence_to_avg raised KeyError {exc} on a word that is not in the map: skip the "
                             "words that are not in word_to_vec_map.") from None
    if np.allclose(got, (m["i"] + m["love"]) / 3):
        raise AssertionError("With one unknown word among three, the average was divided by 3: divide by the number "
                             "of words FOUND in the map (2 here), not by the number of words of the sentence.")
    _require(np.allclose(got, (m["i"] + m["love"]) / 2),
             "sentence_to_avg('i love zzzunknown') should be the mean of the vectors of 'i' and 'love'.")
    with np.errstate(all="ignore"):
        try:
            none = target("zzz qqq", m)
        except ZeroDivisionError:
            raise AssertionError("sentence_to_avg divided by zero on a sentence with no known word: return the "
                                 "zero vector when no word was found.") from None
    _require(np.shape(none) == (3,) and np.all(np.asarray(none) == 0),
             "A sentence with no word in the map should give the zero vector of the map's dimension (no NaN).")


# --------------------------------------------------------------------------------------
# Exercise 2: model
# --------------------------------------------------------------------------------------

def _separable(dim, classes, seed):
    rng = np.random.default_rng(seed)
    words, X, Y = {}, [], []
    for c in range(classes):
        center = np.zeros(dim)
        center[c % dim] = 3.0 if c < dim else -3.0
        for k in range(4):
            words[f"w{c}x{k}"] = center + rng.normal(0.0, 0.3, dim)
    for c in range(classes):
        for k in range(4):
            X.append(f"w{c}x{k} w{c}x{(k + 1) % 4}")
            Y.append(c)
    order = rng.permutation(len(Y))
    return words, np.asarray(X)[order], np.asarray(Y)[order]


def _run_model(target, X, Y, m, seed, **kwargs):
    np.random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):
        out = target(X, Y, m, **kwargs)
    _require(isinstance(out, tuple) and len(out) == 3, "model should return the tuple (pred, W, b).")
    return out


@public_check("model")
def model_test(target):
    m, X, Y = _separable(4, 3, 7)
    pred, W, b = _run_model(target, X, Y, m, seed=3, num_iterations=101)
    _require(np.shape(W) == (3, 4),
             f"W has shape {np.shape(W)}; with 3 classes and 4-dimensional vectors it should be (3, 4) = (n_y, n_h). "
             "Read n_y from the labels and n_h from a word vector instead of hard-coding 5 and 50.")
    _require(np.shape(b) == (3,), f"b has shape {np.shape(b)}; it should be (n_y,) = (3,).")
    _require(pred is not None and np.size(pred) == len(Y),
             "pred should hold one prediction per sentence (the result of predict at the last report).")
    _require(np.all(np.isfinite(W)) and np.all(np.isfinite(b)), "W or b contains NaN or infinite values.")
    accuracy = np.mean(np.asarray(pred).reshape(-1) == Y)
    if accuracy < 0.5:
        raise AssertionError(f"On a separable toy set the model reaches only {accuracy:.0%}: check the sign of the "
                             "update (W = W - learning_rate * dW) and dz = a - Y_oh[i].")
    _require(accuracy == 1.0, f"On a separable toy set the model should reach 100% accuracy, got {accuracy:.0%}.")

    pred2, W2, _ = _run_model(target, X, Y, m, seed=4, num_iterations=1)
    _require(not np.allclose(W2, _run_model(target, X, Y, m, seed=5, num_iterations=1)[1]),
             "model gives the same W for different seeds set before the call: do not call np.random.seed inside "
             "model (the caller seeds).")

    m2, X2, Y2 = _separable(3, 2, 9)
    _, W3, b3 = _run_model(target, X2, Y2, m2, seed=1, num_iterations=3)
    _require(np.shape(W3) == (2, 3), f"With 2 classes and 3-dimensional vectors W should be (2, 3), got {np.shape(W3)}.")
    _require(np.allclose(b3[0], -b3[1]), "With two classes b[0] should stay equal to -b[1] (the two entries of dz sum "
             "to 0). Check db = dz and the one-hot labels.")


# --------------------------------------------------------------------------------------
# Exercise 3: sentences_to_indices
# --------------------------------------------------------------------------------------

@public_check("sentences_to_indices")
def sentences_to_indices_test(target):
    word_to_index = _toy_index()
    X = np.array(["i love cat", "Happy JOY fun", "play not zzz ball", "eat"])
    out = target(X, word_to_index, 5)
    _require(isinstance(out, np.ndarray), f"sentences_to_indices should return a numpy array, got {type(out).__name__}.")
    if out.shape == (5, 4):
        raise AssertionError("The result has shape (max_len, m) = (5, 4): it should be (m, max_len) = (4, 5), "
                             "one row per sentence.")
    _require(out.shape == (4, 5), f"The result has shape {out.shape}; with 4 sentences and max_len 5 it should be (4, 5).")
    idx = word_to_index
    expected = np.array([[idx["love"], idx["cat"], 0, 0, 0],
                         [idx["happy"], idx["joy"], idx["fun"], 0, 0],
                         [idx["play"], idx["not"], idx["ball"], 0, 0],
                         [idx["eat"], 0, 0, 0, 0]])
    holes = any(np.any((row[:-1] == 0) & (row[1:] != 0)) for row in np.asarray(out))
    if holes:
        raise AssertionError("A 0 sits before a word index in a row: skip unknown words and write the next known word "
                             "in the next column (keep j as a counter that grows only for known words; enumerate "
                             "leaves holes).")
    if np.array_equal(out[1], [idx["fun"], 0, 0, 0, 0]):
        raise AssertionError("'Happy JOY fun' gave only the index of 'fun': lower-case each sentence before splitting it.")
    _require(np.array_equal(out, expected),
             "The indices are not right: each row should hold the indices of the sentence's known words, in order, "
             "from column 0, followed by zeros. Unknown words ('i' and 'zzz' here) are skipped.")


# --------------------------------------------------------------------------------------
# Exercise 4: pretrained_embedding_layer
# --------------------------------------------------------------------------------------

@public_check("pretrained_embedding_layer")
def pretrained_embedding_layer_test(target):
    import keras

    vectors = _toy_vectors(2, 4, TOY_WORDS[::-1])   # inserted in another order than the indices
    word_to_index = _toy_index()
    layer = target(vectors, word_to_index)
    _require(isinstance(layer, keras.layers.Embedding),
             f"pretrained_embedding_layer should return a keras Embedding layer, got {type(layer).__name__}.")
    _require(layer.built, "The layer is not built: call embedding_layer.build((None,)) before set_weights.")
    weights = layer.get_weights()
    _require(len(weights) == 1, f"The layer should hold one weight matrix, it holds {len(weights)}.")
    matrix = weights[0]
    vocab = len(word_to_index) + 1
    if matrix.shape == (vocab - 1, 2):
        raise AssertionError(f"The embedding has {vocab - 1} rows: it needs len(word_to_index) + 1 = {vocab}, because "
                             "index 0 is kept for padding and the words use indices 1..N.")
    _require(matrix.shape == (vocab, 2),
             f"The embedding matrix has shape {matrix.shape}; with {vocab - 1} words of dimension 2 it should be "
             f"({vocab}, 2). Read the dimension from a word vector, not a hard-coded 50.")
    _require(not layer.trainable and len(layer.trainable_weights) == 0,
             "The embedding layer is trainable: create it with trainable=False so the GloVe vectors stay frozen.")
    first = min(word_to_index, key=word_to_index.get)
    if np.allclose(matrix[word_to_index[first] - 1], vectors[first], atol=1e-6):
        raise AssertionError("The rows are shifted by one: the vector of the word with index i belongs in row i "
                             "(row 0 stays zero).")
    _require(np.allclose(matrix[0], 0), "Row 0 (padding) of the embedding matrix should be zeros.")
    for word, i in word_to_index.items():
        _require(np.allclose(matrix[i], vectors[word], atol=1e-6),
                 f"Row {i} of the embedding should be the vector of {word!r}, the word with index {i}.")


# --------------------------------------------------------------------------------------
# Exercise 5: Emojify_V2
# --------------------------------------------------------------------------------------

EXPECTED_V2_TOY = [  # (class, output shape, parameters) for maxLen 4, 2-D vectors, 15-row embedding
    ("InputLayer", (None, 4), 0), ("Embedding", (None, 4, 2), 30), ("LSTM", (None, 4, 128), 67_072),
    ("Dropout", (None, 4, 128), 0), ("LSTM", (None, 128), 131_584), ("Dropout", (None, 128), 0),
    ("Dense", (None, 5), 645), ("Activation", (None, 5), 0)]


def _records(model):
    out = []
    for layer in model.layers:
        shape = tuple(layer.output.shape) if getattr(layer, "output", None) is not None else None
        out.append((type(layer).__name__, shape, int(layer.count_params()), layer))
    return out


@public_check("Emojify_V2")
def Emojify_V2_test(target):
    import keras

    vectors = _toy_vectors(2, 5, TOY_WORDS)
    word_to_index = _toy_index()
    model = target((4,), vectors, word_to_index)
    _require(isinstance(model, keras.Model), f"Emojify_V2 should return a keras Model, got {type(model).__name__}.")
    records = _records(model)
    kinds = sorted(r[0] for r in records)
    expected_kinds = sorted(r[0] for r in EXPECTED_V2_TOY)
    if kinds.count("Dropout") < 2:
        raise AssertionError(f"The model has {kinds.count('Dropout')} Dropout layer(s); it needs two, one after "
                             "each LSTM, with rate 0.5.")
    if "Activation" not in kinds:
        dense = [r[3] for r in records if r[0] == "Dense"]
        if dense and getattr(dense[0].activation, "__name__", "") == "softmax":
            raise AssertionError("The softmax is inside the Dense layer: use Dense(5) (linear) followed by its own "
                                 "Activation('softmax') layer.")
    _require(kinds == expected_kinds,
             f"The model's layers are {kinds}; expected {expected_kinds}.")
    inputs = model.inputs
    _require(len(inputs) == 1 and tuple(inputs[0].shape) == (None, 4),
             f"The model's input should have shape (None, 4) for input_shape (4,), got "
             f"{[tuple(i.shape) for i in inputs]}.")
    _require("int" in str(inputs[0].dtype), f"The input should have dtype int32 (word indices), got {inputs[0].dtype}.")
    emb = [r for r in records if r[0] == "Embedding"][0]
    _require(emb[2] == 30, f"The embedding has {emb[2]} parameters; with 14 words (15 rows) of dimension 2 it should "
             "have 30: use pretrained_embedding_layer(word_to_vec_map, word_to_index).")
    _require(not emb[3].trainable, "The embedding layer is trainable: it must stay frozen (trainable=False).")
    lstms = [r for r in records if r[0] == "LSTM"]
    seq = [r for r in lstms if r[3].return_sequences]
    _require(len(seq) == 1 and seq[0][1] == (None, 4, 128),
             "The first LSTM(128) should return the whole sequence (return_sequences=True) and the second only its "
             "last output (return_sequences=False).")
    for name, shape, params in EXPECTED_V2_TOY:
        if name == "InputLayer":
            continue
        found = [r for r in records if r[0] == name and r[1] == shape and r[2] == params]
        _require(found, f"No {name} layer with output shape {shape} and {params:,} parameters; check the order of "
                 "the stack: Embedding, LSTM(128, seq), Dropout(0.5), LSTM(128), Dropout(0.5), Dense(5), "
                 "Activation('softmax').")
    for r in records:
        if r[0] == "Dropout":
            _require(abs(float(r[3].rate) - 0.5) < 1e-9, f"A Dropout layer has rate {r[3].rate}; use 0.5.")
        if r[0] == "Dense":
            _require(getattr(r[3].activation, "__name__", "") == "linear",
                     "The Dense layer should be linear (Dense(5)); the softmax is the separate Activation layer.")
    _require(tuple(model.outputs[0].shape) == (None, 5), f"The output should have shape (None, 5), got "
             f"{tuple(model.outputs[0].shape)}.")
    probabilities = np.asarray(model(np.array([[1, 2, 3, 0], [4, 0, 0, 0]], dtype=np.int32)))
    _require(np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5),
             "The model's outputs should be probabilities that sum to 1 (softmax over the 5 classes).")
